package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"clickhunt/column"
)

// WriteTable writes an aligned, psql-style table for people to read:
//
//	Url               | Clicks
//	------------------+-------
//	https://a.example |      3
//	(1 row)
//
// Numbers (long, int, real) are right-aligned, everything else
// left-aligned. Control characters are shown escaped (\n, \t, \x1b) so one
// row stays one line; cells wider than Options.MaxWidth are cut and end in
// "…". Widths count terminal columns: East Asian wide characters take two,
// combining marks none. Lines carry no trailing spaces.
func WriteTable(w io.Writer, schema column.Schema, b *column.Batch, opts Options) error {
	maxw := opts.MaxWidth
	if maxw == 0 {
		maxw = DefaultMaxWidth
	}
	ncol := len(schema)
	cells := make([][]string, b.Len+1)
	widths := make([]int, ncol)
	header := make([]string, ncol)
	for i, f := range schema {
		header[i] = fitCell(escapeCell(f.Name), maxw)
		widths[i] = textWidth(header[i])
	}
	cells[0] = header
	for r := 0; r < b.Len; r++ {
		row := make([]string, ncol)
		for i, v := range b.Cols {
			row[i] = fitCell(escapeCell(column.FormatValue(v, r)), maxw)
			if n := textWidth(row[i]); n > widths[i] {
				widths[i] = n
			}
		}
		cells[r+1] = row
	}

	bw := bufio.NewWriter(w)
	var line strings.Builder
	for r, row := range cells {
		line.Reset()
		for i, cell := range row {
			if i > 0 {
				line.WriteString(" | ")
			}
			pad := strings.Repeat(" ", widths[i]-textWidth(cell))
			if isRight(schema[i].Type) {
				line.WriteString(pad)
				line.WriteString(cell)
			} else {
				line.WriteString(cell)
				line.WriteString(pad)
			}
		}
		bw.WriteString(strings.TrimRight(line.String(), " "))
		bw.WriteByte('\n')
		if r == 0 && ncol > 0 {
			for i, n := range widths {
				if i > 0 {
					bw.WriteString("-+-")
				}
				bw.WriteString(strings.Repeat("-", n))
			}
			bw.WriteByte('\n')
		}
	}
	if b.Len == 1 {
		bw.WriteString("(1 row)\n")
	} else {
		fmt.Fprintf(bw, "(%d rows)\n", b.Len)
	}
	return bw.Flush()
}

// escapeCell makes s printable on one line: \n, \r and \t become those
// two-character escapes, other control characters \xHH (or \uHHHH for C1
// controls and the line/paragraph separators), invalid UTF-8 bytes \xHH.
func escapeCell(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&sb, `\x%02x`, s[i])
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&sb, `\u%04x`, r)
		default:
			sb.WriteRune(r)
		}
		i += size
	}
	return sb.String()
}

func needsEscape(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) ||
		r == '\u2028' || r == '\u2029' || r == utf8.RuneError
}

// fitCell cuts s to at most maxw terminal columns, ending in "…" when cut.
func fitCell(s string, maxw int) string {
	if maxw < 0 || textWidth(s) <= maxw {
		return s
	}
	if maxw < 1 {
		return ""
	}
	w := 0
	for i, r := range s {
		rw := runeWidth(r)
		if w+rw > maxw-1 {
			return s[:i] + "…"
		}
		w += rw
	}
	return s
}

// textWidth returns how many terminal columns s takes.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is the terminal width of r: 0 for combining marks and
// zero-width format characters, 2 for East Asian wide and fullwidth
// characters and most emoji, 1 otherwise. It is an approximation of
// Unicode UAX #11 good enough for aligning columns.
func runeWidth(r rune) int {
	switch {
	case r < 0x300:
		return 1
	case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), r == 0x200b, r == 0x200c, r == 0x200d, r == 0xfeff:
		return 0
	case r >= 0x1100 && r <= 0x115f, // Hangul Jamo
		r >= 0x2e80 && r <= 0x303e, // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33ff, // kana, CJK symbols
		r >= 0x3400 && r <= 0x4dbf, // CJK extension A
		r >= 0x4e00 && r <= 0x9fff, // CJK unified ideographs
		r >= 0xa000 && r <= 0xa4cf, // Yi
		r >= 0xac00 && r <= 0xd7a3, // Hangul syllables
		r >= 0xf900 && r <= 0xfaff, // CJK compatibility ideographs
		r >= 0xfe30 && r <= 0xfe4f, // CJK compatibility forms
		r >= 0xff00 && r <= 0xff60, // fullwidth forms
		r >= 0xffe0 && r <= 0xffe6,
		r >= 0x1f300 && r <= 0x1f64f, // emoji, pictographs
		r >= 0x1f900 && r <= 0x1f9ff,
		r >= 0x20000 && r <= 0x3fffd: // CJK extensions B and later
		return 2
	}
	return 1
}

// TextWidth returns how many terminal columns s takes, as the table
// encoder counts them (wide characters two, combining marks none).
func TextWidth(s string) int { return textWidth(s) }
