package exec

import (
	"math"

	"clickhunt/column"
)

// Series functions over dynamic numeric arrays: element-wise math,
// arithmetic and comparisons, reductions to a number, statistics and the
// fill functions. Signatures in plan/fn_series.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#series-element-wise-functions
// https://learn.microsoft.com/kusto/query/scalar-functions#series-processing-functions

// seriesOf reads a dynamic array as numbers: vals[i] is element i and
// ok[i] says whether it is a number (null, strings, bags are missing).
// isArr is false when x is not an array at all.
func seriesOf(x any) (vals []float64, ok []bool, isArr bool) {
	arr, isArr := x.([]any)
	if !isArr {
		return nil, nil, false
	}
	vals = make([]float64, len(arr))
	ok = make([]bool, len(arr))
	for i, e := range arr {
		vals[i], ok[i] = dynNum(e)
	}
	return vals, ok, true
}

// seriesAllInts reports whether every number of arr is a long: the fill
// functions keep such a series integral.
func seriesAllInts(arr []any) bool {
	seen := false
	for _, e := range arr {
		switch e.(type) {
		case int64:
			seen = true
		case float64:
			return false
		}
	}
	return seen
}

// floatsToDyn turns computed values into a dynamic array.
func floatsToDyn(v []float64) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// seriesUnary maps f over the numbers of a series; other elements become
// null.
func seriesUnary(f func(float64) float64) valueFunc {
	return func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			if x, ok := dynNum(e); ok {
				out[i] = f(x)
			}
		}
		return out
	}
}

// seriesPair walks two series element by element, or a series and a
// number broadcast over it. The result has the longer length; elements
// missing from the shorter series are null (n is -1 when neither argument
// is an array).
func seriesPair(a, b any) (n int, at func(int) (x, y any)) {
	aa, aArr := a.([]any)
	ba, bArr := b.([]any)
	switch {
	case aArr && bArr:
		n = max(len(aa), len(ba))
		return n, func(i int) (any, any) {
			var x, y any
			if i < len(aa) {
				x = aa[i]
			}
			if i < len(ba) {
				y = ba[i]
			}
			return x, y
		}
	case aArr:
		return len(aa), func(i int) (any, any) { return aa[i], b }
	case bArr:
		return len(ba), func(i int) (any, any) { return a, ba[i] }
	}
	return -1, nil
}

// seriesArith applies an arithmetic operator element-wise. Two longs give a
// long through intOp when it is set; anything else a real.
func seriesArith(intOp func(x, y int64) int64, op func(x, y float64) float64) valueFunc {
	return func(a []any) any {
		n, at := seriesPair(a[0], a[1])
		if n < 0 {
			return nil
		}
		out := make([]any, n)
		for i := range out {
			x, y := at(i)
			if intOp != nil {
				xi, ok1 := x.(int64)
				yi, ok2 := y.(int64)
				if ok1 && ok2 {
					out[i] = intOp(xi, yi)
					continue
				}
			}
			xf, ok1 := dynNum(x)
			yf, ok2 := dynNum(y)
			if ok1 && ok2 {
				out[i] = op(xf, yf)
			}
		}
		return out
	}
}

// seriesCompare compares element-wise into a bool series.
func seriesCompare(test func(c int) bool) valueFunc {
	return func(a []any) any {
		n, at := seriesPair(a[0], a[1])
		if n < 0 {
			return nil
		}
		out := make([]any, n)
		for i := range out {
			x, y := at(i)
			xi, ok1 := x.(int64)
			yi, ok2 := y.(int64)
			if ok1 && ok2 {
				out[i] = test(cmpInt(xi, yi))
				continue
			}
			xf, ok1 := dynNum(x)
			yf, ok2 := dynNum(y)
			if ok1 && ok2 {
				switch {
				case xf < yf:
					out[i] = test(-1)
				case xf > yf:
					out[i] = test(1)
				case xf == yf:
					out[i] = test(0)
				default: // NaN compares false, but differs
					out[i] = test(2)
				}
			}
		}
		return out
	}
}

