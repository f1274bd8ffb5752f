package exec

import (
	"context"
	"fmt"
	"math"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// makeSeriesOp pivots the per-(group, bin) aggregates into one row per
// group holding arrays over the whole axis, missing bins set to the default.
// https://learn.microsoft.com/kusto/query/make-series-operator
type makeSeriesOp struct {
	n    *plan.MakeSeries
	in   Operator
	done bool
}

// maxSeriesLen is Kusto's limit on make-series arrays (2^20 values).
const maxSeriesLen = 1 << 20

// constValue evaluates a constant plan expression.
func constValue(e plan.Expr) (any, error) {
	c, err := compile(e, nil)
	if err != nil {
		return nil, err
	}
	v := c.eval(&column.Batch{Len: 1})
	return v.Value(0), nil
}

func (m *makeSeriesOp) Next(ctx context.Context) (*column.Batch, error) {
	if m.done {
		return nil, nil
	}
	m.done = true
	in, err := drain(ctx, m.in, types(m.n.Input.Out()))
	if err != nil {
		return nil, err
	}
	nk := m.n.NKeys
	binCol := in.Cols[nk]
	isReal := m.n.AxisType == column.Real
	num := func(x any) float64 {
		switch v := x.(type) {
		case int64:
			return float64(v)
		case float64:
			return v
		}
		return math.NaN()
	}
	stepV, err := constValue(m.n.Step)
	if err != nil {
		return nil, err
	}
	step := num(stepV)
	if !(step > 0) {
		return nil, fmt.Errorf("make-series step must be positive")
	}
	var start, end float64
	if m.n.From != nil {
		v, err := constValue(m.n.From)
		if err != nil {
			return nil, err
		}
		start = num(v)
	}
	if m.n.To != nil {
		v, err := constValue(m.n.To)
		if err != nil {
			return nil, err
		}
		end = num(v)
	}
	// Without from/to, the range is that of the data's bins.
	if m.n.From == nil || m.n.To == nil {
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := 0; i < in.Len; i++ {
			if binCol.IsNull(i) {
				continue
			}
			x := num(binCol.Value(i))
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		if m.n.From == nil {
			start = lo
		}
		if m.n.To == nil {
			end = hi + step
		}
	}
	nbins := 0
	if end > start {
		nbins = int(math.Ceil((end - start) / step))
	}
	if nbins > maxSeriesLen {
		return nil, fmt.Errorf("make-series would build arrays of %d values; the limit is %d (use a larger step or a shorter range)", nbins, maxSeriesLen)
	}
	axis := make([]any, nbins)
	for k := range axis {
		x := start + float64(k)*step
		if isReal {
			axis[k] = x
		} else {
			axis[k] = int64(x)
			if m.n.AxisType == column.Datetime {
				axis[k] = column.DatetimeText(int64(x))
			} else if m.n.AxisType == column.Timespan {
				axis[k] = column.FormatTimespan(int64(x))
			}
		}
	}
	defaults := make([]any, len(m.n.Defaults))
	for i, d := range m.n.Defaults {
		if defaults[i], err = constValue(d); err != nil {
			return nil, err
		}
	}
	// Group rows by the key columns.
	ins := make([]*interner, nk)
	ids := make([][]uint32, nk)
	for k := 0; k < nk; k++ {
		ins[k] = newInterner(in.Cols[k].Type)
		ids[k] = ins[k].ids(in.Cols[k], in.Len, nil)
	}
	groups := map[string]int{}
	var firstRow []int
	var series [][][]any // group -> agg -> bins
	key := make([]byte, 4*nk)
	nagg := len(m.n.Defaults)
	for i := 0; i < in.Len; i++ {
		for k := 0; k < nk; k++ {
			key[4*k], key[4*k+1], key[4*k+2], key[4*k+3] = byte(ids[k][i]), byte(ids[k][i]>>8), byte(ids[k][i]>>16), byte(ids[k][i]>>24)
		}
		g, ok := groups[string(key)]
		if !ok {
			g = len(series)
			groups[string(key)] = g
			firstRow = append(firstRow, i)
			s := make([][]any, nagg)
			for a := range s {
				s[a] = make([]any, nbins)
				for b := range s[a] {
					s[a][b] = defaults[a]
				}
			}
			series = append(series, s)
		}
		if binCol.IsNull(i) {
			continue
		}
		b := int(math.Round((num(binCol.Value(i)) - start) / step))
		if b < 0 || b >= nbins {
			continue
		}
		for a := 0; a < nagg; a++ {
			if v := in.Cols[nk+1+a]; !v.IsNull(i) {
				series[g][a][b] = v.Value(i)
			}
		}
	}
	// An empty input gives no row, unless kind=nonempty asks for one of
	// defaults (without by keys: there is no group to give a row to).
	if nk == 0 && len(series) == 0 && m.n.NonEmpty {
		s := make([][]any, nagg)
		for a := range s {
			s[a] = make([]any, nbins)
			for b := range s[a] {
				s[a][b] = defaults[a]
			}
		}
		series = append(series, s)
	}
	out := &column.Batch{Len: len(series)}
	rows := make([]uint32, len(firstRow))
	for g, r := range firstRow {
		rows[g] = uint32(r)
	}
	for k := 0; k < nk; k++ {
		out.Cols = append(out.Cols, in.Cols[k].Gather(rows))
	}
	for a := 0; a < nagg; a++ {
		b := column.NewDynamicBuilder(len(series))
		for g := range series {
			b.AppendDynamic(series[g][a])
		}
		out.Cols = append(out.Cols, b.Build())
	}
	b := column.NewDynamicBuilder(len(series))
	for range series {
		b.AppendDynamic(axis)
	}
	out.Cols = append(out.Cols, b.Build())
	return out, nil
}
