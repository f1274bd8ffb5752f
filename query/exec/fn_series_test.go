package exec

import "testing"

// printCheck evaluates `print x = expr` and compares the rendered value.
func printCheck(t *testing.T) func(expr, typ, want string) {
	return func(expr, typ, want string) {
		t.Helper()
		check(t, "print x = "+expr, "x:"+typ+"\n"+want+"\n", false)
	}
}

func TestSeriesElementWise(t *testing.T) {
	f := printCheck(t)
	// https://learn.microsoft.com/kusto/query/series-abs-function: any
	// non-numeric element gives null.
	f(`series_abs(dynamic([-1.5, 2, "a", null]))`, "dynamic", `[1.5,2,null,null]`)
	f(`series_sign(dynamic([-6, 0, 8]))`, "dynamic", `[-1,0,1]`)
	f(`series_floor(dynamic([-1.5, 1, 2.5]))`, "dynamic", `[-2,1,2]`)
	f(`series_ceiling(dynamic([-1.5, 1, 2.5]))`, "dynamic", `[-1,1,3]`)
	f(`series_exp(dynamic([0]))`, "dynamic", `[1]`)
	f(`series_log(dynamic([1]))`, "dynamic", `[0]`)
	f(`series_cos(dynamic([0]))`, "dynamic", `[1]`)
	f(`series_abs(5)`, "dynamic", `null`)
	// https://learn.microsoft.com/kusto/query/series-add-function: the
	// longer length, null where the shorter series has no element; two
	// longs add as a long.
	f(`series_add(dynamic([1, 2, 3]), dynamic([10, 20]))`, "dynamic", `[11,22,null]`)
	f(`series_add(dynamic([1, 2]), 1.5)`, "dynamic", `[2.5,3.5]`)
	f(`series_subtract(10, dynamic([1, 2]))`, "dynamic", `[9,8]`)
	f(`series_multiply(dynamic([1, "x", 3]), dynamic([2, 2, 2]))`, "dynamic", `[2,null,6]`)
	// series_divide is real even for longs; x/0 follows real division.
	f(`series_divide(dynamic([1, 2, -1]), dynamic([4, 0, 0]))`, "dynamic", `[0.25,"Infinity","-Infinity"]`)
	f(`series_pow(dynamic([2, 4]), dynamic([3, 0.5]))`, "dynamic", `[8,2]`)
	// Comparisons give bools; a number is broadcast.
	f(`series_greater(dynamic([1, 2, 3]), 2)`, "dynamic", `[false,false,true]`)
	f(`series_greater_equals(dynamic([1, 2, 3]), 2)`, "dynamic", `[false,true,true]`)
	f(`series_less(dynamic([1, 2, 3]), dynamic([3, 2]))`, "dynamic", `[true,false,null]`)
	f(`series_less_equals(dynamic([1, 2.5]), dynamic([1, 2]))`, "dynamic", `[true,false]`)
	f(`series_equals(dynamic([1, 2]), dynamic([1.0, 3]))`, "dynamic", `[true,false]`)
	f(`series_not_equals(dynamic([1, 2]), dynamic([1, 3]))`, "dynamic", `[false,true]`)
}

func TestSeriesReductions(t *testing.T) {
	f := printCheck(t)
	// Non-numeric elements are skipped.
	f(`series_sum(dynamic([1, 2, "x", 4]))`, "real", "7")
	f(`series_product(dynamic([1, 2, 3, 4]))`, "real", "24")
	f(`series_magnitude(dynamic([3, 4]))`, "real", "5")
	// https://learn.microsoft.com/kusto/query/series-dot-product-function:
	// the longer series is cut to the shorter; a number is broadcast.
	f(`series_dot_product(dynamic([1, 2, 3]), dynamic([4, 5]))`, "real", "14")
	f(`series_dot_product(dynamic([1, 2]), 10)`, "real", "30")
	f(`series_dot_product(dynamic([]), dynamic([1]))`, "real", "null")
	f(`series_cosine_similarity(dynamic([1, 0]), dynamic([0, 1]))`, "real", "0")
	f(`series_cosine_similarity(dynamic([3, 4]), dynamic([6, 8]))`, "real", "1")
	f(`series_pearson_correlation(dynamic([1, 2, 3]), dynamic([3, 2, 1]))`, "real", "-1")
}

