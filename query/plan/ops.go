package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func (b *builder) operator(in Node, op syntax.Operator) (Node, error) {
	switch op := op.(type) {
	case *syntax.WhereOp:
		return b.where(in, op)
	case *syntax.ProjectOp:
		return b.project(in, op.Columns, false)
	case *syntax.ExtendOp:
		return b.project(in, op.Columns, true)
	case *syntax.SummarizeOp:
		return b.summarize(in, op)
	case *syntax.SortOp:
		keys, err := b.sortKeys(in, op.Keys)
		if err != nil {
			return nil, err
		}
		return &Sort{Input: in, Keys: keys, Limit: -1}, nil
	case *syntax.TopOp:
		n, err := b.count(in, op.N, "top")
		if err != nil {
			return nil, err
		}
		keys, err := b.sortKeys(in, []*syntax.SortKey{op.By})
		if err != nil {
			return nil, err
		}
		return &Sort{Input: in, Keys: keys, Limit: n}, nil
	case *syntax.TakeOp:
		n, err := b.count(in, op.N, op.Keyword)
		if err != nil {
			return nil, err
		}
		return &Limit{Input: in, N: n}, nil
	case *syntax.DistinctOp:
		return b.distinct(in, op)
	case *syntax.CountOp:
		return &Count{Input: in}, nil
	case *syntax.RenderOp:
		return b.render(in, op)
	case *syntax.JoinOp:
		return b.join(in, op)
	case *syntax.UnionOp:
		return b.union(in, op)
	case *syntax.MakeSeriesOp:
		return b.makeSeries(in, op)
	case *syntax.MvExpandOp:
		return b.mvExpand(in, op)
	case *syntax.ProjectNamesOp:
		return b.projectNames(in, op)
	case *syntax.ProjectRenameOp:
		return b.projectRename(in, op)
	case *syntax.ParseOp:
		return b.parse(in, op)
	case *syntax.EvaluateOp:
		return b.evaluate(in, op)
	case *syntax.GetschemaOp:
		return getschema(in), nil
	case *syntax.AsOp, *syntax.SerializeOp:
		if s, ok := op.(*syntax.SerializeOp); ok {
			return b.serialize(in, s)
		}
		return in, nil
	}
	panic(fmt.Sprintf("BUG: unhandled operator %T", op))
}

func (b *builder) scopeOf(in Node) *scope { return &scope{schema: in.Out()} }

func (b *builder) where(in Node, op *syntax.WhereOp) (Node, error) {
	pred, err := b.expr(op.Predicate, b.scopeOf(in))
	if err != nil {
		return nil, err
	}
	if pred.Type() != column.Bool {
		return nil, errAt(op.Predicate.Pos, "where needs a bool predicate, got %s", pred.Type())
	}
	return &Filter{Input: in, Pred: pred}, nil
}

// count evaluates the row count of take/top: a constant non-negative long.
func (b *builder) count(in Node, e *syntax.Expr, opName string) (int64, error) {
	x, err := b.expr(e, &scope{})
	if err != nil {
		return 0, err
	}
	c, ok := x.(*Const)
	if !ok || !(c.T == column.Long || c.T == column.Int) || c.Val == nil {
		return 0, errAt(e.Pos, "%s needs a constant number of rows", opName)
	}
	n := c.Val.(int64)
	if n < 0 {
		return 0, errAt(e.Pos, "%s needs a number of rows >= 0, got %d", opName, n)
	}
	return n, nil
}

