package exec

import (
	"context"
	"runtime"
	"sync/atomic"

	"clickhunt/column"
	"clickhunt/query/plan"
	"clickhunt/storage"
)

// scanOp reads the needed columns of a stored table block by block. With a
// pushed-down filter it skips blocks whose min/max rule the filter out,
// reads the filter's columns first, and reads the other columns only for
// blocks where some row passed (late materialisation).
type scanOp struct {
	store  Store
	table  *storage.TableInfo
	cols   []storage.ColumnInfo // by scan schema index
	needed []bool
	fcols  []bool // columns the filter reads
	filter expr
	prune  []rangeCond
	span   *intSpan   // the filter as a range of one column, when the store selects ranges (scan_span.go)
	terms  []termCond // has-style conjuncts, for term filters (prune_terms.go)
	exact  *exactTerm // a filter the term postings answer (prune_terms.go)
	blocks []storage.BlockMeta
	next   int
	st     *Stats

	// Parallel reading: workers goroutines, each with its own compiled
	// filter (kernels may keep per-instance caches); order carries the
	// result slots in block order.
	workers int
	filters []expr
	order   chan chan scanResult

	// In a partial aggregation (paragg.go) several serial scans share a
	// cursor over the blocks, each taking the next unread one; pos is the
	// position of the block last returned.
	cursor *atomic.Int64
	pos    int
}

func newScan(n *plan.Scan, store Store, st *Stats) (*scanOp, error) {
	t, err := store.Table(n.Table)
	if err != nil {
		return nil, err
	}
	s := &scanOp{store: store, table: t, needed: n.Needed, st: st}
	for i, f := range n.Schema {
		c, ok := t.Column(f.Name)
		if !ok {
			panic("BUG: scan of a column the catalog does not have: " + f.Name)
		}
		// A column read only through its head: its stored head, much
		// smaller, gives the same values to every expression reading it
		// (plan/heads.go).
		if n.HeadOnly != nil && n.HeadOnly[i] {
			if h, ok := t.DerivedColumn(f.Name, storage.HeadKind); ok {
				c = h
				st.HeadColumns++
			}
		}
		s.cols = append(s.cols, c)
	}
	if s.needed == nil {
		s.needed = make([]bool, len(s.cols))
		for i := range s.needed {
			s.needed[i] = true
		}
	}
	if n.Filter != nil {
		if s.filter, err = compile(n.Filter, st.stop); err != nil {
			return nil, err
		}
		s.fcols = make([]bool, len(s.cols))
		markExprCols(n.Filter, s.fcols)
		s.prune = rangeConds(n.Filter)
		if _, ok := store.(rangeSelector); ok {
			s.span = spanOf(n.Filter)
		}
		s.terms = termConds(n.Filter)
		s.exact = exactTermOf(n.Filter)
	}
	if s.blocks, err = store.Blocks(t); err != nil {
		return nil, err
	}
	s.workers = runtime.GOMAXPROCS(0)
	s.filters = make([]expr, s.workers)
	for w := range s.filters {
		if n.Filter != nil {
			if s.filters[w], err = compile(n.Filter, st.stop); err != nil {
				return nil, err
			}
		}
	}
	st.BlocksTotal += len(s.blocks)
	return s, nil
}

func markExprCols(e plan.Expr, use []bool) {
	switch e := e.(type) {
	case *plan.ColRef:
		use[e.Index] = true
	case *plan.Call:
		for _, a := range e.Args {
			markExprCols(a, use)
		}
	}
}

