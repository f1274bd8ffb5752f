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
		"series_abs":     unary("series_abs"),
		"series_acos":    unary("series_acos"),
		"series_asin":    unary("series_asin"),
		"series_atan":    unary("series_atan"),
		"series_ceiling": unary("series_ceiling"),
		"series_cos":     unary("series_cos"),
		"series_exp":     unary("series_exp"),
		"series_floor":   unary("series_floor"),
		"series_log":     unary("series_log"),
		"series_sign":    unary("series_sign"),
		"series_sin":     unary("series_sin"),
		"series_tan":     unary("series_tan"),
		// Element-wise arithmetic and comparisons of two series (or a
		// series and a number).
		"series_add":            binary("series_add"),
		"series_subtract":       binary("series_subtract"),
		"series_multiply":       binary("series_multiply"),
		"series_divide":         binary("series_divide"),
		"series_pow":            binary("series_pow"),
		"series_equals":         binary("series_equals"),
		"series_not_equals":     binary("series_not_equals"),
		"series_greater":        binary("series_greater"),
		"series_greater_equals": binary("series_greater_equals"),
		"series_less":           binary("series_less"),
		"series_less_equals":    binary("series_less_equals"),
		// A series reduced to a number.
		"series_sum":                 seriesFunc(1, 1, "series_sum", column.Real, dynArg),
		"series_product":             seriesFunc(1, 1, "series_product", column.Real, dynArg),
		"series_magnitude":           seriesFunc(1, 1, "series_magnitude", column.Real, dynArg),
		"series_dot_product":         seriesFunc(2, 2, "series_dot_product", column.Real, dynArg),
		"series_pearson_correlation": seriesFunc(2, 2, "series_pearson_correlation", column.Real, dynArg),
		"series_cosine_similarity":   seriesFunc(2, 4, "series_cosine_similarity", column.Real, dynArg, dynArg, seriesRealArg),
		"series_stats_dynamic":       seriesFunc(1, 2, "series_stats_dynamic", column.Dynamic, dynArg, seriesBoolArg),
		// Filling missing values: (series, [placeholder]) and friends.
		"series_fill_backward": seriesFunc(1, 2, "series_fill_backward", column.Dynamic, dynArg),
		"series_fill_forward":  seriesFunc(1, 2, "series_fill_forward", column.Dynamic, dynArg),
		"series_fill_const":    seriesFunc(2, 3, "series_fill_const", column.Dynamic, dynArg),
		"series_fill_linear":   seriesFunc(1, 4, "series_fill_linear", column.Dynamic, dynArg, dynArg, seriesBoolArg, dynArg),
	})
	addTupleFuncs(map[string]tupleSig{
		// https://learn.microsoft.com/kusto/query/series-stats-function
		"series_stats": {
			sig: seriesFunc(1, 2, "series_stats", column.Dynamic, dynArg, seriesBoolArg),
			fields: []tupleField{{"min", column.Real}, {"min_idx", column.Long}, {"max", column.Real},
				{"max_idx", column.Long}, {"avg", column.Real}, {"stdev", column.Real}, {"variance", column.Real}},
		},
	})
}
