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
	sc := b.scopeOf(in)
	var exprs []Expr
	var schema column.Schema
	if extend {
		for i, f := range in.Out() {
			exprs = append(exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
			schema = append(schema, f)
		}
	}
	auto := 0
	seen := map[string]syntax.Position{}
	for _, ne := range cols {
		e, err := b.expr(ne.Expr, sc)
		if err != nil {
			return nil, err
		}
		name := ne.Name
		if name == "" {
			name = derivedName(ne.Expr, e)
			if name == "" {
				auto++
				name = fmt.Sprintf("Column%d", auto)
			}
		}
		if !extend {
			if p, dup := seen[name]; dup {
				return nil, errAt(ne.Pos, "column '%s' is projected twice (first at %d:%d)", name, p.Line, p.Column)
			}
			seen[name] = ne.Pos
		}
		f := column.Field{Name: name, Type: e.Type()}
		if i := schema.Index(name); i >= 0 {
			exprs[i], schema[i] = e, f // extend replaces a column in place
			continue
		}
		exprs = append(exprs, e)
		schema = append(schema, f)
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
	case "bin", "floor", "bin_at", "tostring", "tolong", "toint", "todouble", "toreal", "todatetime", "totimespan", "tobool":
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
		name := ne.Name
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
		call, name, err := b.aggregate(ne.Expr, sc)
		if err != nil {
			return nil, err
		}
		if ne.Name != "" {
			name = ne.Name
		}
		if err := addName(ne.Pos, name); err != nil {
			return nil, err
		}
		agg.Aggs = append(agg.Aggs, call)
		aggFields = append(aggFields, column.Field{Name: name, Type: call.Type})
	}
	agg.Schema = append(keyFields, aggFields...)
	return agg, nil
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
		} else if s := suggest(fn, aggregateNames()); s != "" {
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
		if s := suggest(op.Kind, kinds); s != "" {
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