func (s *scanOp) Next(ctx context.Context) (*column.Batch, error) {
	if s.workers > 1 && len(s.blocks) > 1 {
		return s.nextParallel(ctx)
	}
	for {
		i := s.next
		if s.cursor != nil {
			i = int(s.cursor.Add(1) - 1)
		} else {
			s.next++
		}
		if i >= len(s.blocks) {
			return nil, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bm := &s.blocks[i]
		s.pos = i
		if !s.mayMatch(bm) {
			continue
		}
		s.countBlock(bm.Rows)
		b, err := s.load(bm, s.filter)
		if err != nil || b != nil {
			return b, err
		}
	}
}

// load reads one block: with a filter, the filter's columns first, and the
// other needed columns only when some row passes (nil when none does).
// filter is the caller's own compiled copy: workers never share one.
func (s *scanOp) load(bm *storage.BlockMeta, filter expr) (*column.Batch, error) {
	if filter == nil {
		return s.readNeeded(bm)
	}
	if s.span != nil {
		return s.loadSpan(bm)
	}
	if s.exact != nil {
		if tb, done, err := s.loadByTerm(bm); done || err != nil {
			return tb, err
		}
	}
	b := &column.Batch{Len: bm.Rows, Cols: make([]*column.Vector, len(s.cols))}
	if err := s.read(b, bm, func(i int) bool { return s.fcols[i] }); err != nil {
		return nil, err
	}
	sel := selection(filter.eval(b))
	if len(sel) == 0 {
		return nil, nil
	}
	if rr, ok := s.store.(rowReader); ok && len(sel) < b.Len/sparseRows {
		return s.loadRows(rr, b, bm, sel)
	}
	if err := s.read(b, bm, func(i int) bool { return s.needed[i] && !s.fcols[i] }); err != nil {
		return nil, err
	}
	for i := range b.Cols {
		if !s.needed[i] {
			b.Cols[i] = nil
		}
	}
	if len(sel) < b.Len {
		b = b.Gather(sel)
	}
	return b, nil
}

// loadStoppable is load on a goroutine of its own: a filter kernel that
// saw the run cancelled unwinds to here (cancel.go).
func (s *scanOp) loadStoppable(bm *storage.BlockMeta, filter expr) (b *column.Batch, err error) {
	defer recoverStop(&err)
	return s.load(bm, filter)
}

// rowReader is a Store that can read some rows of a column without the
// rest (storage.Snapshot: paged columns decode only the pages holding
// them).
type rowReader interface {
	ReadColumnRows(t *storage.TableInfo, b *storage.BlockMeta, c storage.ColumnInfo, rows []uint32) (*column.Vector, error)
}

// sparseRows: when fewer than 1/sparseRows of a block's rows pass the
// filter, the other columns are read for those rows only.
const sparseRows = 16

// loadRows reads the needed columns of the rows sel of a block: those
// already in b (the filter's; b may be nil) are gathered, the others are
// read for those rows only.
func (s *scanOp) loadRows(rr rowReader, b *column.Batch, bm *storage.BlockMeta, sel []uint32) (*column.Batch, error) {
	out := &column.Batch{Len: len(sel), Cols: make([]*column.Vector, len(s.cols))}
	for i := range s.cols {
		switch {
		case !s.needed[i]:
		case b != nil && b.Cols[i] != nil:
			out.Cols[i] = b.Cols[i].Gather(sel)
		default:
			v, err := rr.ReadColumnRows(s.table, bm, s.cols[i], sel)
			if err != nil {
				return nil, err
			}
			out.Cols[i] = v
		}
	}
	return out, nil
}

// scanResult is one block's outcome from a worker.
type scanResult struct {
	b    *column.Batch
	err  error
	rows int
}

type scanJob struct {
	bm  *storage.BlockMeta
	out chan scanResult
}

// nextParallel decodes and filters blocks on every core while returning
// them in block order. One goroutine prunes blocks by their statistics and
// queues them; workers load them; the order channel holds each block's
// result slot in sequence, and its buffer bounds how far ahead the workers
// read. The goroutines stop when the run's context is cancelled (exec.Run
// cancels it when it returns, so a take that stops early leaks nothing).
func (s *scanOp) nextParallel(ctx context.Context) (*column.Batch, error) {
	if s.order == nil {
		s.order = make(chan chan scanResult, 2*s.workers)
		jobs := make(chan scanJob, 2*s.workers)
		s.st.goroutine()
		go func() {
			defer s.st.done()
			defer close(s.order)
			defer close(jobs)
			for i := range s.blocks {
				bm := &s.blocks[i]
				if !s.mayMatch(bm) {
					continue
				}
				out := make(chan scanResult, 1)
				select {
				case s.order <- out:
				case <-ctx.Done():
					return
				}
				select {
				case jobs <- scanJob{bm: bm, out: out}:
				case <-ctx.Done():
					return
				}
			}
		}()
		for w := 0; w < s.workers; w++ {
			filter := s.filters[w]
			s.st.goroutine()
			go func() {
				defer s.st.done()
				for j := range jobs {
					if err := ctx.Err(); err != nil {
						j.out <- scanResult{err: err}
						continue
					}
					b, err := s.loadStoppable(j.bm, filter)
					j.out <- scanResult{b: b, err: err, rows: j.bm.Rows}
				}
			}()
		}
	}
	for {
		out, ok := <-s.order
		if !ok {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return nil, nil
		}
		var r scanResult
		select {
		case r = <-out:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if r.err != nil {
			return nil, r.err
		}
		s.countBlock(r.rows)
		if r.b != nil {
			return r.b, nil
		}
	}
}

// countBlock counts a block read in the run's stats.
func (s *scanOp) countBlock(rows int) {
	s.st.BlocksRead++
	s.st.readRows(rows)
	if s.span != nil {
		s.st.SpanBlocks++
	}
}

// readNeeded reads the needed columns of a whole block.
func (s *scanOp) readNeeded(bm *storage.BlockMeta) (*column.Batch, error) {
	b := &column.Batch{Len: bm.Rows, Cols: make([]*column.Vector, len(s.cols))}
	if err := s.read(b, bm, func(i int) bool { return s.needed[i] }); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *scanOp) read(b *column.Batch, bm *storage.BlockMeta, want func(int) bool) error {
	for i := range s.cols {
		if want(i) {
			v, err := s.store.ReadColumn(s.table, bm, s.cols[i])
			if err != nil {
				return err
			}
			b.Cols[i] = v
		}
	}
	return nil
}

// rangeCond is a conjunct of the filter of the form column op constant on
// an integer-backed column, usable against block min/max.
type rangeCond struct {
	col    int
	op     string
	lo, hi int64 // for between
	val    int64
}

// rangeConds extracts the prunable conjuncts of a filter.
func rangeConds(e plan.Expr) []rangeCond {
	c, ok := e.(*plan.Call)
	if !ok {
		return nil
	}
	if c.Fn == "and" {
		return append(rangeConds(c.Args[0]), rangeConds(c.Args[1])...)
	}
	constInt := func(e plan.Expr) (int64, bool) {
		k, ok := e.(*plan.Const)
		if !ok || k.Val == nil {
			return 0, false
		}
		v, ok := k.Val.(int64)
		return v, ok
	}
	switch c.Fn {
	case "==", "<", "<=", ">", ">=":
		col, ok := c.Args[0].(*plan.ColRef)
		if !ok || !col.T.IsInteger() {
			return nil
		}
		v, ok := constInt(c.Args[1])
		if !ok {
			return nil
		}
		return []rangeCond{{col: col.Index, op: c.Fn, val: v}}
	case "between":
		col, ok := c.Args[0].(*plan.ColRef)
		if !ok || !col.T.IsInteger() {
			return nil
		}
		lo, ok1 := constInt(c.Args[1])
		hi, ok2 := constInt(c.Args[2])
		if !ok1 || !ok2 {
			return nil
		}
		return []rangeCond{{col: col.Index, op: "between", lo: lo, hi: hi}}
	}
	return nil
}

// mayMatch reports whether a block can hold rows passing the filter,
// judging by its per-column min/max, then by its term filters.
func (s *scanOp) mayMatch(bm *storage.BlockMeta) bool {
	for _, rc := range s.prune {
		st, ok := bm.Stats.Get(s.cols[rc.col].ID)
		if !ok {
			return false // column absent from the block: all null, never matches
		}
		if !st.HasMinMax {
			if st.Nulls == bm.Rows {
				return false
			}
			continue
		}
		mn, mx := st.MinInt, st.MaxInt
		switch rc.op {
		case "==":
			if rc.val < mn || rc.val > mx {
				return false
			}
		case "<":
			if mn >= rc.val {
				return false
			}
		case "<=":
			if mn > rc.val {
				return false
			}
		case ">":
			if mx <= rc.val {
				return false
			}
		case ">=":
			if mx < rc.val {
				return false
			}
		case "between":
			if mx < rc.lo || mn > rc.hi {
				return false
			}
		}
	}
	return s.mayHaveTerms(bm)
}

// selection returns the rows where a bool vector is true (not null).
func selection(v *column.Vector) []uint32 {
	if v.Const {
		if v.IsNull(0) || !v.Bools[0] {
			return nil
		}
		sel := make([]uint32, v.Len)
		for i := range sel {
			sel[i] = uint32(i)
		}
		return sel
	}
	sel := make([]uint32, 0, v.Len/4+1)
	if v.Nulls == nil {
		for i, b := range v.Bools[:v.Len] {
			if b {
				sel = append(sel, uint32(i))
			}
		}
		return sel
	}
	for i, b := range v.Bools[:v.Len] {
		if b && !v.Nulls[i] {
			sel = append(sel, uint32(i))
		}
	}
	return sel
}
