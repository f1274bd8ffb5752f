package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"unicode/utf8"

	"clickhunt/storage"
)

// The default limits on one input (Options.MaxFieldSize and the rest). An
// export holds nothing near them: Kusto itself keeps string values to 1 MB
// by default and tables to 10,000 columns, and 30M clicks are 10 GB of CSV.
// They stop a hostile or broken file (a gzip of one 3 GB value,
// /dev/zero, an object with a million keys) while memory is still small.
const (
	DefaultMaxFieldSize = 16 << 20
	DefaultMaxLineSize  = 64 << 20
	DefaultMaxColumns   = 10_000
	DefaultMaxInputSize = 64 << 30
)

// limits are the resolved limits of one read.
type limits struct {
	field, line, input int64
	columns            int
}

func newLimits(opts Options) limits {
	l := limits{field: DefaultMaxFieldSize, line: DefaultMaxLineSize, input: DefaultMaxInputSize, columns: DefaultMaxColumns}
	if opts.MaxFieldSize > 0 {
		l.field = opts.MaxFieldSize
	}
	if opts.MaxLineSize > 0 {
		l.line = opts.MaxLineSize
	}
	if opts.MaxInputSize > 0 {
		l.input = opts.MaxInputSize
	}
	if opts.MaxColumns > 0 {
		l.columns = opts.MaxColumns
	}
	return l
}

// limitError is a limit met while reading, before the line it was met on
// is known; read turns it into an *Error.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

func lineLimitError(limit int64) *limitError {
	return &limitError{fmt.Sprintf("line longer than %s (a row, or a value left open, that big is refused; raise --max-line-size to read it)", fmtSize(limit))}
}

func rowLimitError(limit int64) *limitError {
	return &limitError{fmt.Sprintf("row longer than %s (a quoted value or a JSON object left open? raise --max-line-size to read it)", fmtSize(limit))}
}

func inputLimitError(limit int64) *limitError {
	return &limitError{fmt.Sprintf("input larger than %s after decompression (raise --max-input-size to read it)", fmtSize(limit))}
}

func fieldLimitMsg(n int, limit int64) string {
	return fmt.Sprintf("value of %s, more than %s (raise --max-field-size to read it)", fmtSize(int64(n)), fmtSize(limit))
}

func columnLimitMsg(limit int) string {
	return fmt.Sprintf("more than %d columns (raise --max-columns to read them)", limit)
}

// maxMsg bounds a message about a bad row: one may quote a value of up to
// the field limit, and a dry run keeps a thousand of them.
const maxMsg = 1 << 10

// clipMsg cuts msg to maxMsg bytes (on a character boundary), saying so.
func clipMsg(msg string) string {
	if len(msg) <= maxMsg {
		return msg
	}
	cut := maxMsg
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d more bytes)", msg[:cut], len(msg)-cut)
}

// fmtSize writes a byte count the way the flags take it.
func fmtSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// guardChunk caps each read through an inputGuard, so that what a parser
// reads ahead of the row it is on stays small (guardSlack).
const guardChunk = 256 << 10

// guardSlack is how far the bytes read may run ahead of the row a parser
// is on: its buffers (256 + 64 + 4 KiB) and one chunk.
const guardSlack = 1 << 20

// inputGuard sits between the decoded text and the parsers. It counts
// lines, refuses a line longer than the line limit while it is being read
// (encoding/csv and encoding/json would buffer it whole), a row longer
// than the limit plus guardSlack since the parser's last markRow (a
// quoted value or an object left open holds newlines) and more text than
// the input limit, and stops on cancellation. Its errors stick.
type inputGuard struct {
	r         io.Reader
	ctx       context.Context
	maxLine   int64
	maxInput  int64
	n         int64 // bytes read
	line      int   // line of the next byte
	lineStart int64 // offset of the first byte of that line
	rowStart  int64 // bytes read at the last markRow
	err       error
}

