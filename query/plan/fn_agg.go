package plan

import (
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Aggregation signatures beyond count/dcount/sum/avg/min/max; aggregators in
// exec/agg_*.go. The *if forms carry their predicate in AggCall.Pred; a size
// limit or percentile rank goes in Extra[0].
// https://learn.microsoft.com/kusto/query/aggregation-functions

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

// collectAgg types make_set/make_list (and their *if forms): expression,
// [predicate,] [max size].
func collectAgg(fn string, withPred bool) aggSig {
	minArgs := 1
	text := "one or two arguments (expression, max size)"
	if withPred {
		minArgs = 2
		text = "two or three arguments (expression, predicate, max size)"
	}
	return aggSig{minArgs: minArgs, maxArgs: minArgs + 1, argsText: text, predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
		a := &AggCall{Fn: fn, Arg: args[0], Type: column.Dynamic}
		if withPred {
			p, err := predArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			a.Pred = p
		}
		if len(args) > minArgs {
			n, err := constInt(c, args, minArgs)
			if err != nil {
				return nil, err
			}
			a.Extra = []Expr{&Const{T: column.Long, Val: n}}
		}
		return a, nil
	}}
}

func init() {
	same := func(t column.Type) column.Type { return t }
	long := func(column.Type) column.Type { return column.Long }
	addAggs(map[string]aggSig{
		"sumif": numAgg("sumif", true, func(t column.Type) column.Type {
			if t == column.Int {
				return column.Long
			}
			return t
		}),
		"avgif": numAgg("avgif", true, func(t column.Type) column.Type {
			if t == column.Timespan {
				return column.Timespan
			}
			return column.Real
		}),
		"minif":                predAgg("minif", same, 2),
		"maxif":                predAgg("maxif", same, 2),
		"dcountif":             predAgg("dcountif", long, 3),
		"stdev":                numAgg("stdev", false, realType),
		"stdevp":               numAgg("stdevp", false, realType),
		"stdevif":              numAgg("stdevif", true, realType),
		"variance":             numAgg("variance", false, realType),
		"variancep":            numAgg("variancep", false, realType),
		"varianceif":           numAgg("varianceif", true, realType),
		"make_set":             collectAgg("make_set", false),
		"makeset":              collectAgg("make_set", false),
		"make_set_if":          collectAgg("make_set_if", true),
		"make_list":            collectAgg("make_list", false),
		"makelist":             collectAgg("make_list", false),
		"make_list_if":         collectAgg("make_list_if", true),
		"make_list_with_nulls": collectAgg("make_list_with_nulls", false),
		"make_bag":             collectAgg("make_bag", false),
		"make_bag_if":          collectAgg("make_bag_if", true),
		"take_any": {minArgs: 1, maxArgs: 1, argsText: "one argument", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			return &AggCall{Fn: "take_any", Arg: args[0], Type: args[0].Type()}, nil
		}},
		"any": {minArgs: 1, maxArgs: 1, argsText: "one argument", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			return &AggCall{Fn: "take_any", Arg: args[0], Type: args[0].Type()}, nil
		}},
		"take_anyif": {minArgs: 2, maxArgs: 2, argsText: "two arguments (expression, predicate)", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			p, err := predArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			return &AggCall{Fn: "take_anyif", Arg: args[0], Pred: p, Type: args[0].Type()}, nil
		}},
		// https://learn.microsoft.com/kusto/query/percentiles-aggregation-function
		"percentile": {minArgs: 2, maxArgs: 2, argsText: "two arguments (expression, percentile)", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
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
		}},
	})
}

// aggColumnName is the column Kusto names an unnamed aggregation, when it
// differs from the generic fn_Column: make_set(X) is set_X, make_list(X)
// list_X, make_bag(X) bag_X, take_any(X) X itself (the deprecated any(X)
// any_X), percentile(X, 95) percentile_X_95. ok is false for the generic
// rule.
// https://learn.microsoft.com/kusto/query/make-set-aggregation-function
// https://learn.microsoft.com/kusto/query/take-any-aggregation-function
func aggColumnName(fn, col string, args []Expr) (name string, ok bool) {
	if col == "" {
		return "", false
	}
	switch fn {
	case "make_set", "make_set_if", "makeset":
		return "set_" + col, true
	case "make_list", "make_list_if", "makelist", "make_list_with_nulls":
		return "list_" + col, true
	case "make_bag", "make_bag_if":
		return "bag_" + col, true
	case "take_any", "take_anyif":
		return col, true
	case "percentile":
		if len(args) == 2 {
			if k, ok := args[1].(*Const); ok && k.Val != nil {
				return "percentile_" + col + "_" + strings.ReplaceAll(k.String(), ".", "_"), true
			}
		}
	}
	return "", false
}
