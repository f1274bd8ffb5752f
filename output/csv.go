package output

import (
	"bufio"
	"encoding/csv"
	"io"

	"clickhunt/column"
)

// WriteCSV writes a header row of column names and one record per row.
// Values are column.FormatValue text (datetimes ISO 8601 UTC ending in Z,
// bools true/false); a null is an empty field. Quoting follows RFC 4180;
// records end in LF, as encoding/csv writes by default.
func WriteCSV(w io.Writer, schema column.Schema, b *column.Batch) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	rec := make([]string, len(schema))
	for i, f := range schema {
		rec[i] = f.Name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for r := 0; r < b.Len; r++ {
		for i, v := range b.Cols {
			rec[i] = column.FormatValue(v, r)
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
