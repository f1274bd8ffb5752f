package exec

import (
	"math"

	"clickhunt/column"
)

// Regression over series: series_fit_line, series_fit_2lines and
// series_fit_poly, each also as a *_dynamic bag. The x axis of a series is
// 1, 2, ..., n (Kusto's fitted lines intercept at x = 0). Signatures in
// plan/fn_series_fit.go.
// https://learn.microsoft.com/kusto/query/series-fit-line-function

// lineFit is a least-squares line over the points (x[i], y[i]).
type lineFit struct {
	slope, interception float64
	rsquare             float64
	variance, rvariance float64 // of y, and of y less the line (both over n-1)
}

// fitLine fits y = slope*x + interception.
func fitLine(x, y []float64) lineFit {
	n := float64(len(y))
	var sx, sy float64
	for i := range y {
		sx += x[i]
		sy += y[i]
	}
	mx, my := sx/n, sy/n
	var sxy, sxx, syy float64
	for i := range y {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	var f lineFit
	if sxx > 0 {
		f.slope = sxy / sxx
	}
	f.interception = my - f.slope*mx
	var sres float64
	for i := range y {
		r := y[i] - (f.slope*x[i] + f.interception)
		sres += r * r
	}
	f.rsquare = 1
	if syy > 0 {
		f.rsquare = 1 - sres/syy
	}
	if len(y) > 1 {
		f.variance, f.rvariance = syy/(n-1), sres/(n-1)
	}
	return f
}

// seriesNumbers reads the numbers of a series for a regression: nulls and
// other non-numbers are skipped along with their x. It returns nil when x
// is not an array.
func seriesNumbers(v any) (xs, ys []float64, n int, ok bool) {
	vals, valid, isArr := seriesOf(v)
	if !isArr {
		return nil, nil, 0, false
	}
	for i, y := range vals {
		if valid[i] {
			xs = append(xs, float64(i+1))
			ys = append(ys, y)
		}
	}
	return xs, ys, len(vals), true
}

// lineValues evaluates the line at x = 1..n.
func lineValues(f lineFit, from, to int) []any {
	out := make([]any, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, f.slope*float64(i+1)+f.interception)
	}
	return out
}

// seriesFitLine computes series_fit_line's fields as a bag.
// https://learn.microsoft.com/kusto/query/series-fit-line-function
func seriesFitLine(v any) any {
	xs, ys, n, ok := seriesNumbers(v)
	if !ok || len(ys) == 0 {
		return nil
	}
	f := fitLine(xs, ys)
	return map[string]any{
		"rsquare": f.rsquare, "slope": f.slope, "variance": f.variance, "rvariance": f.rvariance,
		"interception": f.interception, "line_fit": lineValues(f, 0, n),
	}
}

// seriesFit2Lines tries every split of the series into a left and a right
// part of at least two points each, fits a line to each, and keeps the
// split of the highest total r-square. nested gives series_fit_2lines_dynamic's
// shape (right and left as bags) instead of the flat fields.
// https://learn.microsoft.com/kusto/query/series-fit-2lines-function
func seriesFit2Lines(v any, nested bool) any {
	vals, valid, isArr := seriesOf(v)
	if !isArr || len(vals) < 4 {
		return nil
	}
	n := len(vals)
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	for i := range valid {
		if !valid[i] {
			return nil
		}
	}
	var mean, stot float64
	for _, y := range vals {
		mean += y
	}
	mean /= float64(n)
	for _, y := range vals {
		stot += (y - mean) * (y - mean)
	}
	best, bestR := -1, math.Inf(-1)
	var bl, br lineFit
	for split := 2; split <= n-2; split++ {
		l := fitLine(xs[:split], vals[:split])
		r := fitLine(xs[split:], vals[split:])
		sres := l.rvariance*float64(split-1) + r.rvariance*float64(n-split-1)
		rsq := 1.0
		if stot > 0 {
			rsq = 1 - sres/stot
		}
		if rsq > bestR {
			best, bestR, bl, br = split, rsq, l, r
		}
	}
	fit := append(lineValues(bl, 0, best), lineValues(br, best, n)...)
	var sres float64
	for i, y := range vals {
		d := y - fit[i].(float64)
		sres += d * d
	}
	side := func(f lineFit) map[string]any {
		return map[string]any{"rsquare": f.rsquare, "slope": f.slope, "interception": f.interception,
			"variance": f.variance, "rvariance": f.rvariance}
	}
	m := map[string]any{
		"rsquare": bestR, "split_idx": int64(best - 1), "variance": stot / float64(n-1),
		"rvariance": sres / float64(n-1), "line_fit": fit,
	}
	if nested {
		m["right"], m["left"] = side(br), side(bl)
		return m
	}
	for k, x := range side(br) {
		m["right_"+k] = x
	}
	for k, x := range side(bl) {
		m["left_"+k] = x
	}
	return m
}

