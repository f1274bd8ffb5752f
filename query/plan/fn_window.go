package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Window functions: prev, next, row_number, row_cumsum, row_rank_dense,
// row_rank_min and row_window_session read the rows around the current
// one in the order of a serialized row set. Each call in an extend,
// project, serialize or where becomes a column of a Window node below
// it, computed over the whole input in order; the operator reads the
// column. A window call's arguments may hold window calls
// (row_number(1, prev(Airport) != Airport)): the Window computes its
// calls in order, each over the input and the columns before it.
// https://learn.microsoft.com/kusto/query/window-functions

// Window adds one column per call to its input's columns.
type Window struct {
	Input  Node
	Calls  []*Call
	Schema column.Schema
}

func (n *Window) Out() column.Schema     { return n.Schema }
func (n *Window) Inputs() []Node         { return []Node{n.Input} }
func (*Window) node()                    {}
func (n *Window) setInput(_ int, x Node) { n.Input = x }
func (n *Window) exprRefs() []*Expr {
	var refs []*Expr
	for _, c := range n.Calls {
		for i := range c.Args {
			refs = append(refs, &c.Args[i])
		}
	}
	return refs
}

func (n *Window) describe() string {
	var calls []string
	base := len(n.Input.Out())
	for i, c := range n.Calls {
		calls = append(calls, quoteName(n.Schema[base+i].Name)+" = "+exprText(c))
	}
	return "Window " + strings.Join(calls, ", ")
}

// windowContext collects the window calls of one operator's expressions.
type windowContext struct {
	base  int // the input's column count: call k is column base+k
	calls []*Call
}

// window returns a Window computing ctx's calls over in, or in when there
// are none.
func (ctx *windowContext) window(in Node) Node {
	if len(ctx.calls) == 0 {
		return in
	}
	w := &Window{Input: in, Calls: ctx.calls, Schema: append(column.Schema{}, in.Out()...)}
	for i, c := range ctx.calls {
		w.Schema = append(w.Schema, column.Field{Name: windowColumn(i), Type: c.T})
	}
	return w
}

// windowColumn names the column of window call i: no query text can name
// it.
func windowColumn(i int) string { return fmt.Sprintf("\x00window%d", i) }

type windowSig struct {
	minArgs, maxArgs int
	syntax, desc     string
	example          string
	// resolve checks the arguments and returns the call's type.
	resolve func(c *syntax.Call, args []Expr) ([]Expr, column.Type, error)
}

// windowFuncs are the window functions by name.
var windowFuncs = map[string]windowSig{
	"prev": {1, 3, "prev(Column [, Offset [, Default]])", "the value of Column Offset rows (default 1) before the current one, or Default",
		"range x from 1 to 3 step 1 | serialize | extend p = prev(x)", shiftArgs},
	"next": {1, 3, "next(Column [, Offset [, Default]])", "the value of Column Offset rows (default 1) after the current one, or Default",
		"range x from 1 to 3 step 1 | serialize | extend n = next(x)", shiftArgs},
	"row_number": {0, 2, "row_number([StartingIndex [, Restart]])", "the current row's number, from StartingIndex (default 1), starting over where Restart is true",
		"range x from 1 to 3 step 1 | sort by x desc | extend n = row_number()",
		func(c *syntax.Call, args []Expr) ([]Expr, column.Type, error) {
			if len(args) == 0 {
				args = append(args, &Const{T: column.Long, Val: int64(1)})
			}
			if !args[0].Type().IsInteger() || !isConstant(args[0]) {
				return nil, 0, argErr(c, 0, "a constant integer", args[0].Type())
			}
			return args, column.Long, restartArg(c, args, 1)
		}},
	"row_cumsum": {1, 2, "row_cumsum(Term [, Restart])", "the sum of Term over the rows so far, starting over where Restart is true",
		"range x from 1 to 4 step 1 | serialize s = row_cumsum(x)",
		func(c *syntax.Call, args []Expr) ([]Expr, column.Type, error) {
			t := args[0].Type()
			switch t {
			case column.Int:
				args[0], t = &Call{Fn: "tolong", Args: []Expr{args[0]}, T: column.Long}, column.Long
			case column.Long, column.Real, column.Timespan:
			default:
				return nil, 0, argErr(c, 0, "a number or timespan", t)
			}
			return args, t, restartArg(c, args, 1)
		}},
	"row_rank_dense": {1, 2, "row_rank_dense(Term [, Restart])", "the dense rank of Term: 1 for the first value, one more each time it changes",
		"datatable(v: long) [3, 3, 5] | serialize | extend r = row_rank_dense(v)", rankArgs},
	"row_rank_min": {1, 2, "row_rank_min(Term [, Restart])", "the minimal rank of Term: the row number of the first row with the current value",
		"datatable(v: long) [3, 3, 5] | serialize | extend r = row_rank_min(v)", rankArgs},
	"row_window_session": {3, 4, "row_window_session(Expr, MaxDistanceFromFirst, MaxDistanceBetweenNeighbors [, Restart])",
		"the value of Expr at the start of the current session: a session ends when Expr moves too far from its first or previous row",
		"datatable(t: datetime) [datetime(2024-01-01 10:00), datetime(2024-01-01 10:03), datetime(2024-01-01 12:00)] | serialize | extend s = row_window_session(t, 1h, 5m)",
		func(c *syntax.Call, args []Expr) ([]Expr, column.Type, error) {
			t := args[0].Type()
			dist := t
			switch t {
			case column.Datetime:
				dist = column.Timespan
			case column.Long, column.Int, column.Real, column.Timespan:
			default:
				return nil, 0, argErr(c, 0, "a datetime, timespan or number", t)
			}
			for i := 1; i <= 2; i++ {
				if args[i].Type() != dist && !(dist.IsNumeric() && args[i].Type().IsNumeric()) || !isConstant(args[i]) {
					return nil, 0, argErr(c, i, "a constant "+dist.String(), args[i].Type())
				}
			}
			return args, t, restartArg(c, args, 3)
		}},
}