func TestSeriesStats(t *testing.T) {
	// [1, 2, 3, 4]: mean 2.5, squares of deviations 2.25+0.25+0.25+2.25 =
	// 5, sample variance 5/3.
	check(t, `print x = dynamic([4, 1, 3, 2]) | project series_stats(x)`,
		"series_stats_x_min:real | series_stats_x_min_idx:long | series_stats_x_max:real | series_stats_x_max_idx:long | series_stats_x_avg:real | series_stats_x_stdev:real | series_stats_x_variance:real\n"+
			"1 | 1 | 4 | 0 | 2.5 | 1.2909944487358056 | 1.6666666666666667\n", false)
	f := printCheck(t)
	f(`series_stats_dynamic(dynamic([4, 1, 3, 2]))`, "dynamic",
		`{"avg":2.5,"len":4,"max":4,"max_idx":0,"min":1,"min_idx":1,"stdev":1.2909944487358056,"sum":10,"variance":1.6666666666666667}`)
	// A null makes every statistic null unless ignore_nonfinite is true.
	f(`series_stats_dynamic(dynamic([4, null, 2]))`, "dynamic",
		`{"avg":null,"len":null,"max":null,"max_idx":null,"min":null,"min_idx":null,"stdev":null,"sum":null,"variance":null}`)
	f(`series_stats_dynamic(dynamic([4, null, 2]), true)`, "dynamic",
		`{"avg":3,"len":2,"max":4,"max_idx":0,"min":2,"min_idx":2,"stdev":1.4142135623730951,"sum":6,"variance":2}`)
}

func TestSeriesFill(t *testing.T) {
	f := printCheck(t)
	f(`series_fill_forward(dynamic([null, 1, null, null, 4, null]))`, "dynamic", `[null,1,1,1,4,4]`)
	f(`series_fill_backward(dynamic([null, 1, null, null, 4, null]))`, "dynamic", `[1,1,4,4,4,null]`)
	// A placeholder marks missing values besides null.
	f(`series_fill_forward(dynamic([3, -1, 5]), -1)`, "dynamic", `[3,3,5]`)
	f(`series_fill_const(dynamic([1, null, 3]), 0)`, "dynamic", `[1,0,3]`)
	f(`series_fill_const(dynamic([1, 0, 3]), 9, 0)`, "dynamic", `[1,9,3]`)
	// Linear: 10 + (21-10)*k/3 for the gaps; edges repeat the nearest value.
	f(`series_fill_linear(dynamic([null, 10.0, null, null, 21.0, null]))`, "dynamic",
		`[10,10,13.666666666666666,17.333333333333332,21,21]`)
	// A series of longs stays longs (truncated), as Kusto's engine answers.
	f(`series_fill_linear(dynamic([null, 10, null, null, 21, null]))`, "dynamic", `[10,10,13,17,21,21]`)
	f(`series_fill_linear(dynamic([null, 10, null, 20, null]), todouble(""), false)`, "dynamic", `[null,10,15,20,null]`)
	// All missing: the constant (0 by default).
	f(`series_fill_linear(dynamic([null, null]))`, "dynamic", `[0,0]`)
	f(`series_fill_linear(dynamic([null, null]), todouble(""), true, 2.5)`, "dynamic", `[2.5,2.5]`)
}

