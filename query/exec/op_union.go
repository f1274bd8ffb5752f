package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// unionOp passes on the batches of each input in turn, mapped onto the
// union's columns.
// https://learn.microsoft.com/kusto/query/union-operator
type unionOp struct {
	n   *plan.Union
	ins []Operator
	cur int
}

func (u *unionOp) Next(ctx context.Context) (*column.Batch, error) {
	for u.cur < len(u.ins) {
		b, err := u.ins[u.cur].Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			u.cur++
			continue
		}
		out := &column.Batch{Len: b.Len, Cols: make([]*column.Vector, len(u.n.Schema))}
		for c, src := range u.n.Maps[u.cur] {
			switch {
			case c == 0 && u.n.Source:
				out.Cols[c] = column.NewConst(column.String, u.n.Names[u.cur], b.Len)
			case src >= 0:
				out.Cols[c] = b.Cols[src]
			default:
				out.Cols[c] = column.NewNulls(u.n.Schema[c].Type, b.Len)
			}
		}
		return out, nil
	}
	return nil, nil
}
