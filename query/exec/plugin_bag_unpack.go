package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// bag_unpack: one column per property of the bags, as the planner found
// them in the (materialized) input.
// https://learn.microsoft.com/kusto/query/bag-unpack-plugin
func init() {
	registerPlugin("bag_unpack", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.BagUnpack)
		in := ins[0]
		out := &column.Batch{Len: in.Len}
		bags := newDynReader(in.Cols[p.Col])
		for i, c := range p.Out {
			if c.Input >= 0 {
				out.Cols = append(out.Cols, in.Cols[c.Input])
				continue
			}
			b := newValueBuilder(n.Schema[i].Type, in.Len)
			for r := 0; r < in.Len; r++ {
				bag, _ := bags.value(r).(map[string]any)
				b.AppendValue(bag[c.Prop])
			}
			out.Cols = append(out.Cols, b.Build())
		}
		return out, nil
	})
}
