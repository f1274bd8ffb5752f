package exec

import (
	"math"

	"clickhunt/column"
	"clickhunt/query/plan"
	"clickhunt/storage"
)

// A filter made only of range conditions on one integer-backed column
// (`Timestamp >= a and Timestamp < b`, `between`, `==`) is a span: the
// rows it keeps are those whose value lies in [lo, hi]. A store that can
// select such rows from the stored encoding (storage.Snapshot) answers it
// without decoding the column into a vector and comparing twice; a block
// whose min/max lie inside the span, with no nulls, passes whole without
// reading the column at all.

// intSpan is the range [lo, hi] of column col (a scan schema index).
type intSpan struct {
	col    int
	lo, hi int64
}

// rangeSelector is a Store that selects the rows of a block whose integer
// column lies in a range.
type rangeSelector interface {
	SelectIntRange(t *storage.TableInfo, b *storage.BlockMeta, c storage.ColumnInfo, lo, hi int64, sel []uint32) ([]uint32, error)
}

// spanOf returns the span a filter is, or nil when it is anything else.
func spanOf(e plan.Expr) *intSpan {
	var sp *intSpan
	for _, c := range conjuncts(e, nil) {
		rc := rangeConds(c)
		if len(rc) != 1 {
			return nil // not a range condition
		}
		lo, hi := rc[0].bounds()
		if sp == nil {
			sp = &intSpan{col: rc[0].col, lo: lo, hi: hi}
			continue
		}
		if rc[0].col != sp.col {
			return nil
		}
		sp.lo, sp.hi = max(sp.lo, lo), min(sp.hi, hi)
	}
	return sp
}

// conjuncts appends the operands of e's top-level "and"s to dst.
func conjuncts(e plan.Expr, dst []plan.Expr) []plan.Expr {
	if c, ok := e.(*plan.Call); ok && c.Fn == "and" {
		return conjuncts(c.Args[1], conjuncts(c.Args[0], dst))
	}
	return append(dst, e)
}

// bounds is the closed range of values a condition keeps; lo > hi when
// none (x < MinInt64).
func (rc rangeCond) bounds() (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	switch rc.op {
	case "==":
		lo, hi = rc.val, rc.val
	case "<":
		if rc.val == math.MinInt64 {
			return 1, 0
		}
		hi = rc.val - 1
	case "<=":
		hi = rc.val
	case ">":
		if rc.val == math.MaxInt64 {
			return 1, 0
		}
		lo = rc.val + 1
	case ">=":
		lo = rc.val
	case "between":
		lo, hi = rc.lo, rc.hi
	default:
		panic("BUG: range condition " + rc.op)
	}
	return lo, hi
}

// loadSpan is load for a span filter.
func (s *scanOp) loadSpan(bm *storage.BlockMeta) (*column.Batch, error) {
	sp := s.span
	col := s.cols[sp.col]
	if st, ok := bm.Stats.Get(col.ID); ok && st.HasMinMax && st.Nulls == 0 && st.MinInt >= sp.lo && st.MaxInt <= sp.hi {
		return s.readNeeded(bm)
	}
	sel, err := s.store.(rangeSelector).SelectIntRange(s.table, bm, col, sp.lo, sp.hi, nil)
	if err != nil || len(sel) == 0 {
		return nil, err
	}
	if rr, ok := s.store.(rowReader); ok && len(sel) < bm.Rows/sparseRows {
		return s.loadRows(rr, nil, bm, sel)
	}
	b, err := s.readNeeded(bm)
	if err != nil {
		return nil, err
	}
	if len(sel) < bm.Rows {
		b = b.Gather(sel)
	}
	return b, nil
}
