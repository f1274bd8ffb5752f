package exec

import (
	"fmt"
	"strings"

	"clickhunt/column"
)

// Conditional functions.
// https://learn.microsoft.com/kusto/query/scalar-functions#conditional-functions
func init() {
	registerK("iff", iffVec)
	// assert(condition, message): the planner made sure the condition is a
	// constant, so a false one fails the query before it gives a row.
	// https://learn.microsoft.com/kusto/query/assert-function
	registerK("assert", func(a []*column.Vector, n int) *column.Vector {
		out := newBools(n)
		out.Nulls = orNulls(n, a[0])
		for i := 0; i < n; i++ {
			if a[0].IsNull(i) {
				continue
			}
			if !a[0].Bool(i) {
				panic(stopPanic{fmt.Errorf("assert() has failed with message: '%s'", a[1].Str(i))})
			}
			out.Bools[i] = true
		}
		return out
	})
	// around(value, center, delta): center-delta <= value <= center+delta,
	// on reals or on ticks.
	// https://learn.microsoft.com/kusto/query/around-function
	registerK("around", func(a []*column.Vector, n int) *column.Vector {
		v, c, d := a[0], a[1], a[2]
		out := newBools(n)
		out.Nulls = orNulls(n, v, c, d)
		for i := 0; i < n; i++ {
			if out.Nulls != nil && out.Nulls[i] {
				continue
			}
			if v.Type == column.Real {
				x, m, w := v.Float(i), c.Float(i), d.Float(i)
				out.Bools[i] = x >= m-w && x <= m+w
				continue
			}
			x, m, w := v.Int(i), c.Int(i), d.Int(i)
			out.Bools[i] = x >= m-w && x <= m+w
		}
		return out
	})
	// case(p1, v1, p2, v2, ..., else): the value of the first true
	// predicate; a null predicate counts as false.
	// https://learn.microsoft.com/kusto/query/case-function
	registerK("case", func(a []*column.Vector, n int) *column.Vector {
		last := a[len(a)-1]
		b := newValueBuilder(last.Type, n)
		readers := make([]*dynReader, len(a))
		for j, v := range a {
			readers[j] = newDynReader(v)
		}
		for i := 0; i < n; i++ {
			src := len(a) - 1
			for j := 0; j < len(a)-1; j += 2 {
				if a[j].Bool(i) && !a[j].IsNull(i) {
					src = j + 1
					break
				}
			}
			b.AppendValue(readers[src].value(i))
		}
		return b.Build()
	})
	// coalesce: the first value that is not null (for strings: not empty).
	// https://learn.microsoft.com/kusto/query/coalesce-function
	registerK("coalesce", func(a []*column.Vector, n int) *column.Vector {
		b := newValueBuilder(a[0].Type, n)
		readers := make([]*dynReader, len(a))
		for j, v := range a {
			readers[j] = newDynReader(v)
		}
		for i := 0; i < n; i++ {
			var out any
			for _, r := range readers {
				v := r.value(i)
				if v != nil && v != "" {
					out = v
					break
				}
			}
			if out == nil && a[0].Type == column.String {
				out = ""
			}
			b.AppendValue(out)
		}
		return b.Build()
	})
	// max_of/min_of ignore null arguments; all null gives null.
	// https://learn.microsoft.com/kusto/query/max-of-function
	registerK("max_of", func(a []*column.Vector, n int) *column.Vector { return extremeVec(a, n, true) })
	registerK("min_of", func(a []*column.Vector, n int) *column.Vector { return extremeVec(a, n, false) })
}

func iffVec(a []*column.Vector, n int) *column.Vector {
	cond := a[0]
	// Dynamic branches are read as values (stored JSON text is parsed) and
	// the result holds values, so a string stays a string.
	x, y := newDynReader(a[1]), newDynReader(a[2])
	b := newValueBuilder(a[1].Type, n)
	for i := 0; i < n; i++ {
		src := y
		if cond.Bool(i) && !cond.IsNull(i) {
			src = x
		}
		b.AppendValue(src.value(i))
	}
	return b.Build()
}

func extremeVec(a []*column.Vector, n int, max bool) *column.Vector {
	t := a[0].Type
	b := column.NewBuilder(t, n)
	for i := 0; i < n; i++ {
		best := -1
		for j, v := range a {
			if v.IsNull(i) {
				continue
			}
			if best < 0 {
				best = j
				continue
			}
			var c int
			switch {
			case t == column.String:
				c = strings.Compare(v.Str(i), a[best].Str(i))
			case v.Floats != nil:
				c = cmpFloat(v.Float(i), a[best].Float(i))
			case v.Bools != nil:
				c = cmpBool(v.Bool(i), a[best].Bool(i))
			default:
				c = cmpInt(v.Int(i), a[best].Int(i))
			}
			if (max && c == 1) || (!max && c == -1) {
				best = j
			}
		}
		if best < 0 {
			b.AppendNull()
			continue
		}
		b.AppendValue(a[best].Value(i))
	}
	return b.Build()
}
