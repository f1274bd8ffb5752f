package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Binary aggregation signatures; aggregators in exec/agg_binary.go.
// https://learn.microsoft.com/kusto/query/aggregation-functions#binary-functions

// binaryAgg types binary_all_and/or/xor(x): an integer, a long result.
func binaryAgg(fn string) aggSig {
	return aggSig{minArgs: 1, maxArgs: 1, argsText: "one integer", resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
		x, err := intArg(c, args, 0)
		if err != nil {
			return nil, err
		}
		return &AggCall{Fn: fn, Arg: convertTo(x, column.Long), Type: column.Long}, nil
	}}
}

func init() {
	addAggs(map[string]aggSig{
		"binary_all_and": binaryAgg("binary_all_and").doc("binary_all_and(Expr)", "the bitwise AND of the group's values", "datatable(x:long) [0xF0F0, 0xFF00] | summarize tohex(binary_all_and(x))"),
		"binary_all_or":  binaryAgg("binary_all_or").doc("binary_all_or(Expr)", "the bitwise OR of the group's values", "datatable(x:long) [0xF000, 0x000F] | summarize tohex(binary_all_or(x))"),
		"binary_all_xor": binaryAgg("binary_all_xor").doc("binary_all_xor(Expr)", "the bitwise XOR of the group's values", "datatable(x:long) [0xFF, 0x0F] | summarize tohex(binary_all_xor(x))"),
	})
}
