package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"clickhunt/column"
)

// WriteVertical writes one block per row, one "Column | value" line per
// column, as psql's expanded display (\x) does; it suits wide rows:
//
//	-[ RECORD 1 ]---------------
//	Url    | https://a.example
//	Clicks | 3
//	(1 row)
//
// Values are escaped like table cells; Options.MaxWidth cuts long values
// (zero means no limit here: a vertical row has the whole line).
func WriteVertical(w io.Writer, schema column.Schema, b *column.Batch, opts Options) error {
	maxw := opts.MaxWidth
	if maxw == 0 {
		maxw = -1
	}
	nameW := 0
	for _, f := range schema {
		nameW = max(nameW, textWidth(escapeCell(f.Name)))
	}
	bw := bufio.NewWriter(w)
	for r := 0; r < b.Len; r++ {
		head := fmt.Sprintf("-[ RECORD %d ]", r+1)
		bw.WriteString(head)
		bw.WriteString(strings.Repeat("-", max(nameW+20-len(head), 3)))
		bw.WriteByte('\n')
		for i, f := range schema {
			name := escapeCell(f.Name)
			val := fitCell(escapeCell(column.FormatValue(b.Cols[i], r)), maxw)
			line := name + strings.Repeat(" ", nameW-textWidth(name)) + " | " + val
			bw.WriteString(strings.TrimRight(line, " "))
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

// TableWidth returns how many terminal columns the widest line of
// WriteTable's output would take with opts, without writing it.
func TableWidth(schema column.Schema, b *column.Batch, opts Options) int {
	maxw := opts.MaxWidth
	if maxw == 0 {
		maxw = DefaultMaxWidth
	}
	total := 0
	for i, f := range schema {
		w := textWidth(fitCell(escapeCell(f.Name), maxw))
		if i < len(b.Cols) {
			for r := 0; r < b.Len; r++ {
				w = max(w, textWidth(fitCell(escapeCell(column.FormatValue(b.Cols[i], r)), maxw)))
			}
		}
		if i > 0 {
			total += 3
		}
		total += w
	}
	return total
}

// FitTable chooses how a result fits a terminal width columns wide: the
// cell width limit that makes the table fit (cutting long cells with "…"),
// or vertical when even cells cut to minCell columns would not fit.
func FitTable(schema column.Schema, b *column.Batch, width int) (opts Options, vertical bool) {
	const minCell = 12
	if width <= 0 || TableWidth(schema, b, Options{}) <= width {
		return Options{}, false
	}
	for maxw := DefaultMaxWidth - 4; maxw >= minCell; maxw -= 4 {
		if TableWidth(schema, b, Options{MaxWidth: maxw}) <= width {
			return Options{MaxWidth: maxw}, false
		}
	}
	if TableWidth(schema, b, Options{MaxWidth: minCell}) <= width {
		return Options{MaxWidth: minCell}, false
	}
	return Options{MaxWidth: max(width-textWidthMaxName(schema)-3, 10)}, true
}

func textWidthMaxName(schema column.Schema) int {
	n := 0
	for _, f := range schema {
		n = max(n, textWidth(f.Name))
	}
	return n
}