func (b *builder) project(in Node, cols []*syntax.NamedExpr, extend bool) (Node, error) {
	orig := in
	// Functions returning several columns compute below, once per row.
	in, tuples, err := b.tupleColumns(in, cols, extend)
	if err != nil {
		return nil, err
	}
	sc := b.scopeOf(in)
	var exprs []Expr
	var schema column.Schema
	if extend {
		for i, f := range orig.Out() {
			exprs = append(exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
			schema = append(schema, f)
		}
	}
	auto := 0
	seen := map[string]syntax.Position{}
	add := func(ne *syntax.NamedExpr, name string, e Expr) error {
		if !extend {
			if p, dup := seen[name]; dup {
				return errAt(ne.Pos, "column '%s' is projected twice (first at %d:%d)", name, p.Line, p.Column)
			}
			seen[name] = ne.Pos
		}
		f := column.Field{Name: name, Type: e.Type()}
		if i := schema.Index(name); i >= 0 {
			exprs[i], schema[i] = e, f // extend replaces a column in place
			return nil
		}
		exprs = append(exprs, e)
		schema = append(schema, f)
		return nil
	}
	for _, ne := range cols {
		if tc := tuples[ne]; tc != nil {
			for k, name := range tc.names {
				if err := add(ne, name, tc.field(k)); err != nil {
					return nil, err
				}
			}
			continue
		}
		e, err := b.expr(ne.Expr, sc)
		if err != nil {
			return nil, err
		}
		name := unquoteIdent(ne.Name)
		if name == "" {
			name = derivedName(ne.Expr, e)
			if name == "" {
				auto++
				name = fmt.Sprintf("Column%d", auto)
			}
		}
		if err := add(ne, name, e); err != nil {
			return nil, err
		}
	}
	return &Project{Input: in, Exprs: exprs, Schema: schema}, nil
}

// derivedName is the column name Kusto derives for an unnamed expression: a
// column's own name, or for bin()/conversions the name of their first
// argument; "" when it would be ColumnN.
func derivedName(se *syntax.Expr, e Expr) string {
	if c, ok := e.(*ColRef); ok {
		return c.Name
	}
	p := primaryOf(se)
	if p == nil || p.Call == nil || len(p.Call.Args) == 0 || p.Call.Args[0].Expr == nil {
		return ""
	}
	switch strings.ToLower(p.Call.Name) {
	case "bin", "floor", "bin_at", "tostring", "tolong", "toint", "todouble", "toreal", "todatetime", "totimespan", "tobool",
		"todynamic", "parse_json":
		if name, _, ok := identOf(p.Call.Args[0].Expr); ok {
			return name
		}
	}
	return ""
}

func (b *builder) sortKeys(in Node, keys []*syntax.SortKey) ([]SortKey, error) {
	sc := b.scopeOf(in)
	var out []SortKey
	for _, k := range keys {
		e, err := b.expr(k.Expr, sc)
		if err != nil {
			return nil, err
		}
		if e.Type() == column.Dynamic {
			return nil, errAt(k.Pos, "cannot sort by a dynamic value: convert it with tostring() or tolong()")
		}
		desc := k.Dir != "asc"
		nullsFirst := !desc
		switch k.Nulls {
		case "first":
			nullsFirst = true
		case "last":
			nullsFirst = false
		}
		out = append(out, SortKey{Expr: e, Desc: desc, NullsFirst: nullsFirst})
	}
	return out, nil
}

func (b *builder) distinct(in Node, op *syntax.DistinctOp) (Node, error) {
	agg := &Aggregate{Input: in}
	if op.Star {
		for i, f := range in.Out() {
			agg.Keys = append(agg.Keys, &ColRef{Index: i, Name: f.Name, T: f.Type})
			agg.Schema = append(agg.Schema, f)
		}
		return agg, nil
	}
	sc := b.scopeOf(in)
	for _, c := range op.Columns {
		e, err := b.expr(c, sc)
		if err != nil {
			return nil, err
		}
		name := derivedName(c, e)
		if name == "" {
			name = fmt.Sprintf("Column%d", len(agg.Keys)+1)
		}
		agg.Keys = append(agg.Keys, e)
		agg.Schema = append(agg.Schema, column.Field{Name: name, Type: e.Type()})
	}
	return agg, nil
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
	var aggFields column.Schema
	for _, ne := range op.Aggs {
		calls, err := b.aggregates(ne, sc)
		if err != nil {
			return nil, err
		}
		for i, c := range calls {
			if i > 0 && names[c.name] {
				continue // arg_max(x, *) does not repeat the by columns
			}
			if err := addName(ne.Pos, c.name); err != nil {
				return nil, err
			}
			agg.Aggs = append(agg.Aggs, c.call)
			aggFields = append(aggFields, column.Field{Name: c.name, Type: c.call.Type})
		}
	}
	agg.Schema = append(keyFields, aggFields...)
	return agg, nil
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
		if len(a.Ops) > 0 || a.Union != nil {
			return nil, errAt(a.Pos, "%s() takes a scalar, not a tabular expression", c.Name)
		}
	}
	switch c.Name {
	case "arg_max", "arg_min":
		return b.argMinMax(ne, c, sc)
	case "percentiles":
		return b.percentiles(ne, c, sc)
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

// argMinMax plans arg_max(x, cols...) / arg_min(x, cols...): the extreme x,
// then each column's value on the row where x is extreme (* = every input
// column). https://learn.microsoft.com/kusto/query/arg-max-aggregation-function
func (b *builder) argMinMax(ne *syntax.NamedExpr, c *syntax.Call, sc *scope) ([]namedAgg, error) {
	if len(c.Args) < 2 {
		return nil, errAt(c.Pos, "%s() takes the expression to compare and the columns to return (or *)", c.Name)
	}
	if c.Args[0].Star {
		return nil, errAt(c.Args[0].Pos, "%s(): the first argument is the expression to compare", c.Name)
	}
	x, err := b.expr(c.Args[0].Expr, sc)
	if err != nil {
		return nil, err
	}
	if !orderable(x.Type()) {
		return nil, argErr(c, 0, "a number, string, datetime or timespan", x.Type())
	}
	fn, prefix := "max", "max_"
	if c.Name == "arg_min" {
		fn, prefix = "min", "min_"
	}
	first := unquoteIdent(ne.Name)
	if first == "" {
		if first = derivedName(c.Args[0].Expr, x); first == "" {
			first = prefix + "expr"
		}
	}
	out := []namedAgg{{&AggCall{Fn: c.Name + "_value", Arg: x, Extra: []Expr{x}, Type: x.Type()}, first}}
	taken := map[string]bool{first: true}
	addCol := func(e Expr, name string) {
		if taken[name] {
			return
		}
		taken[name] = true
		out = append(out, namedAgg{&AggCall{Fn: c.Name + "_value", Arg: x, Extra: []Expr{e}, Type: e.Type()}, name})
	}
	_ = fn
	for _, a := range c.Args[1:] {
		if a.Star {
			for i, f := range sc.schema {
				if col, ok := x.(*ColRef); ok && col.Index == i {
					continue
				}
				addCol(&ColRef{Index: i, Name: f.Name, T: f.Type}, f.Name)
			}
			continue
		}
		e, err := b.expr(a.Expr, sc)
		if err != nil {
			return nil, err
		}
		name := derivedName(a.Expr, e)
		if name == "" {
			name = fmt.Sprintf("%s%d", prefix, len(out))
		}
		addCol(e, name)
	}
	return out, nil
}

// percentiles(x, p1, p2, ...) gives one column per rank, named
// percentile_x_p. https://learn.microsoft.com/kusto/query/percentiles-aggregation-function
func (b *builder) percentiles(ne *syntax.NamedExpr, c *syntax.Call, sc *scope) ([]namedAgg, error) {
	if len(c.Args) < 2 {
		return nil, errAt(c.Pos, "percentiles() takes an expression and one or more percentiles")
	}
	var out []namedAgg
	for _, a := range c.Args[1:] {
		one := &syntax.Call{Pos: c.Pos, Name: "percentile", Args: []*syntax.Arg{c.Args[0], a}}
		e := &syntax.Expr{Pos: c.Pos, Left: &syntax.AndExpr{Left: &syntax.CmpExpr{Left: &syntax.AddExpr{Left: &syntax.MulExpr{
			Left: &syntax.Unary{Operand: &syntax.Postfix{Primary: &syntax.Primary{Pos: c.Pos, Call: one}}}}}}}}
		call, name, err := b.aggregate(e, sc)
		if err != nil {
			return nil, err
		}
		out = append(out, namedAgg{call, name}) // percentile_X_95, by aggregate's naming
	}
	return out, nil
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
		if len(a.Ops) > 0 || a.Union != nil {
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
		if col, ok := args[0].(*ColRef); ok {
			name = fn + "_" + col.Name
			// make_set(X) is set_X, make_list(X) list_X, take_any(X) X ...
			if n, ok := aggColumnName(fn, col.Name, args); ok {
				name = n
			}
		}
	}
	return call, name, nil
}

// render checks a render operator: a known chart kind and constant
// properties. https://learn.microsoft.com/kusto/query/render-operator
func (b *builder) render(in Node, op *syntax.RenderOp) (Node, error) {
	if !RenderKinds[op.Kind] {
		kinds := make([]string, 0, len(RenderKinds))
		for k := range RenderKinds {
			kinds = append(kinds, k)
		}
		msg := fmt.Sprintf("unknown chart kind '%s'", op.Kind)
		if s := Suggest(op.Kind, kinds); s != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", s)
		}
		return nil, errAt(op.Pos, "%s", msg)
	}
	r := &Render{Input: in, Kind: op.Kind, Properties: map[string]any{}}
	for _, p := range op.Properties {
		if p.Name == "" {
			return nil, errAt(p.Pos, "render properties are written name = value, e.g. title = \"Clicks per day\"")
		}
		// Property values are constants; names like xcolumn refer to
		// columns and are kept as their text.
		if name, _, ok := identOf(p.Expr); ok {
			r.Properties[p.Name] = name
			continue
		}
		e, err := b.expr(p.Expr, &scope{})
		if err != nil {
			return nil, err
		}
		c, ok := e.(*Const)
		if !ok {
			return nil, errAt(p.Pos, "render property %s needs a constant value", p.Name)
		}
		r.Properties[p.Name] = c.Val
	}
	return r, nil
}
