package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// narrow: one Row, Column, Value row per cell, rows numbered from 0 and
// values as their text (null as empty).
// https://learn.microsoft.com/kusto/query/narrow-plugin
func init() {
	registerPlugin("narrow", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		in := ins[0]
		schema := n.Ins[0].Out()
		rb := newRowsBuilder(n.Schema)
		for r := 0; r < in.Len; r++ {
			for c, f := range schema {
				text := ""
				if !in.Cols[c].IsNull(r) {
					text = column.FormatValue(in.Cols[c], r)
				}
				rb.add(int64(r), f.Name, text)
			}
		}
		return rb.build(), nil
	})
}
