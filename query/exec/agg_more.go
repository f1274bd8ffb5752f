package exec

import (
	"math"
	"sort"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// Aggregations beyond count/dcount/sum/avg/min/max.
// https://learn.microsoft.com/kusto/query/aggregation-functions
func init() {
	// The *if forms run the plain aggregator on the rows where the
	// predicate is true.
	ifOf := func(fn string) func(c *plan.AggCall) aggregator {
		return func(c *plan.AggCall) aggregator {
			return &ifAgg{inner: aggregators[fn](c)}
		}
	}
	for _, fn := range []string{"sum", "avg", "min", "max", "dcount"} {
		aggregators[fn+"if"] = ifOf(fn)
	}
	aggregators["make_set_if"] = ifOf("make_set")
	aggregators["make_list_if"] = ifOf("make_list")
	aggregators["make_bag_if"] = ifOf("make_bag")
	// https://learn.microsoft.com/kusto/query/stdev-aggregation-function
	aggregators["stdev"] = func(*plan.AggCall) aggregator { return &momentAgg{sample: true, sqrt: true} }
	aggregators["stdevp"] = func(*plan.AggCall) aggregator { return &momentAgg{sqrt: true} }
	// https://learn.microsoft.com/kusto/query/variance-aggregation-function
	aggregators["variance"] = func(*plan.AggCall) aggregator { return &momentAgg{sample: true} }
	aggregators["variancep"] = func(*plan.AggCall) aggregator { return &momentAgg{} }
	aggregators["stdevif"] = ifOf("stdev")
	aggregators["varianceif"] = ifOf("variance")
	// https://learn.microsoft.com/kusto/query/make-set-aggregation-function
	aggregators["make_set"] = func(*plan.AggCall) aggregator { return &collectAgg{set: true} }
	// https://learn.microsoft.com/kusto/query/make-list-aggregation-function
	aggregators["make_list"] = func(*plan.AggCall) aggregator { return &collectAgg{} }
	aggregators["make_list_with_nulls"] = func(*plan.AggCall) aggregator { return &collectAgg{nulls: true} }
	// https://learn.microsoft.com/kusto/query/make-bag-aggregation-function
	aggregators["make_bag"] = func(*plan.AggCall) aggregator { return &collectAgg{bag: true} }
	// https://learn.microsoft.com/kusto/query/take-any-aggregation-function
	aggregators["take_any"] = func(c *plan.AggCall) aggregator { return &takeAnyAgg{t: c.Type} }
	aggregators["take_anyif"] = ifOf("take_any")
	// https://learn.microsoft.com/kusto/query/percentiles-aggregation-function
	aggregators["percentile"] = func(c *plan.AggCall) aggregator { return &percentileAgg{t: c.Type} }
}

// ifAgg feeds its inner aggregator only the rows where the predicate is
// true: group g becomes g+1 and the other rows go to a discarded group 0.
type ifAgg struct {
	inner   aggregator
	shifted []uint32
}

func (a *ifAgg) setExtra(extra []*column.Vector) {
	if eu, ok := a.inner.(extraUser); ok {
		eu.setExtra(extra)
	}
}

func (a *ifAgg) update(groups []uint32, ng int, arg, pred *column.Vector) {
	a.shifted = grow(a.shifted[:0], len(groups))
	for i, g := range groups {
		if pred.Bool(i) && !pred.IsNull(i) {
			a.shifted[i] = g + 1
		} else {
			a.shifted[i] = 0
		}
	}
	a.inner.update(a.shifted, ng+1, arg, nil)
}

func (a *ifAgg) result(ng int) *column.Vector {
	v := a.inner.result(ng + 1)
	idx := make([]uint32, ng)
	for g := range idx {
		idx[g] = uint32(g + 1)
	}
	return v.Materialize().Gather(idx)
}

// momentAgg computes variance or standard deviation with Welford's method,
// ignoring nulls. The sample forms (Bessel's correction) give 0 for a
// single value; a group with no values gives null.
type momentAgg struct {
	sample, sqrt bool
	n            []int64
	mean, m2     []float64
}

func (a *momentAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.n, a.mean, a.m2 = grow(a.n, ng), grow(a.mean, ng), grow(a.m2, ng)
	for i, g := range groups {
		if arg.IsNull(i) {
			continue
		}
		var x float64
		if arg.Floats != nil {
			x = arg.Float(i)
		} else {
			x = float64(arg.Int(i))
		}
		a.n[g]++
		d := x - a.mean[g]
		a.mean[g] += d / float64(a.n[g])
		a.m2[g] += d * (x - a.mean[g])
	}
}

func (a *momentAgg) result(ng int) *column.Vector {
	a.n, a.mean, a.m2 = grow(a.n, ng), grow(a.mean, ng), grow(a.m2, ng)
	b := column.NewBuilder(column.Real, ng)
	for g := 0; g < ng; g++ {
		n := a.n[g]
		if n == 0 {
			b.AppendNull()
			continue
		}
		d := float64(n)
		if a.sample {
			d = float64(n - 1)
		}
		v := 0.0
		if d > 0 {
			v = a.m2[g] / d
		}
		if a.sqrt {
			v = math.Sqrt(v)
		}
		b.AppendFloat(v)
	}
	return b.Build()
}

// collectAgg is make_set (distinct values), make_list (all values, in input
// order) and make_bag (merged property bags; the first value of a key
// wins). Nulls are skipped (kept by make_list_with_nulls); dynamic arrays
// contribute their elements. Extra[0], if present, is the size limit.
type collectAgg struct {
	set, bag, nulls bool
	limit           int
	lists           [][]any
	seen            []map[string]bool
	bags            []map[string]any
}

const defaultCollectLimit = 1048576

func (a *collectAgg) setExtra(extra []*column.Vector) {
	if len(extra) > 0 && !extra[0].IsNull(0) {
		a.limit = int(extra[0].Int(0))
	}
}

func (a *collectAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	limit := a.limit
	if limit <= 0 || limit > defaultCollectLimit {
		limit = defaultCollectLimit
	}
	if a.bag {
		a.bags = grow(a.bags, ng)
	} else {
		a.lists = grow(a.lists, ng)
	}
	if a.set {
		a.seen = grow(a.seen, ng)
	}
	r := newDynReader(arg)
	add := func(g uint32, v any) {
		if a.set {
			k := dynKey(v)
			if a.seen[g] == nil {
				a.seen[g] = map[string]bool{}
			}
			if a.seen[g][k] {
				return
			}
			a.seen[g][k] = true
		}
		if len(a.lists[g]) < limit {
			a.lists[g] = append(a.lists[g], v)
		}
	}
	for i, g := range groups {
		v := toDyn(arg.Type, r.value(i))
		if a.bag {
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			if a.bags[g] == nil {
				a.bags[g] = map[string]any{}
			}
			for k, x := range m {
				if _, dup := a.bags[g][k]; !dup && len(a.bags[g]) < limit {
					a.bags[g][k] = x
				}
			}
			continue
		}
		if v == nil && !a.nulls {
			continue
		}
		if arr, ok := v.([]any); ok {
			for _, e := range arr {
				add(g, e)
			}
			continue
		}
		add(g, v)
	}
}

func (a *collectAgg) result(ng int) *column.Vector {
	b := column.NewDynamicBuilder(ng)
	for g := 0; g < ng; g++ {
		if a.bag {
			a.bags = grow(a.bags, ng)
			m := a.bags[g]
			if m == nil {
				m = map[string]any{}
			}
			b.AppendDynamic(m)
			continue
		}
		a.lists = grow(a.lists, ng)
		l := a.lists[g]
		if l == nil {
			l = []any{}
		}
		b.AppendDynamic(l)
	}
	return b.Build()
}

// takeAnyAgg keeps the first value of each group that is neither null nor
// empty, else the first value seen (as Kusto does for a single column).
type takeAnyAgg struct {
	t     column.Type
	vals  []any
	state []uint8 // 0 none, 1 null/empty seen, 2 value kept
}

func (a *takeAnyAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.vals, a.state = grow(a.vals, ng), grow(a.state, ng)
	r := newDynReader(arg)
	for i, g := range groups {
		if a.state[g] == 2 {
			continue
		}
		v := r.value(i)
		if v == nil || v == "" {
			if a.state[g] == 0 {
				a.vals[g], a.state[g] = v, 1
			}
			continue
		}
		a.vals[g], a.state[g] = v, 2
	}
}

func (a *takeAnyAgg) result(ng int) *column.Vector {
	a.vals = grow(a.vals, ng)
	b := newValueBuilder(a.t, ng)
	for g := 0; g < ng; g++ {
		b.AppendValue(a.vals[g])
	}
	return b.Build()
}

// percentileAgg returns the nearest-rank percentile (Extra[0], 0 to 100) of
// the non-null values of each group: the value at rank ceil(p/100 * n) of
// the sorted values. Kusto estimates percentiles; on the small sets tests
// use, its estimate is this exact value.
type percentileAgg struct {
	t      column.Type
	p      float64
	floats [][]float64
	ints   [][]int64
}

func (a *percentileAgg) setExtra(extra []*column.Vector) {
	if len(extra) == 0 || extra[0].IsNull(0) {
		return
	}
	if extra[0].Floats != nil {
		a.p = extra[0].Float(0)
	} else {
		a.p = float64(extra[0].Int(0))
	}
}

func (a *percentileAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	if arg.Floats != nil {
		a.floats = grow(a.floats, ng)
	} else {
		a.ints = grow(a.ints, ng)
	}
	for i, g := range groups {
		if arg.IsNull(i) {
			continue
		}
		if arg.Floats != nil {
			if f := arg.Float(i); !math.IsNaN(f) {
				a.floats[g] = append(a.floats[g], f)
			}
		} else {
			a.ints[g] = append(a.ints[g], arg.Int(i))
		}
	}
}

func (a *percentileAgg) rank(n int) int {
	r := int(math.Ceil(a.p / 100 * float64(n)))
	return min(max(r, 1), n) - 1
}

func (a *percentileAgg) result(ng int) *column.Vector {
	b := column.NewBuilder(a.t, ng)
	for g := 0; g < ng; g++ {
		if a.t == column.Real {
			a.floats = grow(a.floats, ng)
			xs := a.floats[g]
			if len(xs) == 0 {
				b.AppendNull()
				continue
			}
			sort.Float64s(xs)
			b.AppendFloat(xs[a.rank(len(xs))])
			continue
		}
		a.ints = grow(a.ints, ng)
		xs := a.ints[g]
		if len(xs) == 0 {
			b.AppendNull()
			continue
		}
		sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
		b.AppendInt(xs[a.rank(len(xs))])
	}
	return b.Build()
}
