package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Series function signatures: element-wise arithmetic, comparisons and
// math over dynamic numeric arrays, reductions of a series to a number, and
// the fill functions; kernels in exec/fn_series.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#series-element-wise-functions
// https://learn.microsoft.com/kusto/query/scalar-functions#series-processing-functions

// seriesBoolArg accepts a bool (or a null of any type).
func seriesBoolArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	switch args[i].Type() {
	case column.Bool:
		return args[i], nil
	case column.Dynamic:
		return convertTo(args[i], column.Bool), nil
	}
	if k, ok := args[i].(*Const); ok && k.Val == nil {
		return &Const{T: column.Bool}, nil
	}
	return nil, argErr(c, i, "a bool", args[i].Type())
}

// seriesRealArg accepts a number (or a null of any type) as real.
func seriesRealArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	if k, ok := args[i].(*Const); ok && k.Val == nil {
		return &Const{T: column.Real}, nil
	}
	return realArg(c, args, i)
}

// seriesLongArg accepts an integer (a real is truncated) or a null.
func seriesLongArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	if k, ok := args[i].(*Const); ok && k.Val == nil {
		return &Const{T: column.Long}, nil
	}
	if args[i].Type() == column.Int {
		return convertTo(args[i], column.Long), nil
	}
	return intArg(c, args, i)
}

// seriesFunc types a series function: argument i is checked by checks[i]
// (the last check repeats).
func seriesFunc(minArgs, maxArgs int, fn string, ret column.Type, checks ...func(*syntax.Call, []Expr, int) (Expr, error)) funcSig {
	return strFunc(minArgs, maxArgs, fn, ret, checks...)
}

