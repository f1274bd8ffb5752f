package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Math function signatures; kernels in exec/fn_math.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#math-functions

// realFunc types a function of real arguments returning real.
func realFunc(n int, fn string) funcSig {
	return fsig(n, n, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		out := make([]Expr, n)
		for i := range args {
			x, err := realArg(c, args, i)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return &Call{Fn: fn, Args: out, T: column.Real}, nil
	})
}

func init() {
	addFuncs(map[string]funcSig{
		"log":   realFunc(1, "log"),
		"log10": realFunc(1, "log10"),
		"log2":  realFunc(1, "log2"),
		"exp":   realFunc(1, "exp"),
		"exp2":  realFunc(1, "exp2"),
		"exp10": realFunc(1, "exp10"),
		"sqrt":  realFunc(1, "sqrt"),
		"pow":   realFunc(2, "pow"),
		"cos":   realFunc(1, "cos"),
		"sin":   realFunc(1, "sin"),
		"tan":   realFunc(1, "tan"),
		"acos":  realFunc(1, "acos"),
		"asin":  realFunc(1, "asin"),
		"atan":  realFunc(1, "atan"),
		"atan2": realFunc(2, "atan2"),
		"pi": fsig(0, 0, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			return &Const{T: column.Real, Val: 3.141592653589793}, nil
		}),
		// https://learn.microsoft.com/kusto/query/round-function
		"round": fsig(1, 2, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			x := args[0]
			switch x.Type() {
			case column.Long, column.Real:
			case column.Int:
				x = convertTo(x, column.Long)
			case column.Dynamic:
				x = toReal(x)
			default:
				return nil, argErr(c, 0, "a number", x.Type())
			}
			p := Expr(&Const{T: column.Long, Val: int64(0)})
			if len(args) == 2 {
				var err error
				if p, err = intArg(c, args, 1); err != nil {
					return nil, err
				}
			}
			return &Call{Fn: "round", Args: []Expr{x, p}, T: x.Type()}, nil
		}),
		// https://learn.microsoft.com/kusto/query/ceiling-function
		"ceiling": numSame("ceiling"),
		// https://learn.microsoft.com/kusto/query/abs-function
		"abs": fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			t := args[0].Type()
			if !(t.IsNumeric() || t == column.Timespan) {
				return nil, argErr(c, 0, "a number or timespan", t)
			}
			return &Call{Fn: "abs", Args: args, T: t}, nil
		}),
		// https://learn.microsoft.com/kusto/query/sign-function
		"sign": numSame("sign"),
	})
}

// numSame types a one-argument numeric function that keeps the type.
func numSame(fn string) funcSig {
	return fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		t := args[0].Type()
		if t == column.Dynamic {
			return &Call{Fn: fn, Args: []Expr{toReal(args[0])}, T: column.Real}, nil
		}
		if !t.IsNumeric() {
			return nil, argErr(c, 0, "a number", t)
		}
		return &Call{Fn: fn, Args: args, T: t}, nil
	})
}
