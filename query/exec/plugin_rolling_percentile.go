package exec

import (
	"context"
	"math"
	"sort"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// rolling_percentile: for each bin of the index (aligned as bin() aligns)
// from the first to the last holding values, the nearest-rank percentile
// of the values in that bin and the WindowSize-1 bins before it, per
// combination of the dimensions.
// https://learn.microsoft.com/kusto/query/rolling-percentile-plugin
func init() {
	registerPlugin("rolling_percentile", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.RollingPercentile)
		in := ins[0]
		vals, idx := in.Cols[p.Value], in.Cols[p.Index]
		isReal := vals.Floats != nil
		type group struct {
			first int
			bins  map[int64][]float64
		}
		var groups []*group
		byKey := map[string]*group{}
		dims := make([]*dynReader, len(p.Dims))
		for i, d := range p.Dims {
			dims[i] = newDynReader(in.Cols[d])
		}
		var key []byte
		for r := 0; r < in.Len; r++ {
			if vals.IsNull(r) || idx.IsNull(r) {
				continue
			}
			key = key[:0]
			for _, d := range dims {
				key = column.AppendDynamicJSON(key, d.value(r))
				key = append(key, 0)
			}
			g := byKey[string(key)]
			if g == nil {
				g = &group{first: r, bins: map[int64][]float64{}}
				byKey[string(key)] = g
				groups = append(groups, g)
			}
			b := floorDiv(idx.Int(r), p.Bin)
			var v float64
			if isReal {
				v = vals.Float(r)
			} else {
				v = float64(vals.Int(r))
			}
			g.bins[b] = append(g.bins[b], v)
		}
		rb := newRowsBuilder(n.Schema)
		for _, g := range groups {
			lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
			for b := range g.bins {
				lo, hi = min(lo, b), max(hi, b)
			}
			for b := lo; b <= hi; b++ {
				var window []float64
				for k := b - p.Window + 1; k <= b; k++ {
					window = append(window, g.bins[k]...)
				}
				row := []any{b * p.Bin}
				for _, d := range p.Dims {
					row = append(row, in.Cols[d].Value(g.first))
				}
				if len(window) == 0 {
					row = append(row, nil)
				} else {
					sort.Float64s(window)
					r := int(math.Ceil(p.Percentile / 100 * float64(len(window))))
					x := window[min(max(r, 1), len(window))-1]
					if isReal {
						row = append(row, x)
					} else {
						row = append(row, int64(x))
					}
				}
				rb.add(row...)
			}
		}
		return rb.build(), nil
	})
}