// seriesPairs returns the numbers of two series element by element, the
// longer truncated to the shorter and a number broadcast over a series,
// skipping positions where either is not a number. n is the compared
// length (-1 when neither argument is an array).
func seriesPairs(a, b any) (xs, ys []float64, n int) {
	av, aok, aArr := seriesOf(a)
	bv, bok, bArr := seriesOf(b)
	switch {
	case aArr && bArr:
		n = min(len(av), len(bv))
	case aArr:
		y, ok := dynNum(b)
		n = len(av)
		bv, bok = make([]float64, n), make([]bool, n)
		for i := range bv {
			bv[i], bok[i] = y, ok
		}
	case bArr:
		x, ok := dynNum(a)
		n = len(bv)
		av, aok = make([]float64, n), make([]bool, n)
		for i := range av {
			av[i], aok[i] = x, ok
		}
	default:
		return nil, nil, -1
	}
	for i := 0; i < n; i++ {
		if aok[i] && bok[i] {
			xs = append(xs, av[i])
			ys = append(ys, bv[i])
		}
	}
	return xs, ys, n
}

// seriesStats computes series_stats over the numbers of a series. With
// ignoreNonfinite false a null, NaN or infinite element makes every
// statistic null, as Kusto documents; else they are skipped.
// https://learn.microsoft.com/kusto/query/series-stats-function
func seriesStats(x any, ignoreNonfinite bool, withSumLen bool) any {
	arr, ok := x.([]any)
	if !ok {
		return nil
	}
	nulls := func() any {
		m := map[string]any{"min": nil, "min_idx": nil, "max": nil, "max_idx": nil, "avg": nil, "stdev": nil, "variance": nil}
		if withSumLen {
			m["sum"], m["len"] = nil, nil
		}
		return m
	}
	var vals []float64
	var idx []int
	for i, e := range arr {
		v, ok := dynNum(e)
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			if !ignoreNonfinite {
				return nulls()
			}
			continue
		}
		vals = append(vals, v)
		idx = append(idx, i)
	}
	if len(vals) == 0 {
		return nulls()
	}
	minI, maxI := 0, 0
	sum := 0.0
	for i, v := range vals {
		if v < vals[minI] {
			minI = i
		}
		if v > vals[maxI] {
			maxI = i
		}
		sum += v
	}
	n := float64(len(vals))
	avg := sum / n
	ss := 0.0
	for _, v := range vals {
		ss += (v - avg) * (v - avg)
	}
	var variance any
	var stdev any
	if len(vals) > 1 {
		variance = ss / (n - 1)
		stdev = math.Sqrt(ss / (n - 1))
	} else {
		variance, stdev = 0.0, 0.0
	}
	m := map[string]any{
		"min": vals[minI], "min_idx": int64(idx[minI]), "max": vals[maxI], "max_idx": int64(idx[maxI]),
		"avg": avg, "stdev": stdev, "variance": variance,
	}
	if withSumLen {
		m["sum"], m["len"] = sum, int64(len(vals))
	}
	return m
}

// isPlaceholder says whether element e stands for a missing value: null
// always, and elements equal to the placeholder p when p is not null.
func isPlaceholder(e, p any) bool {
	if e == nil {
		return true
	}
	if p == nil {
		return false
	}
	x, ok1 := dynNum(e)
	y, ok2 := dynNum(p)
	return ok1 && ok2 && x == y
}

// seriesFillDirection fills missing values from the nearest valid one
// before (forward) or after (backward).
func seriesFillDirection(forward bool) valueFunc {
	return func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		var p any
		if len(a) > 1 {
			p = a[1]
		}
		out := make([]any, len(arr))
		copy(out, arr)
		var last any
		have := false
		for k := range out {
			i := k
			if !forward {
				i = len(out) - 1 - k
			}
			if isPlaceholder(out[i], p) {
				if have {
					out[i] = last
				}
				continue
			}
			last, have = out[i], true
		}
		return out
	}
}

