package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// scanStepsOp runs the scan operator over its whole input in order (see
// plan.ScanSteps for the matching logic).
// https://learn.microsoft.com/kusto/query/scan-operator
type scanStepsOp struct {
	n      *plan.ScanSteps
	in     Operator
	conds  []expr
	assign [][]expr
	stop   *stopper
	mem    *budget
	done   bool
}

// scanRecord is one record of a step's state: the input's columns and the
// declared columns, each a one-row vector.
type scanRecord []*column.Vector

// scanState is a step's state: the records of the steps up to it, and
// the number of the match it belongs to.
type scanState struct {
	recs []scanRecord
	id   int64
}

func newScanSteps(n *plan.ScanSteps, in Operator, st *Stats) (*scanStepsOp, error) {
	o := &scanStepsOp{n: n, in: in, stop: st.stop, mem: st.mem}
	for _, step := range n.Steps {
		c, err := compile(step.Cond, st.stop)
		if err != nil {
			return nil, err
		}
		o.conds = append(o.conds, c)
		var as []expr
		for _, a := range step.Assign {
			e, err := compile(a.Expr, st.stop)
			if err != nil {
				return nil, err
			}
			as = append(as, e)
		}
		o.assign = append(o.assign, as)
	}
	return o, nil
}

func (o *scanStepsOp) Next(ctx context.Context) (*column.Batch, error) {
	if o.done {
		return nil, nil
	}
	o.done = true
	inSchema := o.n.Input.Out()
	b, err := drain(ctx, o.in, types(inSchema))
	if err != nil {
		return nil, err
	}
	if err := o.mem.charge(batchBytes(b), "scan"); err != nil {
		return nil, err
	}
	nIn, nDecl, nSteps := len(inSchema), len(o.n.Defaults), len(o.n.Steps)
	// The declared columns at their defaults, and an empty state record.
	defaults := make(scanRecord, nDecl)
	for i, d := range o.n.Defaults {
		v, err := evalConst(d)
		if err != nil {
			return nil, err
		}
		defaults[i] = column.NewConst(d.Type(), v, 1)
	}
	empty := make(scanRecord, 0, nIn+nDecl)
	for _, f := range inSchema {
		empty = append(empty, column.NewNulls(f.Type, 1))
	}
	empty = append(empty, defaults...)

	out := make([]*column.Builder, len(o.n.Schema))
	for i, f := range o.n.Schema {
		out[i] = newValueBuilder(f.Type, 0)
	}
	emit := func(rec scanRecord, id int64) {
		for i, v := range rec {
			out[i].AppendValue(v.Value(0))
		}
		if o.n.MatchID {
			out[len(rec)].AppendInt(id)
		}
	}
	states := make([]*scanState, nSteps)
	pending := make([]scanRecord, nSteps) // output=last: the latest match
	pendingID := make([]int64, nSteps)
	flush := func(k int) {
		if pending[k] != nil {
			emit(pending[k], pendingID[k])
			pending[k] = nil
		}
	}
	output := func(k int, rec scanRecord, id int64) {
		switch o.n.Steps[k].Output {
		case "all":
			emit(rec, id)
		case "last":
			pending[k], pendingID[k] = rec, id
		}
	}
	var nextID int64
	ctxBatch := &column.Batch{Len: 1, Cols: make([]*column.Vector, nIn+nDecl+nSteps*(nIn+nDecl))}
	// eval evaluates e for row cur against a state (nil: empty).
	eval := func(e expr, cur scanRecord, s *scanState) *column.Vector {
		copy(ctxBatch.Cols, cur[:nIn])
		copy(ctxBatch.Cols[nIn:], defaults)
		for j := 0; j < nSteps; j++ {
			rec := empty
			if s != nil && j < len(s.recs) {
				rec = s.recs[j]
			}
			copy(ctxBatch.Cols[(j+1)*(nIn+nDecl):], rec)
		}
		return e.eval(ctxBatch)
	}
	matches := func(k int, cur scanRecord, s *scanState) bool {
		v := eval(o.conds[k], cur, s)
		return !v.IsNull(0) && v.Bool(0)
	}
	extend := func(k int, cur scanRecord, s *scanState) scanRecord {
		rec := make(scanRecord, nIn+nDecl)
		copy(rec, cur[:nIn])
		copy(rec[nIn:], defaults)
		for i, a := range o.n.Steps[k].Assign {
			v := eval(o.assign[k][i], cur, s)
			one := *v
			one.Len = 1
			rec[nIn+a.Decl] = materialize1(&one)
		}
		return rec
	}
	cur := make(scanRecord, nIn)
	for r := 0; r < b.Len; r++ {
		o.stop.row(r)
		for c := range nIn {
			cur[c] = b.Cols[c].Gather([]uint32{uint32(r)})
		}
		for k := nSteps - 1; k >= 0; k-- {
			// Check 1: the previous step's sequence moves on to this step.
			if k > 0 && states[k-1] != nil && matches(k, cur, states[k-1]) {
				prev := states[k-1]
				flush(k - 1)
				rec := extend(k, cur, prev)
				flush(k)
				states[k] = &scanState{recs: append(append([]scanRecord{}, prev.recs...), rec), id: prev.id}
				states[k-1] = nil
				output(k, rec, prev.id)
				continue
			}
			// Check 2: this step's own sequence (or a new one at the
			// first step) takes the row.
			if (states[k] != nil || k == 0) && matches(k, cur, states[k]) {
				rec := extend(k, cur, states[k])
				if states[k] == nil {
					states[k] = &scanState{recs: []scanRecord{rec}, id: nextID}
					nextID++
				} else {
					recs := append([]scanRecord{}, states[k].recs...)
					recs[k] = rec
					states[k] = &scanState{recs: recs, id: states[k].id}
				}
				output(k, rec, states[k].id)
			}
		}
	}
	for k := range pending {
		flush(k)
	}
	res := &column.Batch{Cols: make([]*column.Vector, len(out))}
	for i, bl := range out {
		res.Cols[i] = bl.Build()
	}
	res.Len = res.Cols[0].Len
	return res, nil
}

// materialize1 returns a one-row vector of v's first value that owns its
// slots (a constant or a row of a larger vector becomes its own).
func materialize1(v *column.Vector) *column.Vector {
	return v.Gather([]uint32{0})
}
