package exec

import (
	"math/bits"

	"clickhunt/column"
)

// Binary (bitwise) functions over longs. A shift count is taken modulo 64,
// as .NET does.
// https://learn.microsoft.com/kusto/query/scalar-functions#binary-functions
func init() {
	ops := map[string]func(x, y int64) int64{
		"binary_and":         func(x, y int64) int64 { return x & y },
		"binary_or":          func(x, y int64) int64 { return x | y },
		"binary_xor":         func(x, y int64) int64 { return x ^ y },
		"binary_shift_left":  func(x, y int64) int64 { return x << (uint64(y) & 63) },
		"binary_shift_right": func(x, y int64) int64 { return x >> (uint64(y) & 63) },
	}
	for name, f := range ops {
		registerK(name, func(a []*column.Vector, n int) *column.Vector {
			out := newInts(column.Long, n)
			out.Nulls = orNulls(n, a[0], a[1])
			for i := 0; i < n; i++ {
				out.Ints[i] = f(a[0].Int(i), a[1].Int(i))
			}
			return out
		})
	}
	unary := map[string]func(x int64) int64{
		"binary_not":        func(x int64) int64 { return ^x },
		"bitset_count_ones": func(x int64) int64 { return int64(bits.OnesCount64(uint64(x))) },
	}
	for name, f := range unary {
		registerK(name, func(a []*column.Vector, n int) *column.Vector {
			out := newInts(column.Long, n)
			out.Nulls = orNulls(n, a[0])
			for i := 0; i < n; i++ {
				out.Ints[i] = f(a[0].Int(i))
			}
			return out
		})
	}
}