func (g *inputGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if err := g.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > guardChunk {
		p = p[:guardChunk]
	}
	if rest := g.maxInput + 1 - g.n; int64(len(p)) > rest {
		p = p[:rest] // the line counted is the one the limit is passed on
	}
	n, err := g.r.Read(p)
	b := p[:n]
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		if g.n+int64(i+j)-g.lineStart > g.maxLine {
			g.err = lineLimitError(g.maxLine)
			return 0, g.err
		}
		i += j + 1
		g.line++
		g.lineStart = g.n + int64(i)
	}
	g.n += int64(n)
	if le, ok := err.(*limitError); ok {
		g.err = le // from the capReader below
	}
	switch {
	case g.n > g.maxInput:
		g.err = inputLimitError(g.maxInput)
	case g.n-g.lineStart > g.maxLine:
		g.err = lineLimitError(g.maxLine)
	case g.n-g.rowStart > g.maxLine+guardSlack:
		g.err = rowLimitError(g.maxLine)
	}
	if g.err != nil {
		return 0, g.err
	}
	return n, err
}

// binary stops the line and row checks, for a format with no lines
// (Parquet, spooled whole to a temporary file).
func (g *inputGuard) binary() { g.maxLine = 1 << 60 }

// markRow tells the guard a row has ended (the bytes read so far, less
// what the parser holds ahead, belong to the rows before).
func (g *inputGuard) markRow() { g.rowStart = g.n }

// limitErr is the guard's limit error, if it met one.
func (g *inputGuard) limitErr() *limitError {
	le, _ := g.err.(*limitError)
	return le
}

// capReader refuses more than limit bytes.
type capReader struct {
	r     io.Reader
	limit int64
	n     int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n > c.limit {
		return 0, inputLimitError(c.limit)
	}
	if rest := c.limit + 1 - c.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return 0, inputLimitError(c.limit)
	}
	return n, err
}

// Blocks are cut early when they grow wide or heavy, so that a parse holds
// a bounded amount whatever the rows: at most maxBlockCells values (an
// export of up to 128 columns keeps whole blocks) and about
// maxBlockBytes of row text. Variables for the tests alone.
var (
	maxBlockCells       = 128 * storage.BlockRows
	maxBlockBytes int64 = 64 << 20
)

// blockRowsFor is the rows a block of ncols columns may hold.
func blockRowsFor(ncols int) int {
	return max(1, min(storage.BlockRows, maxBlockCells/max(ncols, 1)))
}

// streamReader reads a pipe, FIFO or device on a goroutine of its own, so
// that cancellation (Ctrl-C, SIGTERM) ends a read that waits on a writer
// that never writes: read(2) on a blocking descriptor is not interrupted
// by a signal Go handles. When ctx ends the goroutine is left to return
// from its read (or to end with the process).
type streamReader struct {
	ctx  context.Context
	full chan []byte
	free chan []byte
	buf  []byte // the chunk being read from
	cur  []byte // its unread rest
	err  error  // the source's error; read after full is closed
}

func newStreamReader(ctx context.Context, r io.Reader) *streamReader {
	s := &streamReader{ctx: ctx, full: make(chan []byte, 2), free: make(chan []byte, 3)}
	for range 3 {
		s.free <- make([]byte, guardChunk)
	}
	go s.run(r)
	return s
}

func (s *streamReader) run(r io.Reader) {
	defer close(s.full)
	for {
		var buf []byte
		select {
		case buf = <-s.free:
		case <-s.ctx.Done():
			s.err = s.ctx.Err()
			return
		}
		n, err := r.Read(buf[:cap(buf)])
		if n > 0 {
			select {
			case s.full <- buf[:n]:
			case <-s.ctx.Done():
				s.err = s.ctx.Err()
				return
			}
		}
		if err != nil {
			s.err = err
			return
		}
	}
}

func (s *streamReader) Read(p []byte) (int, error) {
	if len(s.cur) == 0 {
		if s.buf != nil {
			s.free <- s.buf[:cap(s.buf)]
			s.buf = nil
		}
		select {
		case b, ok := <-s.full:
			if !ok {
				return 0, s.err
			}
			s.buf, s.cur = b, b
		case <-s.ctx.Done():
			return 0, s.ctx.Err()
		}
	}
	n := copy(p, s.cur)
	s.cur = s.cur[n:]
	return n, nil
}