func TestSeriesFilters(t *testing.T) {
	f := printCheck(t)
	// https://learn.microsoft.com/kusto/query/series-fir-function: a
	// normalised two-point moving average; x is 0 before the start.
	f(`series_fir(dynamic([2, 4, 6]), dynamic([1, 1]))`, "dynamic", `[1,3,5]`)
	// Centred: the output moves back by (3-1)/2 points; 0 after the end.
	f(`series_fir(dynamic([3, 6, 9, 12]), dynamic([1, 1, 1]), true, true)`, "dynamic", `[3,6,9,7]`)
	// A negative coefficient turns normalisation off by default...
	f(`series_fir(dynamic([0, 2, 2, 5]), dynamic([1, -1]))`, "dynamic", `[0,2,0,3]`)
	// ...and asking for it then gives null.
	f(`series_fir(dynamic([0, 2]), dynamic([1, -1]), true)`, "dynamic", `null`)
	// https://learn.microsoft.com/kusto/query/series-iir-function: y[i] =
	// x[i] + y[i-1] is a running sum.
	f(`series_iir(dynamic([1, 2, 3, 4]), dynamic([1]), dynamic([1, -1]))`, "dynamic", `[1,3,6,10]`)
	// a[0] divides: 2y[i] = x[i].
	f(`series_iir(dynamic([2, 4]), dynamic([1]), dynamic([2]))`, "dynamic", `[1,2]`)
	// The DFT of [1, 0, 0, 0] is all ones; of [1, 1, 1] (not a power of two)
	// [3, 0, 0]; the inverse brings a series back.
	check(t, `print x = dynamic([1, 0, 0, 0]) | extend (re, im) = series_fft(x)`,
		"x:dynamic | re:dynamic | im:dynamic\n[1,0,0,0] | [1,1,1,1] | [0,0,0,0]\n", false)
	check(t, `print x = dynamic([1, 1, 1]) | extend (re, im) = series_fft(x) | project r0 = round(todouble(re[0]), 9), r1 = round(abs(todouble(re[1])), 9), i1 = round(abs(todouble(im[1])), 9)`,
		"r0:real | r1:real | i1:real\n3 | 0 | 0\n", false)
}

func TestSeriesFFTRoundTrip(t *testing.T) {
	// Five points (Bluestein) forward and back give the input to rounding.
	check(t, `print x = dynamic([1, 2, 3, 4, 5]) | extend (re, im) = series_fft(x) | extend (r2, i2) = series_ifft(re, im) | project d = series_magnitude(series_subtract(r2, x)) < 1e-9, e = series_magnitude(i2) < 1e-9`,
		"d:bool | e:bool\ntrue | true\n", false)
}

func TestSeriesFit(t *testing.T) {
	// y = 2x + 1 at x = 1..4: an exact line. Variance of [3,5,7,9] is
	// (36+4+4+36)/4/3 = 20/3.
	check(t, `print y = dynamic([3, 5, 7, 9]) | extend (rs, slope, v, rv, icpt, fit) = series_fit_line(y) | project-away y`,
		"rs:real | slope:real | v:real | rv:real | icpt:real | fit:dynamic\n1 | 2 | 6.666666666666667 | 0 | 1 | [3,5,7,9]\n", false)
	// Two exact lines: 1,2,3,4 (y = x) then 10,8,6,4 (y = -2x + 20 at x =
	// 5..8); the split is after index 3.
	check(t, `print y = dynamic([1, 2, 3, 4, 10, 8, 6, 4]) | extend (rs, idx) = series_fit_2lines(y) | project-away y`,
		"rs:real | idx:long\n1 | 3\n", false)
	check(t, `print y = dynamic([1, 2, 3, 4, 10, 8, 6, 4]) | extend f = series_fit_2lines_dynamic(y) | project ls = f.left.slope, rs = f.right.slope, ri = f.right.interception`,
		"ls:dynamic | rs:dynamic | ri:dynamic\n1 | -2 | 20\n", false)
	// y = x^2 at x = 1..5, fitted with degree 2: coefficients highest
	// power first.
	check(t, `print y = dynamic([1, 4, 9, 16, 25]) | extend series_fit_poly(y, dynamic(null), 2) | project c = series_multiply(series_fit_poly_y_coefficients, 1000) | extend c = series_floor(series_add(c, 0.5))`,
		"c:dynamic\n[1000,0,0]\n", false)
	// An x series: y = 3x at x = 0, 10, 20.
	check(t, `print y = dynamic([0, 30, 60]), x = dynamic([0, 10, 20]) | extend (rs, coef) = series_fit_poly(y, x) | project rs, slope = round(todouble(coef[0]), 9)`,
		"rs:real | slope:real\n1 | 3\n", false)
}

