package exec

import (
	"math"
	"sort"

	"clickhunt/column"
)

// Seasonality, decomposition and anomaly scoring of series:
// series_periods_detect, series_periods_validate, series_seasonal,
// series_outliers, series_decompose, series_decompose_anomalies and
// series_decompose_forecast. Signatures in plan/fn_series_decompose.go.
// https://learn.microsoft.com/kusto/query/series-decompose-function

// Period detection. Kusto documents what series_periods_detect returns
// (periods ordered by a score in [0, 1]; periods of at least 4 points and
// at most half the series) but not how it scores them. clickhunt scores a
// period p by the autocorrelation of the linearly detrended series at lag
// p, each lag's sum of products divided by its own number of pairs (so a
// long period is not penalised for having fewer pairs), clipped to [0, 1].
// Candidates come from the peaks of the series' spectrum, each refined to
// the lag of highest autocorrelation its frequency bin allows (as in
// Vlachos et al.'s AutoPeriod); a candidate that is a multiple of a shorter
// one scoring nearly as well is dropped (a weekly period repeats a daily
// one only when the week differs).

// minPeriod is the shortest period the detection considers.
const minPeriod = 4

// periodScorer scores lags of one series.
type periodScorer struct {
	d    []float64 // detrended series
	var0 float64   // its mean square
}

func newPeriodScorer(vals []float64, ok []bool) *periodScorer {
	n := len(vals)
	// Missing values take the series' mean so that they add nothing.
	xs, ys := make([]float64, 0, n), make([]float64, 0, n)
	for i, v := range vals {
		if ok[i] && !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs = append(xs, float64(i+1))
			ys = append(ys, v)
		}
	}
	s := &periodScorer{d: make([]float64, n)}
	if len(ys) < 2 {
		return s
	}
	f := fitLine(xs, ys)
	for i, v := range vals {
		if ok[i] && !math.IsNaN(v) && !math.IsInf(v, 0) {
			s.d[i] = v - (f.slope*float64(i+1) + f.interception)
		}
	}
	for _, x := range s.d {
		s.var0 += x * x
	}
	s.var0 /= float64(n)
	return s
}

// score is the autocorrelation at lag p, in [0, 1]; 0 for a lag outside
// [minPeriod, n/2).
func (s *periodScorer) score(p int) float64 {
	n := len(s.d)
	if p < minPeriod || 2*p >= n || s.var0 == 0 {
		return 0
	}
	sum := 0.0
	for i := 0; i+p < n; i++ {
		sum += s.d[i] * s.d[i+p]
	}
	r := sum / float64(n-p) / s.var0
	return math.Max(0, math.Min(1, r))
}

// detect returns up to k periods in [lo, hi] with their scores, best
// first.
func (s *periodScorer) detect(lo, hi float64, k int) (periods []int, scores []float64) {
	n := len(s.d)
	// Bounds outside [minPeriod, n/2) (and infinities) are clamped first:
	// a float beyond int's range has no defined conversion.
	first := int(math.Ceil(math.Max(lo, minPeriod)))
	last := int(math.Floor(math.Min(hi, float64((n-1)/2))))
	if first > last {
		return nil, nil
	}
	r := make([]float64, last+2)
	for p := first - 1; p <= last+1; p++ {
		if p >= 0 && p < len(r) {
			r[p] = s.score(p)
		}
	}
	// Candidate periods come from the spectrum: each frequency bin k whose
	// power is a local peak, and at least a tenth of the strongest bin's in
	// range, stands for periods between n/(k+1) and n/(k-1); the lag of
	// the highest autocorrelation there is its period, when that lag is a
	// hilltop of the autocorrelation.
	power := periodogram(s.d)
	maxPower := 0.0
	for f := 1; f < len(power); f++ {
		if p := float64(n) / float64(f); p >= float64(first) && p <= float64(last) {
			maxPower = math.Max(maxPower, power[f])
		}
	}
	type cand struct {
		p     int
		score float64
	}
	var cands []cand
	seen := map[int]bool{}
	for f := 1; f < len(power); f++ {
		if power[f] < maxPower/10 || power[f] == 0 || power[f] < power[f-1] || (f+1 < len(power) && power[f] < power[f+1]) {
			continue
		}
		from := int(math.Ceil(float64(n) / float64(f+1)))
		to := last
		if f > 1 {
			to = min(last, int(math.Floor(float64(n)/float64(f-1))))
		}
		best := -1
		for p := max(from, first); p <= to; p++ {
			if best < 0 || r[p] > r[best] {
				best = p
			}
		}
		if best < 0 || seen[best] || r[best] <= 0 || r[best] < r[best-1] || r[best] < r[best+1] {
			continue
		}
		seen[best] = true
		cands = append(cands, cand{best, r[best]})
	}
	// Shorter periods first: a multiple of a shorter candidate that scores
	// nearly as well is that period repeated, not another one.
	sort.Slice(cands, func(i, j int) bool { return cands[i].p < cands[j].p })
	var kept []cand
	for _, c := range cands {
		multiple := false
		for _, k := range kept {
			if c.p%k.p == 0 && k.score >= 0.9*c.score {
				multiple = true
				break
			}
		}
		if !multiple {
			kept = append(kept, c)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].score > kept[j].score })
	for i := 0; i < len(kept) && i < k; i++ {
		periods = append(periods, kept[i].p)
		scores = append(scores, kept[i].score)
	}
	return periods, scores
}

