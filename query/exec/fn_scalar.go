package exec

import (
	"math"
	"math/bits"
	"strconv"
	"strings"

	"clickhunt/column"
)

func init() {
	// Logical operators with three-valued logic: null and false is false,
	// null or true is true, otherwise null propagates.
	// https://learn.microsoft.com/kusto/query/logical-operators
	registerK("and", func(a []*column.Vector, n int) *column.Vector { return logicVec(a[0], a[1], n, true) })
	registerK("or", func(a []*column.Vector, n int) *column.Vector { return logicVec(a[0], a[1], n, false) })
	registerK("not", func(a []*column.Vector, n int) *column.Vector {
		out := newBools(n)
		out.Nulls = orNulls(n, a[0])
		for i := 0; i < n; i++ {
			out.Bools[i] = !a[0].Bool(i)
		}
		clearNulls(out)
		return out
	})
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
	registerK("bin", binVec)
	registerK("iff", iffVec)
	registerK("isnull", func(a []*column.Vector, n int) *column.Vector {
		if a[0].Type == column.Dynamic {
			return dynEmptyVec(a[0], n, false, false)
		}
		out := newBools(n)
		for i := 0; i < n; i++ {
			out.Bools[i] = a[0].IsNull(i)
		}
		return out
	})
	registerK("isnotnull", func(a []*column.Vector, n int) *column.Vector {
		if a[0].Type == column.Dynamic {
			return dynEmptyVec(a[0], n, false, true)
		}
		out := newBools(n)
		for i := 0; i < n; i++ {
			out.Bools[i] = !a[0].IsNull(i)
		}
		return out
	})
	registerK("isempty", func(a []*column.Vector, n int) *column.Vector { return emptyVec(a[0], n, false) })
	registerK("isnotempty", func(a []*column.Vector, n int) *column.Vector { return emptyVec(a[0], n, true) })
	registerK("tostring", func(a []*column.Vector, n int) *column.Vector {
		x := a[0]
		if x.Type == column.String {
			return x
		}
		out := newStrs(n)
		if x.Type == column.Datetime {
			// tostring() spells a datetime with all seven fractional
			// digits, unlike the output encoders.
			for i := 0; i < n; i++ {
				if !x.IsNull(i) {
					out.Strs[i] = column.DatetimeText(x.Int(i))
				}
			}
			return out
		}
		for i := 0; i < n; i++ {
			out.Strs[i] = column.FormatValue(x, i)
		}
		return out
	})
	registerK("tolong", func(a []*column.Vector, n int) *column.Vector { return toIntVec(a[0], n, column.Long) })
	registerK("toint", func(a []*column.Vector, n int) *column.Vector { return toIntVec(a[0], n, column.Int) })
	registerK("ticks", func(a []*column.Vector, n int) *column.Vector {
		out := newInts(column.Long, n)
		for i := 0; i < n; i++ {
			out.Ints[i] = a[0].Int(i)
		}
		out.Nulls = orNulls(n, a[0])
		return out
	})
	registerK("toreal", toRealVec)
	// https://learn.microsoft.com/kusto/query/toguid-function
	registerK("toguid", valueKernel(column.Guid, func(a []any) any {
		g, ok := parseGUID(str0(a[0]))
		if !ok {
			return nil
		}
		return g
	}))
	registerK("tobool", toBoolVec)
	registerK("todatetime", func(a []*column.Vector, n int) *column.Vector {
		return parseVec(a[0], n, column.Datetime, column.ParseKQLDatetime)
	})
	registerK("totimespan", func(a []*column.Vector, n int) *column.Vector {
		return parseVec(a[0], n, column.Timespan, column.ParseTimespan)
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

// binVec rounds down to a multiple of the bin size. Datetimes are binned
// from Kusto's origin, 0001-01-01, so 7d bins start on Mondays as in Kusto.
// https://learn.microsoft.com/kusto/query/bin-function
func binVec(a []*column.Vector, n int) *column.Vector {
	x, size := a[0], a[1]
	nulls := orNulls(n, x, size)
	if x.Floats != nil {
		out := newFloats(n)
		for i := 0; i < n; i++ {
			s := size.Float(i)
			if s <= 0 {
				nulls = markNull(nulls, n, i)
				continue
			}
			out.Floats[i] = math.Floor(x.Float(i)/s) * s
		}
		out.Nulls = nulls
		return out
	}
	t := x.Type
	if t == column.Int && size.Type == column.Long {
		t = column.Long
	}
	out := newInts(t, n)
	var origin int64
	if x.Type == column.Datetime {
		origin = column.EpochTicks
	}
	if size.Const && !x.Const && size.Int(0) > 0 {
		s := size.Int(0)
		for i, v := range x.Ints[:n] {
			out.Ints[i] = floorDiv(v+origin, s)*s - origin
		}
		out.Nulls = nulls
		return out
	}
	for i := 0; i < n; i++ {
		s := size.Int(i)
		if s <= 0 {
			nulls = markNull(nulls, n, i)
			continue
		}
		out.Ints[i] = floorDiv(x.Int(i)+origin, s)*s - origin
	}
	out.Nulls = nulls
	return out
}

func markNull(m []bool, n, i int) []bool {
	if m == nil {
		m = make([]bool, n)
	}
	m[i] = true
	return m
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

func emptyVec(x *column.Vector, n int, not bool) *column.Vector {
	if x.Type == column.Dynamic {
		return dynEmptyVec(x, n, true, not)
	}
	if x.Type == column.String {
		return strPredVec(nil, "", x, n, func(s string) bool { return (s == "") != not })
	}
	out := newBools(n)
	for i := 0; i < n; i++ {
		out.Bools[i] = x.IsNull(i) != not
	}
	return out
}

func toIntVec(x *column.Vector, n int, t column.Type) *column.Vector {
	if x.Type == column.Dynamic {
		return convertDyn(x, n, t)
	}
	out := newInts(t, n)
	for i := 0; i < n; i++ {
		if x.IsNull(i) {
			setNull(out, i)
			continue
		}
		switch {
		case x.Type == column.String:
			s := strings.TrimSpace(x.Str(i))
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				f, ferr := strconv.ParseFloat(s, 64)
				if ferr != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= 9.2e18 {
					setNull(out, i)
					continue
				}
				v = int64(f)
			}
			out.Ints[i] = v
		case x.Floats != nil:
			f := x.Float(i)
			if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= 9.2e18 {
				setNull(out, i)
				continue
			}
			out.Ints[i] = int64(f)
		case x.Bools != nil:
			if x.Bool(i) {
				out.Ints[i] = 1
			}
		case x.Type == column.Datetime:
			out.Ints[i] = x.Int(i) + column.EpochTicks
		default:
			out.Ints[i] = x.Int(i)
		}
		if t == column.Int && (out.Ints[i] < math.MinInt32 || out.Ints[i] > math.MaxInt32) {
			// Out of the int range: the conversion fails.
			out.Ints[i] = 0
			setNull(out, i)
		}
	}
	return out
}

func toRealVec(a []*column.Vector, n int) *column.Vector {
	x := a[0]
	if x.Type == column.Dynamic {
		return convertDyn(x, n, column.Real)
	}
	out := newFloats(n)
	for i := 0; i < n; i++ {
		if x.IsNull(i) {
			setNull(out, i)
			continue
		}
		switch {
		case x.Type == column.String:
			f, err := strconv.ParseFloat(strings.TrimSpace(x.Str(i)), 64)
			if err != nil {
				setNull(out, i)
				continue
			}
			out.Floats[i] = f
		case x.Floats != nil:
			out.Floats[i] = x.Float(i)
		case x.Bools != nil:
			if x.Bool(i) {
				out.Floats[i] = 1
			}
		default:
			out.Floats[i] = float64(x.Int(i))
		}
	}
	return out
}

func toBoolVec(a []*column.Vector, n int) *column.Vector {
	x := a[0]
	if x.Type == column.Dynamic {
		return convertDyn(x, n, column.Bool)
	}
	out := newBools(n)
	for i := 0; i < n; i++ {
		if x.IsNull(i) {
			setNull(out, i)
			continue
		}
		switch {
		case x.Type == column.String:
			switch strings.ToLower(strings.TrimSpace(x.Str(i))) {
			case "true", "1":
				out.Bools[i] = true
			case "false", "0":
			default:
				setNull(out, i)
			}
		case x.Bools != nil:
			out.Bools[i] = x.Bool(i)
		case x.Floats != nil:
			out.Bools[i] = x.Float(i) != 0
		default:
			out.Bools[i] = x.Int(i) != 0
		}
	}
	return out
}

func parseVec(x *column.Vector, n int, t column.Type, parse func(string) (int64, error)) *column.Vector {
	if x.Type == t {
		return x
	}
	if x.Type == column.Dynamic {
		return convertDyn(x, n, t)
	}
	out := newInts(t, n)
	for i := 0; i < n; i++ {
		if x.IsNull(i) || x.Type != column.String {
			setNull(out, i)
			continue
		}
		v, err := parse(x.Str(i))
		if err != nil {
			setNull(out, i)
			continue
		}
		out.Ints[i] = v
	}
	return out
}

func dateVec(t column.Type, f func(int64) int64) kernel {
	return func(a []*column.Vector, n int) *column.Vector {
		x := a[0]
		out := newInts(t, n)
		out.Nulls = orNulls(n, x)
		for i := 0; i < n; i++ {
			if !x.IsNull(i) {
				out.Ints[i] = f(x.Int(i))
			}
		}
		return out
	}
}

// dynEmptyVec is isnull/isempty over dynamic values: null is null (stored
// dynamic text "" is null too); isempty is also true for the string "" but
// not for an empty array or bag.
// https://learn.microsoft.com/kusto/query/isempty-function
func dynEmptyVec(x *column.Vector, n int, emptyStr, not bool) *column.Vector {
	r := newDynReader(x)
	out := newBools(n)
	for i := 0; i < n; i++ {
		v := r.value(i)
		e := v == nil || (emptyStr && v == "")
		out.Bools[i] = e != not
	}
	return out
}