func TestSeriesSeasonalAndPeriods(t *testing.T) {
	f := printCheck(t)
	// https://learn.microsoft.com/kusto/query/series-seasonal-function: the
	// median of each phase; [1,2] gives 1.5.
	f(`series_seasonal(dynamic([1, 3, 5, 2, 4, 6]), 3)`, "dynamic", `[1.5,3.5,5.5,1.5,3.5,5.5]`)
	// Period 0 (or anything but -1 and a positive period): zeros.
	f(`series_seasonal(dynamic([1, 3, 5, 2, 4, 6]), 0)`, "dynamic", `[0,0,0,0,0,0]`)
	// Detected: four cycles of a period of 5.
	f(`series_seasonal(dynamic([1, 5, 9, 5, 1, 1, 5, 9, 5, 1, 1, 5, 9, 5, 1, 1, 5, 9, 5, 1]))`, "dynamic",
		`[1,5,9,5,1,1,5,9,5,1,1,5,9,5,1,1,5,9,5,1]`)
	// Too short to detect: two cycles of 6 (a period is at most half the
	// series) and periods under 4 points are not looked for.
	f(`series_seasonal(dynamic([1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6]))`, "dynamic", `[0,0,0,0,0,0,0,0,0,0,0,0]`)
	// An exact period of 8 over 64 points (a shape with no linear trend) is
	// found first, with a score of 1; its multiples are not listed, unused
	// slots are 0.
	check(t, `print y = dynamic([0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0]) | project series_periods_detect(y, 0, 30, 2)`,
		"series_periods_detect_y_periods:dynamic | series_periods_detect_y_scores:dynamic\n[8,0] | [1,0]\n", false)
	check(t, `print y = dynamic([0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0]) | project (p, s) = series_periods_validate(y, 8, 2, 16) | project p, s8 = s[0], s2 = s[1], s16 = s[2]`,
		"p:dynamic | s8:dynamic | s2:dynamic | s16:dynamic\n[8,2,16] | 1 | 0 | 0\n", false)
}

func TestSeriesOutliers(t *testing.T) {
	f := printCheck(t)
	// Tukey on [1..9, 100]: the 25th and 75th percentiles, interpolated at
	// rank (n-1)q, are 3.25 and 7.75, so the unit is 4.5 and 100 scores
	// (100-7.75)/4.5 = 20.5, 1 scores (1-3.25)/4.5 = -0.5.
	f(`series_outliers(dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]), "tukey")`, "dynamic",
		`[-0.5,-0.2777777777777778,-0.05555555555555555,0,0,0,0,0.05555555555555555,0.2777777777777778,20.5]`)
	// The default custom test uses the 10th and 90th percentiles, 1.9 and
	// 18.1, over ctukeyScale: 100 scores 81.9/16.2*2.7726056055079.
	f(`round(todouble(series_outliers(dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]))[9]), 6)`, "real", "14.017062")
	// Missing values and the ignore value score 0 and take no part: over
	// [1..9] the quartiles are 3 and 7.
	f(`series_outliers(dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 100, null]), "tukey", 100)`, "dynamic",
		`[-0.5,-0.25,0,0,0,0,0,0.25,0.5,0,0]`)
}

