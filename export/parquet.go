package export

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"clickhunt/column"
)

// parquetPart writes one Parquet part: a flat schema of optional columns
// with Kusto's types as its Parquet mapping documents them — strings as
// UTF-8 (dictionary-encoded), long as INT64, int as INT32, real as DOUBLE,
// bool as BOOLEAN, datetime as TIMESTAMP(NANOS, UTC) (a tick is 100 ns,
// so nothing is rounded), dynamic as JSON, guid as UUID, timespan as INT64
// ticks; Snappy compression. Parquet orders a group's columns by name, so
// the table's order and types are kept in the file's key-value metadata.
type parquetPart struct {
	f    *os.File
	cw   *countWriter
	w    *parquet.Writer
	leaf []int // table column -> Parquet leaf column index
	vals []parquet.Value
	size int64 // bytes of values written since the last row group
}

// ColumnMeta is one entry of a part's MetaColumns metadata.
type ColumnMeta struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func parquetNode(t column.Type) parquet.Node {
	switch t {
	case column.String:
		return parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
	case column.Long, column.Timespan:
		return parquet.Int(64)
	case column.Int:
		return parquet.Int(32)
	case column.Real:
		return parquet.Leaf(parquet.DoubleType)
	case column.Bool:
		return parquet.Leaf(parquet.BooleanType)
	case column.Datetime:
		return parquet.Timestamp(parquet.Nanosecond)
	case column.Dynamic:
		return parquet.JSON()
	case column.Guid:
		return parquet.UUID()
	}
	panic("BUG: export of a column of type " + t.String())
}

func newParquetPart(f *os.File, t *Table) (*parquetPart, error) {
	group := parquet.Group{}
	meta := make([]ColumnMeta, len(t.Schema))
	for i, fld := range t.Schema {
		group[fld.Name] = parquet.Optional(parquetNode(fld.Type))
		meta[i] = ColumnMeta{Name: fld.Name, Type: fld.Type.String()}
	}
	schema := parquet.NewSchema(t.Name, group)
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	p := &parquetPart{f: f, cw: &countWriter{w: f}}
	p.w = parquet.NewWriter(p.cw, schema,
		parquet.Compression(&parquet.Snappy),
		parquet.KeyValueMetadata(MetaTable, t.Name),
		parquet.KeyValueMetadata(MetaColumns, string(metaJSON)),
		parquet.CreatedBy("clickhunt", "", ""))
	// The leaves are the group's fields in name order.
	names := make([]string, len(t.Schema))
	for i, fld := range t.Schema {
		names[i] = fld.Name
	}
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	at := map[string]int{}
	for i, n := range sorted {
		at[n] = i
	}
	p.leaf = make([]int, len(names))
	for i, n := range names {
		p.leaf[i] = at[n]
	}
	return p, nil
}

func (p *parquetPart) write(b *column.Batch, from, to int) error {
	writers := p.w.ColumnWriters()
	for c, v := range b.Cols {
		leaf := p.leaf[c]
		p.vals = p.vals[:0]
		for r := from; r < to; r++ {
			if isNull(v, r) {
				p.vals = append(p.vals, parquet.NullValue().Level(0, 0, leaf))
				continue
			}
			val, err := p.value(v, r)
			if err != nil {
				return err
			}
			p.vals = append(p.vals, val.Level(0, 1, leaf))
			if k := val.Kind(); k == parquet.ByteArray || k == parquet.FixedLenByteArray {
				p.size += int64(len(val.ByteArray()))
			} else {
				p.size += 8
			}
		}
		if _, err := writers[leaf].WriteRowValues(p.vals); err != nil {
			return err
		}
	}
	return nil
}

// minNanosTicks and maxNanosTicks bound the datetimes a TIMESTAMP(NANOS)
// holds (int64 nanoseconds from the epoch: 1677 to 2262).
const (
	maxNanosTicks = math.MaxInt64 / 100
	minNanosTicks = math.MinInt64 / 100
)

// value is row r (not null) of v as a Parquet value. Strings point into
// the vector's memory: the column writer copies them before write returns.
func (p *parquetPart) value(v *column.Vector, r int) (parquet.Value, error) {
	switch v.Type {
	case column.String:
		s := v.Str(r)
		return parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s))), nil
	case column.Dynamic:
		s := dynamicJSON(v, r)
		return parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s))), nil
	case column.Long, column.Timespan:
		return parquet.Int64Value(v.Int(r)), nil
	case column.Int:
		return parquet.Int32Value(int32(v.Int(r))), nil
	case column.Real:
		return parquet.DoubleValue(v.Float(r)), nil
	case column.Bool:
		return parquet.BooleanValue(v.Bool(r)), nil
	case column.Datetime:
		t := v.Int(r)
		if t > maxNanosTicks || t < minNanosTicks {
			return parquet.Value{}, fmt.Errorf("datetime %s is outside what Parquet's nanosecond timestamps hold (1677-09-21 to 2262-04-11): export as csv", column.FormatDatetime(t))
		}
		return parquet.Int64Value(t * 100), nil
	case column.Guid:
		u, ok := parseGUID(v.Str(r))
		if !ok {
			return parquet.Value{}, fmt.Errorf("%q is not a guid", v.Str(r))
		}
		// Each value keeps its own bytes: the column writer reads them
		// after the whole chunk is built.
		return parquet.FixedLenByteArrayValue(append([]byte(nil), u[:]...)), nil
	}
	panic("BUG: export of a column of type " + v.Type.String())
}

// parseGUID reads 32 hex digits, with or without dashes and braces.
func parseGUID(s string) (u [16]byte, ok bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		case c == '-' || c == '{' || c == '}':
			continue
		default:
			return u, false
		}
		if n >= 32 {
			return u, false
		}
		u[n/2] |= d << (4 * (1 - n%2))
		n++
	}
	return u, n == 32
}

func (p *parquetPart) held() int64 { return p.size }

func (p *parquetPart) boundary() (int64, error) {
	p.size = 0
	if err := p.w.Flush(); err != nil {
		return 0, err
	}
	return p.cw.n, nil
}

func (p *parquetPart) close() (int64, error) {
	err := p.w.Close()
	if serr := p.f.Sync(); err == nil {
		err = serr
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	return p.cw.n, err
}

func (p *parquetPart) abort() { p.f.Close() }
