package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"runtime"
	"sync"
	"unsafe"

	"clickhunt/column"
)

// Parsing a CSV file on every core.
//
// One goroutine (the splitter) reads the input once, in order, and cuts it
// into chunks of whole records: a record ends at a newline after an even
// number of quotes since the last record's end, and a chunk holds at most a
// block's rows (and about maxBlockBytes). Workers parse chunks at the same
// time, each into a block of its own (converted, dictionary-encoded and
// row-hashed as the one-at-a-time path does), and the calling goroutine
// hands the blocks to the sink in the file's order.
//
// A worker takes only what it can read exactly as encoding/csv does: a
// quote out of place, a \r not ending a line, a wrong number of fields, a
// value over the limits or one that does not convert makes the whole
// chunk go through encoding/csv instead, one record at a time (csvSeq),
// so that rejects, their line numbers and their raw text, and the error
// that stops a file, are the same as without the split. A broken quote
// can fool the parity: the split is then no record boundary, which shows
// as a record left open at the chunk's end; from that record on, the rest
// of the input is read one record at a time, as one stream. So does the
// rest of an input whose split finds no record end for splitBail bytes (a
// huge quoted value, a quote never closed) or whose read fails (a limit,
// cancellation): encoding/csv then meets the same bytes and the same
// error as without the split.

// csvParallel turns the split on (tests turn it off to compare).
var csvParallel = true

// csvChunkRows, when above 0, caps a chunk's records below a block's rows:
// tests make many chunks of a small file with it.
var csvChunkRows = 0

// csvChunkHook, when set (by tests), learns whether each chunk was parsed
// whole by a worker.
var csvChunkHook func(clean bool)

// splitBail is how many bytes after the last record's end the splitter
// reads before it leaves the rest of the input to encoding/csv.
var splitBail = 4 << 20

// headerLen returns the length of the header record (through its newline)
// and the lines it spans, when it ends within br's buffer; else -1.
func headerLen(br *bufio.Reader) (n, lines int) {
	b, _ := br.Peek(br.Size())
	if len(b) == 0 || b[0] == '\n' || b[0] == '\r' {
		return -1, 0 // encoding/csv skips blank lines before the header
	}
	odd := false
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1, 0
		}
		odd = odd != (bytes.Count(b[i:i+j], quoteByte)%2 == 1)
		i += j + 1
		lines++
		if !odd {
			return i, lines
		}
	}
}

var quoteByte = []byte{'"'}

// csvChunk is a run of the input cut at a record's end, or (rest set) the
// rest of the input, to be read one record at a time.
type csvChunk struct {
	data     []byte
	lineBase int       // lines of the file before data
	rest     io.Reader // not a chunk: the rest of the input
	done     chan struct{}

	// What the worker made of it.
	clean   bool // parsed whole: the fields below hold it
	schema  column.Schema
	batch   *column.Batch // nil: no rows
	hashes  []uint64
	records int64
	assumed bool // a slash date was read month first
}

// csvSplitter cuts the input into chunks (see above).
type csvSplitter struct {
	r        io.Reader
	markRow  func()
	rows     int // most records a chunk holds
	lineBase int
	order    chan *csvChunk // every chunk, in order
	work     chan *csvChunk // the chunks to parse
	slots    chan struct{}  // a chunk is filled only with a slot; the caller gives it back
	stop     chan struct{}  // closed: stop reading
	left     []byte         // once stopped: the bytes read and not sent
}

