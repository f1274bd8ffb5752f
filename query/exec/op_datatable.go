package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// valuesOp emits a constant table once.
type valuesOp struct {
	n    *plan.Values
	done bool
}

func (v *valuesOp) Next(ctx context.Context) (*column.Batch, error) {
	if v.done {
		return nil, nil
	}
	v.done = true
	out := &column.Batch{Len: len(v.n.Rows), Cols: make([]*column.Vector, len(v.n.Schema))}
	for c, f := range v.n.Schema {
		var b *column.Builder
		if f.Type == column.Dynamic {
			b = column.NewDynamicBuilder(len(v.n.Rows))
		} else {
			b = column.NewBuilder(f.Type, len(v.n.Rows))
		}
		for _, r := range v.n.Rows {
			b.AppendValue(r[c])
		}
		out.Cols[c] = b.Build()
	}
	return out, nil
}