func init() {
	unary := map[string]func(float64) float64{
		"series_abs": math.Abs, "series_acos": math.Acos, "series_asin": math.Asin, "series_atan": math.Atan,
		"series_ceiling": math.Ceil, "series_cos": math.Cos, "series_exp": math.Exp, "series_floor": math.Floor,
		"series_log": math.Log, "series_sin": math.Sin, "series_tan": math.Tan,
		"series_sign": func(x float64) float64 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return x // 0 and NaN keep themselves
		},
	}
	for name, f := range unary {
		registerK(name, valueKernel(column.Dynamic, seriesUnary(f)))
	}
	// https://learn.microsoft.com/kusto/query/series-add-function and its
	// siblings: longs stay longs except for divide and pow (reals).
	registerK("series_add", valueKernel(column.Dynamic, seriesArith(
		func(x, y int64) int64 { return x + y }, func(x, y float64) float64 { return x + y })))
	registerK("series_subtract", valueKernel(column.Dynamic, seriesArith(
		func(x, y int64) int64 { return x - y }, func(x, y float64) float64 { return x - y })))
	registerK("series_multiply", valueKernel(column.Dynamic, seriesArith(
		func(x, y int64) int64 { return x * y }, func(x, y float64) float64 { return x * y })))
	registerK("series_divide", valueKernel(column.Dynamic, seriesArith(nil, func(x, y float64) float64 { return x / y })))
	registerK("series_pow", valueKernel(column.Dynamic, seriesArith(nil, math.Pow)))
	registerK("series_equals", valueKernel(column.Dynamic, seriesCompare(func(c int) bool { return c == 0 })))
	registerK("series_not_equals", valueKernel(column.Dynamic, seriesCompare(func(c int) bool { return c != 0 })))
	registerK("series_greater", valueKernel(column.Dynamic, seriesCompare(func(c int) bool { return c == 1 })))
	registerK("series_greater_equals", valueKernel(column.Dynamic, seriesCompare(func(c int) bool { return c == 1 || c == 0 })))
	registerK("series_less", valueKernel(column.Dynamic, seriesCompare(func(c int) bool { return c == -1 })))
	registerK("series_less_equals", valueKernel(column.Dynamic, seriesCompare(func(c int) bool { return c == -1 || c == 0 })))

	// https://learn.microsoft.com/kusto/query/series-sum-function
	registerK("series_sum", valueKernel(column.Real, func(a []any) any {
		v, ok, isArr := seriesOf(a[0])
		if !isArr {
			return nil
		}
		s := 0.0
		for i, x := range v {
			if ok[i] {
				s += x
			}
		}
		return s
	}))
	// https://learn.microsoft.com/kusto/query/series-product-function
	registerK("series_product", valueKernel(column.Real, func(a []any) any {
		v, ok, isArr := seriesOf(a[0])
		if !isArr {
			return nil
		}
		p := 1.0
		for i, x := range v {
			if ok[i] {
				p *= x
			}
		}
		return p
	}))
	// https://learn.microsoft.com/kusto/query/series-magnitude-function
	registerK("series_magnitude", valueKernel(column.Real, func(a []any) any {
		v, ok, isArr := seriesOf(a[0])
		if !isArr {
			return nil
		}
		s := 0.0
		for i, x := range v {
			if ok[i] {
				s += x * x
			}
		}
		return math.Sqrt(s)
	}))
	// https://learn.microsoft.com/kusto/query/series-dot-product-function
	registerK("series_dot_product", valueKernel(column.Real, func(a []any) any {
		xs, ys, n := seriesPairs(a[0], a[1])
		if n <= 0 {
			return nil
		}
		s := 0.0
		for i := range xs {
			s += xs[i] * ys[i]
		}
		return s
	}))
	// https://learn.microsoft.com/kusto/query/series-cosine-similarity-function
	registerK("series_cosine_similarity", valueKernel(column.Real, func(a []any) any {
		xs, ys, n := seriesPairs(a[0], a[1])
		if n <= 0 {
			return nil
		}
		dot, mx, my := 0.0, 0.0, 0.0
		for i := range xs {
			dot += xs[i] * ys[i]
			mx += xs[i] * xs[i]
			my += ys[i] * ys[i]
		}
		mx, my = math.Sqrt(mx), math.Sqrt(my)
		// Given magnitudes save recomputing them.
		if len(a) > 2 {
			if m, ok := a[2].(float64); ok {
				mx = m
			}
		}
		if len(a) > 3 {
			if m, ok := a[3].(float64); ok {
				my = m
			}
		}
		return dot / (mx * my)
	}))
	// https://learn.microsoft.com/kusto/query/series-pearson-correlation-function
	registerK("series_pearson_correlation", valueKernel(column.Real, func(a []any) any {
		xs, ys, n := seriesPairs(a[0], a[1])
		if n <= 0 || len(xs) == 0 {
			return nil
		}
		k := float64(len(xs))
		sx, sy := 0.0, 0.0
		for i := range xs {
			sx += xs[i]
			sy += ys[i]
		}
		mx, my := sx/k, sy/k
		cov, vx, vy := 0.0, 0.0, 0.0
		for i := range xs {
			dx, dy := xs[i]-mx, ys[i]-my
			cov += dx * dy
			vx += dx * dx
			vy += dy * dy
		}
		return cov / math.Sqrt(vx*vy)
	}))
	// https://learn.microsoft.com/kusto/query/series-stats-dynamic-function
	registerK("series_stats_dynamic", valueKernel(column.Dynamic, func(a []any) any {
		ignore := len(a) > 1 && a[1] == true
		return seriesStats(a[0], ignore, true)
	}))
	registerK("series_stats", valueKernel(column.Dynamic, func(a []any) any {
		ignore := len(a) > 1 && a[1] == true
		return seriesStats(a[0], ignore, false)
	}))

	// https://learn.microsoft.com/kusto/query/series-fill-forward-function
	registerK("series_fill_forward", valueKernel(column.Dynamic, seriesFillDirection(true)))
	// https://learn.microsoft.com/kusto/query/series-fill-backward-function
	registerK("series_fill_backward", valueKernel(column.Dynamic, seriesFillDirection(false)))
	// https://learn.microsoft.com/kusto/query/series-fill-const-function
	registerK("series_fill_const", valueKernel(column.Dynamic, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		var p any
		if len(a) > 2 {
			p = a[2]
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			if isPlaceholder(e, p) {
				out[i] = a[1]
			} else {
				out[i] = e
			}
		}
		return out
	}))
	// https://learn.microsoft.com/kusto/query/series-fill-linear-function
	registerK("series_fill_linear", valueKernel(column.Dynamic, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		var p any
		if len(a) > 1 {
			p = a[1]
		}
		edges := true
		if len(a) > 2 {
			if b, ok := a[2].(bool); ok {
				edges = b
			}
		}
		var constant any = 0.0
		if len(a) > 3 {
			constant = a[3]
		}
		return fillLinear(arr, p, edges, constant)
	}))
}

