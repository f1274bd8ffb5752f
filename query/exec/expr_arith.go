package exec

import (
	"math"
	"math/bits"

	"clickhunt/column"
)

// Arithmetic and logical operators: + - * / % and unary minus on numbers,
// datetimes and timespans (the planner types the operands), and / or with
// three-valued logic.
// https://learn.microsoft.com/kusto/query/numerical-operators
func init() {
	// Logical operators with three-valued logic: null and false is false,
	// null or true is true, otherwise null propagates.
	// https://learn.microsoft.com/kusto/query/logical-operators
	registerK("and", func(a []*column.Vector, n int) *column.Vector { return logicVec(a[0], a[1], n, true) })
	registerK("or", func(a []*column.Vector, n int) *column.Vector { return logicVec(a[0], a[1], n, false) })
	for _, op := range []string{"+", "-", "*", "/", "%"} {
		op := op
		registerK(op, func(a []*column.Vector, n int) *column.Vector { return arithVec(op, a[0], a[1], n) })
	}
	registerK("neg", func(a []*column.Vector, n int) *column.Vector {
		x := a[0]
		if x.Floats != nil {
			out := newFloats(n)
			for i := 0; i < n; i++ {
				out.Floats[i] = -x.Float(i)
			}
			out.Nulls = orNulls(n, x)
			return out
		}
		out := newInts(x.Type, n)
		for i := 0; i < n; i++ {
			out.Ints[i] = -x.Int(i)
		}
		out.Nulls = orNulls(n, x)
		return out
	})
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func logicVec(a, b *column.Vector, n int, and bool) *column.Vector {
	out := newBools(n)
	if !a.Const && !b.Const && a.Nulls == nil && b.Nulls == nil {
		// No nulls (comparisons of non-null columns): plain logic.
		x, y := a.Bools[:n], b.Bools[:n]
		if and {
			for i := range out.Bools[:n] {
				out.Bools[i] = x[i] && y[i]
			}
		} else {
			for i := range out.Bools[:n] {
				out.Bools[i] = x[i] || y[i]
			}
		}
		return out
	}
	for i := 0; i < n; i++ {
		an, bn := a.IsNull(i), b.IsNull(i)
		av, bv := a.Bool(i) && !an, b.Bool(i) && !bn
		if and {
			switch {
			case (!an && !av) || (!bn && !bv):
				out.Bools[i] = false
			case an || bn:
				setNull(out, i)
			default:
				out.Bools[i] = true
			}
			continue
		}
		switch {
		case av || bv:
			out.Bools[i] = true
		case an || bn:
			setNull(out, i)
		}
	}
	return out
}

// arithVec computes + - * / % over integer-backed or real operands. Integer
// division or modulo by zero gives null.
func arithVec(op string, a, b *column.Vector, n int) *column.Vector {
	nulls := orNulls(n, a, b)
	if a.Floats != nil || b.Floats != nil {
		get := func(v *column.Vector, i int) float64 {
			if v.Floats != nil {
				return v.Float(i)
			}
			return float64(v.Int(i))
		}
		if a.Ints != nil { // timespan * real: the result stays in ticks
			out := newInts(a.Type, n)
			for i := 0; i < n; i++ {
				x, y := float64(a.Int(i)), get(b, i)
				var r float64
				if op == "*" {
					r = x * y
				} else {
					r = x / y
				}
				if math.IsNaN(r) || math.IsInf(r, 0) {
					setNull(out, i)
					continue
				}
				if t := a.Type; r < -9.2e18 || r > 9.2e18 || (t == column.Datetime && !column.InDatetimeRange(int64(math.Round(r)))) {
					setNull(out, i) // beyond what a timespan or datetime holds
					continue
				}
				out.Ints[i] = int64(math.Round(r))
			}
			out.Nulls = mergeMasks(out.Nulls, nulls)
			return out
		}
		out := newFloats(n)
		for i := 0; i < n; i++ {
			x, y := get(a, i), get(b, i)
			switch op {
			case "+":
				out.Floats[i] = x + y
			case "-":
				out.Floats[i] = x - y
			case "*":
				out.Floats[i] = x * y
			case "/":
				out.Floats[i] = x / y
			case "%":
				out.Floats[i] = euclidModReal(x, y)
			}
		}
		out.Nulls = nulls
		return out
	}
	t := a.Type
	switch {
	case a.Type == column.Datetime && b.Type == column.Datetime:
		t = column.Timespan
	case a.Type == column.Int && b.Type == column.Long:
		t = column.Long
	}
	if b.Type == column.Datetime || b.Type == column.Timespan {
		t = b.Type // 3 * 1d, 1d + datetime(...)
		if a.Type == column.Datetime {
			t = a.Type
		}
		if a.Type == column.Datetime && b.Type == column.Datetime {
			t = column.Timespan
		}
	}
	out := newInts(t, n)
	out.Nulls = nulls
	if t == column.Datetime || t == column.Timespan {
		timeArith(op, a, b, out, n)
		return out
	}
	for i := 0; i < n; i++ {
		x, y := a.Int(i), b.Int(i)
		switch op {
		case "+":
			out.Ints[i] = x + y
		case "-":
			out.Ints[i] = x - y
		case "*":
			out.Ints[i] = x * y
		case "/", "%":
			if y == 0 {
				setNull(out, i)
				continue
			}
			if op == "/" {
				out.Ints[i] = x / y
			} else {
				out.Ints[i] = euclidMod(x, y)
			}
		}
	}
	return out
}

// timeArith is integer arithmetic whose result is a datetime or timespan:
// an overflow, or a datetime outside 0001-01-01 .. 9999-12-31, gives null as
// in Kusto instead of wrapping around.
func timeArith(op string, a, b, out *column.Vector, n int) {
	for i := 0; i < n; i++ {
		if out.Nulls != nil && out.Nulls[i] {
			continue
		}
		x, y := a.Int(i), b.Int(i)
		var r int64
		ok := true
		switch op {
		case "+":
			r = x + y
			ok = (r > x) == (y > 0)
		case "-":
			r = x - y
			ok = (r < x) == (y > 0)
		case "*":
			hi, lo := bits.Mul64(uint64(absInt(x)), uint64(absInt(y)))
			ok = hi == 0 && lo <= math.MaxInt64 && x != math.MinInt64 && y != math.MinInt64
			r = x * y
		case "/", "%":
			if y == 0 || (x == math.MinInt64 && y == -1) {
				ok = false
			} else if op == "/" {
				r = x / y
			} else {
				r = euclidMod(x, y)
			}
		}
		if y == 0 && (op == "+" || op == "-") {
			ok = true
		}
		if !ok || (out.Type == column.Datetime && !column.InDatetimeRange(r)) {
			setNull(out, i)
			continue
		}
		out.Ints[i] = r
	}
}

func absInt(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// euclidMod is Kusto's modulo: a small non-negative number,
// 0 <= N % D < abs(D), whatever the signs (-14 % 12 is 10).
// https://learn.microsoft.com/kusto/query/numerical-operators
func euclidMod(x, y int64) int64 {
	if y == -1 {
		return 0 // MinInt64 % -1 would trap
	}
	r := x % y
	if r < 0 {
		if y < 0 {
			r -= y
		} else {
			r += y
		}
	}
	return r
}

func euclidModReal(x, y float64) float64 {
	r := math.Mod(x, y)
	if r < 0 {
		r += math.Abs(y)
	}
	return r
}

func mergeMasks(a, b []bool) []bool {
	if a == nil {
		return b
	}
	for i, x := range b {
		if x {
			a[i] = true
		}
	}
	return a
}
