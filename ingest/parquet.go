package ingest

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"

	"clickhunt/column"
	"clickhunt/export"
)

// FormatParquet is Options.Format for Parquet files.
const FormatParquet = "parquet"

// parquetMagic starts (and ends) every Parquet file.
var parquetMagic = []byte("PAR1")

// isParquet reports whether br starts with Parquet's magic bytes.
func isParquet(br *bufio.Reader) bool {
	b, _ := br.Peek(4)
	return bytes.Equal(b, parquetMagic)
}

// parquetInMemory is the size up to which a Parquet file is read into
// memory; a larger one is copied to a temporary file, since its footer
// (at the end) must be read first.
const parquetInMemory = 64 << 20

// parquetCol is one column of a Parquet file as ingest reads it.
type parquetCol struct {
	name  string
	leaf  int         // leaf column index in the file's schema
	typ   column.Type // type stored (declared to the plan)
	kind  parquet.Kind
	ticks int64 // for timestamps: ticks per unit (0: 100 ns per 100 units, nanoseconds)
	date  bool  // DATE: days since the epoch
	uuid  bool  // UUID: 16 bytes shown as a GUID
}

// readParquet reads a Parquet file: flat columns of the types Kusto's
// Parquet mapping documents (strings, integers, reals, bools, timestamps,
// dates, JSON, UUIDs). A clickhunt export's part names its table and its
// columns' order and KQL types in its metadata; another file's columns are
// typed from their Parquet types and mapped like an Advanced Hunting
// export. Problems name the row (1-based) where a line would be.
func readParquet(r io.Reader, name string, cfg *readConfig, e *emitter) (err error) {
	ra, size, cleanup, err := spool(r)
	if err != nil {
		return fmt.Errorf("%s: cannot read the file: %w", name, err)
	}
	// A damaged file can make the Parquet library index out of its
	// buffers: it is refused like any unreadable file, never a crash.
	defer func() {
		if r := recover(); r != nil {
			err = &Error{File: name, Line: 1, Msg: fmt.Sprintf("not a readable Parquet file: %v", r)}
		}
	}()
	defer cleanup()
	f, err := parquet.OpenFile(ra, size)
	if err != nil {
		return &Error{File: name, Line: 1, Msg: "not a readable Parquet file: " + err.Error()}
	}
	cols, err := parquetColumns(f)
	if err != nil {
		return &Error{File: name, Line: 1, Msg: err.Error()}
	}
	if len(cols) > cfg.lim.columns {
		return &Error{File: name, Line: 1, Msg: fmt.Sprintf("schema: %d columns, %s", len(cols), columnLimitMsg(cfg.lim.columns))}
	}
	c := *cfg
	if _, ours := f.Lookup(export.MetaColumns); ours {
		if c.source == nil {
			c.source = exportSource
		}
		if c.table == "" {
			if t, ok := f.Lookup(export.MetaTable); ok && t != "" {
				c.table = t
			} else {
				c.table, _ = export.TableOfPart(name)
			}
		}
	}
	header := make([]string, len(cols))
	types := make([]column.Type, len(cols))
	for i, col := range cols {
		header[i], types[i] = col.name, col.typ
	}
	p, err := newPlan(header, types, &c)
	if err != nil {
		return &Error{File: name, Line: 1, Msg: err.Error()}
	}
	if err := e.start(p); err != nil {
		return err
	}
	e.info.format = FormatParquet
	byLeaf := make([]int, len(f.Schema().Columns()))
	for i := range byLeaf {
		byLeaf[i] = -1
	}
	for i, col := range cols {
		byLeaf[col.leaf] = i
	}
	rec := make([]string, len(cols))
	nulls := make([]bool, len(cols))
	buf := make([]parquet.Row, 1024)
	row := 0
	for _, rg := range f.RowGroups() {
		rows := rg.Rows()
		for {
			n, rerr := rows.ReadRows(buf)
			for _, pr := range buf[:n] {
				row++
				for i := range rec {
					rec[i], nulls[i] = "", true
				}
				for _, v := range pr {
					i := byLeaf[v.Column()]
					if i < 0 || v.IsNull() {
						continue
					}
					rec[i], nulls[i] = cols[i].text(v), false
				}
				if fi, err := p.convert(rec, nulls); err != nil {
					perr := &Error{File: name, Line: row, Msg: "column " + cols[fi].name + ": " + err.Error()}
					if c.problem == nil {
						rows.Close()
						return perr
					}
					e.rejected++
					if err := c.problem(Problem{Error: *perr, Raw: parquetRaw(cols, rec, nulls)}); err != nil {
						rows.Close()
						return err
					}
					continue
				}
				if err := p.appendRow(rec, e); err != nil {
					rows.Close()
					return err
				}
				e.in++
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				rows.Close()
				return &Error{File: name, Line: row + 1, Msg: "cannot read the row: " + rerr.Error()}
			}
		}
		rows.Close()
	}
	if err := p.flush(e); err != nil {
		return err
	}
	e.finish(p)
	return nil
}

