package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Statistical aggregation signatures (count, sum, dcount, stdev, percentile...);
// aggregators in exec/agg_statistical.go. The *if forms carry their predicate in
// AggCall.Pred; a percentile rank goes in Extra[0].
// https://learn.microsoft.com/kusto/query/aggregation-functions#statistical-functions

func predArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	if args[i].Type() != column.Bool {
		return nil, argErr(c, i, "a bool predicate", args[i].Type())
	}
	return args[i], nil
}

// numAgg types an aggregation of a number (or timespan), optionally with a
// predicate (the *if form).
func numAgg(fn string, withPred bool, ret func(column.Type) column.Type) aggSig {
	n := 1
	text := "one argument"
	if withPred {
		n, text = 2, "two arguments (expression, predicate)"
	}
	return aggSig{minArgs: n, maxArgs: n, argsText: text, predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
		t := args[0].Type()
		arg := args[0]
		switch {
		case t.IsNumeric() || t == column.Timespan:
		case t == column.Dynamic:
			arg, t = toReal(arg), column.Real
		default:
			return nil, argErr(c, 0, "a number or timespan", t)
		}
		a := &AggCall{Fn: fn, Arg: arg, Type: ret(t)}
		if withPred {
			p, err := predArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			a.Pred = p
		}
		return a, nil
	}}
}

func realType(column.Type) column.Type { return column.Real }

// anyAgg types an aggregation over a scalar of any orderable type with a
// predicate (minif, maxif, dcountif).
func predAgg(fn string, ret func(column.Type) column.Type, maxArgs int) aggSig {
	return aggSig{minArgs: 2, maxArgs: maxArgs, argsText: "two arguments (expression, predicate)", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
		p, err := predArg(c, args, 1)
		if err != nil {
			return nil, err
		}
		t := args[0].Type()
		if t == column.Dynamic {
			return nil, argErr(c, 0, "a scalar", t)
		}
		return &AggCall{Fn: fn, Arg: args[0], Pred: p, Type: ret(t)}, nil
	}}
}

func minMax(fn string) aggSig {
	return aggSig{minArgs: 1, maxArgs: 1, argsText: "one argument", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
		t := args[0].Type()
		if !orderable(t) {
			return nil, argErr(c, 0, "a number, string, datetime or timespan", t)
		}
		return &AggCall{Fn: fn, Arg: args[0], Type: t}, nil
	}}
}

func distinctAgg(fn string, withPred bool) func(c *syntax.Call, args []Expr) (*AggCall, error) {
	return func(c *syntax.Call, args []Expr) (*AggCall, error) {
		if args[0].Type() == column.Dynamic {
			return nil, argErr(c, 0, "a scalar", args[0].Type())
		}
		a := &AggCall{Fn: fn, Arg: args[0], Type: column.Long}
		if withPred {
			p, err := predArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			a.Pred = p
		}
		return a, nil
	}
}

