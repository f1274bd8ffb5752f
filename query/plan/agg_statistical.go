package plan

import (
	"strings"

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
		"percentiles": aggSig{minArgs: 2, maxArgs: 64, argsText: "an expression and one or more percentiles", resolve: severalColumns,
			columns: (*builder).percentiles}.page("percentiles-aggregation-function").doc("percentiles(Expr, Percentile1, Percentile2, ...)", "one column per percentile of Expr (nearest rank), named percentile_Expr_P", "range x from 1 to 100 step 1 | summarize percentiles(x, 50, 95)"),
		"percentilesw": aggSig{minArgs: 3, maxArgs: 64, argsText: "an expression, a weight and one or more percentiles", resolve: severalColumns,
			columns: (*builder).percentilesWeighted}.page("percentiles-aggregation-function").doc("percentilesw(Expr, Weight, Percentile1, Percentile2, ...)", "one column per weighted percentile of Expr, each row counting Weight times", "datatable(Latency:long, Count:long) [10, 8, 20, 6, 30, 3] | summarize percentilesw(Latency, Count, 50, 90)"),
		"percentiles_array": aggSig{minArgs: 2, maxArgs: 64, argsText: "an expression and percentiles (or one array of them)", resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if err := percentileArg(c, args); err != nil {
				return nil, err
			}
			ranks, err := percentileRanks(c, args, 1)
			if err != nil {
				return nil, err
			}
			return &AggCall{Fn: "percentiles_array", Arg: args[0], Extra: ranks, Type: column.Dynamic}, nil
		}}.page("percentiles-aggregation-function").doc("percentiles_array(Expr, Percentile1, ... | dynamic([Percentile, ...]))", "the percentiles of Expr as one array", "range x from 1 to 100 step 1 | summarize percentiles_array(x, 50, 95)"),
		"percentilesw_array": aggSig{minArgs: 3, maxArgs: 64, argsText: "an expression, a weight and percentiles (or one array of them)", resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if err := percentileArg(c, args); err != nil {
				return nil, err
			}
			w, err := weightArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			ranks, err := percentileRanks(c, args, 2)
			if err != nil {
				return nil, err
			}
			return &AggCall{Fn: "percentilesw_array", Arg: args[0], Extra: append([]Expr{w}, ranks...), Type: column.Dynamic}, nil
		}}.page("percentiles-aggregation-function").doc("percentilesw_array(Expr, Weight, Percentile1, ... | dynamic([Percentile, ...]))", "the weighted percentiles of Expr as one array", "datatable(Latency:long, Count:long) [10, 8, 20, 6, 30, 3] | summarize percentilesw_array(Latency, Count, dynamic([50, 90]))"),
		"covariance":    covarianceSig("covariance", false).doc("covariance(Expr1, Expr2)", "the sample covariance of two numbers over the group", "range x from 1 to 5 step 1 | summarize covariance(x, x * x)"),
		"covariancep":   covarianceSig("covariancep", false).doc("covariancep(Expr1, Expr2)", "the population covariance of two numbers over the group", "range x from 1 to 5 step 1 | summarize covariancep(x, x * x)"),
		"covarianceif":  covarianceSig("covarianceif", true).doc("covarianceif(Expr1, Expr2, Predicate)", "the sample covariance of two numbers over the rows where Predicate holds", "range x from 1 to 9 step 1 | summarize covarianceif(x, x * x, x % 2 == 0)"),
		"covariancepif": covarianceSig("covariancepif", true).doc("covariancepif(Expr1, Expr2, Predicate)", "the population covariance of two numbers over the rows where Predicate holds", "range x from 1 to 9 step 1 | summarize covariancepif(x, x * x, x % 2 == 0)"),
		"variancepif":   numAgg("variancepif", true, realType).doc("variancepif(Expr, Predicate)", "the population variance of Expr over the rows where Predicate holds", "range x from 1 to 100 step 1 | summarize variancepif(x, x % 2 == 0)"),
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

