package exec

import (
	"context"
	"fmt"
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
	// mem is the run's memory budget, which kernels that build values
	// much larger than their input (strrep, tohex's padding, range)
	// check before they build them (growth).
	mem *budget
}

// growth tracks the bytes one kernel call builds: a value much larger than
// its input (strrep of a long string, tohex padded to a billion digits,
// range of a million elements), or many of them in one batch, stops the
// query with ErrMemoryBudget before it is built, instead of exhausting the
// machine. A nil growth (a kernel outside a run) never stops.
type growth struct {
	s    *stopper
	what string
	n    int64
}

// growth returns the tracker of one kernel call of what (a function name).
func (s *stopper) growth(what string) *growth {
	if s == nil || s.mem == nil || s.mem.limit <= 0 {
		return nil
	}
	return &growth{s: s, what: what}
}

// add counts n more bytes; when the call's total no longer fits what the
// budget has left, it unwinds like a cancellation, with the budget error.
func (g *growth) add(n int64) {
	if g == nil {
		return
	}
	g.n += n
	if left := g.s.mem.limit - g.s.mem.used.Load(); g.n > left {
		panic(stopPanic{fmt.Errorf("%w: %s would build %s of values, more than the %s allowed (raise --max-memory)",
			ErrMemoryBudget, g.what, fmtBytes(g.n), fmtBytes(g.s.mem.limit))})
	}
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
