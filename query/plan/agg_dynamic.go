package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Dynamic aggregation signatures (make_set, make_list, make_bag...);
// aggregators in exec/agg_dynamic.go. A size limit goes in Extra[0].
// https://learn.microsoft.com/kusto/query/aggregation-functions#dynamic-functions

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
	addAggs(map[string]aggSig{
		// https://learn.microsoft.com/kusto/query/buildschema-aggregation-function
		"buildschema": aggSig{minArgs: 1, maxArgs: 1, argsText: "one dynamic value", resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			return &AggCall{Fn: "buildschema", Arg: asDynamic(args[0]), Type: column.Dynamic}, nil
		}}.doc("buildschema(DynamicExpr)", "the minimal schema admitting every value of the group: keys, element types (`indexer`) and type names", "print v = dynamic({\"x\": 1, \"z\": [1, \"a\"]}) | summarize buildschema(v)"),
		"make_set":             collectAgg("make_set", false).doc("make_set(Expr [, MaxSize])", "the distinct values of Expr in the group, as an array", "range x from 1 to 10 step 1 | summarize make_set(x % 3)"),
		"makeset":              collectAgg("make_set", false).page("make-set-aggregation-function").doc("makeset(Expr [, MaxSize])", "the same as make_set() (deprecated)", "range x from 1 to 10 step 1 | summarize makeset(x % 3)"),
		"make_set_if":          collectAgg("make_set_if", true).doc("make_set_if(Expr, Predicate [, MaxSize])", "the distinct values of Expr among the rows where Predicate holds, as an array", "range x from 1 to 10 step 1 | summarize make_set_if(x % 3, x > 5)"),
		"make_list":            collectAgg("make_list", false).doc("make_list(Expr [, MaxSize])", "the values of Expr in the group, as an array", "range x from 1 to 5 step 1 | summarize make_list(x)"),
		"makelist":             collectAgg("make_list", false).page("make-list-aggregation-function").doc("makelist(Expr [, MaxSize])", "the same as make_list() (deprecated)", "range x from 1 to 5 step 1 | summarize makelist(x)"),
		"make_list_if":         collectAgg("make_list_if", true).doc("make_list_if(Expr, Predicate [, MaxSize])", "the values of Expr among the rows where Predicate holds, as an array", "range x from 1 to 5 step 1 | summarize make_list_if(x, x > 2)"),
		"make_list_with_nulls": collectAgg("make_list_with_nulls", false).doc("make_list_with_nulls(Expr [, MaxSize])", "the values of Expr in the group, nulls included, as an array", "datatable(x:long) [1, long(null), 3] | summarize make_list_with_nulls(x)"),
		"make_bag":             collectAgg("make_bag", false).doc("make_bag(Bag [, MaxSize])", "the properties of the group's property bags merged into one bag", `print b = dynamic({"a": 1}) | union (print b = dynamic({"c": 2})) | summarize make_bag(b)`),
		"make_bag_if":          collectAgg("make_bag_if", true).doc("make_bag_if(Bag, Predicate [, MaxSize])", "the properties of the bags of the rows where Predicate holds, merged into one bag", "range x from 1 to 3 step 1 | summarize make_bag_if(bag_pack(tostring(x), x), x > 1)"),
	})
}
