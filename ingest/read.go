package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"clickhunt/column"
	"clickhunt/storage"
)

// DefaultTable is the table File and Read load into when none is named.
const DefaultTable = "UrlClickEvents"

// The formats Read understands, as named in Options.Format.
const (
	FormatAuto  = "auto"
	FormatCSV   = "csv"
	FormatJSON  = "json"
	FormatJSONL = "jsonl"
)

// checkEvery is how many rows pass between context checks inside a block:
// often enough that Ctrl-C feels immediate, rarely enough to cost nothing.
const checkEvery = 4096

// Read parses r, an export named name (used in errors and for format
// detection), and hands sink blocks of at most storage.BlockRows rows. It
// uses opts.Table, opts.Format and opts.Progress (called after every block
// with size 0). It returns the rows parsed. Input problems are *Error; an
// error from sink or ctx is returned as is. Blocks handed to sink before an
// error are the caller's to discard.
func Read(ctx context.Context, r io.Reader, name string, sink Sink, opts Options) (int64, error) {
	info, err := read(ctx, r, name, sink, opts)
	return info.rows, err
}

// readInfo is what read found out about a file.
type readInfo struct {
	format   string
	source   string // the source's description
	table    string
	mapping  []MappingEntry
	notes    []string
	rows     int64 // rows handed to the sink
	rejected int64 // rows (records) rejected
	lines    int   // the line read up to
	limited  bool  // the read stopped at a limit
}

// readConfig is Options resolved for one file.
type readConfig struct {
	source  *sourceDef // nil: detect
	table   string
	dates   *dateParser
	tzGiven bool
	// problem, when set, receives each bad row and the row is skipped; an
	// error it returns stops the file. When nil a bad row stops the file.
	problem func(Problem) error
	lim     limits
	guard   *inputGuard // the parsers tell it where rows end
}

// Problem is a bad row: where, what, and the row's text as read (UTF-8).
type Problem struct {
	Error
	Raw string
}

func newReadConfig(opts Options) (*readConfig, error) {
	cfg := &readConfig{table: opts.Table, dates: &dateParser{loc: time.UTC}}
	if s := opts.Source; s != "" && s != "auto" {
		src, err := sourceByName(s)
		if err != nil {
			return nil, err
		}
		cfg.source = src
	}
	if opts.TZ != "" {
		loc, err := time.LoadLocation(opts.TZ)
		if err != nil {
			return nil, fmt.Errorf("--tz %s: %w", opts.TZ, err)
		}
		cfg.dates.loc, cfg.tzGiven = loc, true
	}
	switch {
	case opts.DateFormat != "":
		l, err := DotNetLayout(opts.DateFormat)
		if err != nil {
			return nil, fmt.Errorf("--date-format: %w", err)
		}
		cfg.dates.layout = l
	case opts.Culture != "":
		l, ok := Cultures[opts.Culture]
		if !ok {
			return nil, fmt.Errorf("--culture %s: unknown culture (known: %s; or give --date-format)", opts.Culture, strings.Join(cultureNames(), ", "))
		}
		cfg.dates.layout = l
	}
	if problem := opts.problem; problem != nil {
		cfg.problem = func(p Problem) error {
			p.Msg = clipMsg(p.Msg)
			return problem(p)
		}
	}
	cfg.lim = newLimits(opts)
	return cfg, nil
}

func cultureNames() []string {
	m := map[string]bool{}
	for k := range Cultures {
		m[k] = true
	}
	return sortedKeys(m)
}