// percentilesWeighted plans percentilesw(x, weight, p1, p2, ...): one column
// per rank, named percentile_x_p as percentiles() names them; each is a
// percentilew aggregation (Extra: the weight, the rank).
// https://learn.microsoft.com/kusto/query/percentiles-aggregation-function
func (b *builder) percentilesWeighted(ne *syntax.NamedExpr, c *syntax.Call, sc *scope) ([]namedAgg, error) {
	if len(c.Args) < 3 {
		return nil, errAt(c.Pos, "percentilesw() takes an expression, a weight and one or more percentiles")
	}
	args := make([]Expr, len(c.Args))
	for i, a := range c.Args {
		if a.Star {
			return nil, errAt(a.Pos, "percentilesw() does not take *")
		}
		e, err := b.expr(a.Expr, sc)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	if err := percentileArg(c, args); err != nil {
		return nil, err
	}
	w, err := weightArg(c, args, 1)
	if err != nil {
		return nil, err
	}
	col := "expr"
	if x, ok := args[0].(*ColRef); ok {
		col = x.Name
	}
	var out []namedAgg
	for i := 2; i < len(args); i++ {
		p, err := percentileRank(c, args, i)
		if err != nil {
			return nil, err
		}
		name := "percentile_" + col + "_" + strings.ReplaceAll(args[i].(*Const).String(), ".", "_")
		out = append(out, namedAgg{&AggCall{Fn: "percentilew", Arg: args[0], Extra: []Expr{w, p}, Type: args[0].Type()}, name})
	}
	return out, nil
}

// percentileRank checks a constant percentile between 0 and 100 and
// returns it as a real constant.
func percentileRank(c *syntax.Call, args []Expr, i int) (*Const, error) {
	k, ok := args[i].(*Const)
	if !ok || !k.T.IsNumeric() || k.Val == nil {
		return nil, errAt(argPos(c, i), "%s() argument %d must be a constant number between 0 and 100", c.Name, i+1)
	}
	p := toReal(k).(*Const)
	if f := p.Val.(float64); f < 0 || f > 100 {
		return nil, errAt(argPos(c, i), "%s() argument %d must be a constant number between 0 and 100", c.Name, i+1)
	}
	return p, nil
}

// percentileRanks reads the ranks of percentiles_array and
// percentilesw_array: constant numbers, or one constant dynamic array.
func percentileRanks(c *syntax.Call, args []Expr, from int) ([]Expr, error) {
	if len(args) == from+1 {
		if k, ok := args[from].(*Const); ok && k.T == column.Dynamic {
			arr, ok := k.Val.([]any)
			if !ok || len(arr) == 0 {
				return nil, errAt(argPos(c, from), "%s() takes its percentiles as numbers or one array of numbers", c.Name)
			}
			var out []Expr
			for _, x := range arr {
				var f float64
				switch v := x.(type) {
				case int64:
					f = float64(v)
				case float64:
					f = v
				default:
					return nil, errAt(argPos(c, from), "%s() takes its percentiles as numbers or one array of numbers", c.Name)
				}
				if f < 0 || f > 100 {
					return nil, errAt(argPos(c, from), "%s(): a percentile must be between 0 and 100", c.Name)
				}
				out = append(out, &Const{T: column.Real, Val: f})
			}
			return out, nil
		}
	}
	var out []Expr
	for i := from; i < len(args); i++ {
		p, err := percentileRank(c, args, i)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// percentileArg checks the expression of a percentile aggregation.
func percentileArg(c *syntax.Call, args []Expr) error {
	t := args[0].Type()
	if !(t.IsNumeric() || t == column.Datetime || t == column.Timespan) {
		return argErr(c, 0, "a number, datetime or timespan", t)
	}
	return nil
}

// weightArg checks a weight argument: an integer.
func weightArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	t := args[i].Type()
	if t != column.Long && t != column.Int {
		return nil, argErr(c, i, "an integer weight", t)
	}
	return convertTo(args[i], column.Long), nil
}

// covarianceSig types covariance(x, y) and its p and if forms: two numbers
// (and a predicate); the column is named fn_x_y.
func covarianceSig(fn string, withPred bool) aggSig {
	n, text := 2, "two numbers"
	if withPred {
		n, text = 3, "two numbers and a predicate"
	}
	return aggSig{minArgs: n, maxArgs: n, argsText: text, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
		x, err := realArg(c, args, 0)
		if err != nil {
			return nil, err
		}
		y, err := realArg(c, args, 1)
		if err != nil {
			return nil, err
		}
		a := &AggCall{Fn: fn, Arg: x, Extra: []Expr{y}, Type: column.Real}
		if withPred {
			if a.Pred, err = predArg(c, args, 2); err != nil {
				return nil, err
			}
		}
		return a, nil
	}}
}
