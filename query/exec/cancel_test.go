package exec

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"clickhunt/column"
	"clickhunt/query/plan"
	"clickhunt/query/syntax"
)

// longStrings is a table T of rows distinct strings S (about 100 bytes
// each) in blocks of size rows.
func longStrings(rows, size int) *memStore {
	data := make([][]any, rows)
	for i := range data {
		data[i] = []any{fmt.Sprintf("https://h%d.example/%s?n=%d", i%97, strings.Repeat("ab", 40), i)}
	}
	return newMemStore("T", column.Schema{{Name: "S", Type: column.String}}, data, []int{size})
}

// stackHas reports whether the calling goroutine is inside a function
// whose name ends in one of names.
func stackHas(names []string) bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		for _, n := range names {
			if strings.HasSuffix(f.Function, n) {
				return true
			}
		}
		if !more {
			return false
		}
	}
}

// TestCancelInsideBatch: a cancellation is noticed inside the per-row
// loops of kernels and operators, not only between blocks: each query
// checks at least once per checkEvery rows inside the function named,
// and a cancellation seen at the first of those checks ends the run with
// the context's error (from the worker goroutines of a parallel scan too)
// instead of finishing the block. The hook counts checks, so nothing here
// depends on how fast the machine is.
func TestCancelInsideBatch(t *testing.T) {
	const rows, block = 4 * 4096, 4096
	m := longStrings(rows, block)
	f := func(q string, minChecks int, where ...string) {
		t.Helper()
		s, err := syntax.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Build(s, m, plan.Options{})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}

		// Uncancelled: count the checks made inside where.
		var inside atomic.Int64
		testHookCheck = func(context.Context) {
			if stackHas(where) {
				inside.Add(1)
			}
		}
		t.Cleanup(func() { testHookCheck = nil })
		if _, _, err := RunWith(context.Background(), p, m, Options{}); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n := inside.Load(); n < int64(minChecks) {
			t.Errorf("%s: %d checks inside %v, want at least %d", q, n, where, minChecks)
		}

		// Cancelled at the first check inside where.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var cancelledAt atomic.Int64
		testHookCheck = func(context.Context) {
			if stackHas(where) && cancelledAt.Add(1) == 1 {
				cancel()
			}
		}
		_, _, err = RunWith(ctx, p, m, Options{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: cancelled inside %v: err %v, want context.Canceled", q, where, err)
		}
		if cancelledAt.Load() == 0 {
			t.Errorf("%s: no check inside %v", q, where)
		}
	}
	perRow := rows / checkEvery
	f(`T | where S matches regex "(ab){40}.n=1$" | count`, perRow, "exec.dictPred", "exec.strPredVec")
	f(`T | where S has "q" | count`, perRow, "exec.dictPred", "exec.strPredVec")
	f(`T | where S contains "n=77" | project S`, perRow, "exec.dictPred", "exec.strPredVec")
	f(`T | sort by S asc`, perRow, "exec.(*sortOp).sorted")
	f(`T | parse S with "?n=" N:long | summarize max(N)`, perRow, "exec.(*parseOp).Next")
	f(`T | join kind=inner (T | project S2 = S, S) on S | count`, perRow, "exec.(*joinOp).Next")
	f(`T | extend a = pack_array(S, S) | mv-expand a | count`, perRow, "exec.(*mvExpandOp).Next")
	f(`T | extend k = strcat(S, S, S) | summarize dcount(k)`, perRow, "strcatKernel.func1", "strcatKernel.1") // the second where the factory is inlined
	// Between the kernels of an expression: every call is a check.
	f(`T | extend k = strcat(S, "x") | summarize dcount(k)`, 1, "exec.(*callExpr).eval")
}