func init() {
	unary := func(fn string) funcSig { return seriesFunc(1, 1, fn, column.Dynamic, dynArg) }
	binary := func(fn string) funcSig { return seriesFunc(2, 2, fn, column.Dynamic, dynArg) }
	addFuncs(map[string]funcSig{
		// Element-wise math.
		"series_abs":     unary("series_abs").doc("series_abs(Series)", "the absolute value of each element", "print series_abs(dynamic([-1.5, 2]))"),
		"series_acos":    unary("series_acos").doc("series_acos(Series)", "the arc cosine of each element", "print series_acos(dynamic([-1, 0, 1]))"),
		"series_asin":    unary("series_asin").doc("series_asin(Series)", "the arc sine of each element", "print series_asin(dynamic([-1, 0, 1]))"),
		"series_atan":    unary("series_atan").doc("series_atan(Series)", "the arc tangent of each element", "print series_atan(dynamic([-1, 0, 1]))"),
		"series_ceiling": unary("series_ceiling").doc("series_ceiling(Series)", "each element rounded up to an integer", "print series_ceiling(dynamic([-1.5, 2.5]))"),
		"series_cos":     unary("series_cos").doc("series_cos(Series)", "the cosine of each element", "print series_cos(dynamic([0, 1]))"),
		"series_exp":     unary("series_exp").doc("series_exp(Series)", "e to the power of each element", "print series_exp(dynamic([0, 1]))"),
		"series_floor":   unary("series_floor").doc("series_floor(Series)", "each element rounded down to an integer", "print series_floor(dynamic([-1.5, 2.5]))"),
		"series_log":     unary("series_log").doc("series_log(Series)", "the natural logarithm of each element", "print series_log(dynamic([1, 2]))"),
		"series_sign":    unary("series_sign").doc("series_sign(Series)", "-1, 0 or 1 for each element's sign", "print series_sign(dynamic([-6, 0, 8]))"),
		"series_sin":     unary("series_sin").doc("series_sin(Series)", "the sine of each element", "print series_sin(dynamic([0, 1]))"),
		"series_tan":     unary("series_tan").doc("series_tan(Series)", "the tangent of each element", "print series_tan(dynamic([0, 1]))"),
		// Element-wise arithmetic and comparisons of two series (or a
		// series and a number).
		"series_add":            binary("series_add").doc("series_add(Series1, Series2)", "element-wise sum of two series (or a series and a number)", "print series_add(dynamic([1, 2]), dynamic([10, 20]))"),
		"series_subtract":       binary("series_subtract").doc("series_subtract(Series1, Series2)", "element-wise difference of two series (or a series and a number)", "print series_subtract(dynamic([5, 5]), 1)"),
		"series_multiply":       binary("series_multiply").doc("series_multiply(Series1, Series2)", "element-wise product of two series (or a series and a number)", "print series_multiply(dynamic([1, 2]), 10)"),
		"series_divide":         binary("series_divide").doc("series_divide(Series1, Series2)", "element-wise real quotient of two series (or a series and a number)", "print series_divide(dynamic([1, 2]), 4)"),
		"series_pow":            binary("series_pow").doc("series_pow(Series1, Series2)", "each element of the first to the power of the second's", "print series_pow(dynamic([2, 4]), dynamic([3, 0.5]))"),
		"series_equals":         binary("series_equals").doc("series_equals(Series1, Series2)", "element-wise ==, as bools", "print series_equals(dynamic([1, 2]), dynamic([1, 3]))"),
		"series_not_equals":     binary("series_not_equals").doc("series_not_equals(Series1, Series2)", "element-wise !=, as bools", "print series_not_equals(dynamic([1, 2]), dynamic([1, 3]))"),
		"series_greater":        binary("series_greater").doc("series_greater(Series1, Series2)", "element-wise >, as bools", "print series_greater(dynamic([1, 2, 3]), 2)"),
		"series_greater_equals": binary("series_greater_equals").doc("series_greater_equals(Series1, Series2)", "element-wise >=, as bools", "print series_greater_equals(dynamic([1, 2, 3]), 2)"),
		"series_less":           binary("series_less").doc("series_less(Series1, Series2)", "element-wise <, as bools", "print series_less(dynamic([1, 2, 3]), 2)"),
		"series_less_equals":    binary("series_less_equals").doc("series_less_equals(Series1, Series2)", "element-wise <=, as bools", "print series_less_equals(dynamic([1, 2, 3]), 2)"),
		// A series reduced to a number.
		"series_sum":                 seriesFunc(1, 1, "series_sum", column.Real, dynArg).doc("series_sum(Series)", "the sum of the elements", "print series_sum(dynamic([1, 2, 3]))"),
		"series_product":             seriesFunc(1, 1, "series_product", column.Real, dynArg).doc("series_product(Series)", "the product of the elements", "print series_product(dynamic([1, 2, 3, 4]))"),
		"series_magnitude":           seriesFunc(1, 1, "series_magnitude", column.Real, dynArg).doc("series_magnitude(Series)", "the Euclidean length of the series as a vector", "print series_magnitude(dynamic([3, 4]))"),
		"series_dot_product":         seriesFunc(2, 2, "series_dot_product", column.Real, dynArg).doc("series_dot_product(Series1, Series2)", "the dot product of two series (the longer cut to the shorter)", "print series_dot_product(dynamic([1, 2]), dynamic([3, 4]))"),
		"series_pearson_correlation": seriesFunc(2, 2, "series_pearson_correlation", column.Real, dynArg).doc("series_pearson_correlation(Series1, Series2)", "Pearson's correlation coefficient of two series", "print series_pearson_correlation(dynamic([1, 2, 3]), dynamic([2, 4, 7]))"),
		"series_cosine_similarity":   seriesFunc(2, 4, "series_cosine_similarity", column.Real, dynArg, dynArg, seriesRealArg).doc("series_cosine_similarity(Series1, Series2 [, Magnitude1, Magnitude2])", "the cosine of the angle between two series as vectors", "print series_cosine_similarity(dynamic([1, 0]), dynamic([1, 1]))"),
		"series_stats_dynamic":       seriesFunc(1, 2, "series_stats_dynamic", column.Dynamic, dynArg, seriesBoolArg).doc("series_stats_dynamic(Series [, IgnoreNonfinite])", "a bag of min, min_idx, max, max_idx, avg, stdev, variance, sum and len", "print series_stats_dynamic(dynamic([4, 1, 3]))"),
		// Filling missing values: (series, [placeholder]) and friends.
		"series_fill_backward": seriesFunc(1, 2, "series_fill_backward", column.Dynamic, dynArg).doc("series_fill_backward(Series [, MissingValuePlaceholder])", "fills each missing value with the next valid one", "print series_fill_backward(dynamic([null, 1, null, 4]))"),
		"series_fill_forward":  seriesFunc(1, 2, "series_fill_forward", column.Dynamic, dynArg).doc("series_fill_forward(Series [, MissingValuePlaceholder])", "fills each missing value with the last valid one", "print series_fill_forward(dynamic([1, null, 4, null]))"),
		"series_fill_const":    seriesFunc(2, 3, "series_fill_const", column.Dynamic, dynArg).doc("series_fill_const(Series, ConstantValue [, MissingValuePlaceholder])", "fills missing values with a constant", "print series_fill_const(dynamic([1, null, 3]), 0)"),
		"series_fill_linear":   seriesFunc(1, 4, "series_fill_linear", column.Dynamic, dynArg, dynArg, seriesBoolArg, dynArg).doc("series_fill_linear(Series [, MissingValuePlaceholder [, FillEdges [, ConstantValue]]])", "fills missing values by linear interpolation between their neighbours", "print series_fill_linear(dynamic([1, null, 3]))"),
	})
	addTupleFuncs(map[string]tupleSig{
		// https://learn.microsoft.com/kusto/query/series-stats-function
		"series_stats": {
			sig: seriesFunc(1, 2, "series_stats", column.Dynamic, dynArg, seriesBoolArg).doc("series_stats(Series [, IgnoreNonfinite])", "columns min, min_idx, max, max_idx, avg, stdev and variance of the series", "print x = dynamic([4, 1, 3]) | project series_stats(x)"),
			fields: []tupleField{{"min", column.Real}, {"min_idx", column.Long}, {"max", column.Real},
				{"max_idx", column.Long}, {"avg", column.Real}, {"stdev", column.Real}, {"variance", column.Real}},
		},
	})
}