func init() {
	numeric := func(fn string, ret func(column.Type) column.Type) aggSig {
		return aggSig{minArgs: 1, maxArgs: 1, argsText: "one argument", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			t := args[0].Type()
			if !(t.IsNumeric() || t == column.Timespan) {
				return nil, argErr(c, 0, "a number or timespan", t)
			}
			return &AggCall{Fn: fn, Arg: args[0], Type: ret(t)}, nil
		}}
	}
	same := func(t column.Type) column.Type { return t }
	long := func(column.Type) column.Type { return column.Long }
	addAggs(map[string]aggSig{
		"count": aggSig{minArgs: 0, maxArgs: 1, argsText: "no argument", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			// count(Expr) counts every row, nulls included, as Kusto
			// answers (its page documents only count()).
			return &AggCall{Fn: "count", Type: column.Long}, nil
		}}.doc("count()", "the number of rows of the group (column count_)", "range x from 1 to 10 step 1 | summarize count()"),
		"countif": aggSig{minArgs: 1, maxArgs: 1, argsText: "one bool predicate", predicateOnly: true, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if args[0].Type() != column.Bool {
				return nil, argErr(c, 0, "a bool predicate", args[0].Type())
			}
			return &AggCall{Fn: "countif", Pred: args[0], Type: column.Long}, nil
		}}.doc("countif(Predicate)", "the number of rows where Predicate is true (column countif_)", "range x from 1 to 10 step 1 | summarize countif(x % 2 == 0)"),
		"dcount": aggSig{minArgs: 1, maxArgs: 2, argsText: "one or two arguments (expression, accuracy)", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if args[0].Type() == column.Dynamic {
				return nil, argErr(c, 0, "a scalar", args[0].Type())
			}
			return &AggCall{Fn: "dcount", Arg: args[0], Type: column.Long}, nil
		}}.doc("dcount(Expr [, Accuracy])", "an estimate of the number of distinct values of Expr", "range x from 1 to 10 step 1 | summarize dcount(x % 3)"),
		"sum": numeric("sum", func(t column.Type) column.Type {
			if t == column.Int {
				return column.Long
			}
			return t
		}).doc("sum(Expr)", "the sum of Expr over the group", "range x from 1 to 10 step 1 | summarize sum(x)"),
		"avg": numeric("avg", func(t column.Type) column.Type {
			if t == column.Timespan {
				return column.Timespan
			}
			return column.Real
		}).doc("avg(Expr)", "the mean of Expr over the group", "range x from 1 to 10 step 1 | summarize avg(x)"),
		"min": minMax("min").doc("min(Expr)", "the smallest value of Expr over the group", "range x from 1 to 10 step 1 | summarize min(x)"),
		"max": minMax("max").doc("max(Expr)", "the largest value of Expr over the group", "range x from 1 to 10 step 1 | summarize max(x)"),
		// https://learn.microsoft.com/kusto/query/count-distinct-aggregation-function
		"count_distinct":   aggSig{minArgs: 1, maxArgs: 1, argsText: "one argument", predicateOnly: false, resolve: distinctAgg("dcount", false)}.doc("count_distinct(Expr)", "the exact number of distinct values of Expr", "range x from 1 to 10 step 1 | summarize count_distinct(x % 3)"),
		"count_distinctif": aggSig{minArgs: 2, maxArgs: 2, argsText: "two arguments (expression, predicate)", predicateOnly: false, resolve: distinctAgg("dcountif", true)}.doc("count_distinctif(Expr, Predicate)", "the exact number of distinct values of Expr among the rows where Predicate holds", "range x from 1 to 10 step 1 | summarize count_distinctif(x % 3, x > 8)"),
		"sumif": numAgg("sumif", true, func(t column.Type) column.Type {
			if t == column.Int {
				return column.Long
			}
			return t
		}).doc("sumif(Expr, Predicate)", "the sum of Expr over the rows where Predicate holds", "range x from 1 to 10 step 1 | summarize sumif(x, x % 2 == 0)"),
		"avgif": numAgg("avgif", true, func(t column.Type) column.Type {
			if t == column.Timespan {
				return column.Timespan
			}
			return column.Real
		}).doc("avgif(Expr, Predicate)", "the mean of Expr over the rows where Predicate holds", "range x from 1 to 10 step 1 | summarize avgif(x, x > 5)"),
		"minif":      predAgg("minif", same, 2).doc("minif(Expr, Predicate)", "the smallest value of Expr among the rows where Predicate holds", "range x from 1 to 10 step 1 | summarize minif(x, x > 3)"),
		"maxif":      predAgg("maxif", same, 2).doc("maxif(Expr, Predicate)", "the largest value of Expr among the rows where Predicate holds", "range x from 1 to 10 step 1 | summarize maxif(x, x < 7)"),
		"dcountif":   predAgg("dcountif", long, 3).doc("dcountif(Expr, Predicate [, Accuracy])", "an estimate of the distinct values of Expr among the rows where Predicate holds", "range x from 1 to 10 step 1 | summarize dcountif(x % 3, x > 4)"),
		"stdev":      numAgg("stdev", false, realType).doc("stdev(Expr)", "the sample standard deviation of Expr", "range x from 1 to 5 step 1 | summarize stdev(x)"),
		"stdevp":     numAgg("stdevp", false, realType).doc("stdevp(Expr)", "the population standard deviation of Expr", "range x from 1 to 5 step 1 | summarize stdevp(x)"),
		"stdevif":    numAgg("stdevif", true, realType).doc("stdevif(Expr, Predicate)", "the sample standard deviation of Expr over the rows where Predicate holds", "range x from 1 to 10 step 1 | summarize stdevif(x, x % 2 == 0)"),
		"variance":   numAgg("variance", false, realType).doc("variance(Expr)", "the sample variance of Expr", "range x from 1 to 5 step 1 | summarize variance(x)"),
		"variancep":  numAgg("variancep", false, realType).page("variancep-aggregation-function").doc("variancep(Expr)", "the population variance of Expr", "range x from 1 to 5 step 1 | summarize variancep(x)"),
		"varianceif": numAgg("varianceif", true, realType).page("varianceif-aggregation-function").doc("varianceif(Expr, Predicate)", "the sample variance of Expr over the rows where Predicate holds", "range x from 1 to 10 step 1 | summarize varianceif(x, x % 2 == 0)"),
		// https://learn.microsoft.com/kusto/query/percentiles-aggregation-function
		"percentile": aggSig{minArgs: 2, maxArgs: 2, argsText: "two arguments (expression, percentile)", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			t := args[0].Type()
			if !(t.IsNumeric() || t == column.Datetime || t == column.Timespan) {
				return nil, argErr(c, 0, "a number, datetime or timespan", t)
			}
			k, ok := args[1].(*Const)
			if !ok || !k.T.IsNumeric() || k.Val == nil {
				return nil, errAt(argPos(c, 1), "percentile() argument 2 must be a constant number between 0 and 100")
			}
			p := toReal(k).(*Const)
			if f := p.Val.(float64); f < 0 || f > 100 {
				return nil, errAt(argPos(c, 1), "percentile() argument 2 must be a constant number between 0 and 100")
			}
			return &AggCall{Fn: "percentile", Arg: args[0], Extra: []Expr{p}, Type: t}, nil
		}}.page("percentiles-aggregation-function").doc("percentile(Expr, Percentile)", "the value of Expr at a percentile (nearest rank) of the group", "range x from 1 to 100 step 1 | summarize percentile(x, 95)"),
	})
}