// parquetRaw is a rejected row as JSON, for the rejects file.
func parquetRaw(cols []parquetCol, rec []string, nulls []bool) string {
	m := make(map[string]any, len(cols))
	for i, c := range cols {
		if !nulls[i] {
			m[c.name] = rec[i]
		} else {
			m[c.name] = nil
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// parquetColumns lists the file's columns in the order ingest stores them:
// the export's recorded order and types when the file has them, else the
// schema's order with types from the Parquet types.
func parquetColumns(f *parquet.File) ([]parquetCol, error) {
	schema := f.Schema()
	for _, fld := range schema.Fields() {
		if !fld.Leaf() || fld.Repeated() {
			return nil, fmt.Errorf("column %s is a group, list or map: clickhunt reads flat Parquet files (one value a column and row)", fld.Name())
		}
	}
	var cols []parquetCol
	for _, path := range schema.Columns() {
		leaf, _ := schema.Lookup(path...)
		c, err := newParquetCol(path[0], leaf)
		if err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	meta, ok := f.Lookup(export.MetaColumns)
	if !ok {
		return cols, nil
	}
	var declared []export.ColumnMeta
	if err := json.Unmarshal([]byte(meta), &declared); err != nil {
		return nil, fmt.Errorf("metadata %s: %v", export.MetaColumns, err)
	}
	byName := map[string]parquetCol{}
	for _, c := range cols {
		byName[c.name] = c
	}
	out := make([]parquetCol, 0, len(declared))
	for _, d := range declared {
		c, ok := byName[d.Name]
		if !ok {
			return nil, fmt.Errorf("metadata %s names column %s, which the file does not have", export.MetaColumns, d.Name)
		}
		switch t, _ := column.ParseType(d.Type); {
		case t == column.Timespan && c.kind == parquet.Int64:
			c.typ = column.Timespan // exported as long ticks
		case t == column.Int && c.kind == parquet.Int32:
			c.typ = column.Int
		}
		out = append(out, c)
	}
	return out, nil
}

func newParquetCol(name string, leaf parquet.LeafColumn) (parquetCol, error) {
	t := leaf.Node.Type()
	c := parquetCol{name: name, leaf: leaf.ColumnIndex, kind: t.Kind()}
	lt := t.LogicalType()
	ct := t.ConvertedType()
	switch {
	case lt != nil && lt.Value != nil:
		switch v := lt.Value.(type) {
		case *format.TimestampType:
			c.typ = column.Datetime
			switch v.Unit.Value.(type) {
			case *format.MilliSeconds:
				c.ticks = column.Millisecond
			case *format.MicroSeconds:
				c.ticks = column.Microsecond
			}
			return c, nil
		case *format.DateType:
			c.typ, c.date = column.Datetime, true
			return c, nil
		case *format.UUIDType:
			c.typ, c.uuid = column.String, true
			return c, nil
		case *format.StringType, *format.JsonType, *format.EnumType:
			c.typ = column.String
			return c, nil
		}
	case ct != nil:
		switch *ct {
		case deprecated.TimestampMillis:
			c.typ, c.ticks = column.Datetime, column.Millisecond
			return c, nil
		case deprecated.TimestampMicros:
			c.typ, c.ticks = column.Datetime, column.Microsecond
			return c, nil
		case deprecated.Date:
			c.typ, c.date = column.Datetime, true
			return c, nil
		}
	}
	switch c.kind {
	case parquet.Boolean:
		c.typ = column.Bool
	case parquet.Int32, parquet.Int64:
		c.typ = column.Long
	case parquet.Float, parquet.Double:
		c.typ = column.Real
	case parquet.ByteArray:
		c.typ = column.String
	default:
		return c, fmt.Errorf("column %s: Parquet type %s is not read by clickhunt", name, t)
	}
	return c, nil
}

// text is the text of a value the plan parses into the column's type.
func (c *parquetCol) text(v parquet.Value) string {
	switch c.typ {
	case column.Datetime:
		var ticks int64
		switch {
		case c.date:
			ticks = int64(v.Int32()) * column.Day
		case c.ticks != 0:
			ticks = v.Int64() * c.ticks
		default:
			ticks = v.Int64() / 100 // nanoseconds
		}
		return column.FormatDatetime(ticks)
	case column.Bool:
		return strconv.FormatBool(v.Boolean())
	case column.Real:
		if c.kind == parquet.Float {
			return column.FormatReal(float64(v.Float()))
		}
		return column.FormatReal(v.Double())
	case column.Long, column.Int, column.Timespan:
		if c.kind == parquet.Int32 {
			return strconv.FormatInt(int64(v.Int32()), 10)
		}
		return strconv.FormatInt(v.Int64(), 10)
	}
	b := v.ByteArray()
	if c.uuid && len(b) == 16 {
		h := hex.EncodeToString(b)
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	return string(b)
}

// spool makes r readable at any offset: in memory when small, else in a
// temporary file removed by cleanup.
func spool(r io.Reader) (io.ReaderAt, int64, func(), error) {
	head, err := io.ReadAll(io.LimitReader(r, parquetInMemory+1))
	if err != nil {
		return nil, 0, nil, err
	}
	if len(head) <= parquetInMemory {
		return bytes.NewReader(head), int64(len(head)), func() {}, nil
	}
	tmp, err := os.CreateTemp("", "clickhunt-parquet-*")
	if err != nil {
		return nil, 0, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	if _, err := tmp.Write(head); err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	n, err := io.Copy(tmp, r)
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	return tmp, int64(len(head)) + n, cleanup, nil
}
