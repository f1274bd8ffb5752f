package exec

import (
	"math"
	"math/cmplx"

	"clickhunt/column"
)

// Filters and transforms of series: series_fir, series_iir, series_fft and
// series_ifft. Signatures in plan/fn_series_filter.go.
// https://learn.microsoft.com/kusto/query/series-fir-function

// seriesZeroFilled reads a series with its non-numbers as 0, as a filter
// sees them.
func seriesZeroFilled(v any) ([]float64, bool) {
	vals, ok, isArr := seriesOf(v)
	if !isArr {
		return nil, false
	}
	for i := range vals {
		if !ok[i] {
			vals[i] = 0
		}
	}
	return vals, true
}

// seriesFIR applies y[i] = sum_j f[j]*x[i-j] (x is 0 before the series
// starts). normalize divides the coefficients by their sum; nil means
// "true unless a coefficient is negative". center shifts the output back by
// half the filter's length so that the filter looks as far ahead as back
// (x is 0 after the series ends).
func seriesFIR(xv, fv any, normalize, center any) any {
	x, ok := seriesZeroFilled(xv)
	if !ok {
		return nil
	}
	f, ok := seriesZeroFilled(fv)
	if !ok || len(f) == 0 {
		return nil
	}
	negative := false
	sum := 0.0
	for _, c := range f {
		sum += c
		if c < 0 {
			negative = true
		}
	}
	norm, given := normalize.(bool)
	if !given {
		norm = !negative
	}
	if norm {
		if negative || sum == 0 {
			return nil
		}
		for i := range f {
			f[i] /= sum
		}
	}
	shift := 0
	if c, _ := center.(bool); c {
		shift = (len(f) - 1) / 2
	}
	at := func(i int) float64 {
		if i < 0 || i >= len(x) {
			return 0
		}
		return x[i]
	}
	out := make([]any, len(x))
	for i := range out {
		s := 0.0
		for j, c := range f {
			s += c * at(i+shift-j)
		}
		out[i] = s
	}
	return out
}

// seriesIIR applies a[0]*y[i] = sum_k b[k]*x[i-k] - sum_{k>=1} a[k]*y[i-k].
// https://learn.microsoft.com/kusto/query/series-iir-function
func seriesIIR(xv, bv, av any) any {
	x, ok1 := seriesZeroFilled(xv)
	b, ok2 := seriesZeroFilled(bv)
	a, ok3 := seriesZeroFilled(av)
	if !ok1 || !ok2 || !ok3 || len(a) == 0 || a[0] == 0 {
		return nil
	}
	y := make([]float64, len(x))
	for i := range x {
		s := 0.0
		for k, c := range b {
			if i-k >= 0 {
				s += c * x[i-k]
			}
		}
		for k := 1; k < len(a); k++ {
			if i-k >= 0 {
				s -= a[k] * y[i-k]
			}
		}
		y[i] = s / a[0]
	}
	return floatsToDyn(y)
}

// fft transforms x in place (inverse: the conjugate transform, unscaled).
// Lengths that are powers of two use radix-2; others Bluestein's
// algorithm over a power-of-two convolution.
func fft(x []complex128, inverse bool) {
	n := len(x)
	if n <= 1 {
		return
	}
	if n&(n-1) == 0 {
		fftRadix2(x, inverse)
		return
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	// Bluestein: with the chirp w[j] = exp(sign*i*pi*j^2/n) and
	// jk = (j^2 + k^2 - (k-j)^2)/2, X[k] = w[k] * sum_j (x[j] w[j]) conj(w[k-j]):
	// a convolution, done with power-of-two transforms of length m >= 2n-1.
	m := 1
	for m < 2*n-1 {
		m <<= 1
	}
	w := make([]complex128, n)
	for j := range w {
		// j*j mod 2n keeps the angle small and exact for large n.
		jj := (int64(j) * int64(j)) % int64(2*n)
		w[j] = cmplx.Exp(complex(0, sign*math.Pi*float64(jj)/float64(n)))
	}
	a := make([]complex128, m)
	b := make([]complex128, m)
	for j := 0; j < n; j++ {
		a[j] = x[j] * w[j]
	}
	b[0] = cmplx.Conj(w[0])
	for j := 1; j < n; j++ {
		b[j] = cmplx.Conj(w[j])
		b[m-j] = cmplx.Conj(w[j])
	}
	fftRadix2(a, false)
	fftRadix2(b, false)
	for i := range a {
		a[i] *= b[i]
	}
	fftRadix2(a, true)
	for k := 0; k < n; k++ {
		x[k] = a[k] / complex(float64(m), 0) * w[k]
	}
}

// fftRadix2 is the iterative Cooley-Tukey transform of a power-of-two
// length, unscaled.
func fftRadix2(x []complex128, inverse bool) {
	n := len(x)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			x[i], x[j] = x[j], x[i]
		}
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	for size := 2; size <= n; size <<= 1 {
		step := cmplx.Exp(complex(0, sign*2*math.Pi/float64(size)))
		for start := 0; start < n; start += size {
			w := complex(1, 0)
			for k := 0; k < size/2; k++ {
				u, v := x[start+k], x[start+k+size/2]*w
				x[start+k], x[start+k+size/2] = u+v, u-v
				w *= step
			}
		}
	}
}

// seriesFFT transforms (real, imaginary) series; the inverse divides by n.
// The result is a bag of the real and imaginary parts.
// https://learn.microsoft.com/kusto/query/series-fft-function
func seriesFFT(re, im any, inverse bool) any {
	r, ok := seriesZeroFilled(re)
	if !ok {
		return nil
	}
	x := make([]complex128, len(r))
	var ims []float64
	if im != nil {
		if ims, ok = seriesZeroFilled(im); !ok {
			return nil
		}
	}
	for i := range x {
		var y float64
		if i < len(ims) {
			y = ims[i]
		}
		x[i] = complex(r[i], y)
	}
	fft(x, inverse)
	outR := make([]any, len(x))
	outI := make([]any, len(x))
	for i, c := range x {
		if inverse {
			c /= complex(float64(len(x)), 0)
		}
		outR[i], outI[i] = real(c), imag(c)
	}
	return map[string]any{"real": outR, "imag": outI}
}

func init() {
	registerK("series_fir", valueKernel(column.Dynamic, func(a []any) any {
		var norm, center any
		if len(a) > 2 {
			norm = a[2]
		}
		if len(a) > 3 {
			center = a[3]
		}
		return seriesFIR(a[0], a[1], norm, center)
	}))
	registerK("series_iir", valueKernel(column.Dynamic, func(a []any) any { return seriesIIR(a[0], a[1], a[2]) }))
	registerK("series_fft", valueKernel(column.Dynamic, func(a []any) any {
		var im any
		if len(a) > 1 {
			im = a[1]
		}
		return seriesFFT(a[0], im, false)
	}))
	registerK("series_ifft", valueKernel(column.Dynamic, func(a []any) any { return seriesFFT(a[0], a[1], true) }))
}
