package exec

import (
	"context"
	"math"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// sortOp orders its whole input (sort, order) or keeps the first Limit rows
// of that order (top, sort | take) without holding the whole input.
// https://learn.microsoft.com/kusto/query/sort-operator
type sortOp struct {
	in    Operator
	node  *plan.Sort
	keys  []expr
	types []column.Type
	done  bool
	mem   *budget
	stop  *stopper
}

// sortBuffer is how many rows a top-N sort buffers before trimming.
const sortBuffer = 256 * 1024

func newSort(n *plan.Sort, in Operator, stop *stopper) (*sortOp, error) {
	s := &sortOp{in: in, node: n, types: types(n.Input.Out()), stop: stop}
	for _, k := range n.Keys {
		e, err := compile(k.Expr, stop)
		if err != nil {
			return nil, err
		}
		s.keys = append(s.keys, e)
	}
	return s, nil
}

// topNMax is the largest limit a top-N keeps in its heap; a larger one
// sorts its buffered input, trimming it as it grows.
const topNMax = 1 << 20

func (s *sortOp) Next(ctx context.Context) (*column.Batch, error) {
	if s.done {
		return nil, nil
	}
	s.done = true
	if lim := s.node.Limit; lim >= 0 && lim <= topNMax {
		return s.top(ctx)
	}
	var buf []*column.Batch
	rows := 0
	for {
		b, err := s.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		if err := s.mem.charge(batchBytes(b), "sort"); err != nil {
			return nil, err
		}
		buf = append(buf, b)
		rows += b.Len
		if s.node.Limit >= 0 && rows > int(s.node.Limit)+sortBuffer {
			t := s.sorted(column.Concat(s.types, buf))
			buf, rows = []*column.Batch{t}, t.Len
		}
	}
	if len(buf) == 0 {
		return nil, nil
	}
	return s.sorted(column.Concat(s.types, buf)), nil
}

// top runs a top-N through a bounded heap (sort_topn.go).
func (s *sortOp) top(ctx context.Context) (*column.Batch, error) {
	t := newTopN(s.node.Keys, int(s.node.Limit), s.stop)
	keys := make([]*column.Vector, len(s.keys))
	charged := 0
	for {
		b, err := s.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		for i, k := range s.keys {
			keys[i] = k.eval(b)
		}
		t.add(b, keys)
		if t.heldRows > charged {
			// What the heap holds is bounded by the limit; charge its
			// growth (rows of the widest batch seen, roughly).
			if err := s.mem.charge(int64(t.heldRows-charged)*int64(8+8*len(s.types)), "sort"); err != nil {
				return nil, err
			}
			charged = t.heldRows
		}
	}
	return t.result(s.types), nil
}

// sorted returns b's rows in order (stable), cut to the limit.
func (s *sortOp) sorted(b *column.Batch) *column.Batch {
	cols := make([]sortCol, len(s.keys))
	for i, k := range s.keys {
		cols[i] = newSortCol(k.eval(b), b.Len, s.node.Keys[i], true)
	}
	idx := sortIndex(cols, b.Len, s.stop)
	if lim := s.node.Limit; lim >= 0 && int64(len(idx)) > lim {
		idx = idx[:lim]
	}
	return b.Gather(idx)
}

func isNullish(v *column.Vector, i int) bool {
	if v.IsNull(i) {
		return true
	}
	return v.Floats != nil && math.IsNaN(v.Float(i))
}
