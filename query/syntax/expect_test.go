package syntax

import (
	"slices"
	"testing"
)

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

func TestNames(t *testing.T) {
	got := Names("let x = 1;\nUrlClickEvents | where Url has 'a' and ['Odd Name'] == x // Comment\n| join (EmailEvents) on NetworkMessageId | summarize count() by Url")
	// Operator names that are not reserved words lex as names too.
	want := []string{"x", "UrlClickEvents", "where", "Url", "join", "EmailEvents", "on", "NetworkMessageId", "summarize", "count"}
	if !slices.Equal(got, want) {
		t.Errorf("Names = %q, want %q", got, want)
	}
	if got := Names(`T | where x == "unterminated | y`); !slices.Equal(got, []string{"T", "where", "x"}) {
		t.Errorf("Names of text that stops lexing = %q", got)
	}
}
