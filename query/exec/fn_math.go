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
	more := map[string]func(float64) float64{
		// https://learn.microsoft.com/kusto/query/cot-function
		"cot":     func(x float64) float64 { return 1 / math.Tan(x) },
		"degrees": func(x float64) float64 { return x * 180 / math.Pi },
		"radians": func(x float64) float64 { return x * math.Pi / 180 },
		"gamma":   math.Gamma,
		// loggamma is the log of the absolute value of gamma.
		"loggamma": func(x float64) float64 { v, _ := math.Lgamma(x); return v },
		"erf":      math.Erf,
		"erfc":     math.Erfc,
	}
	for name, f := range more {
		registerK(name, func(a []*column.Vector, n int) *column.Vector {
			return floatMap(n, func(i int) (float64, bool) {
				if a[0].IsNull(i) {
					return 0, false
				}
				return f(a[0].Float(i)), true
			})
		})
	}
	// The beta functions give NaN (not null) for arguments outside their
	// domain, as Kusto does; beta_inv of a probability outside [0, 1] is
	// null. https://learn.microsoft.com/kusto/query/beta-cdf-function
	beta := map[string]func(x, a, b float64) (float64, bool){
		"beta_cdf": func(x, a, b float64) (float64, bool) {
			if x < 0 || x > 1 {
				return math.NaN(), true
			}
			return betaCDF(x, a, b), true
		},
		"beta_pdf": func(x, a, b float64) (float64, bool) {
			if x < 0 || x > 1 || a <= 0 || b <= 0 {
				return math.NaN(), true
			}
			lb := lbeta(a, b)
			return math.Exp((a-1)*math.Log(x) + (b-1)*math.Log1p(-x) - lb), true
		},
		"beta_inv": func(p, a, b float64) (float64, bool) {
			if p < 0 || p > 1 {
				return 0, false
			}
			if a <= 0 || b <= 0 {
				return math.NaN(), true
			}
			return betaInv(p, a, b), true
		},
	}
	for name, f := range beta {
		registerK(name, func(a []*column.Vector, n int) *column.Vector {
			out := newFloats(n)
			out.Nulls = orNulls(n, a[0], a[1], a[2])
			for i := 0; i < n; i++ {
				if out.Nulls != nil && out.Nulls[i] {
					continue
				}
				v, ok := f(a[0].Float(i), a[1].Float(i), a[2].Float(i))
				if !ok {
					setNull(out, i)
					continue
				}
				out.Floats[i] = v
			}
			return out
		})
	}
	// welch_test(mean1, variance1, count1, mean2, variance2, count2): the
	// two-sided p-value of Welch's t-test.
	registerK("welch_test", func(a []*column.Vector, n int) *column.Vector {
		return floatMap(n, func(i int) (float64, bool) {
			var v [6]float64
			for j := range v {
				if a[j].IsNull(i) {
					return 0, false
				}
				v[j] = a[j].Float(i)
			}
			return welchTest(v[0], v[1], v[2], v[3], v[4], v[5]), true
		})
	})
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

func lbeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// betaCDF is the regularized incomplete beta function I_x(a, b), by the
// continued fraction of Numerical Recipes (betai). Like Kusto it does not
// check a and b: with a pole of the gamma function the prefactor is 0.
func betaCDF(x, a, b float64) float64 {
	if x == 0 || x == 1 {
		return x
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	bt := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return bt * betaCF(x, a, b) / a
	}
	return 1 - bt*betaCF(1-x, b, a)/b
}

// betaCF evaluates the continued fraction of the incomplete beta function
// by the modified Lentz method.
func betaCF(x, a, b float64) float64 {
	const tiny = 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 300; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	return h
}

// betaInv finds x with I_x(a, b) = p by bisection (the CDF is monotone).
func betaInv(p, a, b float64) float64 {
	lo, hi := 0.0, 1.0
	for i := 0; i < 200 && hi-lo > 1e-17; i++ {
		mid := (lo + hi) / 2
		if betaCDF(mid, a, b) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// welchTest is the two-sided p-value of Welch's t-test for two samples
// given by their means, variances and sizes.
func welchTest(m1, v1, n1, m2, v2, n2 float64) float64 {
	s1, s2 := v1/n1, v2/n2
	t := (m1 - m2) / math.Sqrt(s1+s2)
	df := (s1 + s2) * (s1 + s2) / (s1*s1/(n1-1) + s2*s2/(n2-1))
	return betaCDF(df/(df+t*t), df/2, 0.5)
}

// not() and the real-number predicates.
func init() {
	registerK("not", func(a []*column.Vector, n int) *column.Vector {
		out := newBools(n)
		out.Nulls = orNulls(n, a[0])
		for i := 0; i < n; i++ {
			out.Bools[i] = !a[0].Bool(i)
		}
		clearNulls(out)
		return out
	})
	// https://learn.microsoft.com/kusto/query/isnan-function
	registerK("isnan", floatPred(math.IsNaN))
	registerK("isinf", floatPred(func(f float64) bool { return math.IsInf(f, 0) }))
	registerK("isfinite", floatPred(func(f float64) bool { return !math.IsInf(f, 0) && !math.IsNaN(f) }))
}

// floatPred applies a predicate to a real vector; null gives null.
func floatPred(p func(float64) bool) kernel {
	return func(a []*column.Vector, n int) *column.Vector {
		out := newBools(n)
		out.Nulls = orNulls(n, a[0])
		for i := 0; i < n; i++ {
			out.Bools[i] = !a[0].IsNull(i) && p(a[0].Float(i))
		}
		return out
	}
}
