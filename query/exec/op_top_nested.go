package exec

import (
	"context"
	"sort"
	"strings"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// topNestedOp runs top-nested over its whole input, one level at a time
// (plan.TopNested says how). Groups of a level are numbered; each row
// holds its group at the current level, whose aggregation the level's
// plan computes over the rows with their group as a column.
// https://learn.microsoft.com/kusto/query/top-nested-operator
type topNestedOp struct {
	n     *plan.TopNested
	in    Operator
	store Store
	st    *Stats
	done  bool
}

// tnGroup is one group of a level.
type tnGroup struct {
	parent int // group of the level above (-1 at level 0)
	// row holds the group's key (a row of the input); -1 for an others
	// group.
	row int
	// others: 0 a value's group, 1 the with-others group, 2 the rows
	// passed on to a deeper with others (key and aggregation null).
	others   int
	agg      *column.Vector
	aggRow   int
	children []int
}

func (t *topNestedOp) Next(ctx context.Context) (*column.Batch, error) {
	if t.done {
		return nil, nil
	}
	t.done = true
	in, err := drain(ctx, t.in, types(t.n.Input.Out()))
	if err != nil {
		return nil, err
	}
	if err := t.st.mem.charge(batchBytes(in), "top-nested"); err != nil {
		return nil, err
	}
	levels := t.n.Levels
	// deeperOthers[l]: level l or one below has with others.
	deeperOthers := make([]bool, len(levels)+1)
	for l := len(levels) - 1; l >= 0; l-- {
		deeperOthers[l] = deeperOthers[l+1] || levels[l].Others != nil
	}
	rowGroup := make([]int, in.Len) // the row's group at the level above; -1 when dropped
	var all [][]tnGroup             // the groups of each level done
	var roots []int                 // level 0's groups in order
	for l, lv := range levels {
		keyIDs := newInterner(in.Cols[lv.Key].Type).ids(in.Cols[lv.Key], in.Len, nil)
		var groups []tnGroup
		index := map[[2]int]int{}
		groupOf := func(parent, key, row, others int) int {
			k := [2]int{parent, key}
			g, ok := index[k]
			if !ok {
				g = len(groups)
				index[k] = g
				groups = append(groups, tnGroup{parent: parent, row: row, others: others})
			}
			return g
		}
		othersKind := 2
		if lv.Others != nil {
			othersKind = 1
		}
		cur := make([]int, in.Len)
		for i := range cur {
			p := -1
			if l > 0 {
				if p = rowGroup[i]; p < 0 {
					cur[i] = -1
					continue
				}
			}
			if p >= 0 && all[l-1][p].others != 0 {
				cur[i] = groupOf(p, -1, -1, othersKind) // an others group does not split
				continue
			}
			cur[i] = groupOf(p, int(keyIDs[i]), i, 0)
		}
		if err := t.aggregate(ctx, lv, in, cur, groups, nil); err != nil {
			return nil, err
		}
		// Keep the top N of each parent's value groups.
		byParent := map[int][]int{}
		for g := range groups {
			if groups[g].others == 0 {
				byParent[groups[g].parent] = append(byParent[groups[g].parent], g)
			}
		}
		losers := map[int]int{} // group -> its parent's others group
		for p, gs := range byParent {
			t.sortGroups(gs, groups, in.Cols[lv.Key], lv.Asc)
			if lv.N < 0 || int64(len(gs)) <= lv.N {
				continue
			}
			for _, g := range gs[lv.N:] {
				losers[g] = -1
				if deeperOthers[l] {
					losers[g] = groupOf(p, -1, -1, othersKind)
				}
			}
		}
		if len(losers) > 0 {
			changed := map[int]bool{}
			for i, g := range cur {
				if g < 0 {
					continue
				}
				if o, lost := losers[g]; lost {
					cur[i] = o
					if o >= 0 {
						changed[o] = true
					}
				}
			}
			if len(changed) > 0 {
				if err := t.aggregate(ctx, lv, in, cur, groups, changed); err != nil {
					return nil, err
				}
			}
		}
		// Children in output order: the kept groups best first, then
		// the others group.
		live := map[int]bool{}
		for _, g := range cur {
			if g >= 0 {
				live[g] = true
			}
		}
		var order []int
		for g := range groups {
			if live[g] {
				order = append(order, g)
			}
		}
		t.sortGroups(order, groups, in.Cols[lv.Key], lv.Asc)
		for _, g := range order {
			if p := groups[g].parent; p >= 0 {
				all[l-1][p].children = append(all[l-1][p].children, g)
			}
		}
		if l == 0 {
			roots = order
		}
		all = append(all, groups)
		rowGroup = cur
	}
	return t.output(in, all, roots), nil
}

// aggregate computes the aggregation of level lv for the groups rows
// belong to (cur; -1 for a dropped row), or only for those in only.
func (t *topNestedOp) aggregate(ctx context.Context, lv plan.TopNestedLevel, in *column.Batch, cur []int, groups []tnGroup, only map[int]bool) error {
	var rows []uint32
	gb := column.NewBuilder(column.Long, len(cur))
	for i, g := range cur {
		if g < 0 || only != nil && !only[g] {
			continue
		}
		rows = append(rows, uint32(i))
		gb.AppendInt(int64(g))
	}
	b := in.Gather(rows)
	b.Cols = append(b.Cols, gb.Build())
	b.Len = len(rows)
	t.st.rowSources[t.n.Source] = b
	defer delete(t.st.rowSources, t.n.Source)
	op, err := build(lv.Agg, t.store, t.st)
	if err != nil {
		return err
	}
	r, err := drain(ctx, op, types(lv.Agg.Out()))
	if err != nil {
		return err
	}
	for j := 0; j < r.Len; j++ {
		g := int(r.Cols[0].Int(j))
		groups[g].agg, groups[g].aggRow = r.Cols[1], j
	}
	return nil
}

// sortGroups orders groups best first: by aggregation (descending unless
// asc, nulls last), ties by key descending; others groups last.
func (t *topNestedOp) sortGroups(gs []int, groups []tnGroup, keys *column.Vector, asc bool) {
	sort.SliceStable(gs, func(a, b int) bool {
		x, y := &groups[gs[a]], &groups[gs[b]]
		if x.others != y.others {
			return x.others < y.others
		}
		if x.others != 0 {
			return false
		}
		if c := compareCells(x.agg, x.aggRow, y.agg, y.aggRow); c != 0 {
			if asc {
				return c < 0
			}
			return c > 0
		}
		return compareCells(keys, x.row, keys, y.row) > 0
	})
}

// compareCells compares row i of a with row j of b (the same type):
// -1, 0 or 1, a null after every value.
func compareCells(a *column.Vector, i int, b *column.Vector, j int) int {
	an, bn := a == nil || a.IsNull(i), b == nil || b.IsNull(j)
	switch {
	case an && bn:
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	switch x := a.Value(i).(type) {
	case int64:
		y := b.Value(j).(int64)
		return cmpOrdered(x, y)
	case float64:
		return cmpOrdered(x, b.Value(j).(float64))
	case string:
		return strings.Compare(x, b.Value(j).(string))
	case bool:
		y := b.Value(j).(bool)
		switch {
		case x == y:
			return 0
		case y:
			return -1
		}
		return 1
	}
	return strings.Compare(column.FormatValue(a, i), column.FormatValue(b, j))
}

func cmpOrdered[T int64 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// output writes one row per group of the deepest level, parents first in
// their order.
func (t *topNestedOp) output(in *column.Batch, all [][]tnGroup, roots []int) *column.Batch {
	rb := newRowsBuilder(t.n.Schema)
	vals := make([]any, len(t.n.Schema))
	var walk func(l, g int)
	walk = func(l, g int) {
		grp := &all[l][g]
		lv := t.n.Levels[l]
		switch grp.others {
		case 0:
			vals[2*l] = in.Cols[lv.Key].Value(grp.row)
		case 1:
			vals[2*l] = lv.Others.Val
		default:
			vals[2*l] = nil
		}
		vals[2*l+1] = nil
		if grp.others != 2 && grp.agg != nil && !grp.agg.IsNull(grp.aggRow) {
			vals[2*l+1] = grp.agg.Value(grp.aggRow)
		}
		if l == len(all)-1 {
			rb.add(vals...)
			return
		}
		for _, c := range grp.children {
			walk(l+1, c)
		}
	}
	for _, g := range roots {
		walk(0, g)
	}
	return rb.build()
}
