// Package export writes tables and query results as files Kusto (Azure
// Data Explorer, Fabric Eventhouse) ingests as they are — gzip-compressed
// CSV or Parquet, cut into parts of about a given size — and a .kql script
// of the control commands that create the tables and their ingestion
// mappings and ingest the parts.
//
// Values keep what Kusto keeps: datetimes their 100-ns ticks, dynamic
// values their JSON, names their spelling (brackets where Kusto needs
// them). clickhunt ingests the parts again (ingest reads both formats):
// the CSV parts' header row names each column with its type (Name:type,
// the CSL schema notation; Kusto skips the row), and a Parquet part
// records its table, columns and KQL types in the file's key-value
// metadata.
package export

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"clickhunt/column"
)

// The formats an export writes.
const (
	FormatCSV     = "csv"
	FormatParquet = "parquet"
)

// DataDir is the directory under the export's directory that holds the
// parts; the script sits beside it.
const DataDir = "data"

// ScriptName is the file name of the export's .kql script.
const ScriptName = "setup.kql"

// DefaultPartSize is the size a part is closed at when Options.PartSize is
// 0: Kusto's guidance is files of 100 MB to 1 GB.
const DefaultPartSize = 256 << 20

// Metadata keys a Parquet part carries (ingest reads them back).
const (
	// MetaTable names the table the part belongs to.
	MetaTable = "clickhunt.table"
	// MetaColumns is the JSON array [{"name","type"}] of the columns in
	// table order with their KQL types (Parquet's own schema orders its
	// columns by name).
	MetaColumns = "clickhunt.columns"
)

// Options configure an export.
type Options struct {
	// Format is FormatCSV (gzip-compressed) or FormatParquet.
	Format string
	// Dir is the export's directory: the parts go under Dir/data, the
	// script is Dir/setup.kql. It must be empty or not exist yet.
	Dir string
	// PartSize is the file size after which a part is closed and the next
	// begun, at the next boundary (1,024 rows in CSV, a row group in
	// Parquet); 0 means DefaultPartSize.
	PartSize int64
}

// Export is one export in progress: tables are written one after another
// into the same directory.
type Export struct {
	opts    Options
	tables  []*Table
	created []string // files this export wrote, removed by Abort
}

// ErrNotEmpty is returned by New when the directory already holds files:
// an export never mixes its parts with others.
var ErrNotEmpty = errors.New("the export directory is not empty")

// New starts an export into opts.Dir, creating the directory.
func New(opts Options) (*Export, error) {
	switch opts.Format {
	case FormatCSV, FormatParquet:
	default:
		return nil, fmt.Errorf("unknown export format %q (want csv or parquet)", opts.Format)
	}
	if opts.PartSize <= 0 {
		opts.PartSize = DefaultPartSize
	}
	if entries, err := os.ReadDir(opts.Dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s: %w: choose a new directory", opts.Dir, ErrNotEmpty)
	}
	if err := os.MkdirAll(filepath.Join(opts.Dir, DataDir), 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the export directory: %w", err)
	}
	return &Export{opts: opts}, nil
}

// Table is one table of an export: its name and columns, and once written
// its parts.
type Table struct {
	Name   string
	Schema column.Schema
	Rows   int64
	Parts  []Part
	format string

	exp     *Export
	enc     partEncoder
	rgRows  int // rows between size checks
	step    int // rows written at a time, between checks of the bytes held
	pending int // rows written to the current part since its last check
}

// rowGroupBytes bounds the values a Parquet row group gathers before it is
// written out: the writer holds a row group's pages and dictionaries until
// then, so wide rows (long URLs, large dynamic values) end a row group
// before its 65,536 rows.
var rowGroupBytes int64 = 32 << 20

// Part is one file of a table.
type Part struct {
	// Path is the file's path; Name its name under the data directory.
	Path, Name string
	Rows       int64
	Bytes      int64
}

// partEncoder writes the rows of one part file.
type partEncoder interface {
	// write appends rows [from, to) of b; the columns are the table's.
	write(b *column.Batch, from, to int) error
	// boundary ends a chunk of rows (a Parquet row group) and returns the
	// part's size so far in bytes.
	boundary() (int64, error)
	// held is about how many bytes of values the encoder holds since the
	// last boundary (0 when it holds none: CSV streams).
	held() int64
	// close finishes the file and returns its size.
	close() (int64, error)
	// abort closes the file without finishing it.
	abort()
}