func read(ctx context.Context, r io.Reader, name string, sink Sink, opts Options) (info readInfo, err error) {
	cfg, err := newReadConfig(opts)
	if err != nil {
		return readInfo{}, err
	}
	guard := &inputGuard{r: r, ctx: ctx, maxLine: cfg.lim.line, maxInput: cfg.lim.input, line: 1}
	cfg.guard = guard
	lc := &lineCounter{r: guard, line: 1}
	br := bufio.NewReaderSize(lc, 256<<10)
	bom := skipBOM(br)
	format, err := detectFormat(br, name, opts.Format)
	if err != nil {
		return readInfo{}, err
	}
	e := &emitter{ctx: ctx, sink: sink, lc: lc, progress: opts.Progress}
	e.info.format = format
	defer func() {
		// A limit met below the parser ends the file at the line it was
		// met on, whatever the parser made of the failed read.
		info.lines = guard.line
		var ie *Error
		if errors.As(err, &ie) {
			ie.Msg = clipMsg(ie.Msg)
		}
		if le := guard.limitErr(); le != nil && err != nil {
			err = &Error{File: name, Line: guard.line, Msg: le.msg}
			info.limited = true
		} else if errors.As(err, &le) {
			err = &Error{File: name, Line: guard.line, Msg: le.msg}
			info.limited = true
		}
	}()
	switch format {
	case FormatParquet:
		lc.stopTracking()
		guard.binary() // no lines nor rows to bound: the input limit still holds
		err = readParquet(br, name, cfg, e)
	case FormatCSV:
		// encoding/csv counts lines itself.
		lc.stopTracking()
		err = readMappedCSV(br, name, cfg, e)
	case FormatJSON, FormatJSONL:
		if isJSONDocument(br) {
			e.info.format = "json"
			err = readJSONDoc(br, name, cfg, bom, e)
			break
		}
		table := opts.Table
		if table == "" {
			table = ahTable(firstJSONKeys(br))
		}
		e.info.source, e.info.table = "Advanced Hunting JSON", table
		if err = e.setTable(table); err == nil {
			err = readJSON(br, name, table, format == FormatJSONL, bom, cfg, e)
		}
	}
	e.info.rows = e.rows
	e.info.rejected = e.rejected
	if e.empty > 0 {
		e.info.notes = append(e.info.notes, fmt.Sprintf("%d empty %s ({}) skipped: no columns, so no row", e.empty, plural(e.empty, "object", "objects")))
	}
	return e.info, err
}

// errEmptyRow is a JSON object without keys, {}. Like a blank line it is
// no row: it is skipped and counted in a note, never stored as a row of
// nulls. (An object whose keys are all null is a row, as a CSV line of
// only commas is: Kusto exports a row of nulls so.)
var errEmptyRow = errors.New("empty row")

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// detectFormat resolves "auto" by extension (.csv, .json, .jsonl, .ndjson),
// else by the first non-blank byte: '[' is a JSON array, '{' JSON lines,
// anything else CSV. A .json file starting with '{' is JSON lines.
func detectFormat(br *bufio.Reader, name, format string) (string, error) {
	switch strings.ToLower(format) {
	case FormatCSV:
		return FormatCSV, nil
	case FormatJSON:
		return FormatJSON, nil
	case FormatJSONL, "ndjson":
		return FormatJSONL, nil
	case FormatParquet:
		return FormatParquet, nil
	case "", FormatAuto:
	default:
		return "", fmt.Errorf("unknown format %q (want auto, csv, json, jsonl or parquet)", format)
	}
	if isParquet(br) {
		return FormatParquet, nil
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return FormatCSV, nil
	case ".json":
		// Many tools write JSON lines into .json files.
		if sniffFormat(br) == FormatJSONL {
			return FormatJSONL, nil
		}
		return FormatJSON, nil
	case ".jsonl", ".ndjson":
		return FormatJSONL, nil
	}
	return sniffFormat(br), nil
}

// sniffFormat looks at the first non-blank byte.
func sniffFormat(br *bufio.Reader) string {
	for n := 1; ; n *= 2 {
		buf, err := br.Peek(n)
		if trimmed := bytes.TrimLeft(buf, " \t\r\n"); len(trimmed) > 0 {
			switch trimmed[0] {
			case '[':
				return FormatJSON
			case '{':
				return FormatJSONL
			}
			return FormatCSV
		}
		if err != nil || n >= br.Size() {
			// Empty or all blank: the CSV reader reports it.
			return FormatCSV
		}
	}
}

// skipBOM drops a leading UTF-8 byte order mark, which Excel and some
// PowerShell exports write.
// It returns the bytes skipped.
func skipBOM(br *bufio.Reader) int64 {
	if b, err := br.Peek(3); err == nil && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		br.Discard(3)
		return 3
	}
	return 0
}

// emitter hands finished blocks to the sink and keeps the counts.
type emitter struct {
	ctx      context.Context
	sink     Sink
	lc       *lineCounter
	progress func(bytesRead, size, rows int64)
	rows     int64
	rejected int64
	empty    int64 // objects without keys ({}), skipped
	in       int64 // records read whole
	info     readInfo
}

// setTable tells a tableSink where the rows go.
func (e *emitter) setTable(table string) error {
	if ts, ok := e.sink.(tableSink); ok {
		return ts.setTable(table)
	}
	return nil
}

