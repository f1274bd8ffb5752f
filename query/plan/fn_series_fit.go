package plan

import "clickhunt/column"

// Regression over series; kernels in exec/fn_series_fit.go.
// https://learn.microsoft.com/kusto/query/series-fit-line-function

func init() {
	addFuncs(map[string]funcSig{
		// https://learn.microsoft.com/kusto/query/series-fit-line-dynamic-function
		"series_fit_line_dynamic": seriesFunc(1, 1, "series_fit_line_dynamic", column.Dynamic, dynArg),
		// https://learn.microsoft.com/kusto/query/series-fit-2lines-dynamic-function
		"series_fit_2lines_dynamic": seriesFunc(1, 1, "series_fit_2lines_dynamic", column.Dynamic, dynArg),
	})
	side := func(prefix string) []tupleField {
		return []tupleField{{prefix + "rsquare", column.Real}, {prefix + "slope", column.Real},
			{prefix + "interception", column.Real}, {prefix + "variance", column.Real}, {prefix + "rvariance", column.Real}}
	}
	addTupleFuncs(map[string]tupleSig{
		// https://learn.microsoft.com/kusto/query/series-fit-line-function
		"series_fit_line": {
			sig: seriesFunc(1, 1, "series_fit_line", column.Dynamic, dynArg),
			fields: []tupleField{{"rsquare", column.Real}, {"slope", column.Real}, {"variance", column.Real},
				{"rvariance", column.Real}, {"interception", column.Real}, {"line_fit", column.Dynamic}},
		},
		// https://learn.microsoft.com/kusto/query/series-fit-2lines-function
		"series_fit_2lines": {
			sig: seriesFunc(1, 1, "series_fit_2lines", column.Dynamic, dynArg),
			fields: append(append([]tupleField{{"rsquare", column.Real}, {"split_idx", column.Long},
				{"variance", column.Real}, {"rvariance", column.Real}, {"line_fit", column.Dynamic}},
				side("right_")...), side("left_")...),
		},
		// https://learn.microsoft.com/kusto/query/series-fit-poly-function
		"series_fit_poly": {
			sig: seriesFunc(1, 3, "series_fit_poly", column.Dynamic, dynArg, dynArg, seriesLongArg),
			fields: []tupleField{{"rsquare", column.Real}, {"coefficients", column.Dynamic}, {"variance", column.Real},
				{"rvariance", column.Real}, {"poly_fit", column.Dynamic}},
		},
	})
}