func TestSeriesDecompose(t *testing.T) {
	// Three cycles of [1,2,3,4] with period 4 given: the seasonal part is
	// the series itself, the average trend of what is left is 0.
	check(t, `print y = dynamic([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]) | extend series_decompose(y, 4) | project-away y`,
		"series_decompose_y_baseline:dynamic | series_decompose_y_seasonal:dynamic | series_decompose_y_trend:dynamic | series_decompose_y_residual:dynamic\n"+
			"[1,2,3,4,1,2,3,4,1,2,3,4] | [1,2,3,4,1,2,3,4,1,2,3,4] | [0,0,0,0,0,0,0,0,0,0,0,0] | [0,0,0,0,0,0,0,0,0,0,0,0]\n", false)
	// No seasonality, the least-squares line through (1,0), (2,0), (3,0),
	// (4,0), (5,5): slope 10/10 = 1, intercept 1 - 1*3 = -2.
	check(t, `print y = dynamic([0, 0, 0, 0, 5]) | extend (base, seas, trend, res) = series_decompose(y, 0, 'linefit') | project trend, res`,
		"trend:dynamic | res:dynamic\n[-1,0,1,2,3] | [1,0,-1,-2,2]\n", false)
	// Anomalies: no seasonality, the average trend 14.5; the residuals'
	// Tukey scores as in TestSeriesOutliers (the shift cancels out), and
	// only 100's 20.5 passes 1.5.
	check(t, `print y = dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]) | extend (flag, score, base) = series_decompose_anomalies(y, 1.5, 0, 'avg', 0, 'tukey') | project flag, s = score[9], base = base[0]`,
		"flag:dynamic | s:dynamic | base:dynamic\n[0,0,0,0,0,0,0,0,0,1] | 20.5 | 14.5\n", false)
	// A lower threshold flags the low end too: -0.5 < -0.4.
	check(t, `print y = dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]) | extend (flag) = series_decompose_anomalies(y, 0.4, 0, 'avg', 0, 'tukey')`,
		"y:dynamic | flag:dynamic\n[1,2,3,4,5,6,7,8,9,100] | [-1,0,0,0,0,0,0,0,0,1]\n", false)
	// Forecast: learn a line from all but the last 2 points, extend it.
	check(t, `print y = dynamic([1, 2, 3, 4, 5, 6, 0, 0]) | project f = series_decompose_forecast(y, 2, 0)`,
		"f:dynamic\n[1,2,3,4,5,6,7,8]\n", false)
	// Unknown trend kinds give null.
	check(t, `print y = dynamic([1, 2]) | extend (b) = series_decompose(y, 0, 'cubic') | project b`,
		"b:dynamic\nnull\n", false)
}

func TestSeriesMultiColumnNames(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/series-fit-2lines-function:
	// with extend, names given keep only those columns; with project, the
	// rest follow under derived names fn_arg_field ("" for an expression).
	check(t, `print x = dynamic([1, 2]) | extend (lo, lo_at) = series_stats(x)`,
		"x:dynamic | lo:real | lo_at:long\n[1,2] | 1 | 0\n", false)
	check(t, `print x = dynamic([1, 2]) | project (lo, lo_at) = series_stats(x)`,
		"lo:real | lo_at:long | series_stats_x_max:real | series_stats_x_max_idx:long | series_stats_x_avg:real | series_stats_x_stdev:real | series_stats_x_variance:real\n"+
			"1 | 0 | 2 | 1 | 1.5 | 0.7071067811865476 | 0.5\n", false)
	check(t, `print x = dynamic([1, 2]) | project series_stats(series_add(x, 1)) | project series_stats__min`,
		"series_stats__min:real\n2\n", false)
	// The bag is computed once per row, and other columns stay in place.
	check(t, `print a = 1, x = dynamic([5, 7]), b = 2 | extend (m) = series_stats(x), c = a + b`,
		"a:long | x:dynamic | b:long | m:real | c:long\n1 | [5,7] | 2 | 5 | 3\n", false)
	checkErr(t, `UrlClickEvents | extend (a, b) = strlen(Url)`,
		"1:25: only a function that returns several columns (such as series_stats) takes a list of names")
	checkErr(t, `UrlClickEvents | extend m = series_stats(dynamic([1])) + 1`,
		"1:29: series_stats() returns several columns: use it alone in extend or project, as in extend (a, b) = series_stats(...)")
	checkErr(t, `UrlClickEvents | extend (a, b, c, d, e, f, g, h) = series_stats(dynamic([1]))`,
		"1:25: series_stats() returns 7 columns, got 8 names")
}
