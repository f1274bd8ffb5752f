package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("summarize",
		"T | summarize [Name =] Aggregation, ... [by [Name =] GroupExpression, ...]",
		"groups rows and computes aggregations per group",
		"summarize-operator", "range x from 1 to 10 step 1 | summarize Rows = count(), Total = sum(x) by Odd = x % 2")
}

func (b *builder) summarize(in Node, op *syntax.SummarizeOp) (Node, error) {
	if len(op.Aggs) == 0 && len(op.By) == 0 {
		return nil, errAt(op.Pos, "summarize needs an aggregation such as count() or a by clause")
	}
	sc := b.scopeOf(in)
	agg := &Aggregate{Input: in}
	auto := 0
	names := map[string]bool{}
	addName := func(pos syntax.Position, name string) error {
		if names[name] {
			return errAt(pos, "summarize produces column '%s' twice: name one of them (Name = ...)", name)
		}
		names[name] = true
		return nil
	}
	var keyFields column.Schema
	for _, ne := range op.By {
		e, err := b.expr(ne.Expr, sc)
		if err != nil {
			return nil, err
		}
		name := unquoteIdent(ne.Name)
		if name == "" {
			if name = derivedName(ne.Expr, e); name == "" {
				auto++
				name = fmt.Sprintf("Column%d", auto)
			}
		}
		if err := addName(ne.Pos, name); err != nil {
			return nil, err
		}
		agg.Keys = append(agg.Keys, e)
		keyFields = append(keyFields, column.Field{Name: name, Type: e.Type()})
	}
	// Aggregations are columns of agg; an aggregation that is an
	// expression over aggregates (round(100.0 * countif(x) / count(), 2))
	// has its aggregates lifted into agg as hidden columns and is computed
	// over them by a Project above (post).
	var outFields column.Schema
	var post []Expr
	lifted := false
	addAgg := func(c *AggCall) int {
		agg.Aggs = append(agg.Aggs, c)
		return len(keyFields) + len(agg.Aggs) - 1
	}
	for _, ne := range op.Aggs {
		if !b.isAggCall(ne.Expr) {
			ctx := &aggContext{in: sc, add: addAgg}
			e, err := b.expr(ne.Expr, &scope{schema: keyFields, aggs: ctx})
			if err != nil {
				return nil, err
			}
			if !ctx.used {
				return nil, errAt(ne.Expr.Pos, "expected an aggregation function such as count(), countif(), dcount(), sum(), avg(), min() or max()")
			}
			name := unquoteIdent(ne.Name)
			if name == "" {
				auto++
				name = fmt.Sprintf("Column%d", auto)
			}
			if err := addName(ne.Pos, name); err != nil {
				return nil, err
			}
			lifted = true
			post = append(post, e)
			outFields = append(outFields, column.Field{Name: name, Type: e.Type()})
			continue
		}
		calls, err := b.aggregates(ne, sc)
		if err != nil {
			return nil, err
		}
		for i, c := range calls {
			if i > 0 && names[c.name] {
				continue // arg_max(x, *) does not repeat the by columns
			}
			name := c.name
			if ne.Name == "" || i > 0 {
				// A derived name already taken gets a number: set_y, set_y1.
				for n := 1; names[name]; n++ {
					name = fmt.Sprintf("%s%d", c.name, n)
				}
			}
			if err := addName(ne.Pos, name); err != nil {
				return nil, err
			}
			idx := addAgg(c.call)
			post = append(post, &ColRef{Index: idx, Name: name, T: c.call.Type})
			outFields = append(outFields, column.Field{Name: name, Type: c.call.Type})
		}
	}
	agg.Schema = append(column.Schema{}, keyFields...)
	for i, c := range agg.Aggs {
		agg.Schema = append(agg.Schema, column.Field{Name: fmt.Sprintf("__agg%d", i), Type: c.Type})
	}
	if !lifted {
		agg.Schema = append(keyFields, outFields...)
		return agg, nil
	}
	p := &Project{Input: agg, Schema: append(append(column.Schema{}, keyFields...), outFields...)}
	for i, f := range keyFields {
		p.Exprs = append(p.Exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
	}
	p.Exprs = append(p.Exprs, post...)
	return p, nil
}

// aggContext lets an aggregation expression of summarize call
// aggregation functions: each call is planned over the input rows (in)
// and becomes a column of the Aggregate (add returns its index), which
// the expression then reads.
type aggContext struct {
	in   *scope
	add  func(*AggCall) int
	used bool
}

// isAggCall reports whether e is a single aggregation call, planned as
// its own column(s), or a call of no known function (which summarize
// reports as an unknown aggregation).
func (b *builder) isAggCall(e *syntax.Expr) bool {
	p := primaryOf(e)
	if p == nil || p.Call == nil {
		return false
	}
	if _, ok := b.funcs[p.Call.Name]; ok {
		return false
	}
	if _, agg := aggregates[p.Call.Name]; agg {
		return true // an aggregation, even when a scalar function has its name (hll_merge)
	}
	_, scalar := functions[p.Call.Name]
	_, typed := literalTypes[p.Call.Name]
	_, window := windowFuncs[p.Call.Name]
	return !scalar && !typed && !window && !builtinCalls[p.Call.Name]
}

// liftAggregate plans an aggregation call met inside an aggregation
// expression: a column of the Aggregate below.
func (b *builder) liftAggregate(c *syntax.Call, ctx *aggContext) (Expr, error) {
	for _, a := range c.Args {
		if a.Tabular() {
			return nil, errAt(a.Pos, "%s() takes a scalar, not a tabular expression", c.Name)
		}
	}
	call, name, err := b.aggregate(callExpr(c), ctx.in)
	if err != nil {
		return nil, err
	}
	ctx.used = true
	return &ColRef{Index: ctx.add(call), Name: name, T: call.Type}, nil
}

// callExpr wraps a call into an expression.
func callExpr(c *syntax.Call) *syntax.Expr {
	return &syntax.Expr{Pos: c.Pos, Left: &syntax.AndExpr{Pos: c.Pos, Left: &syntax.CmpExpr{Pos: c.Pos, Left: &syntax.AddExpr{Pos: c.Pos, Left: &syntax.MulExpr{Pos: c.Pos,
		Left: &syntax.Unary{Pos: c.Pos, Operand: &syntax.Postfix{Pos: c.Pos, Primary: &syntax.Primary{Pos: c.Pos, Call: c}}}}}}}}
}

// namedAgg is one aggregation output column.
type namedAgg struct {
	call *AggCall
	name string
}

// aggregates resolves one summarize aggregation into its output columns:
// one for most functions; arg_max/arg_min give the compared value and the
// returned columns; percentiles one per rank.
func (b *builder) aggregates(ne *syntax.NamedExpr, sc *scope) ([]namedAgg, error) {
	se := ne.Expr
	p := primaryOf(se)
	if p == nil || p.Call == nil {
		return nil, errAt(se.Pos, "expected an aggregation function such as count(), countif(), dcount(), sum(), avg(), min() or max()")
	}
	c := p.Call
	for _, a := range c.Args {
		if a.Tabular() {
			return nil, errAt(a.Pos, "%s() takes a scalar, not a tabular expression", c.Name)
		}
	}
	if sig, ok := aggregates[c.Name]; ok && sig.columns != nil {
		return sig.columns(b, ne, c, sc)
	}
	call, name, err := b.aggregate(se, sc)
	if err != nil {
		return nil, err
	}
	if ne.Name != "" {
		name = unquoteIdent(ne.Name)
	}
	return []namedAgg{{call, name}}, nil
}

// aggregate resolves one aggregation call and the column name Kusto gives it.
func (b *builder) aggregate(se *syntax.Expr, sc *scope) (*AggCall, string, error) {
	p := primaryOf(se)
	if p == nil || p.Call == nil {
		return nil, "", errAt(se.Pos, "expected an aggregation function such as count(), countif(), dcount(), sum(), avg(), min() or max()")
	}
	c := p.Call
	fn := c.Name
	sig, ok := aggregates[fn]
	if !ok {
		msg := fmt.Sprintf("unknown aggregation function '%s'", fn)
		if _, scalar := functions[fn]; scalar {
			msg = fmt.Sprintf("'%s' is not an aggregation function; summarize needs one such as count(), sum() or max()", fn)
		} else if s := Suggest(fn, aggregateNames()); s != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", s)
		}
		return nil, "", errAt(c.Pos, "%s", msg)
	}
	if len(c.Args) < sig.minArgs || len(c.Args) > sig.maxArgs {
		return nil, "", errAt(c.Pos, "%s() takes %s", fn, sig.argsText)
	}
	var args []Expr
	for _, a := range c.Args {
		if a.Star {
			return nil, "", errAt(a.Pos, "%s() does not take *", fn)
		}
		if a.Tabular() {
			return nil, "", errAt(a.Pos, "%s() takes a scalar, not a tabular expression", fn)
		}
		e, err := b.expr(a.Expr, sc)
		if err != nil {
			return nil, "", err
		}
		args = append(args, e)
	}
	call, err := sig.resolve(c, args)
	if err != nil {
		return nil, "", err
	}
	name := fn + "_"
	if len(c.Args) > 0 && !sig.predicateOnly {
		// The column the first argument names, also through conversions
		// (buildschema(todynamic(tostring(x))) is schema_x).
		col := derivedName(c.Args[0].Expr, args[0])
		if col != "" {
			name = fn + "_" + col
			// make_set(X) is set_X, make_list(X) list_X, take_any(X) X ...
			if n, ok := aggColumnName(fn, col, args); ok {
				name = n
			}
		}
	}
	return call, name, nil
}

