package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Binary (bitwise) function signatures; kernels in exec/fn_binary.go. The
// operands are longs; reals are truncated.
// https://learn.microsoft.com/kusto/query/scalar-functions#binary-functions

// longFunc types a function of n integer arguments returning a long.
func longFunc(n int, fn string) funcSig {
	return fsig(n, n, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		out := make([]Expr, n)
		for i := range args {
			x, err := intArg(c, args, i)
			if err != nil {
				return nil, err
			}
			out[i] = convertTo(x, column.Long)
		}
		return &Call{Fn: fn, Args: out, T: column.Long}, nil
	})
}

func init() {
	addFuncs(map[string]funcSig{
		"binary_and":         longFunc(2, "binary_and").doc("binary_and(Value1, Value2)", "the bitwise AND of two longs", "print binary_and(6, 3)"),
		"binary_or":          longFunc(2, "binary_or").doc("binary_or(Value1, Value2)", "the bitwise OR of two longs", "print binary_or(5, 3)"),
		"binary_xor":         longFunc(2, "binary_xor").doc("binary_xor(Value1, Value2)", "the bitwise XOR of two longs", "print binary_xor(5, 3)"),
		"binary_not":         longFunc(1, "binary_not").doc("binary_not(Value)", "the bitwise negation of a long", "print binary_not(100)"),
		"binary_shift_left":  longFunc(2, "binary_shift_left").doc("binary_shift_left(Value, Shift)", "Value shifted left by Shift bits", "print binary_shift_left(1, 10)"),
		"binary_shift_right": longFunc(2, "binary_shift_right").doc("binary_shift_right(Value, Shift)", "Value shifted right (arithmetically) by Shift bits", "print binary_shift_right(1024, 3)"),
		"bitset_count_ones":  longFunc(1, "bitset_count_ones").doc("bitset_count_ones(Value)", "the number of set bits of a long", "print bitset_count_ones(42)"),
	})
}
