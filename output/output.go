// Package output renders a typed query result (a column.Schema and a
// column.Batch) as text: an aligned table for people, CSV, JSON or JSON Lines
// for programs. It knows nothing of the engine, storage or terminals.
package output

import (
	"fmt"
	"io"

	"clickhunt/column"
)

// Formats lists the format names Write accepts, the default first.
var Formats = []string{"table", "csv", "json", "jsonl", "vertical"}

// Options tune the encoders. The zero value is ready to use.
type Options struct {
	// MaxWidth is the widest a table cell may be, in terminal columns,
	// before it is cut and ends in "…". Zero means DefaultMaxWidth; a
	// negative value means no limit.
	MaxWidth int
	// SpreadsheetSafe makes csv output safe to open in a spreadsheet
	// (WriteSpreadsheetCSV) instead of faithful to the values.
	SpreadsheetSafe bool
}

// DefaultMaxWidth is the table cell width limit when Options.MaxWidth is 0.
const DefaultMaxWidth = 60

// Valid reports whether format names an encoder.
func Valid(format string) bool {
	for _, f := range Formats {
		if f == format {
			return true
		}
	}
	return false
}

// Write renders schema and b to w in format ("table", "csv", "json" or
// "jsonl"). A nil b is an empty result. It returns the first write error.
//
//   - table: aligned columns under a header and a separator line, numbers
//     right-aligned, control characters escaped, long cells cut, then a
//     "(N rows)" line.
//   - csv: RFC 4180 quoting (encoding/csv) with LF line ends, one header row;
//     nulls are empty fields; values as stored unless opts.SpreadsheetSafe.
//   - json: one array of objects, one object per line, keys in column order.
//   - jsonl: one object per line, nothing else.
//   - vertical: one "Column | value" block per row (see WriteVertical).
func Write(w io.Writer, format string, schema column.Schema, b *column.Batch, opts Options) error {
	if b == nil {
		b = &column.Batch{}
	}
	if len(b.Cols) != len(schema) && b.Len > 0 {
		panic(fmt.Sprintf("BUG: output.Write: %d columns in batch, %d in schema", len(b.Cols), len(schema)))
	}
	switch format {
	case "table":
		return WriteTable(w, schema, b, opts)
	case "csv":
		if opts.SpreadsheetSafe {
			return WriteSpreadsheetCSV(w, schema, b)
		}
		return WriteCSV(w, schema, b)
	case "json":
		return WriteJSON(w, schema, b)
	case "jsonl":
		return WriteJSONL(w, schema, b)
	case "vertical":
		return WriteVertical(w, schema, b, opts)
	}
	return fmt.Errorf("unknown output format %q (want table, csv, json, jsonl or vertical)", format)
}

// isRight reports whether a column of type t is right-aligned in a table.
func isRight(t column.Type) bool { return t.IsNumeric() }
