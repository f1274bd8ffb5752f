package plan

import (
	"fmt"

	"clickhunt/query/syntax"
)

// Row selector aggregation signatures (take_any; arg_max and arg_min are
// planned by summarize, op_summarize.go); aggregators in exec/agg_rowselector.go.
// https://learn.microsoft.com/kusto/query/aggregation-functions#row-selector-functions

func init() {
	addAggs(map[string]aggSig{
		"arg_max": aggSig{minArgs: 2, maxArgs: 64, argsText: "the expression to compare and the columns to return (or *)", resolve: severalColumns,
			columns: (*builder).argMinMax}.doc("arg_max(ExprToMaximize, Column1, Column2, ... | *)", "the row where ExprToMaximize is largest: its value and the columns asked for", "range x from 1 to 5 step 1 | extend y = x * 10 | summarize arg_max(x, y)"),
		"arg_min": aggSig{minArgs: 2, maxArgs: 64, argsText: "the expression to compare and the columns to return (or *)", resolve: severalColumns,
			columns: (*builder).argMinMax}.doc("arg_min(ExprToMinimize, Column1, Column2, ... | *)", "the row where ExprToMinimize is smallest: its value and the columns asked for", "range x from 1 to 5 step 1 | extend y = x * 10 | summarize arg_min(x, *)"),
		"take_any": aggSig{minArgs: 1, maxArgs: 1, argsText: "one argument", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			return &AggCall{Fn: "take_any", Arg: args[0], Type: args[0].Type()}, nil
		}}.doc("take_any(Expr)", "an arbitrary non-null value of Expr in the group", "range x from 1 to 3 step 1 | summarize take_any(x)"),
		"any": aggSig{minArgs: 1, maxArgs: 1, argsText: "one argument", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			return &AggCall{Fn: "take_any", Arg: args[0], Type: args[0].Type()}, nil
		}}.page("take-any-aggregation-function").doc("any(Expr)", "the same as take_any() (deprecated)", "range x from 1 to 3 step 1 | summarize any(x)"),
		"take_anyif": aggSig{minArgs: 2, maxArgs: 2, argsText: "two arguments (expression, predicate)", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			p, err := predArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			return &AggCall{Fn: "take_anyif", Arg: args[0], Pred: p, Type: args[0].Type()}, nil
		}}.doc("take_anyif(Expr, Predicate)", "an arbitrary value of Expr among the rows where Predicate holds", "range x from 1 to 5 step 1 | summarize take_anyif(x, x > 3)"),
	})
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
