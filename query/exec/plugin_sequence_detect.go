package exec

import (
	"context"
	"fmt"
	"sort"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// maxSequences bounds sequence_detect's output: chains multiply.
const maxSequences = 1 << 20

// sequence_detect: per combination of the dimensions, every chain of rows
// in time order where row k matches step k, comes after row k-1 by at
// most the step window, and the whole chain spans at most the span.
// https://learn.microsoft.com/kusto/query/sequence-detect-plugin
func init() {
	registerPlugin("sequence_detect", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.SequenceDetect)
		in := ins[0]
		hits := make([]*column.Vector, len(p.Steps))
		for i, e := range p.Steps {
			c, err := compile(e, st.stop)
			if err != nil {
				return nil, err
			}
			hits[i] = c.eval(in)
		}
		times := in.Cols[p.Time]
		type event struct {
			row int
			t   int64
		}
		groups := map[string]int{}
		var byGroup [][]event
		var key []byte
		for r := 0; r < in.Len; r++ {
			if times.IsNull(r) {
				continue
			}
			key = key[:0]
			for _, d := range p.Dims {
				key = column.AppendDynamicJSON(key, in.Cols[d].Value(r))
				key = append(key, 0)
			}
			g, ok := groups[string(key)]
			if !ok {
				g = len(byGroup)
				groups[string(key)] = g
				byGroup = append(byGroup, nil)
			}
			byGroup[g] = append(byGroup[g], event{r, times.Int(r)})
		}
		matches := func(step, r int) bool { return !hits[step].IsNull(r) && hits[step].Bool(r) }
		rb := newRowsBuilder(n.Schema)
		count := 0
		for _, evs := range byGroup {
			sort.SliceStable(evs, func(i, j int) bool { return evs[i].t < evs[j].t })
			chain := make([]event, 0, len(p.Steps))
			var walk func(step, from int) error
			walk = func(step, from int) error {
				if step == len(p.Steps) {
					if count++; count > maxSequences {
						return fmt.Errorf("sequence_detect found more than %d sequences: narrow the steps or the windows", maxSequences)
					}
					row := make([]any, 0, len(n.Schema))
					for _, d := range p.Dims {
						row = append(row, in.Cols[d].Value(chain[0].row))
					}
					for _, e := range chain {
						row = append(row, e.t)
					}
					row = append(row, chain[len(chain)-1].t-chain[0].t)
					rb.add(row...)
					return nil
				}
				for i := from; i < len(evs); i++ {
					e := evs[i]
					if step > 0 {
						prev := chain[step-1]
						if e.t-prev.t > p.Step || e.t-chain[0].t > p.Span {
							break // sorted by time: later rows are further still
						}
						if e.row == prev.row {
							continue
						}
					}
					if !matches(step, e.row) {
						continue
					}
					chain = append(chain, e)
					if err := walk(step+1, i+1); err != nil {
						return err
					}
					chain = chain[:step]
				}
				return nil
			}
			if err := walk(0, 0); err != nil {
				return nil, err
			}
		}
		return rb.build(), nil
	})
}
