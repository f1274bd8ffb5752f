package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Less common functions hunting queries use; kernels in exec/fn_extra.go.

func init() {
	typeofFuncs["extract_json"] = true
	typeofFuncs["extractjson"] = true
	addFuncs(map[string]funcSig{
		// https://learn.microsoft.com/kusto/query/hash-sha256-function
		"hash_sha256": strFunc(1, 1, "hash_sha256", column.String, textArg),
		"hash_sha1":   strFunc(1, 1, "hash_sha1", column.String, textArg),
		"hash_md5":    strFunc(1, 1, "hash_md5", column.String, textArg),
		// https://learn.microsoft.com/kusto/query/strcmp-function
		"strcmp": strFunc(2, 2, "strcmp", column.Long, strArg),
		// https://learn.microsoft.com/kusto/query/indexof-regex-function
		"indexof_regex": strFunc(2, 5, "indexof_regex", column.Long, textArg, regexArg, intArg),
		// https://learn.microsoft.com/kusto/query/dynamic-to-json-function
		"dynamic_to_json": strFunc(1, 1, "dynamic_to_json", column.String, dynArg),
		"todecimal":       simple(column.Real, "toreal", isAny),
		// https://learn.microsoft.com/kusto/query/extract-json-function
		"extract_json": extractJSONSig(),
		"extractjson":  extractJSONSig(),
	})
	addAggs(map[string]aggSig{
		// https://learn.microsoft.com/kusto/query/count-distinct-aggregation-function
		"count_distinct":   {minArgs: 1, maxArgs: 1, argsText: "one argument", predicateOnly: false, resolve: distinctAgg("dcount", false)},
		"count_distinctif": {minArgs: 2, maxArgs: 2, argsText: "two arguments (expression, predicate)", predicateOnly: false, resolve: distinctAgg("dcountif", true)},
	})
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

// extractJSONSig: extract_json(jsonPath, dataSource [, typeof(T)]); the
// result is a string unless a type is given.
func extractJSONSig() funcSig {
	return fsig(2, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		path, err := strArg(c, args, 0)
		if err != nil {
			return nil, err
		}
		src, err := textArg(c, args, 1)
		if err != nil {
			return nil, err
		}
		var call Expr = &Call{Fn: "extract_json", Args: []Expr{path, src}, T: column.Dynamic}
		t := column.String
		if len(args) == 3 {
			tl, ok := args[2].(*typeLit)
			if !ok {
				return nil, errAt(argPos(c, 2), "%s() argument 3 must be typeof(T), such as typeof(long)", c.Name)
			}
			t = tl.T
		}
		return convertTo(call, t), nil
	})
}
