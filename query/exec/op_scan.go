package exec

import (
	"context"

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
	blocks []storage.BlockMeta
	next   int
	st     *Stats
}

func newScan(n *plan.Scan, store Store, st *Stats) (*scanOp, error) {
	t, err := store.Table(n.Table)
	if err != nil {
		return nil, err
	}
	s := &scanOp{store: store, table: t, needed: n.Needed, st: st}
	for _, f := range n.Schema {
		c, ok := t.Column(f.Name)
		if !ok {
			panic("BUG: scan of a column the catalog does not have: " + f.Name)
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
		if s.filter, err = compile(n.Filter); err != nil {
			return nil, err
		}
		s.fcols = make([]bool, len(s.cols))
		markExprCols(n.Filter, s.fcols)
		s.prune = rangeConds(n.Filter)
	}
	if s.blocks, err = store.Blocks(t); err != nil {
		return nil, err
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
	for s.next < len(s.blocks) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bm := &s.blocks[s.next]
		s.next++
		if !s.mayMatch(bm) {
			continue
		}
		s.st.BlocksRead++
		s.st.readRows(bm.Rows)
		b := &column.Batch{Len: bm.Rows, Cols: make([]*column.Vector, len(s.cols))}
		if s.filter != nil {
			for i, use := range s.fcols {
				if use {
					v, err := s.store.ReadColumn(s.table, bm, s.cols[i])
					if err != nil {
						return nil, err
					}
					b.Cols[i] = v
				}
			}
			sel := selection(s.filter.eval(b))
			if len(sel) == 0 {
				continue
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
		if err := s.read(b, bm, func(i int) bool { return s.needed[i] }); err != nil {
			return nil, err
		}
		return b, nil
	}
	return nil, nil
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
// judging by its per-column min/max.
func (s *scanOp) mayMatch(bm *storage.BlockMeta) bool {
	for _, rc := range s.prune {
		st, ok := bm.Stats[s.cols[rc.col].ID]
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
	return true
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