// seriesFitPoly fits a polynomial of the given degree by least squares
// (normal equations solved with partial pivoting), x defaulting to 1..n.
// https://learn.microsoft.com/kusto/query/series-fit-poly-function
func seriesFitPoly(yv, xv any, degree int64) any {
	yvals, yok, isArr := seriesOf(yv)
	if !isArr || degree < 1 || degree > 64 {
		return nil
	}
	n := len(yvals)
	xvals := make([]float64, n)
	xok := make([]bool, n)
	if arr, ok := xv.([]any); ok {
		for i := range xvals {
			if i < len(arr) {
				xvals[i], xok[i] = dynNum(arr[i])
			}
		}
	} else {
		for i := range xvals {
			xvals[i], xok[i] = float64(i+1), true
		}
	}
	var xs, ys []float64
	for i := range yvals {
		if yok[i] && xok[i] {
			xs = append(xs, xvals[i])
			ys = append(ys, yvals[i])
		}
	}
	d := int(degree)
	if len(ys) <= d {
		return nil
	}
	// Normal equations: A c = b with A[j][k] = sum x^(j+k), b[j] = sum y x^j.
	m := d + 1
	a := make([][]float64, m)
	b := make([]float64, m)
	for j := range a {
		a[j] = make([]float64, m)
	}
	for i, x := range xs {
		pw := make([]float64, 2*m)
		pw[0] = 1
		for k := 1; k < 2*m; k++ {
			pw[k] = pw[k-1] * x
		}
		for j := 0; j < m; j++ {
			b[j] += ys[i] * pw[j]
			for k := 0; k < m; k++ {
				a[j][k] += pw[j+k]
			}
		}
	}
	c, ok := solveLinear(a, b)
	if !ok {
		return nil
	}
	eval := func(x float64) float64 {
		s := 0.0
		for k := m - 1; k >= 0; k-- {
			s = s*x + c[k]
		}
		return s
	}
	var mean, stot, sres float64
	for _, y := range ys {
		mean += y
	}
	mean /= float64(len(ys))
	for i, y := range ys {
		stot += (y - mean) * (y - mean)
		r := y - eval(xs[i])
		sres += r * r
	}
	fit := make([]any, n)
	for i := range fit {
		if xok[i] {
			fit[i] = eval(xvals[i])
		}
	}
	coef := make([]any, m)
	for k := range coef {
		coef[k] = c[m-1-k] // highest power first
	}
	rsq := 1.0
	if stot > 0 {
		rsq = 1 - sres/stot
	}
	k := float64(len(ys) - 1)
	return map[string]any{"rsquare": rsq, "coefficients": coef, "variance": stot / k, "rvariance": sres / k, "poly_fit": fit}
}

// solveLinear solves a x = b by Gaussian elimination with partial
// pivoting; ok is false for a singular system.
func solveLinear(a [][]float64, b []float64) ([]float64, bool) {
	m := len(b)
	for col := 0; col < m; col++ {
		p := col
		for r := col + 1; r < m; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if a[p][col] == 0 {
			return nil, false
		}
		a[col], a[p] = a[p], a[col]
		b[col], b[p] = b[p], b[col]
		for r := col + 1; r < m; r++ {
			f := a[r][col] / a[col][col]
			for k := col; k < m; k++ {
				a[r][k] -= f * a[col][k]
			}
			b[r] -= f * b[col]
		}
	}
	x := make([]float64, m)
	for r := m - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < m; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}

func init() {
	registerK("series_fit_line", valueKernel(column.Dynamic, func(a []any) any { return seriesFitLine(a[0]) }))
	registerK("series_fit_line_dynamic", valueKernel(column.Dynamic, func(a []any) any { return seriesFitLine(a[0]) }))
	registerK("series_fit_2lines", valueKernel(column.Dynamic, func(a []any) any { return seriesFit2Lines(a[0], false) }))
	registerK("series_fit_2lines_dynamic", valueKernel(column.Dynamic, func(a []any) any { return seriesFit2Lines(a[0], true) }))
	registerK("series_fit_poly", valueKernel(column.Dynamic, func(a []any) any {
		var x any
		degree := int64(1)
		if len(a) > 1 {
			x = a[1]
		}
		if len(a) > 2 {
			if d, ok := a[2].(int64); ok {
				degree = d
			}
		}
		return seriesFitPoly(a[0], x, degree)
	}))
}
