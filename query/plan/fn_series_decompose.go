package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Seasonality, decomposition and anomaly scoring of series; kernels in
// exec/fn_series_decompose.go.
// https://learn.microsoft.com/kusto/query/series-decompose-function

// seriesStrArg accepts a string (or a null of any type, meaning the
// default).
func seriesStrArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	if k, ok := args[i].(*Const); ok && k.Val == nil {
		return &Const{T: column.String, Val: ""}, nil
	}
	return strArg(c, args, i)
}

func init() {
	addFuncs(map[string]funcSig{
		// https://learn.microsoft.com/kusto/query/series-seasonal-function
		"series_seasonal": seriesFunc(1, 2, "series_seasonal", column.Dynamic, dynArg, seriesLongArg),
		// series_outliers(series [, kind [, ignore_val [, min_percentile [, max_percentile]]]])
		"series_outliers": seriesFunc(1, 5, "series_outliers", column.Dynamic, dynArg, seriesStrArg, dynArg, seriesRealArg),
		// series_decompose_forecast(series, points [, seasonality [, trend [, seasonality_threshold]]])
		"series_decompose_forecast": seriesFunc(2, 5, "series_decompose_forecast", column.Dynamic,
			dynArg, seriesLongArg, seriesLongArg, seriesStrArg, seriesRealArg),
	})
	dyn := func(names ...string) []tupleField {
		out := make([]tupleField, len(names))
		for i, n := range names {
			out[i] = tupleField{n, column.Dynamic}
		}
		return out
	}
	addTupleFuncs(map[string]tupleSig{
		// series_periods_detect(series, min_period, max_period, num_periods)
		"series_periods_detect": {
			sig:    seriesFunc(4, 4, "series_periods_detect", column.Dynamic, dynArg, seriesRealArg, seriesRealArg, seriesLongArg),
			fields: dyn("periods", "scores"),
		},
		// series_periods_validate(series, period1 [, period2, ...])
		"series_periods_validate": {
			sig:    seriesFunc(2, 17, "series_periods_validate", column.Dynamic, dynArg, seriesRealArg),
			fields: dyn("periods", "scores"),
		},
		// series_decompose(series [, seasonality [, trend [, test_points [, seasonality_threshold]]]])
		"series_decompose": {
			sig: seriesFunc(1, 5, "series_decompose", column.Dynamic,
				dynArg, seriesLongArg, seriesStrArg, seriesLongArg, seriesRealArg),
			fields: dyn("baseline", "seasonal", "trend", "residual"),
		},
		// series_decompose_anomalies(series [, threshold [, seasonality [, trend
		// [, test_points [, ad_method [, seasonality_threshold]]]]]])
		"series_decompose_anomalies": {
			sig: seriesFunc(1, 7, "series_decompose_anomalies", column.Dynamic,
				dynArg, seriesRealArg, seriesLongArg, seriesStrArg, seriesLongArg, seriesStrArg, seriesRealArg),
			fields: dyn("ad_flag", "ad_score", "baseline"),
		},
	})
}
