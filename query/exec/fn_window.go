package exec

import (
	"context"
	"fmt"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// windowOp computes window functions (prev, next, row_number, ...) over
// its whole input in order: it reads every row, then appends one column
// per call, each computed over the input's columns and the calls before
// it. https://learn.microsoft.com/kusto/query/window-functions
type windowOp struct {
	n    *plan.Window
	in   Operator
	args [][]expr
	mem  *budget
	stop *stopper
	done bool
}

func newWindow(n *plan.Window, in Operator, st *Stats) (*windowOp, error) {
	w := &windowOp{n: n, in: in, mem: st.mem, stop: st.stop}
	for _, c := range n.Calls {
		var args []expr
		for _, a := range c.Args {
			e, err := compile(a, st.stop)
			if err != nil {
				return nil, err
			}
			args = append(args, e)
		}
		w.args = append(w.args, args)
	}
	return w, nil
}

func (w *windowOp) Next(ctx context.Context) (*column.Batch, error) {
	if w.done {
		return nil, nil
	}
	w.done = true
	in := w.n.Input.Out()
	b, err := drain(ctx, w.in, types(in))
	if err != nil {
		return nil, err
	}
	if err := w.mem.charge(batchBytes(b), "window functions"); err != nil {
		return nil, err
	}
	out := &column.Batch{Len: b.Len, Cols: append([]*column.Vector(nil), b.Cols...)}
	for k, c := range w.n.Calls {
		args := make([]*column.Vector, len(w.args[k]))
		for i, a := range w.args[k] {
			args[i] = a.eval(out)
		}
		v, err := windowKernel(c, args, b.Len, w.stop)
		if err != nil {
			return nil, err
		}
		out.Cols = append(out.Cols, v)
	}
	return out, nil
}

// restartAt reports whether the optional Restart argument at i is true on
// row r.
func restartAt(args []*column.Vector, i, r int) bool {
	return i < len(args) && !args[i].IsNull(r) && args[i].Bool(r)
}

// windowKernel computes one window call over n rows.
func windowKernel(c *plan.Call, args []*column.Vector, n int, s *stopper) (*column.Vector, error) {
	switch c.Fn {
	case "prev", "next":
		off := args[1].Int(0)
		if c.Fn == "prev" {
			off = -off
		}
		var def *column.Vector
		if len(args) == 3 {
			def = args[2]
		}
		b := newValueBuilder(c.T, n)
		for r := 0; r < n; r++ {
			s.row(r)
			src := int64(r) + off
			switch {
			case src >= 0 && src < int64(n):
				b.AppendValue(args[0].Value(int(src)))
			case def != nil:
				b.AppendValue(def.Value(r))
			default:
				b.AppendNull()
			}
		}
		return b.Build(), nil
	case "row_number":
		start := args[0].Int(0)
		out := newInts(column.Long, n)
		k := start
		for r := 0; r < n; r++ {
			if r > 0 && restartAt(args, 1, r) {
				k = start
			}
			out.Ints[r] = k
			k++
		}
		return out, nil
	case "row_cumsum":
		x := args[0]
		if c.T == column.Real {
			out := newFloats(n)
			sum := 0.0
			for r := 0; r < n; r++ {
				if restartAt(args, 1, r) {
					sum = 0
				}
				if !x.IsNull(r) {
					sum += x.Float(r)
				}
				out.Floats[r] = sum
			}
			return out, nil
		}
		out := newInts(c.T, n)
		var sum int64
		for r := 0; r < n; r++ {
			if restartAt(args, 1, r) {
				sum = 0
			}
			if !x.IsNull(r) {
				sum += x.Int(r)
			}
			out.Ints[r] = sum
		}
		return out, nil
	case "row_rank_dense", "row_rank_min":
		x := args[0]
		out := newInts(column.Long, n)
		var rank, pos int64
		for r := 0; r < n; r++ {
			s.row(r)
			pos++
			if r == 0 || restartAt(args, 1, r) {
				rank, pos = 1, 1
			} else if compareRows2(x, r, x, r-1, plan.SortKey{}) != 0 {
				if c.Fn == "row_rank_dense" {
					rank++
				} else {
					rank = pos
				}
			}
			out.Ints[r] = rank
		}
		return out, nil
	case "row_window_session":
		return windowSession(c, args, n), nil
	}
	return nil, fmt.Errorf("BUG: no window function %s", c.Fn)
}

// windowSession is row_window_session(Expr, MaxDistanceFromFirst,
// MaxDistanceBetweenNeighbors [, Restart]): a session starts at the first
// row, and again where Expr is further than MaxDistanceFromFirst from the
// session's first value or further than MaxDistanceBetweenNeighbors from
// the previous row's, or where Restart is true. Each row gets its
// session's first value; a null Expr is null and starts a session after
// it.
func windowSession(c *plan.Call, args []*column.Vector, n int) *column.Vector {
	x := args[0]
	num := func(v *column.Vector, r int) float64 {
		if v.Type == column.Real {
			return v.Float(r)
		}
		return float64(v.Int(r))
	}
	maxFirst, maxNext := num(args[1], 0), num(args[2], 0)
	b := newValueBuilder(c.T, n)
	var start any
	var first, prev float64
	open := false
	for r := 0; r < n; r++ {
		if x.IsNull(r) {
			b.AppendNull()
			open = false
			continue
		}
		v := num(x, r)
		if !open || restartAt(args, 3, r) || v-first > maxFirst || v-prev > maxNext {
			start, first, open = x.Value(r), v, true
		}
		prev = v
		b.AppendValue(start)
	}
	return b.Build()
}