func (s *csvSplitter) run() {
	defer close(s.work)
	defer close(s.order)
	buf := make([]byte, 0, 64<<10)
	next := 64 << 10 // room for the next chunk: a little more than the last
	scan := 0        // bytes of buf looked at
	line := 0        // where the line at scan starts
	lines := 0       // newlines in buf[:scan]
	odd := false     // inside quotes at scan
	cut, cutLines, records := 0, 0, 0
	send := func(c *csvChunk) bool {
		select {
		case s.order <- c:
		case <-s.stop:
			return false
		}
		if c.rest == nil {
			s.work <- c // never blocks: it holds more than order can
		}
		return true
	}
	// chunk sends buf[:cut] and keeps the rest.
	chunk := func() bool {
		c := &csvChunk{data: buf[:cut:cut], lineBase: s.lineBase, done: make(chan struct{})}
		if !send(c) {
			s.left = buf
			return false
		}
		next = max(next, cut+cut/16)
		// Only what follows the chunk is kept for now: the room for the
		// next chunk is made once it has a slot.
		buf = append([]byte(nil), buf[cut:]...)
		scan, line, lines = scan-cut, line-cut, lines-cutLines
		s.lineBase += cutLines
		cut, cutLines, records = 0, 0, 0
		return true
	}
	restOf := func(r io.Reader) {
		c := &csvChunk{rest: r, lineBase: s.lineBase, done: make(chan struct{})}
		close(c.done)
		if !send(c) {
			s.left = buf
		}
	}
	slot := false // a slot is held for the chunk in buf
	for {
		if !slot {
			select {
			case <-s.slots:
				slot = true
			case <-s.stop:
				s.left = buf
				return
			}
		}
		select {
		case <-s.stop:
			s.left = buf
			return
		default:
		}
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), max(next, cap(buf)+cap(buf)/4, 64<<10))
			copy(nb, buf)
			buf = nb
		}
		n, err := s.r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		found := false
		for scan < len(buf) {
			j := bytes.IndexByte(buf[scan:], '\n')
			if j < 0 {
				odd = odd != (bytes.Count(buf[scan:], quoteByte)%2 == 1)
				scan = len(buf)
				break
			}
			odd = odd != (bytes.Count(buf[scan:scan+j], quoteByte)%2 == 1)
			end := scan + j // the line is buf[line:end]
			blank := end == line || end == line+1 && buf[line] == '\r'
			scan = end + 1
			line = scan
			lines++
			if odd || blank {
				// Inside quotes, or a blank line: encoding/csv reads it
				// with the record after it (a rejected row's raw text
				// holds it).
				continue
			}
			cut, cutLines = scan, lines
			records++
			found = true
			if records >= s.rows || int64(cut) >= maxBlockBytes {
				if !chunk() {
					return
				}
				// The next chunk waits for a slot before it is read
				// on; what follows in buf is already read.
				slot = false
				select {
				case <-s.slots:
					slot = true
				case <-s.stop:
					s.left = buf
					return
				}
			}
		}
		if found {
			s.markRow()
		}
		switch {
		case err == io.EOF:
			if len(buf) > 0 {
				cut, cutLines = len(buf), lines
				chunk()
			}
			return
		case err != nil:
			// encoding/csv reads what was read, then meets the error.
			if cut > 0 && !chunk() {
				return
			}
			restOf(io.MultiReader(bytes.NewReader(buf), errReader{err}))
			return
		case len(buf)-cut > splitBail:
			if cut > 0 && !chunk() {
				return
			}
			restOf(io.MultiReader(bytes.NewReader(buf), s.r))
			return
		}
	}
}

// errReader returns its error.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// csvWorker parses chunks into blocks with a plan of its own.
type csvWorker struct {
	p   *plan
	lim limits
	nf  int
	f   fastCSV
}

// workerPlan returns a plan for a worker parsing chunks of at most rows
// records: p's mapping with blocks, cells, dates and row hashes of its own.
func (p *plan) workerPlan(rows int) *plan {
	c := *p
	d := *p.dates
	c.dates = &d
	c.blockRows = min(rows, p.blockRows)
	c.outs = make([]outCol, len(p.schema))
	for i, f := range p.schema {
		c.outs[i] = newOutCol(f.Type, c.blockRows)
	}
	c.cells = make([]cell, len(p.schema))
	c.n, c.bytes = 0, 0
	c.hashedFrom, c.seeds, c.mapping, c.notes = nil, nil, nil, nil
	if p.rowHash != nil {
		c.startHashes()
	}
	return &c
}

