package plan

import "clickhunt/column"

// Regression over series; kernels in exec/fn_series_fit.go.
// https://learn.microsoft.com/kusto/query/series-fit-line-function

func init() {
	addFuncs(map[string]funcSig{
		// https://learn.microsoft.com/kusto/query/series-fit-line-dynamic-function
		"series_fit_line_dynamic": seriesFunc(1, 1, "series_fit_line_dynamic", column.Dynamic, dynArg).doc("series_fit_line_dynamic(Series)", "a bag of the least-squares line's rsquare, slope, variance, rvariance, interception and line_fit", "print series_fit_line_dynamic(dynamic([2, 4, 6, 9]))"),
		// https://learn.microsoft.com/kusto/query/series-fit-2lines-dynamic-function
		"series_fit_2lines_dynamic": seriesFunc(1, 1, "series_fit_2lines_dynamic", column.Dynamic, dynArg).doc("series_fit_2lines_dynamic(Series)", "a bag of the best two-segment linear fit: rsquare, split_idx, line_fit, left and right lines", "print series_fit_2lines_dynamic(dynamic([1, 2, 3, 4, 10, 8, 6, 4]))"),
	})
	side := func(prefix string) []tupleField {
		return []tupleField{{prefix + "rsquare", column.Real}, {prefix + "slope", column.Real},
			{prefix + "interception", column.Real}, {prefix + "variance", column.Real}, {prefix + "rvariance", column.Real}}
	}
	addTupleFuncs(map[string]tupleSig{
		// https://learn.microsoft.com/kusto/query/series-fit-line-function
		"series_fit_line": {
			sig: seriesFunc(1, 1, "series_fit_line", column.Dynamic, dynArg).doc("series_fit_line(Series)", "columns rsquare, slope, variance, rvariance, interception and line_fit of the least-squares line", "print y = dynamic([2, 4, 6, 9]) | extend (rsquare, slope) = series_fit_line(y)"),
			fields: []tupleField{{"rsquare", column.Real}, {"slope", column.Real}, {"variance", column.Real},
				{"rvariance", column.Real}, {"interception", column.Real}, {"line_fit", column.Dynamic}},
		},
		// https://learn.microsoft.com/kusto/query/series-fit-2lines-function
		"series_fit_2lines": {
			sig: seriesFunc(1, 1, "series_fit_2lines", column.Dynamic, dynArg).doc("series_fit_2lines(Series)", "columns of the best two-segment linear fit: rsquare, split_idx, variance, rvariance, line_fit, right_* and left_*", "print y = dynamic([1, 2, 3, 4, 10, 8, 6, 4]) | extend (rsquare, split_idx) = series_fit_2lines(y)"),
			fields: append(append([]tupleField{{"rsquare", column.Real}, {"split_idx", column.Long},
				{"variance", column.Real}, {"rvariance", column.Real}, {"line_fit", column.Dynamic}},
				side("right_")...), side("left_")...),
		},
		// https://learn.microsoft.com/kusto/query/series-fit-poly-function
		"series_fit_poly": {
			sig: seriesFunc(1, 3, "series_fit_poly", column.Dynamic, dynArg, dynArg, seriesLongArg).doc("series_fit_poly(YSeries [, XSeries [, Degree]])", "columns rsquare, coefficients, variance, rvariance and poly_fit of a least-squares polynomial", "print y = dynamic([1, 4, 9, 16]) | extend series_fit_poly(y, dynamic(null), 2)"),
			fields: []tupleField{{"rsquare", column.Real}, {"coefficients", column.Dynamic}, {"variance", column.Real},
				{"rvariance", column.Real}, {"poly_fit", column.Dynamic}},
		},
	})
}
