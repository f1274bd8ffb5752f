package exec

import "testing"

// scalarCheck returns a function that evaluates one scalar expression on the
// first row of the click table and compares its type and rendered value.
func scalarCheck(t *testing.T) func(expr, typ, want string) {
	return func(expr, typ, want string) {
		t.Helper()
		check(t, "UrlClickEvents | take 1 | extend x = "+expr+" | project x", "x:"+typ+"\n"+want+"\n", false)
	}
}

// columnCheck evaluates an expression over every row (in table order) and
// compares the rendered values.
func columnCheck(t *testing.T) func(expr, typ string, want ...string) {
	return func(expr, typ string, want ...string) {
		t.Helper()
		s := "x:" + typ + "\n"
		for _, w := range want {
			s += w + "\n"
		}
		check(t, "UrlClickEvents | extend x = "+expr+" | project x", s, false)
	}
}
