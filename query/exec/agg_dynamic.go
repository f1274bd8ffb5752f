package exec

import (
	"clickhunt/column"
	"clickhunt/query/plan"
)

// Dynamic aggregations: make_set, make_list, make_bag and their *if forms.
// https://learn.microsoft.com/kusto/query/aggregation-functions#dynamic-functions
func init() {
	// https://learn.microsoft.com/kusto/query/make-set-aggregation-function
	registerAgg("make_set", func(*plan.AggCall) aggregator { return &collectAgg{set: true} })
	registerAgg("make_set_if", ifOf("make_set"))
	// https://learn.microsoft.com/kusto/query/make-list-aggregation-function
	registerAgg("make_list", func(*plan.AggCall) aggregator { return &collectAgg{} })
	registerAgg("make_list_if", ifOf("make_list"))
	registerAgg("make_list_with_nulls", func(*plan.AggCall) aggregator { return &collectAgg{nulls: true} })
	// https://learn.microsoft.com/kusto/query/make-bag-aggregation-function
	registerAgg("make_bag", func(*plan.AggCall) aggregator { return &collectAgg{bag: true} })
	registerAgg("make_bag_if", ifOf("make_bag"))
}

const defaultCollectLimit = 1048576

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
