package plan

import "clickhunt/column"

// Filters and transforms of series; kernels in exec/fn_series_filter.go.
// https://learn.microsoft.com/kusto/query/series-fir-function

func init() {
	addFuncs(map[string]funcSig{
		// series_fir(series, filter [, normalize [, center]])
		"series_fir": seriesFunc(2, 4, "series_fir", column.Dynamic, dynArg, dynArg, seriesBoolArg),
		// https://learn.microsoft.com/kusto/query/series-iir-function
		"series_iir": seriesFunc(3, 3, "series_iir", column.Dynamic, dynArg),
	})
	parts := []tupleField{{"real", column.Dynamic}, {"imag", column.Dynamic}}
	addTupleFuncs(map[string]tupleSig{
		// https://learn.microsoft.com/kusto/query/series-fft-function
		"series_fft": {sig: seriesFunc(1, 2, "series_fft", column.Dynamic, dynArg), fields: parts},
		// https://learn.microsoft.com/kusto/query/series-ifft-function
		"series_ifft": {sig: seriesFunc(2, 2, "series_ifft", column.Dynamic, dynArg), fields: parts},
	})
}
