package export

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"

	"clickhunt/column"
)

// csvPart writes one gzip-compressed CSV part: a header row of Name:type
// cells (Kusto's ingestion skips it: ignoreFirstRecord), then one record a
// row, fields quoted as RFC 4180 asks (a comma, quote or line break in the
// value). Nulls are empty fields; strings are never null in KQL, so an
// empty string is an empty field too, which Kusto reads back as "".
type csvPart struct {
	f    *os.File
	cw   *countWriter // counts the compressed bytes
	zw   *gzip.Writer
	bw   *bufio.Writer
	line []byte
}

func newCSVPart(f *os.File, schema column.Schema) (*csvPart, error) {
	p := &csvPart{f: f, cw: &countWriter{w: f}}
	p.zw = gzip.NewWriter(p.cw)
	p.bw = bufio.NewWriterSize(p.zw, 256<<10)
	for i, fld := range schema {
		if i > 0 {
			p.line = append(p.line, ',')
		}
		p.line = appendField(p.line, QuoteName(fld.Name)+":"+KustoType(fld.Type, FormatCSV))
	}
	p.line = append(p.line, '\n')
	_, err := p.bw.Write(p.line)
	return p, err
}

func (p *csvPart) write(b *column.Batch, from, to int) error {
	for r := from; r < to; r++ {
		p.line = p.line[:0]
		for c, v := range b.Cols {
			if c > 0 {
				p.line = append(p.line, ',')
			}
			p.line = appendCSVValue(p.line, v, r)
		}
		p.line = append(p.line, '\n')
		if _, err := p.bw.Write(p.line); err != nil {
			return err
		}
	}
	return nil
}

// boundary flushes the compressor, so the part's size is what its rows
// take (a sync flush every 1,024 rows costs a few bytes of each).
func (p *csvPart) boundary() (int64, error) {
	if err := p.bw.Flush(); err != nil {
		return 0, err
	}
	if err := p.zw.Flush(); err != nil {
		return 0, err
	}
	return p.cw.n, nil
}

func (p *csvPart) close() (int64, error) {
	err := p.bw.Flush()
	if cerr := p.zw.Close(); err == nil {
		err = cerr
	}
	if serr := p.f.Sync(); err == nil {
		err = serr
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	return p.cw.n, err
}

func (p *csvPart) held() int64 { return 0 }

func (p *csvPart) abort() { p.f.Close() }

// appendCSVValue appends row r of v as a CSV field in the text Kusto
// ingests for the column's type.
func appendCSVValue(dst []byte, v *column.Vector, r int) []byte {
	if isNull(v, r) {
		return dst
	}
	switch v.Type {
	case column.String, column.Guid:
		return appendField(dst, v.Str(r))
	case column.Dynamic:
		return appendField(dst, dynamicJSON(v, r))
	case column.Long, column.Int:
		return strconv.AppendInt(dst, v.Int(r), 10)
	case column.Real:
		return append(dst, column.FormatReal(v.Float(r))...)
	case column.Bool:
		return strconv.AppendBool(dst, v.Bool(r))
	case column.Datetime:
		return appendDatetime(dst, v.Int(r))
	case column.Timespan:
		return append(dst, column.FormatTimespan(v.Int(r))...)
	}
	panic("BUG: export of a column of type " + v.Type.String())
}

// appendField appends s, quoted when it holds a comma, a quote or a line
// break (quotes doubled inside).
func appendField(dst []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// dynamicJSON returns row r of a dynamic vector as JSON text: a value
// built in memory is encoded, a stored one is its JSON text already.
func dynamicJSON(v *column.Vector, r int) string {
	if v.Anys != nil {
		x := v.Anys[r]
		if v.Const {
			x = v.Anys[0]
		}
		return string(column.AppendDynamicJSON(nil, x))
	}
	i := r
	if v.Const {
		i = 0
	}
	if v.Codes != nil {
		return v.Dict[v.Codes[i]]
	}
	return v.Strs[i]
}

// appendDatetime appends datetime ticks as ISO 8601 UTC with the seven
// fractional digits of a tick, trailing zeros dropped
// (2023-12-21T19:04:59.0109752Z), as Kusto writes and reads them.
func appendDatetime(dst []byte, ticks int64) []byte {
	return column.TimeFromTicks(ticks).AppendFormat(dst, "2006-01-02T15:04:05.9999999Z")
}

// isNull reports whether row r of v is null. Guids and dynamic values held
// as text have no null flag of their own: their null is empty text (which
// is no guid and no JSON).
func isNull(v *column.Vector, r int) bool {
	if v.IsNull(r) {
		return true
	}
	switch v.Type {
	case column.Guid:
		return v.Str(r) == ""
	case column.Dynamic:
		return v.Anys == nil && dynamicJSON(v, r) == ""
	}
	return false
}
