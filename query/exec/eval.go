package exec

import (
	"fmt"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// expr is a compiled scalar expression: eval returns a vector of b.Len rows
// (possibly a constant vector).
type expr interface {
	eval(b *column.Batch) *column.Vector
}

// kernel computes a function over argument vectors of n rows.
type kernel func(args []*column.Vector, n int) *column.Vector

// factory builds the kernel for one call; it may precompute from constant
// arguments (a compiled regex, a set for in()).
type factory func(c *plan.Call) (kernel, error)

// stopFactory is a factory for a kernel that may run long per row: it
// gets the run's stopper (nil outside a run) and calls s.row(i) in its
// loops (cancel.go).
type stopFactory func(c *plan.Call, s *stopper) (kernel, error)

// kernels holds the implementation of every plan.Call Fn.
var kernels = map[string]stopFactory{}

func register(fn string, f factory) {
	registerS(fn, func(c *plan.Call, _ *stopper) (kernel, error) { return f(c) })
}

// registerS registers a kernel whose factory gets the run's stopper.
func registerS(fn string, f stopFactory) {
	if _, dup := kernels[fn]; dup {
		panic("BUG: kernel registered twice: " + fn)
	}
	kernels[fn] = f
}

// registerK registers a kernel that needs no precomputation.
func registerK(fn string, k kernel) {
	register(fn, func(*plan.Call) (kernel, error) { return k, nil })
}

type colExpr struct{ idx int }

func (c colExpr) eval(b *column.Batch) *column.Vector {
	v := b.Cols[c.idx]
	if v == nil {
		panic(fmt.Sprintf("BUG: column %d was not read", c.idx))
	}
	return v
}

type constExpr struct{ v *column.Vector }

func (c constExpr) eval(b *column.Batch) *column.Vector {
	v := *c.v
	v.Len = b.Len
	return &v
}

type callExpr struct {
	args []expr
	k    kernel
	stop *stopper
}

func (c *callExpr) eval(b *column.Batch) *column.Vector {
	// Every call is a place to stop: a chain of kernels, each quick,
	// stops between them even when none checks inside.
	c.stop.check()
	vals := make([]*column.Vector, len(c.args))
	allConst := true
	for i, a := range c.args {
		vals[i] = a.eval(b)
		if !vals[i].Const {
			allConst = false
		}
	}
	if allConst && len(c.args) > 0 {
		// Compute a constant once and broadcast it.
		for i, v := range vals {
			one := *v
			one.Len = 1
			vals[i] = &one
		}
		out := c.k(vals, 1)
		out = constOf(out)
		out.Len = b.Len
		return out
	}
	return c.k(vals, b.Len)
}

// constOf turns a one-row vector into a constant vector.
func constOf(v *column.Vector) *column.Vector {
	if v.Const {
		return v
	}
	c := *v
	c.Const = true
	if c.Codes != nil {
		c.Strs = []string{v.Str(0)}
		c.Codes, c.Dict = nil, nil
	}
	return &c
}

// compile builds e's evaluator; s is the run's stopper, given to the
// kernels that check it (nil: they never stop).
func compile(e plan.Expr, s *stopper) (expr, error) {
	switch e := e.(type) {
	case *plan.ColRef:
		return colExpr{e.Index}, nil
	case *plan.Const:
		return constExpr{column.NewConst(e.T, e.Val, 1)}, nil
	case *plan.Call:
		f, ok := kernels[e.Fn]
		if !ok {
			panic("BUG: no kernel for " + e.Fn)
		}
		k, err := f(e, s)
		if err != nil {
			return nil, err
		}
		c := &callExpr{k: k, stop: s}
		for _, a := range e.Args {
			x, err := compile(a, s)
			if err != nil {
				return nil, err
			}
			c.args = append(c.args, x)
		}
		// Fold calls on constants now.
		if len(c.args) > 0 {
			allConst := true
			for _, a := range c.args {
				if _, ok := a.(constExpr); !ok {
					allConst = false
				}
			}
			if allConst {
				return constExpr{c.eval(&column.Batch{Len: 1})}, nil
			}
		}
		return c, nil
	}
	panic(fmt.Sprintf("BUG: compile of %T", e))
}

// Vector constructors for kernel results.

func newBools(n int) *column.Vector {
	return &column.Vector{Type: column.Bool, Len: n, Bools: make([]bool, n)}
}

func newInts(t column.Type, n int) *column.Vector {
	return &column.Vector{Type: t, Len: n, Ints: make([]int64, n)}
}

func newFloats(n int) *column.Vector {
	return &column.Vector{Type: column.Real, Len: n, Floats: make([]float64, n)}
}

func newStrs(n int) *column.Vector {
	return &column.Vector{Type: column.String, Len: n, Strs: make([]string, n)}
}

// orNulls returns the null mask of rows where any arg is null, or nil.
func orNulls(n int, args ...*column.Vector) []bool {
	var out []bool
	for _, a := range args {
		if a.Nulls == nil {
			continue
		}
		if out == nil {
			out = make([]bool, n)
		}
		if a.Const {
			if a.Nulls[0] {
				for i := range out {
					out[i] = true
				}
			}
			continue
		}
		for i, x := range a.Nulls[:n] {
			if x {
				out[i] = true
			}
		}
	}
	return out
}

// setNull marks row i null, allocating the mask on first use.
func setNull(v *column.Vector, i int) {
	if v.Nulls == nil {
		v.Nulls = make([]bool, v.Len)
	}
	v.Nulls[i] = true
}
