package exec

import (
	"context"
)

// Cancellation inside a batch. Operators look at their context between
// batches, but one batch (a 65,536-row block, or a whole input being
// sorted) can hold seconds of work: a regular expression over long
// strings, a sort of millions of rows, a join probe. So kernels and
// operator loops whose rows may cost microseconds also ask the run's
// stopper every checkEvery rows (or comparisons). When the run is
// cancelled, check unwinds the goroutine with a stopPanic; RunWith and
// every goroutine exec starts turn it back into the context's error
// (recoverStop), so a caller never sees the panic. Kernels return no
// error, which is why the unwinding is a panic and not a return value.
//
// A kernel that may run long per row is registered with registerS, whose
// factory gets the stopper, and calls s.row(i) in its loop; a string
// predicate gets it through its dictMemo.

// checkEvery is how many rows (or comparisons) pass between two checks (a
// power of two, so row tests it with a mask):
// small enough that even 100 µs rows (a regular expression over kilobytes)
// answer a cancellation within a tenth of a second, large enough that
// a check costs nothing next to the rows.
const checkEvery = 1024

// stopper is a run's cancellation as kernels and operator loops see it. A
// nil stopper never stops: kernels evaluated outside a run (constant
// folding, tests) get nil.
type stopper struct {
	ctx context.Context
}

func newStopper(ctx context.Context) *stopper { return &stopper{ctx: ctx} }

// stopPanic carries the context's error up to recoverStop.
type stopPanic struct{ err error }

// check unwinds with a stopPanic when the run was cancelled.
func (s *stopper) check() {
	if s == nil {
		return
	}
	if testHookCheck != nil {
		testHookCheck(s.ctx)
	}
	select {
	case <-s.ctx.Done():
		panic(stopPanic{s.ctx.Err()})
	default:
	}
}

// row is check every checkEvery rows: call it with the row index (from
// 0) in a loop over rows.
func (s *stopper) row(i int) {
	if i&(checkEvery-1) == 0 {
		s.check()
	}
}

// recoverStop, deferred, turns a stopPanic into *err; any other panic
// goes on.
func recoverStop(err *error) {
	if r := recover(); r != nil {
		sp, ok := r.(stopPanic)
		if !ok {
			panic(r)
		}
		*err = sp.err
	}
}

// testHookCheck, when set (tests, and binaries built with the
// clickhunt_stall tag), is called at every check with the run's context.
var testHookCheck func(ctx context.Context)
