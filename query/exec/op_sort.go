package exec

import (
	"context"
	"math"
	"sort"

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

func (s *sortOp) Next(ctx context.Context) (*column.Batch, error) {
	if s.done {
		return nil, nil
	}
	s.done = true
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

// sorted returns b's rows in order (stable), cut to the limit.
func (s *sortOp) sorted(b *column.Batch) *column.Batch {
	keys := make([]*column.Vector, len(s.keys))
	for i, k := range s.keys {
		keys[i] = k.eval(b)
	}
	idx := make([]uint32, b.Len)
	for i := range idx {
		idx[i] = uint32(i)
	}
	// Sorting millions of rows takes seconds: the comparisons are where
	// a cancellation is noticed.
	compared := 0
	sort.SliceStable(idx, func(x, y int) bool {
		s.stop.row(compared)
		compared++
		i, j := int(idx[x]), int(idx[y])
		for k, v := range keys {
			if c := compareRows(v, i, j, s.node.Keys[k]); c != 0 {
				return c < 0
			}
		}
		return false
	})
	if lim := s.node.Limit; lim >= 0 && int64(len(idx)) > lim {
		idx = idx[:lim]
	}
	return b.Gather(idx)
}

// compareRows orders rows i and j of v under one sort key: <0 when i comes
// first. Nulls (and NaN, grouped with them) go first or last as the key
// says, whatever the direction.
func compareRows(v *column.Vector, i, j int, k plan.SortKey) int {
	ni, nj := isNullish(v, i), isNullish(v, j)
	switch {
	case ni && nj:
		return 0
	case ni:
		if k.NullsFirst {
			return -1
		}
		return 1
	case nj:
		if k.NullsFirst {
			return 1
		}
		return -1
	}
	return compareRows2(v, i, v, j, k)
}

func isNullish(v *column.Vector, i int) bool {
	if v.IsNull(i) {
		return true
	}
	return v.Floats != nil && math.IsNaN(v.Float(i))
}
