package syntax

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that its errors are *Error with a
// 1-based position inside the text, and that whatever parses prints as KQL
// that parses back to the same tree. More seeds sit in testdata/fuzz/FuzzParse.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 60s ./query/syntax/
func FuzzParse(f *testing.F) {
	add := func(q, _ string) {
		// Megabyte seeds (the too-long query) slow every mutation and
		// minimization down: leave them to the unit tests.
		if len(q) <= maxSeedLen {
			f.Add(q)
		}
	}
	successCases(add)
	failureCases(add)
	for _, q := range trickyInputs() {
		add(q, "")
	}
	f.Fuzz(func(t *testing.T, q string) {
		s, err := Parse(q)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q): error %T %v is not *Error", q, err, err)
			}
			if perr.Pos.Line < 1 || perr.Pos.Col < 1 {
				t.Fatalf("Parse(%q): error %v has no 1-based position", q, err)
			}
			if lines := strings.Count(q, "\n") + 1; perr.Pos.Line > lines {
				t.Fatalf("Parse(%q): error %v is past the last line, %d", q, err, lines)
			}
			return
		}
		checkRoundTrip(t, q, s)
	})
}

const maxSeedLen = 32 << 10

// trickyInputs are seeds aimed at the lexer, the limits and the printer.
func trickyInputs() []string {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	return []string{
		deep("(", ")", 200),
		deep("(", ")", 201),
		deep("(", ")", 10000),
		"T | where " + deep("a[", "]", 200),
		"T | where " + deep("f(", ")", 200),
		strings.Repeat("(", 10000),
		strings.Repeat(")", 10000),
		"T | where A == \xff\xfe",
		"T | where A == \"\xff\"",
		"T\x00| count",
		"T | where A == \"\x00\"",
		strings.Repeat("x", 30000),
		"T | project " + strings.Repeat("y", 10000) + " = 1",
		"T | where A in (" + strings.Repeat("1, ", 200) + "1)",
		"T" + strings.Repeat(" | take 1", 200),
		strings.Repeat("a + ", 200) + "a",
		"datetime (x)",
		"time (1d) + timespan (x)",
		"datetime(now())",
		"-datetime (x)",
		"1.e5 + 1d.h",
		"@\"\\\" (((",
		"// don't (\nT",
		"'\\\n'",
		"\"\\",
		"h@'x'''",
		"T | where A !in~ (1) and B !between (1 .. 2) and C matches regex \"x\"",
		"let\tx\r\n=\n1;;T",
		"T | mv-expand A",
		"\ufeffT",
	}
}

func TestParse_DeepNesting(t *testing.T) {
	// f checks that q fails with want: the nesting check runs before
	// participle recurses into the brackets (its error names the depth; a
	// recursion this deep would have ended in another error, or not at
	// all).
	f := func(q, want string) {
		t.Helper()
		_, err := Parse(q)
		if err == nil || err.Error() != want {
			t.Fatalf("Parse: got error %v, want %q", err, want)
		}
	}
	f(strings.Repeat("(", 10000)+"1"+strings.Repeat(")", 10000), `1:1: query nests parentheses or brackets 10000 deep (the limit is 200)`)
	f(strings.Repeat("(", 10000), `1:1: query nests parentheses or brackets 10000 deep (the limit is 200)`)
	f("T | where "+strings.Repeat("[", 10000), `1:1: query nests parentheses or brackets 10000 deep (the limit is 200)`)
	f(strings.Repeat("f(", 10000), `1:1: query nests parentheses or brackets 10000 deep (the limit is 200)`)
	f("T | where A in ("+strings.Repeat("(", 10000), `1:1: query nests parentheses or brackets 10001 deep (the limit is 200)`)

	// At the limit, the query parses.
	q := strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200)
	s, err := Parse(q)
	if err != nil {
		t.Fatalf("200 nested parentheses: %v", err)
	}
	checkRoundTrip(t, q, s)
}

// TestParse_NestingCheckBypass shows brackets the nesting check miscounts:
// it scans bytes, so a quote in a comment or a verbatim string ending in a
// backslash hides every bracket after it, and brackets in comments count.
// A hidden 100,000-deep nesting overflows the goroutine stack inside
// participle, which kills the process. maxNesting now counts lexer tokens.
func TestParse_NestingCheckBypass(t *testing.T) {
	const want = `query nests parentheses or brackets 10000 deep (the limit is 200)`
	deep := strings.Repeat("(", 10000) + "1" + strings.Repeat(")", 10000)
	for _, q := range []string{
		"// don't\n" + deep,
		`T | where A == @"c:\" or ` + deep,
	} {
		if _, err := Parse(q); err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("Parse(%.30q...): got error %v, want %q", q, err, want)
		}
	}
	q := "T // " + strings.Repeat("(", 201) + "\n| count"
	if _, err := Parse(q); err != nil {
		t.Errorf("Parse(%q): %v", q, err)
	}
}
