package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Digests: the hll() and tdigest() aggregations (and their merges) and the
// scalar aggregation functions that read them; all in exec/fn_digest.go,
// which describes the digests.
// https://learn.microsoft.com/kusto/query/scalar-functions#scalar-aggregation-functions

// digestArg accepts a digest: a dynamic value.
func digestArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	if args[i].Type() != column.Dynamic {
		return nil, argErr(c, i, "a digest (the dynamic value hll() or tdigest() gives)", args[i].Type())
	}
	return args[i], nil
}

// hllAggSig types hll(x [, accuracy]) and hll_if(x, predicate [, accuracy]).
func hllAggSig(fn string, withPred bool) aggSig {
	n := 1
	if withPred {
		n = 2
	}
	return aggSig{minArgs: n, maxArgs: n + 1, argsText: "an expression and an optional accuracy (0 to 4)", resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
		if args[0].Type() == column.Dynamic {
			return nil, argErr(c, 0, "a scalar", args[0].Type())
		}
		a := &AggCall{Fn: fn, Arg: args[0], Type: column.Dynamic}
		if withPred {
			p, err := predArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			a.Pred = p
		}
		acc := int64(1)
		if len(args) > n {
			v, err := constInt(c, args, n)
			if err != nil {
				return nil, err
			}
			if v < 0 || v > 4 {
				return nil, errAt(argPos(c, n), "%s(): the accuracy must be 0 to 4", c.Name)
			}
			acc = v
		}
		a.Extra = []Expr{&Const{T: column.Long, Val: acc}}
		return a, nil
	}}
}

// tdigestRank reads a constant percentile argument as a real.
func tdigestRank(c *syntax.Call, args []Expr, i int) (Expr, error) {
	return realArg(c, args, i)
}

func init() {
	typeofFuncs["percentile_tdigest"] = true
	addAggs(map[string]aggSig{
		"hll":    hllAggSig("hll", false).doc("hll(Expr [, Accuracy])", "a HyperLogLog digest of the distinct values of Expr (for dcount_hll, hll_merge)", "range x from 1 to 100 step 1 | summarize h = hll(x) | project dcount_hll(h)"),
		"hll_if": hllAggSig("hll_if", true).doc("hll_if(Expr, Predicate [, Accuracy])", "hll() over the rows where Predicate holds", "range x from 1 to 100 step 1 | summarize h = hll_if(x, x > 50) | project dcount_hll(h)"),
		"hll_merge": aggSig{minArgs: 1, maxArgs: 1, argsText: "one hll digest", resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			d, err := digestArg(c, args, 0)
			if err != nil {
				return nil, err
			}
			return &AggCall{Fn: "hll_merge", Arg: d, Type: column.Dynamic}, nil
		}}.page("hll-merge-aggregation-function").doc("hll_merge(HllDigest)", "the hll digests of the group merged into one", "range x from 1 to 10 step 1 | summarize h = hll(x) by x % 2 | summarize m = hll_merge(h) | project dcount_hll(m)"),
		"tdigest": aggSig{minArgs: 1, maxArgs: 2, argsText: "an expression and an optional integer weight", resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if err := percentileArg(c, args); err != nil {
				return nil, err
			}
			a := &AggCall{Fn: "tdigest", Arg: args[0], Type: column.Dynamic}
			if len(args) == 2 {
				w, err := weightArg(c, args, 1)
				if err != nil {
					return nil, err
				}
				a.Extra = []Expr{w}
			}
			return a, nil
		}}.doc("tdigest(Expr [, Weight])", "a t-digest of the values of Expr, for percentile_tdigest, rank_tdigest, merge_tdigest", "range x from 1 to 100 step 1 | summarize t = tdigest(x) | project percentile_tdigest(t, 90)"),
		"tdigest_merge": aggSig{minArgs: 1, maxArgs: 1, argsText: "one t-digest", resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			d, err := digestArg(c, args, 0)
			if err != nil {
				return nil, err
			}
			return &AggCall{Fn: "tdigest_merge", Arg: d, Type: column.Dynamic}, nil
		}}.doc("tdigest_merge(TDigest)", "the t-digests of the group merged into one", "range x from 1 to 10 step 1 | summarize t = tdigest(x) by x % 2 | summarize m = tdigest_merge(t) | project percentile_tdigest(m, 50)"),
	})
	named := func(s funcSig) funcSig { s.argNamed = true; return s }
	addFuncs(map[string]funcSig{
		"dcount_hll":    named(strFunc(1, 1, "dcount_hll", column.Long, digestArg).doc("dcount_hll(HllDigest)", "the distinct count an hll digest estimates", "range x from 1 to 100 step 1 | summarize h = hll(x) | project dcount_hll(h)")),
		"hll_merge":     strFunc(1, 64, "hll_merge", column.Dynamic, digestArg).doc("hll_merge(HllDigest1, HllDigest2, ...)", "hll digests merged into one", "range x from 1 to 10 step 1 | summarize a = hll_if(x, x < 6), b = hll_if(x, x > 3) | project dcount_hll(hll_merge(a, b))"),
		"merge_tdigest": strFunc(1, 64, "merge_tdigest", column.Dynamic, digestArg).doc("merge_tdigest(TDigest1, TDigest2, ...)", "t-digests merged into one", "range x from 1 to 10 step 1 | summarize a = tdigest(x), b = tdigest(x + 10) | project percentile_tdigest(merge_tdigest(a, b), 100)"),
		// percentile_tdigest(digest, p [, typeof(T)]): dynamic unless T is given.
		"percentile_tdigest": named(fsig(2, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			d, err := digestArg(c, args, 0)
			if err != nil {
				return nil, err
			}
			p, err := tdigestRank(c, args, 1)
			if err != nil {
				return nil, err
			}
			var call Expr = &Call{Fn: "percentile_tdigest", Args: []Expr{d, p}, T: column.Dynamic}
			if len(args) == 3 {
				tl, ok := args[2].(*typeLit)
				if !ok {
					return nil, errAt(argPos(c, 2), "percentile_tdigest() argument 3 must be typeof(T), such as typeof(long)")
				}
				call = convertTo(call, tl.T)
			}
			return call, nil
		}).doc("percentile_tdigest(TDigest, Percentile [, typeof(T)])", "the value at a percentile of a t-digest (dynamic, or T)", "range x from 1 to 100 step 1 | summarize t = tdigest(x) | project percentile_tdigest(t, 95, typeof(long))")),
		"percentile_array_tdigest": named(strFunc(2, 64, "percentile_array_tdigest", column.Dynamic, digestArg, dynArg).doc("percentile_array_tdigest(TDigest, Percentile1, ... | dynamic([Percentile, ...]))", "the values at several percentiles of a t-digest, as an array", "range x from 1 to 100 step 1 | summarize t = tdigest(x) | project percentile_array_tdigest(t, 50, 95)")),
		"rank_tdigest":             named(strFunc(2, 2, "rank_tdigest", column.Real, digestArg, realArg).doc("rank_tdigest(TDigest, Value)", "how many values of a t-digest are at most Value", "range x from 1 to 1000 step 1 | summarize t = tdigest(x) | project rank_tdigest(t, 685)")),
		"percentrank_tdigest":      named(strFunc(2, 2, "percentrank_tdigest", column.Real, digestArg, realArg).doc("percentrank_tdigest(TDigest, Value)", "the percentage of the values of a t-digest at most Value", "range x from 1 to 1000 step 1 | summarize t = tdigest(x) | project percentrank_tdigest(t, 685)")),
	})
}
