package output

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"

	"clickhunt/column"
)

// WriteCSV writes a header row of column names and one record per row,
// each value as it is stored: column.FormatValue text (datetimes ISO 8601
// UTC ending in Z, bools true/false); a null is an empty field. Quoting
// follows RFC 4180; records end in LF, as encoding/csv writes by default.
// Piped into another tool, the CSV equals the data; for a file meant for a
// spreadsheet, use WriteSpreadsheetCSV.
func WriteCSV(w io.Writer, schema column.Schema, b *column.Batch) error {
	return writeCSV(w, schema, b, false)
}

// WriteSpreadsheetCSV is WriteCSV for a file a spreadsheet will open.
// Spreadsheets run a cell that starts with =, +, -, @, tab or CR as a
// formula, so an attacker-controlled URL or UPN such as
// =cmd|' /C calc'!A0 would run when an analyst opens the export. As
// OWASP recommends, such string cells (and column names) get a leading
// single quote, which spreadsheets show as text; numbers, datetimes and
// bools are never quoted this way, since their text cannot be a formula.
func WriteSpreadsheetCSV(w io.Writer, schema column.Schema, b *column.Batch) error {
	return writeCSV(w, schema, b, true)
}

func writeCSV(w io.Writer, schema column.Schema, b *column.Batch, spreadsheet bool) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	rec := make([]string, len(schema))
	for i, f := range schema {
		rec[i] = f.Name
		if spreadsheet {
			rec[i] = defuseFormula(f.Name)
		}
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for r := 0; r < b.Len; r++ {
		for i, v := range b.Cols {
			rec[i] = column.FormatValue(v, r)
			if spreadsheet && isText(v.Type) {
				rec[i] = defuseFormula(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// isText reports whether values of type t are free text in CSV.
func isText(t column.Type) bool {
	return t == column.String || t == column.Dynamic || t == column.Guid
}

// SpreadsheetSafe returns text for a CSV cell that a spreadsheet shows as
// text, never runs as a formula, for writers that format
// their own cells, such as the report's (see WriteSpreadsheetCSV).
func SpreadsheetSafe(s string) string { return defuseFormula(s) }

// defuseFormula prefixes a single quote to s when a spreadsheet would
// read it as a formula (OWASP "CSV Injection").
func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
