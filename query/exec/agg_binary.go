package exec

import (
	"clickhunt/column"
	"clickhunt/query/plan"
)

// Binary aggregations: the bitwise AND, OR or XOR of a group's non-null
// longs; null for a group without one.
// https://learn.microsoft.com/kusto/query/aggregation-functions#binary-functions
func init() {
	ops := map[string]func(x, y int64) int64{
		"binary_all_and": func(x, y int64) int64 { return x & y },
		"binary_all_or":  func(x, y int64) int64 { return x | y },
		"binary_all_xor": func(x, y int64) int64 { return x ^ y },
	}
	for name, op := range ops {
		registerAgg(name, func(*plan.AggCall) aggregator { return &bitAgg{op: op} })
	}
}

type bitAgg struct {
	op   func(x, y int64) int64
	acc  []int64
	seen []bool
}

func (a *bitAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.acc, a.seen = grow(a.acc, ng), grow(a.seen, ng)
	for i, g := range groups {
		if arg.IsNull(i) {
			continue
		}
		if !a.seen[g] {
			a.acc[g], a.seen[g] = arg.Int(i), true
			continue
		}
		a.acc[g] = a.op(a.acc[g], arg.Int(i))
	}
}

func (a *bitAgg) result(ng int) *column.Vector {
	a.acc, a.seen = grow(a.acc, ng), grow(a.seen, ng)
	out := newInts(column.Long, ng)
	for g := 0; g < ng; g++ {
		if !a.seen[g] {
			setNull(out, g)
			continue
		}
		out.Ints[g] = a.acc[g]
	}
	return out
}