// Aggregate groups by Keys and computes Aggs per group (summarize,
// distinct). Output: key columns, then aggregate columns.
type Aggregate struct {
	Input  Node
	Keys   []Expr
	Aggs   []*AggCall
	Schema column.Schema
}

// AggCall is one aggregation: Fn over Arg (nil for count()); Pred for the
// *if variants; Extra for further arguments (arg_max's returned column,
// make_list's size limit, percentile's rank, as constants or expressions).
type AggCall struct {
	Fn    string
	Arg   Expr
	Pred  Expr
	Extra []Expr
	Type  column.Type
}

func (n *Aggregate) Out() column.Schema { return n.Schema }

func (n *Aggregate) Inputs() []Node { return []Node{n.Input} }

func (*Aggregate) node() {}

func (n *Aggregate) describe() string {
	keys := len(n.Keys)
	var aggs []string
	for i, a := range n.Aggs {
		aggs = append(aggs, quoteName(n.Schema[keys+i].Name)+" = "+a.text())
	}
	s := "Aggregate " + strings.Join(aggs, ", ")
	if keys > 0 {
		s += " by " + namedExprs(n.Schema[:keys], n.Keys)
	}
	return s + " -> " + schemaText(n.Schema)
}

// text prints the aggregation as a call: its function, argument,
// predicate and further arguments.
func (a *AggCall) text() string {
	var args []Expr
	if a.Arg != nil {
		args = append(args, a.Arg)
	}
	if a.Pred != nil {
		args = append(args, a.Pred)
	}
	args = append(args, a.Extra...)
	return a.Fn + "(" + exprsText(args) + ")"
}
