package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Conditional, null-handling and type function signatures; kernels in
// exec/fn_misc.go.

func init() {
	addFuncs(map[string]funcSig{
		// https://learn.microsoft.com/kusto/query/case-function
		"case": fsig(3, 64, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			if len(args)%2 == 0 {
				return nil, errAt(c.Pos, "case() takes predicate, value pairs and a final else value (an odd number of arguments), got %d", len(args))
			}
			var vals []Expr
			for i := 0; i < len(args)-1; i += 2 {
				if args[i].Type() != column.Bool {
					return nil, argErr(c, i, "a bool predicate", args[i].Type())
				}
				vals = append(vals, args[i+1])
			}
			vals = append(vals, args[len(args)-1])
			vals, t, err := unifyAll(c, vals)
			if err != nil {
				return nil, err
			}
			out := make([]Expr, len(args))
			for i := 0; i < len(args)-1; i += 2 {
				out[i], out[i+1] = args[i], vals[i/2]
			}
			out[len(args)-1] = vals[len(vals)-1]
			return &Call{Fn: "case", Args: out, T: t}, nil
		}),
		// https://learn.microsoft.com/kusto/query/coalesce-function
		"coalesce": fsig(1, 64, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			vals, t, err := unifyAll(c, args)
			if err != nil {
				return nil, err
			}
			return &Call{Fn: "coalesce", Args: vals, T: t}, nil
		}),
		"max_of": extremeSig("max_of"),
		"min_of": extremeSig("min_of"),
		// https://learn.microsoft.com/kusto/query/gettype-function
		"gettype": fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			if args[0].Type() == column.Dynamic {
				return &Call{Fn: "gettype", Args: args, T: column.String}, nil
			}
			// A typed expression's runtime type is its static type.
			return &Const{T: column.String, Val: args[0].Type().String()}, nil
		}),
		"todynamic":  parseJSONSig(),
		"parse_json": parseJSONSig(),
		"parsejson":  parseJSONSig(),
		// https://learn.microsoft.com/kusto/query/isnan-function
		"isnan":    fsig(1, 1, realPred("isnan")),
		"isinf":    fsig(1, 1, realPred("isinf")),
		"isfinite": fsig(1, 1, realPred("isfinite")),
	})
}

func realPred(fn string) resolveFunc {
	return func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		x, err := realArg(c, args, 0)
		if err != nil {
			return nil, err
		}
		return &Call{Fn: fn, Args: []Expr{x}, T: column.Bool}, nil
	}
}

// extremeSig types max_of()/min_of(): two or more values of one orderable
// type. https://learn.microsoft.com/kusto/query/max-of-function
func extremeSig(fn string) funcSig {
	return fsig(2, 64, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		vals, t, err := unifyAll(c, args)
		if err != nil {
			return nil, err
		}
		if !orderable(t) {
			return nil, errAt(c.Pos, "%s() needs numbers, strings, datetimes or timespans, got %s", c.Name, t)
		}
		return &Call{Fn: fn, Args: vals, T: t}, nil
	})
}

// parseJSONSig: a string is parsed as JSON; any other value becomes the
// dynamic value holding it. https://learn.microsoft.com/kusto/query/parse-json-function
func parseJSONSig() funcSig {
	return fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		switch args[0].Type() {
		case column.String:
			return &Call{Fn: "parse_json", Args: args, T: column.Dynamic}, nil
		case column.Dynamic:
			return args[0], nil
		}
		return dynArg(c, args, 0)
	})
}
