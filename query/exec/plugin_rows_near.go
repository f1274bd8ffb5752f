package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// rows_near: the rows matching the condition and their neighbours, in
// input order.
// https://learn.microsoft.com/kusto/query/rows-near-plugin
func init() {
	registerPlugin("rows_near", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.RowsNear)
		in := ins[0]
		cond, err := compile(p.Cond, st.stop)
		if err != nil {
			return nil, err
		}
		hit := cond.eval(in)
		keep := make([]bool, in.Len)
		for i := 0; i < in.Len; i++ {
			if hit.IsNull(i) || !hit.Bool(i) {
				continue
			}
			lo := max(0, int64(i)-p.Before)
			hi := min(int64(in.Len-1), int64(i)+p.After)
			for j := lo; j <= hi; j++ {
				keep[j] = true
			}
		}
		var rows []uint32
		for i, k := range keep {
			if k {
				rows = append(rows, uint32(i))
			}
		}
		out := &column.Batch{Len: len(rows)}
		for _, c := range in.Cols {
			out.Cols = append(out.Cols, c.Gather(rows))
		}
		return out, nil
	})
}
