package exec

import (
	"math"
	"testing"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// TestSpanOf checks which filters are spans (ranges of one integer column)
// and the closed range each keeps.
func TestSpanOf(t *testing.T) {
	ts := &plan.ColRef{Index: 2, Name: "Timestamp", T: column.Datetime}
	n := &plan.ColRef{Index: 0, Name: "N", T: column.Long}
	s := &plan.ColRef{Index: 1, Name: "S", T: column.String}
	k := func(v int64) plan.Expr { return &plan.Const{T: column.Long, Val: v} }
	call := func(fn string, args ...plan.Expr) plan.Expr { return &plan.Call{Fn: fn, Args: args, T: column.Bool} }
	for _, tt := range []struct {
		name   string
		e      plan.Expr
		want   bool
		lo, hi int64
	}{
		{"window", call("and", call(">=", ts, k(10)), call("<", ts, k(20))), true, 10, 19},
		{"between", call("between", n, k(-5), k(5)), true, -5, 5},
		{"point", call("==", n, k(7)), true, 7, 7},
		{"open above", call(">", n, k(7)), true, 8, math.MaxInt64},
		{"open below", call("<=", n, k(7)), true, math.MinInt64, 7},
		{"narrowed", call("and", call("and", call(">", ts, k(0)), call("<", ts, k(100))), call("<=", ts, k(50))), true, 1, 50},
		{"empty", call("and", call(">=", ts, k(20)), call("<", ts, k(10))), true, 20, 9},
		{"below the least", call("<", n, k(math.MinInt64)), true, 1, 0},
		{"above the most", call(">", n, k(math.MaxInt64)), true, 1, 0},
		{"two columns", call("and", call(">=", ts, k(10)), call("<", n, k(20))), false, 0, 0},
		{"or", call("or", call(">=", ts, k(10)), call("<", ts, k(20))), false, 0, 0},
		{"another condition", call("and", call(">=", ts, k(10)), call("==", s, &plan.Const{T: column.String, Val: "x"})), false, 0, 0},
		{"not equal", call("!=", n, k(3)), false, 0, 0},
		{"column against column", call("<", n, ts), false, 0, 0},
	} {
		sp := spanOf(tt.e)
		if (sp != nil) != tt.want {
			t.Errorf("%s: span %v, want %v", tt.name, sp, tt.want)
			continue
		}
		if sp != nil && (sp.lo != tt.lo || sp.hi != tt.hi) {
			t.Errorf("%s: [%d, %d], want [%d, %d]", tt.name, sp.lo, sp.hi, tt.lo, tt.hi)
		}
	}
}