// periodogram returns the power of each frequency bin 0..n/2 of x (the
// squared magnitude of its discrete Fourier transform).
func periodogram(x []float64) []float64 {
	c := make([]complex128, len(x))
	for i, v := range x {
		c[i] = complex(v, 0)
	}
	fft(c, false)
	out := make([]float64, len(x)/2+1)
	for f := range out {
		re, im := real(c[f]), imag(c[f])
		out[f] = re*re + im*im
	}
	return out
}

// seriesPeriodsDetect computes series_periods_detect: arrays of k periods
// and scores, padded with zeros.
// https://learn.microsoft.com/kusto/query/series-periods-detect-function
func seriesPeriodsDetect(v any, lo, hi float64, k int64) any {
	vals, ok, isArr := seriesOf(v)
	if !isArr || k < 0 || k > 1024 {
		return nil
	}
	ps, ss := newPeriodScorer(vals, ok).detect(lo, hi, int(k))
	periods, scores := make([]any, k), make([]any, k)
	for i := range periods {
		periods[i], scores[i] = 0.0, 0.0
		if i < len(ps) {
			periods[i], scores[i] = float64(ps[i]), ss[i]
		}
	}
	return map[string]any{"periods": periods, "scores": scores}
}

// seriesPeriodsValidate scores the given periods.
// https://learn.microsoft.com/kusto/query/series-periods-validate-function
func seriesPeriodsValidate(v any, given []any) any {
	vals, ok, isArr := seriesOf(v)
	if !isArr {
		return nil
	}
	s := newPeriodScorer(vals, ok)
	periods, scores := make([]any, len(given)), make([]any, len(given))
	for i, g := range given {
		p, ok := dynNum(g)
		periods[i], scores[i] = p, 0.0
		if ok && p == math.Trunc(p) {
			scores[i] = s.score(int(p))
		}
	}
	return map[string]any{"periods": periods, "scores": scores}
}

// bestPeriod is the auto-detected seasonality of a series: its best
// period when the score reaches threshold, else 0.
func bestPeriod(vals []float64, ok []bool, threshold float64) int {
	ps, ss := newPeriodScorer(vals, ok).detect(0, math.Inf(1), 1)
	if len(ps) == 0 || ss[0] < threshold {
		return 0
	}
	return ps[0]
}

// seasonalComponent is the median of the values at each phase of period
// p, repeated over n points (zeros without a period).
func seasonalComponent(vals []float64, ok []bool, p, n int) []float64 {
	out := make([]float64, n)
	if p <= 0 {
		return out
	}
	med := make([]float64, p)
	var buf []float64
	for ph := 0; ph < p; ph++ {
		buf = buf[:0]
		for i := ph; i < len(vals); i += p {
			if ok[i] && !math.IsNaN(vals[i]) {
				buf = append(buf, vals[i])
			}
		}
		med[ph] = median(buf)
	}
	for i := range out {
		out[i] = med[i%p]
	}
	return out
}

// median of xs (reordered); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}

// seriesSeasonal computes series_seasonal: period -1 detects it (score
// threshold 0.7), a positive period is used as given, anything else gives
// zeros.
// https://learn.microsoft.com/kusto/query/series-seasonal-function
func seriesSeasonal(v any, period int64) any {
	vals, ok, isArr := seriesOf(v)
	if !isArr {
		return nil
	}
	p := 0
	switch {
	case period == -1:
		p = bestPeriod(vals, ok, 0.7)
	case period > 0:
		p = int(period)
	}
	return floatsToDyn(seasonalComponent(vals, ok, p, len(vals)))
}

