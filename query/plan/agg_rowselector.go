package plan

import (
	"clickhunt/query/syntax"
)

// Row selector aggregation signatures (take_any; arg_max and arg_min are
// planned by summarize, op_summarize.go); aggregators in exec/agg_rowselector.go.
// https://learn.microsoft.com/kusto/query/aggregation-functions#row-selector-functions

func init() {
	addAggs(map[string]aggSig{
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
