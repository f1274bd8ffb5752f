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