// percentile of sorted xs at rank q in [0, 100], interpolating linearly
// between the closest ranks ((n-1)*q/100).
func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := (float64(len(sorted)) - 1) * q / 100
	lo := int(math.Floor(pos))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}

// ctukeyScale is what the custom Tukey test divides its 10th-90th
// percentile range by to get the unit of its scores. Kusto does not
// document it; it is the ratio measured on Kusto's own answers (the same
// to 15 digits over four series), which makes a score of 1.5 mark the
// same points as Kusto's.
const ctukeyScale = 2.7726056055079

// outlierScores computes Tukey-fence scores: 0 inside [low, high]
// percentiles, else the distance beyond the nearer one in units of the
// inter-percentile range (scaled for the custom test). Missing values
// (not numbers, or equal to ignore) score 0.
// https://learn.microsoft.com/kusto/query/series-outliers-function
func outlierScores(vals []float64, ok []bool, kind string, lo, hi float64, train int) []float64 {
	if kind == "tukey" {
		lo, hi = 25, 75
	}
	var sorted []float64
	for i := 0; i < train && i < len(vals); i++ {
		if ok[i] && !math.IsNaN(vals[i]) {
			sorted = append(sorted, vals[i])
		}
	}
	out := make([]float64, len(vals))
	if len(sorted) == 0 {
		return out
	}
	sort.Float64s(sorted)
	qlo, qhi := percentile(sorted, lo), percentile(sorted, hi)
	unit := qhi - qlo
	if kind != "tukey" {
		unit /= ctukeyScale
	}
	// A zero range (most values equal, as in a count series of idle days)
	// makes any value beyond it infinitely far: the formula's division
	// gives ±Inf, which every threshold flags.
	for i, v := range vals {
		if !ok[i] || math.IsNaN(v) {
			continue
		}
		switch {
		case v > qhi:
			out[i] = (v - qhi) / unit
		case v < qlo:
			out[i] = (v - qlo) / unit
		}
	}
	return out
}

// decomposition is series_decompose's output.
type decomposition struct {
	baseline, seasonal, trend, residual []float64
}

// decompose splits a series into seasonal, trend and residual parts,
// learning from all but the last testPoints values: the seasonal part is
// the median of each phase of the period (detected when seasonality is
// -1, none when 0); the trend is the mean ("avg"), the least-squares line
// ("linefit") or nothing ("none") of the series less its seasonal part.
// https://learn.microsoft.com/kusto/query/series-decompose-function
func decompose(vals []float64, ok []bool, seasonality int64, trend string, testPoints int64, threshold float64) (*decomposition, bool) {
	n := len(vals)
	train := n - int(max(0, testPoints))
	if train < 1 {
		train = 0
	}
	p := 0
	switch {
	case seasonality == -1:
		p = bestPeriod(vals[:train], ok[:train], threshold)
	case seasonality > 0:
		p = int(seasonality)
	}
	d := &decomposition{seasonal: seasonalComponent(vals[:train], ok[:train], p, n)}
	d.trend = make([]float64, n)
	var xs, ys []float64
	for i := 0; i < train; i++ {
		if ok[i] && !math.IsNaN(vals[i]) {
			xs = append(xs, float64(i+1))
			ys = append(ys, vals[i]-d.seasonal[i])
		}
	}
	switch trend {
	case "avg":
		if len(ys) > 0 {
			s := 0.0
			for _, y := range ys {
				s += y
			}
			for i := range d.trend {
				d.trend[i] = s / float64(len(ys))
			}
		}
	case "linefit":
		if len(ys) > 0 {
			f := fitLine(xs, ys)
			for i := range d.trend {
				d.trend[i] = f.slope*float64(i+1) + f.interception
			}
		}
	case "none":
	default:
		return nil, false
	}
	d.baseline = make([]float64, n)
	d.residual = make([]float64, n)
	for i := range d.baseline {
		d.baseline[i] = d.seasonal[i] + d.trend[i]
		d.residual[i] = vals[i] - d.baseline[i]
		if !ok[i] {
			d.residual[i] = math.NaN()
		}
	}
	return d, true
}

// residualsToDyn writes residuals with the missing ones as null.
func residualsToDyn(r []float64) []any {
	out := make([]any, len(r))
	for i, x := range r {
		if !math.IsNaN(x) {
			out[i] = x
		}
	}
	return out
}