func (w *csvWorker) run(ctx context.Context, work <-chan *csvChunk) {
	for c := range work {
		w.parse(ctx, c)
		close(c.done)
	}
}

// parse parses c into a block, or leaves it unclean (see above).
func (w *csvWorker) parse(ctx context.Context, c *csvChunk) {
	p, data := w.p, c.data
	p.dates.assumed = false
	w.f.scratch = make([]byte, 0, w.f.want)
	defer func() {
		w.f.want = max(w.f.want, len(w.f.scratch)+len(w.f.scratch)/8)
		w.f.scratch = nil
	}()
	var records int64
	discard := func() {
		if p.n > 0 {
			p.build()
		}
	}
	for i := 0; i < len(data); {
		if data[i] == '\n' {
			i++ // a blank line: no record
			continue
		}
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i += 2
			continue
		}
		next, ok := w.f.record(data, i)
		if !ok || int64(next-i) > w.lim.line || p.n == p.blockRows {
			discard()
			return
		}
		i = next
		rec := w.f.rec
		if len(rec) != w.nf {
			if len(rec) < w.nf {
				discard()
				return
			}
			for _, f := range rec[w.nf:] {
				if f != "" {
					discard()
					return
				}
			}
			rec = rec[:w.nf]
		}
		if bigField(rec, w.lim.field) >= 0 {
			discard()
			return
		}
		if _, err := p.convert(rec, nil); err != nil {
			discard()
			return
		}
		p.put()
		records++
		if records%checkEvery == 0 && ctx.Err() != nil {
			discard()
			return
		}
	}
	c.clean, c.records, c.assumed = true, records, p.dates.assumed
	if p.n > 0 {
		c.schema, c.batch, c.hashes = p.build()
	}
}

// fastCSV reads the records encoding/csv reads the same way, without
// copying: values are strings over the chunk's bytes (which a block's
// values keep alive, as encoding/csv's per-record strings did), and a
// quoted value with doubled quotes is unescaped into scratch.
type fastCSV struct {
	rec     []string
	scratch []byte // never reused: strings point into it
	want    int    // room to make for the next chunk's scratch
}

// str is b as a string without a copy; b is never written again.
func str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// record reads the record at data[i:] (not a blank line) into f.rec and
// returns where the next begins; ok is false when encoding/csv must read
// it: a quote inside an unquoted value or after a closing quote, a \r that
// does not end a line, or a quoted value still open at the end of data.
func (f *fastCSV) record(data []byte, i int) (next int, ok bool) {
	f.rec = f.rec[:0]
	n := len(data)
	for {
		if i < n && data[i] == '"' {
			seg := i + 1
			from := -1 // where the value starts in scratch, once unescaped
			for {
				k := bytes.IndexByte(data[seg:], '"')
				if k < 0 {
					return 0, false
				}
				q := seg + k
				if bytes.IndexByte(data[seg:q], '\r') >= 0 {
					return 0, false // encoding/csv turns \r\n into \n
				}
				if q+1 < n && data[q+1] == '"' {
					if from < 0 {
						from = len(f.scratch)
					}
					f.scratch = append(f.scratch, data[seg:q+1]...)
					seg = q + 2
					continue
				}
				if from < 0 {
					f.rec = append(f.rec, str(data[seg:q]))
				} else {
					f.scratch = append(f.scratch, data[seg:q]...)
					f.rec = append(f.rec, str(f.scratch[from:]))
				}
				switch {
				case q+1 == n:
					return n, true
				case data[q+1] == ',':
					i = q + 2
				case data[q+1] == '\n':
					return q + 2, true
				case data[q+1] == '\r' && q+2 < n && data[q+2] == '\n':
					return q + 3, true
				default:
					return 0, false
				}
				break
			}
			continue
		}
		j := i
		for j < n {
			c := data[j]
			if c == ',' || c == '\n' || c == '"' || c == '\r' {
				break
			}
			j++
		}
		if j == n {
			f.rec = append(f.rec, str(data[i:j]))
			return n, true
		}
		switch data[j] {
		case ',':
			f.rec = append(f.rec, str(data[i:j]))
			i = j + 1
		case '\n':
			f.rec = append(f.rec, str(data[i:j]))
			return j + 1, true
		case '\r':
			if j+1 < n && data[j+1] == '\n' {
				f.rec = append(f.rec, str(data[i:j]))
				return j + 2, true
			}
			return 0, false
		default: // a quote inside an unquoted value
			return 0, false
		}
	}
}

