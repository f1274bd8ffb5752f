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
		"series_seasonal": seriesFunc(1, 2, "series_seasonal", column.Dynamic, dynArg, seriesLongArg).doc("series_seasonal(Series [, Period])", "the seasonal component: each phase's median over the detected or given period", "print series_seasonal(dynamic([1, 3, 5, 2, 4, 6]), 3)"),
		// series_outliers(series [, kind [, ignore_val [, min_percentile [, max_percentile]]]])
		"series_outliers": seriesFunc(1, 5, "series_outliers", column.Dynamic, dynArg, seriesStrArg, dynArg, seriesRealArg).doc("series_outliers(Series [, Kind [, IgnoreValue [, MinPercentile [, MaxPercentile]]]])", "Tukey's fence score of each element: beyond 1.5 or -1.5 is an anomaly", "print series_outliers(dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]))"),
		// series_decompose_forecast(series, points [, seasonality [, trend [, seasonality_threshold]]])
		"series_decompose_forecast": seriesFunc(2, 5, "series_decompose_forecast", column.Dynamic,
			dynArg, seriesLongArg, seriesLongArg, seriesStrArg, seriesRealArg).doc("series_decompose_forecast(Series, Points [, Seasonality [, Trend [, SeasonalityThreshold]]])", "forecasts the last Points values from the seasonal and trend parts of the others", "print series_decompose_forecast(dynamic([1, 2, 3, 4, 5, 6, 0, 0]), 2)"),
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
			sig:    seriesFunc(4, 4, "series_periods_detect", column.Dynamic, dynArg, seriesRealArg, seriesRealArg, seriesLongArg).doc("series_periods_detect(Series, MinPeriod, MaxPeriod, NumPeriods)", "columns periods and scores: the most significant periods of the series", "print y = dynamic([1, 5, 9, 5, 1, 1, 5, 9, 5, 1, 1, 5, 9, 5, 1]) | project series_periods_detect(y, 0, 10, 1)"),
			fields: dyn("periods", "scores"),
		},
		// series_periods_validate(series, period1 [, period2, ...])
		"series_periods_validate": {
			sig:    seriesFunc(2, 17, "series_periods_validate", column.Dynamic, dynArg, seriesRealArg).doc("series_periods_validate(Series, Period1 [, Period2, ...])", "columns periods and scores: how significant the given periods are", "print y = dynamic([1, 5, 9, 5, 1, 1, 5, 9, 5, 1, 1, 5, 9, 5, 1]) | project series_periods_validate(y, 5, 4)"),
			fields: dyn("periods", "scores"),
		},
		// series_decompose(series [, seasonality [, trend [, test_points [, seasonality_threshold]]]])
		"series_decompose": {
			sig: seriesFunc(1, 5, "series_decompose", column.Dynamic,
				dynArg, seriesLongArg, seriesStrArg, seriesLongArg, seriesRealArg).doc("series_decompose(Series [, Seasonality [, Trend [, TestPoints [, SeasonalityThreshold]]]])", "columns baseline, seasonal, trend and residual of a seasonal decomposition", "print y = dynamic([1, 2, 3, 4, 1, 2, 3, 4]) | extend series_decompose(y, 4)"),
			fields: dyn("baseline", "seasonal", "trend", "residual"),
		},
		// series_decompose_anomalies(series [, threshold [, seasonality [, trend
		// [, test_points [, ad_method [, seasonality_threshold]]]]]])
		"series_decompose_anomalies": {
			sig: seriesFunc(1, 7, "series_decompose_anomalies", column.Dynamic,
				dynArg, seriesRealArg, seriesLongArg, seriesStrArg, seriesLongArg, seriesStrArg, seriesRealArg).doc("series_decompose_anomalies(Series [, Threshold [, Seasonality [, Trend [, TestPoints [, ADMethod [, SeasonalityThreshold]]]]]])", "columns ad_flag (+1, -1, 0), ad_score and baseline: anomalies in the residual of a decomposition", "print y = dynamic([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]) | extend (flag, score, baseline) = series_decompose_anomalies(y)"),
			fields: dyn("ad_flag", "ad_score", "baseline"),
		},
	})
}