func init() {
	for name, w := range windowFuncs {
		addTopic(Topic{Kind: KindFunction, Name: name, Syntax: w.syntax, Description: w.desc,
			DocURL: docBase + strings.ReplaceAll(name, "_", "-") + "-function", Example: w.example})
	}
}

func shiftArgs(c *syntax.Call, args []Expr) ([]Expr, column.Type, error) {
	t := args[0].Type()
	if len(args) >= 2 && (!args[1].Type().IsInteger() || !isConstant(args[1])) {
		return nil, 0, argErr(c, 1, "a constant integer offset", args[1].Type())
	}
	if len(args) == 1 {
		args = append(args, &Const{T: column.Long, Val: int64(1)})
	}
	if len(args) == 3 {
		d := args[2]
		switch {
		case d.Type() == t:
		case t.IsNumeric() && d.Type().IsNumeric():
			if t == column.Real {
				args[2] = toReal(d)
			} else if d.Type() == column.Real {
				return nil, 0, argErr(c, 2, "a "+t.String(), d.Type())
			}
		default:
			return nil, 0, argErr(c, 2, "a "+t.String(), d.Type())
		}
	}
	return args, t, nil
}

func rankArgs(c *syntax.Call, args []Expr) ([]Expr, column.Type, error) {
	if !orderable(args[0].Type()) {
		return nil, 0, argErr(c, 0, "a scalar", args[0].Type())
	}
	return args, column.Long, restartArg(c, args, 1)
}

// restartArg checks the optional Restart argument at i.
func restartArg(c *syntax.Call, args []Expr, i int) error {
	if i < len(args) && args[i].Type() != column.Bool {
		return argErr(c, i, "a bool", args[i].Type())
	}
	return nil
}

// windowCall plans a window function call: a column of the Window below
// the operator being planned.
func (b *builder) windowCall(c *syntax.Call, sc *scope, w windowSig) (Expr, error) {
	if sc.window == nil {
		return nil, errAt(c.Pos, "%s() needs a serialized row set: use it in extend, project, serialize or where after sort, serialize or range", c.Name)
	}
	if len(c.Args) < w.minArgs || len(c.Args) > w.maxArgs {
		return nil, errAt(c.Pos, "%s() takes %d to %d arguments, got %d", c.Name, w.minArgs, w.maxArgs, len(c.Args))
	}
	args := make([]Expr, len(c.Args))
	for i, a := range c.Args {
		if a.Star || a.Tabular() {
			return nil, errAt(a.Pos, "%s() takes scalar arguments", c.Name)
		}
		e, err := b.expr(a.Expr, sc)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	args, t, err := w.resolve(c, args)
	if err != nil {
		return nil, err
	}
	ctx := sc.window
	ctx.calls = append(ctx.calls, &Call{Fn: c.Name, Args: args, T: t})
	return &ColRef{Index: ctx.base + len(ctx.calls) - 1, Name: windowColumn(len(ctx.calls) - 1), T: t}, nil
}
