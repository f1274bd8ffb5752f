package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

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
