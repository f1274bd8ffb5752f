package exec

import (
	"math"

	"clickhunt/column"
)

// Math functions. Results that are not real numbers (log of a negative,
// sqrt of a negative) are null, as in Kusto.
// https://learn.microsoft.com/kusto/query/scalar-functions#math-functions
func init() {
	unary := map[string]func(float64) float64{
		"log": math.Log, "log10": math.Log10, "log2": math.Log2, "exp": math.Exp, "exp2": math.Exp2,
		"exp10": func(x float64) float64 { return math.Pow(10, x) }, "sqrt": math.Sqrt,
		"cos": math.Cos, "sin": math.Sin, "tan": math.Tan, "acos": math.Acos, "asin": math.Asin, "atan": math.Atan,
	}
	for name, f := range unary {
		f := f
		registerK(name, func(a []*column.Vector, n int) *column.Vector {
			return floatMap(n, func(i int) (float64, bool) {
				if a[0].IsNull(i) {
					return 0, false
				}
				return f(a[0].Float(i)), true
			})
		})
	}
	binary := map[string]func(float64, float64) float64{"pow": math.Pow, "atan2": math.Atan2}
	for name, f := range binary {
		f := f
		registerK(name, func(a []*column.Vector, n int) *column.Vector {
			return floatMap(n, func(i int) (float64, bool) {
				if a[0].IsNull(i) || a[1].IsNull(i) {
					return 0, false
				}
				return f(a[0].Float(i), a[1].Float(i)), true
			})
		})
	}
	// round(x, precision): half away from zero at the given number of
	// decimal digits (negative: to tens, hundreds...).
	// https://learn.microsoft.com/kusto/query/round-function
	registerK("round", func(a []*column.Vector, n int) *column.Vector {
		x, p := a[0], a[1]
		if x.Floats != nil {
			return floatMap(n, func(i int) (float64, bool) {
				if x.IsNull(i) || p.IsNull(i) {
					return 0, false
				}
				return roundTo(x.Float(i), p.Int(i)), true
			})
		}
		out := newInts(x.Type, n)
		out.Nulls = orNulls(n, x, p)
		for i := 0; i < n; i++ {
			v, d := x.Int(i), p.Int(i)
			if d >= 0 {
				out.Ints[i] = v
				continue
			}
			out.Ints[i] = int64(roundTo(float64(v), d))
		}
		return out
	})
	// https://learn.microsoft.com/kusto/query/ceiling-function
	registerK("ceiling", numMap(math.Ceil, func(v int64) int64 { return v }))
	// https://learn.microsoft.com/kusto/query/abs-function
	registerK("abs", numMap(math.Abs, func(v int64) int64 {
		if v < 0 {
			return -v
		}
		return v
	}))
	// https://learn.microsoft.com/kusto/query/sign-function
	registerK("sign", numMap(func(f float64) float64 {
		switch {
		case f > 0:
			return 1
		case f < 0:
			return -1
		}
		return f
	}, func(v int64) int64 {
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return 0
	}))
}

// roundTo rounds x to d decimal digits, halves away from zero. Scaling by
// a power of ten first makes round(2.15, 1) 2.2, as in Kusto, although 2.15
// is slightly below 2.15 in binary.
func roundTo(x float64, d int64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	if d > 15 {
		return x
	}
	if d >= 0 {
		s := math.Pow(10, float64(d))
		return math.Round(x*s) / s
	}
	s := math.Pow(10, float64(-d))
	return math.Round(x/s) * s
}

// floatMap builds a real vector; f returns ok=false for null, and NaN or
// infinite results of a non-NaN computation become null.
func floatMap(n int, f func(i int) (float64, bool)) *column.Vector {
	out := newFloats(n)
	for i := 0; i < n; i++ {
		v, ok := f(i)
		if !ok || math.IsNaN(v) {
			setNull(out, i)
			continue
		}
		out.Floats[i] = v
	}
	return out
}

// numMap applies a function to a real or integer vector, keeping its type.
func numMap(ff func(float64) float64, fi func(int64) int64) kernel {
	return func(a []*column.Vector, n int) *column.Vector {
		x := a[0]
		if x.Floats != nil {
			out := newFloats(n)
			out.Nulls = orNulls(n, x)
			for i := 0; i < n; i++ {
				out.Floats[i] = ff(x.Float(i))
			}
			return out
		}
		out := newInts(x.Type, n)
		out.Nulls = orNulls(n, x)
		for i := 0; i < n; i++ {
			out.Ints[i] = fi(x.Int(i))
		}
		return out
	}
}
