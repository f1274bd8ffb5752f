package exec

import (
	"clickhunt/column"
	"math"
)

// Rounding functions.
// https://learn.microsoft.com/kusto/query/scalar-functions#rounding-functions
func init() {
	registerK("bin", binVec)
	// bin_at(v, size, fixed): bins aligned so that fixed starts a bin.
	// https://learn.microsoft.com/kusto/query/bin-at-function
	registerK("bin_at", func(a []*column.Vector, n int) *column.Vector {
		x, size, fixed := a[0], a[1], a[2]
		nulls := orNulls(n, x, size, fixed)
		if x.Floats != nil {
			out := newFloats(n)
			for i := 0; i < n; i++ {
				s := size.Float(i)
				if s <= 0 {
					nulls = markNull(nulls, n, i)
					continue
				}
				f := fixed.Float(i)
				out.Floats[i] = f + math.Floor((x.Float(i)-f)/s)*s
			}
			out.Nulls = nulls
			return out
		}
		out := newInts(x.Type, n)
		for i := 0; i < n; i++ {
			s := size.Int(i)
			if s <= 0 {
				nulls = markNull(nulls, n, i)
				continue
			}
			f := fixed.Int(i)
			out.Ints[i] = f + floorDiv(x.Int(i)-f, s)*s
		}
		out.Nulls = nulls
		return out
	})
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