// Optional arguments of the decompose functions arrive as Go values or
// nil; these read them with their documented defaults.
func argInt(a []any, i int, def int64) int64 {
	if i < len(a) {
		if v, ok := a[i].(int64); ok {
			return v
		}
	}
	return def
}

func argReal(a []any, i int, def float64) float64 {
	if i < len(a) {
		if v, ok := a[i].(float64); ok {
			return v
		}
	}
	return def
}

func argStr(a []any, i int, def string) string {
	if i < len(a) {
		if v, ok := a[i].(string); ok && v != "" {
			return v
		}
	}
	return def
}

func init() {
	registerK("series_periods_detect", valueKernel(column.Dynamic, func(a []any) any {
		return seriesPeriodsDetect(a[0], argReal(a, 1, 0), argReal(a, 2, 0), argInt(a, 3, 0))
	}))
	registerK("series_periods_validate", valueKernel(column.Dynamic, func(a []any) any {
		return seriesPeriodsValidate(a[0], a[1:])
	}))
	registerK("series_seasonal", valueKernel(column.Dynamic, func(a []any) any {
		return seriesSeasonal(a[0], argInt(a, 1, -1))
	}))
	// series_outliers(series, kind, ignore_val, min_percentile, max_percentile)
	registerK("series_outliers", valueKernel(column.Dynamic, func(a []any) any {
		vals, ok, isArr := seriesOf(a[0])
		if !isArr {
			return nil
		}
		if len(a) > 2 && a[2] != nil {
			if ig, isNum := dynNum(a[2]); isNum {
				for i, v := range vals {
					if v == ig {
						ok[i] = false
					}
				}
			}
		}
		kind := argStr(a, 1, "ctukey")
		if kind != "ctukey" && kind != "tukey" {
			return nil
		}
		lo, hi := argReal(a, 3, 10), argReal(a, 4, 90)
		if lo < 2 || hi > 98 || lo >= hi {
			return nil
		}
		return floatsToDyn(outlierScores(vals, ok, kind, lo, hi, len(vals)))
	}))
	// series_decompose(series, seasonality, trend, test_points, seasonality_threshold)
	registerK("series_decompose", valueKernel(column.Dynamic, func(a []any) any {
		vals, ok, isArr := seriesOf(a[0])
		if !isArr {
			return nil
		}
		d, good := decompose(vals, ok, argInt(a, 1, -1), argStr(a, 2, "avg"), argInt(a, 3, 0), argReal(a, 4, 0.6))
		if !good {
			return nil
		}
		return map[string]any{"baseline": floatsToDyn(d.baseline), "seasonal": floatsToDyn(d.seasonal),
			"trend": floatsToDyn(d.trend), "residual": residualsToDyn(d.residual)}
	}))
	// series_decompose_anomalies(series, threshold, seasonality, trend,
	// test_points, ad_method, seasonality_threshold)
	registerK("series_decompose_anomalies", valueKernel(column.Dynamic, func(a []any) any {
		vals, ok, isArr := seriesOf(a[0])
		if !isArr {
			return nil
		}
		testPoints := argInt(a, 4, 0)
		d, good := decompose(vals, ok, argInt(a, 2, -1), argStr(a, 3, "avg"), testPoints, argReal(a, 6, 0.6))
		method := argStr(a, 5, "ctukey")
		if !good || (method != "ctukey" && method != "tukey") {
			return nil
		}
		rok := make([]bool, len(vals))
		for i, r := range d.residual {
			rok[i] = !math.IsNaN(r)
		}
		train := len(vals) - int(max(0, testPoints))
		scores := outlierScores(d.residual, rok, method, 10, 90, train)
		k := argReal(a, 1, 1.5)
		flags := make([]any, len(scores))
		for i, s := range scores {
			switch {
			case s > k:
				flags[i] = int64(1)
			case s < -k:
				flags[i] = int64(-1)
			default:
				flags[i] = int64(0)
			}
		}
		return map[string]any{"ad_flag": flags, "ad_score": floatsToDyn(scores), "baseline": floatsToDyn(d.baseline)}
	}))
	// series_decompose_forecast(series, points, seasonality, trend, seasonality_threshold)
	registerK("series_decompose_forecast", valueKernel(column.Dynamic, func(a []any) any {
		vals, ok, isArr := seriesOf(a[0])
		if !isArr {
			return nil
		}
		d, good := decompose(vals, ok, argInt(a, 2, -1), argStr(a, 3, "linefit"), argInt(a, 1, 0), argReal(a, 4, 0.6))
		if !good {
			return nil
		}
		return floatsToDyn(d.baseline)
	}))
}
