package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// mvApplyOp runs the subquery of mv-apply once per input row, over that
// row alone (its arrays expanded by the subquery's mv-expand), and joins
// each result row to the input row.
// https://learn.microsoft.com/kusto/query/mv-apply-operator
type mvApplyOp struct {
	n     *plan.MvApply
	in    Operator
	store Store
	st    *Stats
}

// batchOp returns one batch, then ends: a RowSource's rows.
type batchOp struct {
	b    *column.Batch
	done bool
}

func (o *batchOp) Next(context.Context) (*column.Batch, error) {
	if o.done || o.b == nil {
		return nil, nil
	}
	o.done = true
	return o.b, nil
}

func (m *mvApplyOp) Next(ctx context.Context) (*column.Batch, error) {
	subTypes := types(m.n.Sub.Out())
	for {
		b, err := m.in.Next(ctx)
		if b == nil || err != nil {
			return nil, err
		}
		var outer []uint32
		var parts []*column.Batch
		for i := 0; i < b.Len; i++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			m.st.rowSources[m.n.Source] = b.Gather([]uint32{uint32(i)})
			op, err := build(m.n.Sub, m.store, m.st)
			if err != nil {
				return nil, err
			}
			r, err := drain(ctx, op, subTypes)
			if err != nil {
				return nil, err
			}
			if r.Len == 0 {
				continue
			}
			for k := 0; k < r.Len; k++ {
				outer = append(outer, uint32(i))
			}
			parts = append(parts, r)
		}
		delete(m.st.rowSources, m.n.Source)
		if len(outer) == 0 {
			continue
		}
		sub := column.Concat(subTypes, parts)
		kept := b.Gather(outer)
		out := &column.Batch{Len: len(outer)}
		for _, c := range m.n.Keep {
			out.Cols = append(out.Cols, kept.Cols[c])
		}
		out.Cols = append(out.Cols, sub.Cols...)
		return out, nil
	}
}
