package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// evaluateOp runs an evaluate plugin: it drains its inputs, then hands
// them whole to the plugin's runner (plugin_*.go, keyed by the plugin's
// name as in plan). Plugins look at all rows at once: windows over time,
// sessions, lookups.
// https://learn.microsoft.com/kusto/query/evaluate-operator
type evaluateOp struct {
	n    *plan.Evaluate
	ins  []Operator
	st   *Stats
	done bool
}

// pluginRunner computes a plugin's output from its whole inputs (the
// input first, then its tabular arguments). It must not modify them.
type pluginRunner func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error)

// pluginRunners holds the runner of every plugin plan knows.
var pluginRunners = map[string]pluginRunner{}

func registerPlugin(name string, r pluginRunner) {
	if _, dup := pluginRunners[name]; dup {
		panic("BUG: plugin registered twice: " + name)
	}
	pluginRunners[name] = r
}

func newEvaluate(n *plan.Evaluate, store Store, st *Stats) (Operator, error) {
	if pluginRunners[n.Plugin] == nil {
		panic("BUG: no runner for plugin " + n.Plugin)
	}
	op := &evaluateOp{n: n, st: st}
	for _, in := range n.Ins {
		o, err := build(in, store, st)
		if err != nil {
			return nil, err
		}
		op.ins = append(op.ins, o)
	}
	return op, nil
}

func (e *evaluateOp) Next(ctx context.Context) (*column.Batch, error) {
	if e.done {
		return nil, nil
	}
	e.done = true
	ins := make([]*column.Batch, len(e.ins))
	for i, in := range e.ins {
		b, err := drain(ctx, in, types(e.n.Ins[i].Out()))
		if err != nil {
			return nil, err
		}
		if err := e.st.mem.charge(batchBytes(b), "the input of evaluate "+e.n.Plugin); err != nil {
			return nil, err
		}
		ins[i] = b
	}
	return pluginRunners[e.n.Plugin](ctx, e.n, ins, e.st)
}

// materializedOp returns the rows the planner ran already.
type materializedOp struct {
	n    *plan.Materialized
	done bool
}

func (m *materializedOp) Next(ctx context.Context) (*column.Batch, error) {
	if m.done {
		return nil, nil
	}
	m.done = true
	return m.n.Batch, nil
}

// Materializer returns the planner's runner for plugins whose columns
// depend on the rows (plan.Options.Materialize): it runs a plan over store
// with opts, under ctx.
func Materializer(ctx context.Context, store Store, opts Options) func(plan.Node) (*column.Batch, error) {
	return func(n plan.Node) (*column.Batch, error) {
		b, _, err := RunWith(ctx, n, store, opts)
		return b, err
	}
}

// rowsBuilder appends rows of Go values to a batch of a schema.
type rowsBuilder struct {
	bs []*column.Builder
	n  int
}

func newRowsBuilder(s column.Schema) *rowsBuilder {
	r := &rowsBuilder{}
	for _, f := range s {
		r.bs = append(r.bs, newValueBuilder(f.Type, 0))
	}
	return r
}

// add appends one row; values as Vector.Value returns them (nil = null).
func (r *rowsBuilder) add(vals ...any) {
	for i, v := range vals {
		r.bs[i].AppendValue(v)
	}
	r.n++
}

func (r *rowsBuilder) build() *column.Batch {
	b := &column.Batch{Len: r.n}
	for _, x := range r.bs {
		b.Cols = append(b.Cols, x.Build())
	}
	return b
}
