package exec

import (
	"strings"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// Comparisons: == != < <= > >= on operands the planner made the same type.
// https://learn.microsoft.com/kusto/query/numerical-operators
// https://learn.microsoft.com/kusto/query/datetime-timespan-arithmetic
func init() {
	for _, op := range []string{"==", "!=", "<", "<=", ">", ">="} {
		op := op
		register(op, func(*plan.Call) (kernel, error) {
			m := &dictMemo{}
			return func(a []*column.Vector, n int) *column.Vector { return compareVec(m, op, a[0], a[1], n) }, nil
		})
	}
	registerK("between", func(a []*column.Vector, n int) *column.Vector { return betweenVec(a[0], a[1], a[2], n, false) })
	registerK("!between", func(a []*column.Vector, n int) *column.Vector { return betweenVec(a[0], a[1], a[2], n, true) })
	register("in", inFactory(false, false))
	register("!in", inFactory(false, true))
	register("in~", inFactory(true, false))
	register("!in~", inFactory(true, true))
}

func cmpResult(op string, c int) bool {
	switch op {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	default:
		return c >= 0
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	return 2 // NaN: unordered, unequal to everything
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// compareVec compares a and b row by row; m (which may be nil) remembers a
// dictionary column's results against a constant for the next batch.
func compareVec(m *dictMemo, op string, a, b *column.Vector, n int) *column.Vector {
	out := newBools(n)
	out.Nulls = orNulls(n, a, b)
	switch {
	case a.Type == column.String:
		// Fast path: a dictionary column against a constant is decided once
		// per distinct value.
		if a.Codes != nil && b.Const {
			s := b.Strs[0]
			dictPred(m, s, a, n, func(d string) bool { return cmpResult(op, strings.Compare(d, s)) }, out.Bools)
			return out
		}
		for i := 0; i < n; i++ {
			out.Bools[i] = cmpResult(op, strings.Compare(a.Str(i), b.Str(i)))
		}
	case a.Ints != nil:
		if b.Const && !a.Const {
			y := b.Ints[0]
			x := a.Ints[:n]
			switch op { // the common cases without a call per row
			case "==":
				for i := range x {
					out.Bools[i] = x[i] == y
				}
			case ">=":
				for i := range x {
					out.Bools[i] = x[i] >= y
				}
			case "<":
				for i := range x {
					out.Bools[i] = x[i] < y
				}
			default:
				for i := range x {
					out.Bools[i] = cmpResult(op, cmpInt(x[i], y))
				}
			}
			break
		}
		for i := 0; i < n; i++ {
			out.Bools[i] = cmpResult(op, cmpInt(a.Int(i), b.Int(i)))
		}
	case a.Floats != nil:
		for i := 0; i < n; i++ {
			c := cmpFloat(a.Float(i), b.Float(i))
			if c == 2 {
				out.Bools[i] = op == "!="
				continue
			}
			out.Bools[i] = cmpResult(op, c)
		}
	case a.Bools != nil:
		for i := 0; i < n; i++ {
			out.Bools[i] = cmpResult(op, cmpBool(a.Bool(i), b.Bool(i)))
		}
	}
	clearNulls(out)
	return out
}

// clearNulls sets null rows of a bool result to false, so that consumers that
// ignore the mask still see no match.
func clearNulls(v *column.Vector) {
	if v.Nulls == nil {
		return
	}
	for i, isNull := range v.Nulls {
		if isNull {
			v.Bools[i] = false
		}
	}
}

func betweenVec(x, lo, hi *column.Vector, n int, negate bool) *column.Vector {
	out := newBools(n)
	out.Nulls = orNulls(n, x, lo, hi)
	for i := 0; i < n; i++ {
		var in bool
		switch {
		case x.Ints != nil:
			v := x.Int(i)
			in = v >= lo.Int(i) && v <= hi.Int(i)
		case x.Floats != nil:
			v := x.Float(i)
			in = v >= lo.Float(i) && v <= hi.Float(i)
		case x.Type == column.String:
			v := x.Str(i)
			in = v >= lo.Str(i) && v <= hi.Str(i)
		case x.Bools != nil:
			v := x.Bool(i)
			in = cmpBool(v, lo.Bool(i)) >= 0 && cmpBool(v, hi.Bool(i)) <= 0
		}
		out.Bools[i] = in != negate
	}
	clearNulls(out)
	return out
}

// inFactory builds in, !in (case-sensitive) and in~, !in~ (case-insensitive)
// over the constant list the planner checked.
// https://learn.microsoft.com/kusto/query/in-operator
func inFactory(ci, negate bool) factory {
	return func(c *plan.Call) (kernel, error) {
		strs := map[string]bool{}
		ints := map[int64]bool{}
		floats := map[float64]bool{}
		bools := map[bool]bool{}
		for _, a := range c.Args[1:] {
			k := a.(*plan.Const)
			switch v := k.Val.(type) {
			case string:
				if ci {
					v = strings.ToLower(v)
				}
				strs[v] = true
			case int64:
				ints[v] = true
			case float64:
				floats[v] = true
			case bool:
				bools[v] = true
			}
		}
		m := &dictMemo{}
		return func(a []*column.Vector, n int) *column.Vector {
			x := a[0]
			out := newBools(n)
			if x.Type == column.String {
				test := func(s string) bool {
					if ci {
						s = strings.ToLower(s)
					}
					return strs[s] != negate
				}
				return strPredVec(m, "", x, n, test)
			}
			out.Nulls = orNulls(n, x)
			for i := 0; i < n; i++ {
				switch {
				case x.Ints != nil:
					out.Bools[i] = ints[x.Int(i)] != negate
				case x.Floats != nil:
					out.Bools[i] = floats[x.Float(i)] != negate
				case x.Bools != nil:
					out.Bools[i] = bools[x.Bool(i)] != negate
				}
			}
			clearNulls(out)
			return out
		}, nil
	}
}
