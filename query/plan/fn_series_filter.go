package plan

import "clickhunt/column"

// Filters and transforms of series; kernels in exec/fn_series_filter.go.
// https://learn.microsoft.com/kusto/query/series-fir-function

func init() {
	addFuncs(map[string]funcSig{
		// series_fir(series, filter [, normalize [, center]])
		"series_fir": seriesFunc(2, 4, "series_fir", column.Dynamic, dynArg, dynArg, seriesBoolArg).doc("series_fir(Series, Filter [, Normalize [, Center]])", "applies a finite impulse response filter (moving averages, differences)", "print series_fir(dynamic([2, 4, 6, 8]), dynamic([1, 1]))"),
		// https://learn.microsoft.com/kusto/query/series-iir-function
		"series_iir": seriesFunc(3, 3, "series_iir", column.Dynamic, dynArg).doc("series_iir(Series, Numerators, Denominators)", "applies an infinite impulse response filter (running sums)", "print series_iir(dynamic([1, 2, 3]), dynamic([1]), dynamic([1, -1]))"),
	})
	parts := []tupleField{{"real", column.Dynamic}, {"imag", column.Dynamic}}
	addTupleFuncs(map[string]tupleSig{
		// https://learn.microsoft.com/kusto/query/series-fft-function
		"series_fft": {sig: seriesFunc(1, 2, "series_fft", column.Dynamic, dynArg).doc("series_fft(RealSeries [, ImaginarySeries])", "columns real and imag of the discrete Fourier transform", "print x = dynamic([1, 0, 0, 0]) | extend (re, im) = series_fft(x)"), fields: parts},
		// https://learn.microsoft.com/kusto/query/series-ifft-function
		"series_ifft": {sig: seriesFunc(2, 2, "series_ifft", column.Dynamic, dynArg).doc("series_ifft(RealSeries, ImaginarySeries)", "columns real and imag of the inverse discrete Fourier transform", "print re = dynamic([1, 1]), im = dynamic([0, 0]) | extend (r, i) = series_ifft(re, im)"), fields: parts},
	})
}
