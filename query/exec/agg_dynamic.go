package exec

import (
	"sort"

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
	registerAgg("buildschema", func(*plan.AggCall) aggregator { return &schemaAgg{} })
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
	bytes           int64 // what the values kept take (sizer)
}

func (a *collectAgg) size() int64 { return a.bytes }

// dynBytes estimates the memory a dynamic value takes.
func dynBytes(x any) int64 {
	switch v := x.(type) {
	case string:
		return 16 + int64(len(v))
	case []any:
		n := int64(24)
		for _, e := range v {
			n += dynBytes(e)
		}
		return n
	case map[string]any:
		n := int64(48)
		for k, e := range v {
			n += 16 + int64(len(k)) + dynBytes(e)
		}
		return n
	}
	return 16
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
			a.bytes += 16 + int64(len(k))
		}
		if len(a.lists[g]) < limit {
			a.lists[g] = append(a.lists[g], v)
			a.bytes += dynBytes(v)
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
					a.bytes += 16 + int64(len(k)) + dynBytes(x)
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

// schemaNode is buildschema's merged schema of some dynamic values: the
// merged property bag (an array counts as a bag with the key `indexer`,
// for its elements) and the scalar types seen.
type schemaNode struct {
	bag     map[string]*schemaNode
	keys    []string // bag keys in first-seen order
	scalars map[string]bool
}

func (n *schemaNode) add(x any) {
	switch v := x.(type) {
	case nil:
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			n.child(k).add(v[k])
		}
	case []any:
		c := n.child("`indexer`")
		for _, e := range v {
			c.add(e)
		}
	default:
		if n.scalars == nil {
			n.scalars = map[string]bool{}
		}
		n.scalars[dynSchemaType(v)] = true
	}
}

func (n *schemaNode) child(k string) *schemaNode {
	if n.bag == nil {
		n.bag = map[string]*schemaNode{}
	}
	c, ok := n.bag[k]
	if !ok {
		c = &schemaNode{}
		n.bag[k] = c
		n.keys = append(n.keys, k)
	}
	return c
}

// value renders the schema: a bag alone, a type name alone, or an array
// of the bag and the type names (sorted) when there are several.
func (n *schemaNode) value() any {
	var alts []any
	if n.bag != nil {
		m := make(map[string]any, len(n.bag))
		for _, k := range n.keys {
			m[k] = n.bag[k].value()
		}
		alts = append(alts, m)
	}
	names := make([]string, 0, len(n.scalars))
	for t := range n.scalars {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		alts = append(alts, t)
	}
	switch len(alts) {
	case 0:
		return nil
	case 1:
		return alts[0]
	}
	return alts
}

// dynSchemaType names a dynamic scalar's type as buildschema does.
func dynSchemaType(x any) string {
	switch x.(type) {
	case int64:
		return "long"
	case float64:
		return "double"
	case bool:
		return "bool"
	}
	return "string"
}

// schemaAgg is buildschema(x): the minimal schema admitting every value
// of the group (null for a group without one).
// https://learn.microsoft.com/kusto/query/buildschema-aggregation-function
type schemaAgg struct {
	nodes []*schemaNode
}

func (a *schemaAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.nodes = grow(a.nodes, ng)
	r := newDynReader(arg)
	for i, g := range groups {
		v := toDyn(arg.Type, r.value(i))
		if v == nil {
			continue
		}
		if a.nodes[g] == nil {
			a.nodes[g] = &schemaNode{}
		}
		a.nodes[g].add(v)
	}
}

func (a *schemaAgg) result(ng int) *column.Vector {
	a.nodes = grow(a.nodes, ng)
	b := column.NewDynamicBuilder(ng)
	for g := 0; g < ng; g++ {
		if a.nodes[g] == nil {
			b.AppendNull()
			continue
		}
		b.AppendDynamic(a.nodes[g].value())
	}
	return b.Build()
}