// Begin starts the next table. Names must be unique within an export.
func (e *Export) Begin(name string, schema column.Schema) (*Table, error) {
	if name == "" {
		return nil, errors.New("a table needs a name")
	}
	for _, t := range e.tables {
		if t.Name == name {
			return nil, fmt.Errorf("table %s is exported twice", name)
		}
	}
	seen := map[string]bool{}
	for _, f := range schema {
		if seen[f.Name] {
			return nil, fmt.Errorf("table %s: column %s appears twice (Kusto names must be unique)", name, f.Name)
		}
		seen[f.Name] = true
	}
	t := &Table{Name: name, Schema: schema, format: e.opts.Format, exp: e}
	t.rgRows, t.step = 1024, 1024
	if e.opts.Format == FormatParquet {
		// Row groups as large as a stored block, smaller when parts are
		// small so that a part still ends near its size.
		t.rgRows = int(min(max(e.opts.PartSize/128, 1024), 65536))
	}
	e.tables = append(e.tables, t)
	return t, nil
}

// Write appends the rows of b, whose columns are the table's schema.
func (t *Table) Write(b *column.Batch) error {
	if len(b.Cols) != len(t.Schema) {
		panic(fmt.Sprintf("BUG: export of %s: batch of %d columns for a schema of %d", t.Name, len(b.Cols), len(t.Schema)))
	}
	for from := 0; from < b.Len; {
		if t.enc == nil {
			if err := t.openPart(); err != nil {
				return err
			}
		}
		to := min(b.Len, from+min(t.rgRows-t.pending, t.step))
		if err := t.enc.write(b, from, to); err != nil {
			return t.fail(err)
		}
		n := int64(to - from)
		t.Rows += n
		t.Parts[len(t.Parts)-1].Rows += n
		t.pending += to - from
		from = to
		if t.pending == t.rgRows || t.enc.held() >= rowGroupBytes {
			t.pending = 0
			size, err := t.enc.boundary()
			if err != nil {
				return t.fail(err)
			}
			if size >= t.exp.opts.PartSize {
				if err := t.closePart(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Close finishes the table's last part. A table with no rows still gets
// one part (a header, or a Parquet file of no rows), so that its columns
// travel and ingest creates it.
func (t *Table) Close() error {
	if t.enc == nil && len(t.Parts) == 0 {
		if err := t.openPart(); err != nil {
			return err
		}
	}
	if t.enc == nil {
		return nil
	}
	return t.closePart()
}

func (t *Table) openPart() error {
	name := partName(t.Name, len(t.Parts)+1, t.format)
	path := filepath.Join(t.exp.opts.Dir, DataDir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	t.exp.created = append(t.exp.created, path)
	switch t.format {
	case FormatCSV:
		t.enc, err = newCSVPart(f, t.Schema)
	default:
		t.enc, err = newParquetPart(f, t)
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	t.Parts = append(t.Parts, Part{Path: path, Name: name})
	t.pending = 0
	return nil
}

func (t *Table) closePart() error {
	size, err := t.enc.close()
	t.enc = nil
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", t.Parts[len(t.Parts)-1].Path, err)
	}
	t.Parts[len(t.Parts)-1].Bytes = size
	return nil
}

func (t *Table) fail(err error) error {
	if t.enc != nil {
		t.enc.abort()
		t.enc = nil
	}
	return fmt.Errorf("cannot write %s: %w", t.Parts[len(t.Parts)-1].Path, err)
}

// Tables returns the tables begun so far.
func (e *Export) Tables() []*Table { return e.tables }

// Abort removes every file the export wrote (and its directories when they
// are left empty): a failed export leaves nothing half written behind.
func (e *Export) Abort() {
	for _, t := range e.tables {
		if t.enc != nil {
			t.enc.abort()
			t.enc = nil
		}
	}
	for _, p := range e.created {
		os.Remove(p)
	}
	os.Remove(filepath.Join(e.opts.Dir, ScriptName))
	os.Remove(filepath.Join(e.opts.Dir, DataDir))
	os.Remove(e.opts.Dir)
}

// partName is a part's file name: the table's name (path-escaped, so any
// name makes a file name and reads back), its number and the format's
// extension: UrlClickEvents.00001.csv.gz.
func partName(table string, n int, format string) string {
	return fmt.Sprintf("%s.%05d%s", url.PathEscape(table), n, partExt(format))
}

func partExt(format string) string {
	if format == FormatCSV {
		return ".csv.gz"
	}
	return ".parquet"
}

// partGlob matches the part names of table t.
func partGlob(t *Table) string {
	return url.PathEscape(t.Name) + ".*" + partExt(t.format)
}

// TableOfPart returns the table a part file name (as export names parts)
// belongs to, and ok false when name is not a part's name.
func TableOfPart(name string) (table string, ok bool) {
	base := filepath.Base(name)
	for _, ext := range []string{".csv.gz", ".csv", ".parquet"} {
		if !strings.HasSuffix(base, ext) {
			continue
		}
		stem := strings.TrimSuffix(base, ext)
		i := strings.LastIndexByte(stem, '.')
		if i <= 0 || len(stem)-i-1 < 5 {
			return "", false
		}
		for _, c := range stem[i+1:] {
			if c < '0' || c > '9' {
				return "", false
			}
		}
		t, err := url.PathUnescape(stem[:i])
		if err != nil || t == "" {
			return "", false
		}
		return t, true
	}
	return "", false
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
