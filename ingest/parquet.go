package ingest

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
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
const parquetInMemory = 16 << 20

// parquetBatchRows is how many rows are decoded from every column before
// they go to the plan, a batch at a time.
const parquetBatchRows = 4096

// parquetMaxPage bounds one page of a column (its dictionary page
// included), uncompressed: a file is read page by page, so what a Parquet
// file holds in memory at once is at most a page and a dictionary per
// column. Writers cut pages at about 1 MB (Arrow, Spark, parquet-go; a
// dictionary falls back to plain values at about 1 MB), so only a file
// made to be read whole meets it.
var parquetMaxPage int64 = 64 << 20

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
	rec := make([]string, len(cols))
	nulls := make([]bool, len(cols))
	// Rows are decoded a batch at a time, column by column and page by
	// page: what is held is one page (and the chunk's dictionary) of each
	// column and the batch's text, whatever the row group's size.
	texts := make([][]string, len(cols))
	isNull := make([][]bool, len(cols))
	vals := make([]parquet.Value, parquetBatchRows)
	for i := range cols {
		texts[i] = make([]string, parquetBatchRows)
		isNull[i] = make([]bool, parquetBatchRows)
	}
	readers := make([]pqColumnReader, len(cols))
	row := 0
	for gi, rg := range f.RowGroups() {
		chunks := rg.ColumnChunks()
		meta := f.Metadata().RowGroups[gi].Columns
		for i := range cols {
			if err := checkParquetChunk(&meta[cols[i].leaf].MetaData, cols[i].name, gi); err != nil {
				closeReaders(readers)
				return &Error{File: name, Line: row + 1, Msg: err.Error()}
			}
			readers[i] = pqColumnReader{pages: chunks[cols[i].leaf].Pages(), col: &cols[i], group: gi}
		}
		for left := rg.NumRows(); left > 0; {
			n := int(min(left, parquetBatchRows))
			for i := range cols {
				if err := readers[i].read(vals[:n], texts[i][:n], isNull[i][:n]); err != nil {
					closeReaders(readers)
					return &Error{File: name, Line: row + 1, Msg: err.Error()}
				}
			}
			left -= int64(n)
			for r := 0; r < n; r++ {
				row++
				for i := range rec {
					rec[i], nulls[i] = texts[i][r], isNull[i][r]
				}
				if fi, err := p.convert(rec, nulls); err != nil {
					perr := &Error{File: name, Line: row, Msg: "column " + cols[fi].name + ": " + err.Error()}
					if c.problem == nil {
						closeReaders(readers)
						return perr
					}
					e.rejected++
					if err := c.problem(Problem{Error: *perr, Raw: parquetRaw(cols, rec, nulls)}); err != nil {
						closeReaders(readers)
						return err
					}
					continue
				}
				if err := p.appendRow(rec, e); err != nil {
					closeReaders(readers)
					return err
				}
				e.in++
			}
		}
		closeReaders(readers)
	}
	if err := p.flush(e); err != nil {
		return err
	}
	e.finish(p)
	return nil
}

// pqColumnReader reads one column chunk of a row group page by page.
type pqColumnReader struct {
	pages parquet.Pages
	vals  parquet.ValueReader
	col   *parquetCol
	group int
}

// read decodes the next len(text) values of the column as their text (for
// the plan to parse) and null flags. A value's bytes point into its page,
// so each is copied into its text before the next page is read.
func (r *pqColumnReader) read(vals []parquet.Value, text []string, null []bool) error {
	for n := 0; n < len(vals); {
		if r.vals == nil {
			page, err := r.pages.ReadPage()
			if err == io.EOF {
				return fmt.Errorf("column %s: row group %d ends after fewer values than its rows", r.col.name, r.group+1)
			}
			if err != nil {
				return fmt.Errorf("column %s: cannot read row group %d: %v", r.col.name, r.group+1, err)
			}
			if err := checkParquetPage(page, r.col.name, r.group); err != nil {
				return err
			}
			r.vals = page.Values()
		}
		k, err := r.vals.ReadValues(vals[n:])
		for j := n; j < n+k; j++ {
			v := vals[j]
			if null[j] = v.IsNull(); null[j] {
				text[j] = ""
			} else {
				text[j] = r.col.text(v)
			}
		}
		n += k
		if err == io.EOF {
			r.vals = nil
			continue
		}
		if err == nil && k == 0 {
			err = errors.New("a page gives no values")
		}
		if err != nil {
			return fmt.Errorf("column %s: cannot read row group %d: %v", r.col.name, r.group+1, err)
		}
	}
	return nil
}

func closeReaders(rs []pqColumnReader) {
	for i := range rs {
		if rs[i].pages != nil {
			rs[i].pages.Close()
		}
		rs[i] = pqColumnReader{}
	}
}

// checkParquetChunk refuses a column chunk whose dictionary page alone
// (compressed) passes parquetMaxPage, before the library reads it whole.
func checkParquetChunk(m *format.ColumnMetaData, name string, group int) error {
	if m.TotalUncompressedSize <= parquetMaxPage || m.DictionaryPageOffset <= 0 || m.DataPageOffset <= m.DictionaryPageOffset {
		return nil
	}
	if size := m.DataPageOffset - m.DictionaryPageOffset; size > parquetMaxPage {
		return pageTooLarge("dictionary", size, name, group)
	}
	return nil
}

// checkParquetPage refuses a page (or its dictionary) larger than
// parquetMaxPage once decoded.
func checkParquetPage(page parquet.Page, name string, group int) error {
	if d := page.Dictionary(); d != nil {
		if size := d.Page().Size(); size > parquetMaxPage {
			return pageTooLarge("dictionary", size, name, group)
		}
	}
	if size := page.Size(); size > parquetMaxPage {
		return pageTooLarge("page", size, name, group)
	}
	return nil
}

func pageTooLarge(what string, size int64, name string, group int) error {
	return fmt.Errorf("column %s: row group %d has a %s of %d MiB; clickhunt reads Parquet page by page and refuses pages over %d MiB (write the file with smaller pages, e.g. pyarrow's data_page_size and dictionary_pagesize_limit)",
		name, group+1, what, size>>20, parquetMaxPage>>20)
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
	rest, err := io.Copy(tmp, r)
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	return tmp, int64(len(head)) + rest, cleanup, nil
}
