package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Type function signatures; kernels in exec/fn_type.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#type-functions

func init() {
	addFuncs(map[string]funcSig{
		// https://learn.microsoft.com/kusto/query/gettype-function
		"gettype": fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			if args[0].Type() == column.Dynamic {
				return &Call{Fn: "gettype", Args: args, T: column.String}, nil
			}
			// A typed expression's runtime type is its static type.
			return &Const{T: column.String, Val: args[0].Type().String()}, nil
		}).doc("gettype(Expr)", "the runtime type of a value as a string (long, real, string, array, dictionary...)", `print gettype(1), gettype(dynamic([1])), gettype("a")`),
	})
}
