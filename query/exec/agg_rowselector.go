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
			return &argAgg{max: max, t: c.Type, arg: c.Arg, sel: &argSelector{max: max}}
		})
	}
}

// argAgg returns, per group, one column's value on the row an argSelector
// picked (arg_max(x, c) and arg_min(x, c) plan one argAgg per returned
// column c, all sharing the selector of x). It copies that row's value
// only once per group and batch (typed, strings into an arena), not on
// every row that beats the best so far: arg_max(Timestamp, ...) over
// time-ordered rows improves on almost every row.
type argAgg struct {
	max   bool
	t     column.Type
	arg   plan.Expr
	sel   *argSelector // shared by the argAggs of one arg_max/arg_min call
	extra *column.Vector
	vals  valueSlots
}

func (a *argAgg) setExtra(extra []*column.Vector) { a.extra = extra[0] }

func (a *argAgg) startBatch() { a.sel.ran = false }

func (a *argAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.sel.run(groups, ng, arg)
	a.vals.grow(ng)
	for _, g := range a.sel.touched {
		a.vals.set(int(g), a.extra, int(a.sel.win[g]))
	}
}

func (a *argAgg) result(ng int) *column.Vector {
	a.vals.grow(ng)
	return a.vals.vector(a.t, ng)
}

// shareArgSelectors gives the argAggs of one arg_max or arg_min call (the
// same direction and compared expression) one selector, so the rows are
// compared once, not once per returned column.
func shareArgSelectors(aggs []aggregator) {
	for i, ag := range aggs {
		a, ok := ag.(*argAgg)
		if !ok {
			continue
		}
		for _, prev := range aggs[:i] {
			if p, ok := prev.(*argAgg); ok && p.max == a.max && sameExpr(p.arg, a.arg) {
				a.sel = p.sel
				break
			}
		}
	}
}

// sameExpr reports whether two plan expressions compute the same values
// (structurally equal columns, constants and calls).
func sameExpr(a, b plan.Expr) bool {
	if a == b {
		return true
	}
	switch a := a.(type) {
	case *plan.ColRef:
		b, ok := b.(*plan.ColRef)
		return ok && a.Index == b.Index && a.T == b.T
	case *plan.Const:
		b, ok := b.(*plan.Const)
		if !ok || a.T != b.T {
			return false
		}
		switch a.Val.(type) {
		case nil, string, int64, float64, bool:
			return a.Val == b.Val
		}
		return false // dynamic values: not worth comparing
	case *plan.Call:
		b, ok := b.(*plan.Call)
		if !ok || a.Fn != b.Fn || a.T != b.T || len(a.Args) != len(b.Args) || volatile[a.Fn] {
			return false
		}
		for i := range a.Args {
			if !sameExpr(a.Args[i], b.Args[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// volatile are the functions whose every call gives new values.
var volatile = map[string]bool{"rand": true, "new_guid": true}

// argSelector finds, per group, the row where the compared expression is
// largest (arg_max) or smallest (arg_min), the first such row on ties;
// rows where it is null (or NaN) never win, but a group whose every row
// is null keeps its first row (Kusto still returns a row then). After run,
// touched lists the groups whose row changed in the batch and win[g] is
// that row.
type argSelector struct {
	max     bool
	ran     bool
	state   []uint8 // 0: no row yet, 1: first row kept (all null so far), 2: a best row
	best    valueSlots
	win     []int32
	touched []uint32
	cmp     sortCol
}

func (s *argSelector) run(groups []uint32, ng int, arg *column.Vector) {
	if s.ran {
		return
	}
	s.ran = true
	for len(s.state) < ng {
		s.state = append(s.state, 0)
		s.win = append(s.win, -1)
	}
	s.best.grow(ng)
	for _, g := range s.touched {
		s.win[g] = -1
	}
	s.touched = s.touched[:0]
	n := len(groups)
	s.cmp = newSortCol(arg, n, plan.SortKey{}, false)
	c := &s.cmp
	for i, g := range groups {
		null := c.null != nil && c.null[i]
		switch {
		case s.state[g] == 0:
			s.state[g] = 1
			if !null {
				s.state[g] = 2
			}
		case null:
			continue
		case s.state[g] == 1:
			s.state[g] = 2
		case !s.better(i, g):
			continue
		}
		if s.win[g] < 0 {
			s.touched = append(s.touched, g)
		}
		s.win[g] = int32(i)
		if c.kind != sortStrings {
			s.best.setSort(int(g), c, i) // strings are copied once, below
		}
	}
	if c.kind == sortStrings {
		for _, g := range s.touched {
			if s.state[g] == 2 {
				s.best.set(int(g), arg, int(s.win[g]))
			}
		}
	}
}

// better reports whether row i beats group g's best (strictly: the first
// row wins ties). The best is row win[g] of this batch when set there.
func (s *argSelector) better(i int, g uint32) bool {
	c := &s.cmp
	var r int
	switch c.kind {
	case sortInts:
		r = cmpInt(c.ints[i], s.best.ints[g])
	case sortFloats:
		r = cmpFloat(c.floats[i], s.best.floats[g])
	default:
		var b string
		if w := s.win[g]; w >= 0 {
			b = c.vec.Str(int(w))
		} else {
			b = s.best.str(int(g))
		}
		r = strings.Compare(c.vec.Str(i), b)
	}
	if s.max {
		return r > 0
	}
	return r < 0
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
