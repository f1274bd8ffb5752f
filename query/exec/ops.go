package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// filterOp keeps the rows where the predicate is true.
// https://learn.microsoft.com/kusto/query/where-operator
type filterOp struct {
	in   Operator
	pred expr
}

func newFilter(n *plan.Filter, in Operator, s *stopper) (*filterOp, error) {
	p, err := compile(n.Pred, s)
	if err != nil {
		return nil, err
	}
	return &filterOp{in: in, pred: p}, nil
}

func (f *filterOp) Next(ctx context.Context) (*column.Batch, error) {
	for {
		b, err := f.in.Next(ctx)
		if b == nil || err != nil {
			return nil, err
		}
		sel := selection(f.pred.eval(b))
		switch {
		case len(sel) == 0:
			continue
		case len(sel) == b.Len:
			return b, nil
		}
		return b.Gather(sel), nil
	}
}

// projectOp computes output columns from input columns (project, extend).
// https://learn.microsoft.com/kusto/query/project-operator
type projectOp struct {
	in     Operator
	exprs  []expr
	needed []bool
}

func newProject(n *plan.Project, in Operator, s *stopper) (*projectOp, error) {
	p := &projectOp{in: in, needed: n.Needed}
	for _, e := range n.Exprs {
		c, err := compile(e, s)
		if err != nil {
			return nil, err
		}
		p.exprs = append(p.exprs, c)
	}
	return p, nil
}

func (p *projectOp) Next(ctx context.Context) (*column.Batch, error) {
	b, err := p.in.Next(ctx)
	if b == nil || err != nil {
		return nil, err
	}
	out := &column.Batch{Len: b.Len, Cols: make([]*column.Vector, len(p.exprs))}
	for i, e := range p.exprs {
		if p.needed == nil || p.needed[i] {
			out.Cols[i] = e.eval(b)
		}
	}
	return out, nil
}

// limitOp passes on the first rows and then stops pulling its input.
// https://learn.microsoft.com/kusto/query/take-operator
type limitOp struct {
	in   Operator
	left int64
}

func (l *limitOp) Next(ctx context.Context) (*column.Batch, error) {
	if l.left <= 0 {
		return nil, nil
	}
	b, err := l.in.Next(ctx)
	if b == nil || err != nil {
		return nil, err
	}
	if int64(b.Len) > l.left {
		idx := make([]uint32, l.left)
		for i := range idx {
			idx[i] = uint32(i)
		}
		b = b.Gather(idx)
	}
	l.left -= int64(b.Len)
	return b, nil
}

// countOp returns the number of input rows.
// https://learn.microsoft.com/kusto/query/count-operator
type countOp struct {
	in   Operator
	done bool
}

func (c *countOp) Next(ctx context.Context) (*column.Batch, error) {
	if c.done {
		return nil, nil
	}
	c.done = true
	var n int64
	for {
		b, err := c.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		n += int64(b.Len)
	}
	return &column.Batch{Len: 1, Cols: []*column.Vector{{Type: column.Long, Len: 1, Ints: []int64{n}}}}, nil
}