// start records what a plan decided and tells the sink its table.
func (e *emitter) start(p *plan) error {
	e.info.source = p.src.Desc
	if p.src.Name == "ah" {
		e.info.source = "Advanced Hunting " + strings.ToUpper(e.info.format)
	}
	e.info.table = p.table
	e.info.mapping = p.mapping
	if _, ok := e.sink.(hashedSink); ok {
		p.startHashes()
	}
	return e.setTable(p.table)
}

// finish adds the plan's closing notes.
func (e *emitter) finish(p *plan) {
	e.info.mapping = p.mapping
	if p.dates.assumed && p.dates.layout == "" {
		e.info.notes = append(e.info.notes, "dates like 6/8/2020 read month first (en-US); give --culture or --date-format if they are day first")
	}
	if p.explode >= 0 {
		e.info.notes = append(e.info.notes, fmt.Sprintf("%d records made %d rows (one per recipient)", e.in, e.rows))
	}
}

// hashedSink is a Sink that takes each block with its row hashes
// (dedup.go), which a plan computes as it reads.
type hashedSink interface {
	writeHashedBlock(schema column.Schema, b *column.Batch, hashes []uint64) error
}

// emitHashed is emit with the block's row hashes (nil: none).
func (e *emitter) emitHashed(schema column.Schema, b *column.Batch, hashes []uint64) error {
	hs, ok := e.sink.(hashedSink)
	if hashes == nil || !ok || b.Len == 0 {
		return e.emit(schema, b)
	}
	if b.Len > storage.BlockRows {
		panic("BUG: ingest block larger than storage.BlockRows")
	}
	if err := hs.writeHashedBlock(schema, b, hashes); err != nil {
		return err
	}
	return e.emitted(b)
}

// emit passes one block on, then checks for cancellation.
func (e *emitter) emit(schema column.Schema, b *column.Batch) error {
	if b.Len == 0 {
		return nil
	}
	if b.Len > storage.BlockRows {
		panic("BUG: ingest block larger than storage.BlockRows")
	}
	if err := e.sink.WriteBlock(schema, b); err != nil {
		return err
	}
	return e.emitted(b)
}

// emitted counts a block passed on, reports progress and checks for
// cancellation.
func (e *emitter) emitted(b *column.Batch) error {
	e.rows += int64(b.Len)
	if e.progress != nil {
		e.progress(e.lc.seen.Load(), 0, e.rows)
	}
	return e.ctx.Err()
}

// lineCounter counts bytes and remembers where lines end so a byte offset
// can be turned into a line number. Offsets asked about must not decrease;
// newlines before the last one asked about are forgotten, so memory stays
// bounded by the read-ahead of whoever reads through it.
type lineCounter struct {
	r     io.Reader
	n     int64   // bytes read so far
	nl    []int64 // offsets of newlines not yet passed
	head  int     // nl[:head] are passed
	line  int     // 1 + newlines passed
	start int64   // offset of the first byte of line
	off   bool    // not tracking lines
	// seen is n for progress reports, which may run on another
	// goroutine than the reads (csvpar.go).
	seen atomic.Int64
}

// stopTracking forgets all newlines and stops recording them.
func (c *lineCounter) stopTracking() {
	c.off = true
	c.nl, c.head = nil, 0
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.head > 0 && c.head == len(c.nl) {
		c.nl, c.head = c.nl[:0], 0
	}
	for i := 0; i < n && !c.off; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		c.nl = append(c.nl, c.n+int64(i+j))
		i += j + 1
	}
	c.n += int64(n)
	c.seen.Store(c.n)
	return n, err
}

// lineAt returns the 1-based line holding byte offset off.
func (c *lineCounter) lineAt(off int64) int {
	for c.head < len(c.nl) && c.nl[c.head] < off {
		c.start = c.nl[c.head] + 1
		c.head++
		c.line++
	}
	return c.line
}

// posAt returns the 1-based line and column (in bytes) of byte offset off;
// skip bytes (a byte order mark) at the start of the stream do not count.
func (c *lineCounter) posAt(off, skip int64) (line, col int) {
	line = c.lineAt(off)
	start := c.start
	if start == 0 {
		start = skip
	}
	return line, int(off-start) + 1
}

// lastLine returns the line of the last byte read so far.
func (c *lineCounter) lastLine() int { return c.lineAt(c.n - 1) }