// fillLinear interpolates the missing values of arr linearly between their
// valid neighbours; at the edges, with edges set, it repeats the nearest
// valid value. An array with no valid value is filled with constant. A
// series of longs stays longs, the interpolated values truncated as
// Kusto's engine does.
func fillLinear(arr []any, p any, edges bool, constant any) any {
	out := make([]any, len(arr))
	copy(out, arr)
	ints := seriesAllInts(arr)
	var valid []int
	for i, e := range arr {
		if isPlaceholder(e, p) {
			continue
		}
		if _, ok := dynNum(e); ok {
			valid = append(valid, i)
		}
	}
	if len(valid) == 0 {
		for i := range out {
			out[i] = constant
		}
		return out
	}
	put := func(i int, v float64) {
		if ints {
			out[i] = int64(v)
		} else {
			out[i] = v
		}
	}
	for k := 0; k+1 < len(valid); k++ {
		i, j := valid[k], valid[k+1]
		xi, _ := dynNum(arr[i])
		xj, _ := dynNum(arr[j])
		for m := i + 1; m < j; m++ {
			put(m, xi+(xj-xi)*float64(m-i)/float64(j-i))
		}
	}
	if edges {
		first, last := valid[0], valid[len(valid)-1]
		for m := 0; m < first; m++ {
			out[m] = arr[first]
		}
		for m := last + 1; m < len(out); m++ {
			out[m] = arr[last]
		}
	}
	return out
}
