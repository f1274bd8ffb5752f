package exec

import (
	"strings"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// Row selector aggregations: arg_max, arg_min (one aggregation per returned
// column, planned by summarize) and take_any.
// https://learn.microsoft.com/kusto/query/aggregation-functions#row-selector-functions
func init() {
	// https://learn.microsoft.com/kusto/query/take-any-aggregation-function
	registerAgg("take_any", func(c *plan.AggCall) aggregator { return &takeAnyAgg{t: c.Type} })
	registerAgg("take_anyif", ifOf("take_any"))
	for _, max := range []bool{true, false} {
		max := max
		name := "arg_min_value"
		if max {
			name = "arg_max_value"
		}
		registerAgg(name, func(c *plan.AggCall) aggregator {
			return &argAgg{max: max, t: c.Type, key: plan.SortKey{Desc: max}}
		})
	}
}

type argAgg struct {
	max   bool
	t     column.Type
	key   plan.SortKey
	extra *column.Vector
	best  []*column.Vector // per group: the best arg value (one row)
	vals  []any
	seen  []bool
	// first is the group's first row's value, the answer when the
	// compared expression is null on every row (Kusto still returns a
	// row then).
	first    []any
	hasFirst []bool
}

func (a *argAgg) setExtra(extra []*column.Vector) { a.extra = extra[0] }

func (a *argAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.best, a.vals, a.seen = grow(a.best, ng), grow(a.vals, ng), grow(a.seen, ng)
	a.first, a.hasFirst = grow(a.first, ng), grow(a.hasFirst, ng)
	for i, g := range groups {
		if !a.hasFirst[g] {
			a.first[g], a.hasFirst[g] = a.extra.Value(i), true
		}
		if isNullish(arg, i) {
			continue
		}
		if a.seen[g] {
			// compareRows orders best-first for this direction.
			if compareRows2(arg, i, a.best[g], 0, a.key) >= 0 {
				continue
			}
		}
		a.best[g] = arg.Gather([]uint32{uint32(i)})
		a.vals[g] = a.extra.Value(i)
		a.seen[g] = true
	}
}

func (a *argAgg) result(ng int) *column.Vector {
	a.vals, a.seen = grow(a.vals, ng), grow(a.seen, ng)
	a.first, a.hasFirst = grow(a.first, ng), grow(a.hasFirst, ng)
	var b *column.Builder
	if a.t == column.Dynamic && a.extra != nil && a.extra.Anys != nil {
		b = column.NewDynamicBuilder(ng)
	} else {
		b = column.NewBuilder(a.t, ng)
	}
	for g := 0; g < ng; g++ {
		if !a.seen[g] {
			b.AppendValue(a.first[g]) // null when the group had no row
			continue
		}
		b.AppendValue(a.vals[g])
	}
	return b.Build()
}

// compareRows2 orders row i of v against row j of w (non-null) under a sort
// key's direction.
func compareRows2(v *column.Vector, i int, w *column.Vector, j int, k plan.SortKey) int {
	var c int
	switch {
	case v.Type == column.String:
		c = strings.Compare(v.Str(i), w.Str(j))
	case v.Floats != nil:
		c = cmpFloat(v.Float(i), w.Float(j))
	case v.Bools != nil:
		c = cmpBool(v.Bool(i), w.Bool(j))
	default:
		c = cmpInt(v.Int(i), w.Int(j))
	}
	if k.Desc {
		c = -c
	}
	return c
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
