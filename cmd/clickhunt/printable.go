package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// printable escapes what a terminal would act on rather than show, in
// text that comes from an input file (names, values, zip member names,
// messages quoting them): C0 and C1 control characters (ESC starts a
// terminal escape sequence), DEL, the bidirectional overrides that make
// text read differently from what it is, and bytes that are not UTF-8.
// Tab and newline are escaped too: they would break a line or a column.
// Everything else, letters of any script included, is kept.
func printable(s string) string {
	if strings.IndexFunc(s, needsEscape) < 0 && utf8.ValidString(s) {
		return s
	}
	return cutPrintable(s, -1)
}

func needsEscape(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 // bidi embeddings, overrides, isolates
}

// escapeRune is how printable writes the first character of s (n bytes).
func escapeRune(s string) (piece string, n int) {
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case r == utf8.RuneError && n == 1:
		return fmt.Sprintf(`\x%02x`, s[0]), 1
	case r == '\n':
		return `\n`, n
	case r == '\t':
		return `\t`, n
	case r == '\r':
		return `\r`, n
	case r < 0x20 || r == 0x7f:
		return fmt.Sprintf(`\x%02x`, r), n
	case needsEscape(r):
		return fmt.Sprintf(`\u%04x`, r), n
	}
	return s[:n], n
}

// cutPrintable is printable(s) cut to at most width characters (width < 0:
// not cut), ending in … when cut, never inside an escape or a character.
func cutPrintable(s string, width int) string {
	var b strings.Builder
	w := 0
	for len(s) > 0 {
		piece, n := escapeRune(s)
		pw := utf8.RuneCountInString(piece)
		if width >= 0 && w+pw > width-1 && (w+pw > width || n < len(s)) {
			b.WriteString("…")
			break
		}
		b.WriteString(piece)
		w += pw
		s = s[n:]
	}
	return b.String()
}
