package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// feed runs lines through an assembler and returns the statements it
// produced, including what Flush returns at the end when flush is set.
func feed(interactive, flush bool, lines ...string) []statement {
	a := newAssembler(interactive)
	var out []statement
	for _, l := range lines {
		if s, ok := a.Add(l); ok {
			out = append(out, s)
		}
	}
	if flush {
		if s, ok := a.Flush(); ok {
			out = append(out, s)
		}
	}
	return out
}

func TestAssemblerInteractive(t *testing.T) {
	f := func(name string, lines []string, want ...statement) {
		t.Helper()
		got := feed(true, false, lines...)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: statements differ (-want +got):\n%s", name, diff)
		}
	}
	L := func(l ...string) []string { return l }
	q := func(text string, line int) statement { return statement{Text: text, Line: line, Raw: text} }
	d := func(text string, line int) statement { return statement{Text: text, Line: line, Dot: true, Raw: text} }
	// semi: Raw is the text as typed, final ';' and comment included.
	semi := func(text string, line int, raw string) statement {
		return statement{Text: text, Line: line, Semi: true, Raw: raw}
	}

	f("one line waits for the empty line", L("UrlClickEvents | take 3"))
	f("one line then empty", L("UrlClickEvents | take 3", ""), q("UrlClickEvents | take 3", 1))
	f("whitespace-only line runs", L("T", "  \t"), q("T", 1))
	f("two-line pipe", L("UrlClickEvents", "| count", ""), q("UrlClickEvents\n| count", 1))
	f("indented pipe", L("UrlClickEvents", "    | where x > 1", "    | count", ""), q("UrlClickEvents\n    | where x > 1\n    | count", 1))
	f("empty lines before a query are skipped", L("", "", "T", ""), q("T", 3))
	f("semicolon runs a tabular statement", L("UrlClickEvents | count;"), semi("UrlClickEvents | count", 1, "UrlClickEvents | count;"))
	f("semicolon with trailing comment", L("T | count; // why"), semi("T | count", 1, "T | count; // why"))
	f("let waits", L("let x = 3;"))
	f("let then query with semicolon", L("let x = 3;", "T | take x;"), semi("let x = 3;\nT | take x", 1, "let x = 3;\nT | take x;"))
	f("let then query with empty line", L("let x = 3;", "T | take x", ""), q("let x = 3;\nT | take x", 1))
	f("let and query on one line", L("let x = 3; T | take x;"), semi("let x = 3; T | take x", 1, "let x = 3; T | take x;"))
	f("let with tabular body waits", L("let t = T | where a == 1;"))
	f("multi-line let body", L("let f = (n:long) {", "  T | take n;", "};", "f(3);"), semi("let f = (n:long) {\n  T | take n;\n};\nf(3)", 1, "let f = (n:long) {\n  T | take n;\n};\nf(3);"))
	f("semicolon inside a string", L(`T | where Url == "a;"`, ""), q(`T | where Url == "a;"`, 1))
	f("semicolon inside a string is not the end", L(`T | where Url == "a;"`))
	f("semicolon in verbatim string", L(`T | where Url == @'c:\x;'`))
	f("semicolon in comment", L("T // a;"))
	f("dot command", L(".tables"), d(".tables", 1))
	f("dot command trimmed", L("  .schema T  "), d(".schema T", 1))
	f("dot inside a query is text", L("T", ".5", ""), q("T\n.5", 1))
	f("statements in a row", L("A", "", ".help", "B;", "C", "", ""), q("A", 1), d(".help", 3), semi("B", 4, "B;"), q("C", 5))
	f("comment-only chunk skipped", L("// just a note", ""))
	f("comment belongs to query", L("// note", "T", ""), q("// note\nT", 1))
}

func TestAssemblerReset(t *testing.T) {
	a := newAssembler(true)
	a.Add("UrlClickEvents")
	if !a.Pending() {
		t.Fatal("Pending() = false after a line")
	}
	a.Reset()
	if a.Pending() {
		t.Fatal("Pending() = true after Reset")
	}
	s, ok := a.Add("T")
	if ok {
		t.Fatalf("Add returned %+v", s)
	}
	s, ok = a.Add("")
	if !ok || s.Text != "T" || s.Line != 2 {
		t.Fatalf("after Reset got %+v, %v; want T at line 2", s, ok)
	}
}

func TestSplitBatch(t *testing.T) {
	f := func(name, text string, want ...statement) {
		t.Helper()
		got := splitBatch(text)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: statements differ (-want +got):\n%s", name, diff)
		}
	}
	q := func(text string, line int) statement { return statement{Text: text, Line: line, Raw: text} }

	f("empty", "")
	f("only blank lines", "\n \n\t\n")
	f("one query, no final newline", "T | count", q("T | count", 1))
	f("one query", "T\n| count\n", q("T\n| count", 1))
	f("two queries", "A\n| count\n\nB\n| take 1\n", q("A\n| count", 1), q("B\n| take 1", 4))
	f("several blank lines and whitespace-only ones", "\n\nA\n  \n\t\n\nB\n", q("A", 3), q("B", 7))
	f("comments belong to the next query",
		"// first hunt\nA\n\n// second\n// hunt\nB | count\n",
		q("// first hunt\nA", 1), q("// second\n// hunt\nB | count", 4))
	f("comment-only chunk skipped", "// header\n// only\n\nA\n\n// trailing note\n", q("A", 4))
	f("semicolons do not split a batch", "let x = 1;\nT | take x;\n", q("let x = 1;\nT | take x;", 1))
	f("dot lines are text in a batch", ".tables\n", q(".tables", 1))
	f("CRLF", "A\r\n| count\r\n\r\nB\r\n", q("A\n| count", 1), q("B", 4))
	f("BOM", "\ufeffA\n", q("A", 1))
	f("comment lines inside a query", "A\n// mid\n| count\n", q("A\n// mid\n| count", 1))
}

func TestHasTabular(t *testing.T) {
	f := func(text string, want bool) {
		t.Helper()
		if got := hasTabular(text); got != want {
			t.Errorf("hasTabular(%q) = %v, want %v", text, got, want)
		}
	}
	f("", false)
	f("let x = 1;", false)
	f("let x = 1; let y = 2;", false)
	f("let t = T | take 1;", false)
	f("let f = () { T; };", false)
	f("let x = 1; T", true)
	f("T | count", true)
	f("// c\nT;", true)
	f("set notruncation; T", true)
	f("set notruncation;", false)
}

func TestTrimFinalSemicolon(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := trimFinalSemicolon(in); got != want {
			t.Errorf("trimFinalSemicolon(%q) = %q, want %q", in, got, want)
		}
	}
	f("T;", "T")
	f("T ;  // c", "T")
	f(`T | where a == ";"`, `T | where a == ";"`)
	f("let x=1;\nT;", "let x=1;\nT")
}