// readParallelCSV reads the records of br (the input after the header,
// lineBase lines into the file) as described above.
func readParallelCSV(br io.Reader, s *csvSeq, lineBase int) error {
	workers := max(1, runtime.GOMAXPROCS(0))
	rows := s.p.blockRows
	if csvChunkRows > 0 {
		rows = min(rows, csvChunkRows)
	}
	ctx, cancel := context.WithCancel(s.e.ctx)
	defer cancel()
	// In flight: a chunk for each worker (the splitter fills one only
	// when the caller has passed one on); with the block the sink holds
	// and the one it stores, a 2-core machine holds 4 blocks' text, one
	// more than one record at a time.
	sp := &csvSplitter{r: br, markRow: s.markRow, rows: rows, lineBase: lineBase,
		order: make(chan *csvChunk, workers), work: make(chan *csvChunk, workers+2),
		slots: make(chan struct{}, workers), stop: make(chan struct{})}
	for range workers {
		sp.slots <- struct{}{}
	}
	var wg sync.WaitGroup
	wg.Go(sp.run)
	for range workers {
		w := &csvWorker{p: s.p.workerPlan(rows), lim: s.cfg.lim, nf: s.nf}
		wg.Go(func() { w.run(ctx, sp.work) })
	}
	// halt stops the splitter and the workers and returns what the input
	// holds from the first chunk not read on: the chunks sent, then the
	// bytes read and not sent, then br.
	halted := false
	halt := func() []io.Reader {
		halted = true
		close(sp.stop)
		cancel()
		var rest []io.Reader
		tail := false
		for c := range sp.order {
			if c.rest != nil {
				rest, tail = append(rest, c.rest), true
			} else {
				rest = append(rest, bytes.NewReader(c.data))
			}
		}
		wg.Wait()
		if !tail {
			rest = append(rest, bytes.NewReader(sp.left), br)
		}
		return rest
	}
	defer func() {
		if !halted {
			halt()
		}
	}()
	for c := range sp.order {
		<-c.done
		if c.rest != nil {
			halt() // the splitter has stopped: only the workers are left
			return s.rest(c.rest, c.lineBase)
		}
		if csvChunkHook != nil {
			csvChunkHook(c.clean)
		}
		if c.clean {
			if err := s.p.flush(s.e); err != nil {
				return err
			}
			if c.batch != nil {
				if err := s.e.emitHashed(c.schema, c.batch, c.hashes); err != nil {
					return err
				}
			}
			s.e.in += c.records
			s.p.dates.assumed = s.p.dates.assumed || c.assumed
			sp.slots <- struct{}{}
			continue
		}
		// The chunk again, one record at a time: the bytes were read
		// (and the guard told) already.
		seq := *s
		seq.markRow = nil
		var src io.Reader = bytes.NewReader(c.data)
		var tap *tapReader
		if s.cfg.problem != nil {
			tap = &tapReader{r: src}
			src = tap
		}
		cr := csv.NewReader(src)
		cr.ReuseRecord = true
		cr.FieldsPerRecord = -1
		off, err := seq.loop(cr, tap, c.lineBase, int64(len(c.data)))
		if err != nil {
			return err
		}
		if off >= 0 {
			rest := append([]io.Reader{bytes.NewReader(c.data[off:])}, halt()...)
			return s.rest(io.MultiReader(rest...), c.lineBase+bytes.Count(c.data[:off], []byte{'\n'}))
		}
		sp.slots <- struct{}{}
	}
	return nil
}
