package query

import "testing"

// A misspelt operator gets the registered operator closest to it.
func TestParseSuggestsOperator(t *testing.T) {
	f := func(q, want string) {
		t.Helper()
		err := Check(nil, q)
		if err == nil || err.Error() != want {
			t.Errorf("Check(%q) = %v, want %q", q, err, want)
		}
	}
	f(`print x = 1 | wher x > 0`, `1:15: unexpected "wher", expected operator (did you mean 'where'?)`)
	f(`print x = 1 | summarise count()`, `1:15: unexpected "summarise", expected operator (did you mean 'summarize'?)`)
	f(`print x = 1 | projectaway x`, `1:15: unexpected "projectaway", expected operator (did you mean 'project-away'?)`)
	f(`print x = 1 | zzzzzz`, `1:15: unexpected "zzzzzz", expected operator`)
}
