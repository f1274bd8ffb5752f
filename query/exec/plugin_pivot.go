package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// pivot: the aggregation by group and pivot value, spread into one row
// per group and one column per pivot value.
// https://learn.microsoft.com/kusto/query/pivot-plugin
func init() {
	registerPlugin("pivot", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.Pivot)
		in := ins[0]
		col := map[string]int{}
		for i, v := range p.Values {
			col[v] = i
		}
		groups := map[string]int{}
		var first []int
		var cells [][]any
		var key []byte
		for r := 0; r < in.Len; r++ {
			key = key[:0]
			for k := 0; k < p.NKeys; k++ {
				key = column.AppendDynamicJSON(key, in.Cols[k].Value(r))
				key = append(key, 0)
			}
			g, ok := groups[string(key)]
			if !ok {
				g = len(first)
				groups[string(key)] = g
				first = append(first, r)
				row := make([]any, len(p.Values))
				for i := range row {
					row[i] = p.Zero
				}
				cells = append(cells, row)
			}
			name := ""
			if pv := in.Cols[p.NKeys]; !pv.IsNull(r) {
				name = column.FormatValue(pv, r)
			}
			if c, ok := col[name]; ok {
				cells[g][c] = in.Cols[p.NKeys+1].Value(r)
			}
		}
		rb := newRowsBuilder(n.Schema)
		for g, r := range first {
			row := make([]any, 0, len(n.Schema))
			for k := 0; k < p.NKeys; k++ {
				row = append(row, in.Cols[k].Value(r))
			}
			row = append(row, cells[g]...)
			rb.add(row...)
		}
		return rb.build(), nil
	})
}
