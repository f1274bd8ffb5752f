package syntax

import "testing"

// firstExpected reduces participle's grammar notation to what may come next.
func TestFirstExpected(t *testing.T) {
	f := func(raw, want string) {
		t.Helper()
		if got := firstExpected(raw); got != want {
			t.Errorf("firstExpected(%q) = %q, want %q", raw, got, want)
		}
	}
	f(`"by" SortKey ("," SortKey)*`, `"by"`)
	f(`(Arg ("," Arg)*)? ")"`, `expression or ")"`)
	f(`("first" | "last")`, `"first" or "last"`)
	f(`<ident> "=" (FuncDef | Pipeline)`, `a name`)
	f(`ParsePart+`, `parse pattern`)
	f(`(<ident> | <qident>) ("," (<ident> | <qident>))*`, `a name or a ['quoted name']`)
	f(`Expr`, `expression`)
}
