package exec

import (
	"context"
	"fmt"
	"math"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// rangeBatch is how many values rangeOp puts in one batch.
const rangeBatch = 4096

// rangeOp produces the values of a range operator, a batch at a time, so
// that a long range costs memory only as far as the operators above keep
// its rows.
type rangeOp struct {
	n *plan.Range
	t column.Type
	// next is the index of the next value; count the number of values.
	next, count int64
	// Integer-backed values (long, datetime, timespan) are from + i*step;
	// reals likewise in floats.
	from, step   int64
	ffrom, fstep float64
}

func newRange(n *plan.Range) (*rangeOp, error) {
	r := &rangeOp{n: n, t: n.Schema[0].Type}
	var vals [3]any
	for i, e := range []plan.Expr{n.From, n.To, n.Step} {
		x, err := evalConst(e)
		if err != nil {
			return nil, err
		}
		if x == nil {
			return r, nil // a null bound or step: no rows
		}
		vals[i] = x
	}
	if r.t == column.Real {
		from, to, step := vals[0].(float64), vals[1].(float64), vals[2].(float64)
		if step == 0 || math.IsNaN(from+to+step) || math.IsInf(from+to+step, 0) {
			return nil, fmt.Errorf("range: the bounds and step must be finite and the step not zero")
		}
		r.ffrom, r.fstep = from, step
		if n := math.Floor((to-from)/step) + 1; n > 0 {
			r.count = int64(n)
		}
		return r, nil
	}
	from, to, step := vals[0].(int64), vals[1].(int64), vals[2].(int64)
	if step == 0 {
		return nil, fmt.Errorf("range: the step must not be zero")
	}
	r.from, r.step = from, step
	if (step > 0 && to >= from) || (step < 0 && to <= from) {
		// Count in floats first: (to-from) may overflow int64.
		if f := (float64(to) - float64(from)) / float64(step); f < 1<<62 {
			r.count = (to-from)/step + 1
		} else {
			return nil, fmt.Errorf("range: too many values (%.0f)", f)
		}
	}
	return r, nil
}

// evalConst evaluates an expression that refers to no column.
func evalConst(e plan.Expr) (any, error) {
	x, err := compile(e, nil)
	if err != nil {
		return nil, err
	}
	return x.eval(&column.Batch{Len: 1}).Value(0), nil
}

func (r *rangeOp) Next(ctx context.Context) (*column.Batch, error) {
	if r.next >= r.count {
		return nil, nil
	}
	// A range may count to 2^62: its consumer (summarize, count) pulls
	// batch after batch without looking at ctx, so the source stops.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := min(r.count-r.next, rangeBatch)
	v := &column.Vector{Type: r.t, Len: int(n)}
	if r.t == column.Real {
		v.Floats = make([]float64, n)
		for i := range v.Floats {
			v.Floats[i] = r.ffrom + float64(r.next+int64(i))*r.fstep
		}
	} else {
		v.Ints = make([]int64, n)
		for i := range v.Ints {
			v.Ints[i] = r.from + (r.next+int64(i))*r.step
		}
	}
	r.next += n
	return &column.Batch{Len: int(n), Cols: []*column.Vector{v}}, nil
}
