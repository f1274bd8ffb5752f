package exec

import (
	"context"
	"sort"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// partitionOp runs the subquery of partition once per distinct key, over
// that key's rows, and returns the results one after the other.
// https://learn.microsoft.com/kusto/query/partition-operator
type partitionOp struct {
	n     *plan.Partition
	in    Operator
	store Store
	st    *Stats
	// parts are the input's rows by key, in order of first appearance.
	parts [][]uint32
	input *column.Batch
	next  int
	ready bool
}

func (p *partitionOp) Next(ctx context.Context) (*column.Batch, error) {
	if !p.ready {
		p.ready = true
		b, err := drain(ctx, p.in, types(p.n.Input.Out()))
		if err != nil {
			return nil, err
		}
		if err := p.st.mem.charge(batchBytes(b), "partition"); err != nil {
			return nil, err
		}
		p.input = b
		in := newInterner(b.Cols[p.n.Key].Type)
		ids := in.ids(b.Cols[p.n.Key], b.Len, nil)
		for r, id := range ids {
			for int(id) >= len(p.parts) {
				p.parts = append(p.parts, nil)
			}
			p.parts[id] = append(p.parts[id], uint32(r))
		}
		sort.SliceStable(p.parts, func(i, j int) bool { return p.parts[i][0] < p.parts[j][0] })
	}
	subTypes := types(p.n.Sub.Out())
	for p.next < len(p.parts) {
		rows := p.parts[p.next]
		p.next++
		if len(rows) == 0 {
			continue
		}
		p.st.rowSources[p.n.Source] = p.input.Gather(rows)
		op, err := build(p.n.Sub, p.store, p.st)
		if err != nil {
			return nil, err
		}
		r, err := drain(ctx, op, subTypes)
		delete(p.st.rowSources, p.n.Source)
		if err != nil {
			return nil, err
		}
		if r.Len > 0 {
			return r, nil
		}
	}
	return nil, nil
}
