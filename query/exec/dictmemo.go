package exec

import (
	"sync"
	"unsafe"

	"clickhunt/column"
)

// dictMemo keeps one kernel instance's per-entry results of a string
// predicate for the last dictionary it saw. The blocks of a column coded
// into a shared dictionary (storage/shared.go) all carry the same Dict, so
// with a memo the predicate runs once per entry a query uses, instead of
// once per entry per block. Entries are evaluated when a row first uses
// them: a block (or a filtered batch) often uses a fraction of a large
// dictionary.
//
// The memo holds the dictionary itself, not only its address, so the
// memory cannot be reused by another dictionary while it is remembered;
// key is the rest of what the results depend on (a constant operand that
// may differ between batches). A nil memo evaluates afresh every time.
type dictMemo struct {
	mu   sync.Mutex
	dict []string
	key  string
	res  []uint8 // 0 not evaluated yet, 1 false, 2 true

	// stop, when set, is asked every checkEvery evaluations of the
	// predicate, which may cost microseconds each (a regular expression
	// over a long URL).
	stop *stopper
}

// stopper returns the memo's stopper; nil for a nil memo.
func (m *dictMemo) stopper() *stopper {
	if m == nil {
		return nil
	}
	return m.stop
}

// dictPred sets out[i] to p(a's value of row i) for the n rows of a
// dictionary-coded string vector a.
func dictPred(m *dictMemo, key string, a *column.Vector, n int, p func(string) bool, out []bool) {
	var res []uint8
	if m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.res == nil || m.key != key || !sameDict(m.dict, a.Dict) {
			m.dict, m.key, m.res = a.Dict, key, make([]uint8, len(a.Dict))
		}
		res = m.res
	} else {
		res = make([]uint8, len(a.Dict))
	}
	stop, evals := m.stopper(), 0
	for i, c := range a.Codes[:n] {
		r := res[c]
		if r == 0 {
			stop.row(evals)
			evals++
			r = 1
			if p(a.Dict[c]) {
				r = 2
			}
			res[c] = r
		}
		out[i] = r == 2
	}
}

// sameDict reports whether a and b are one dictionary (the same memory),
// as the blocks of a column coded into a shared dictionary carry. Who
// remembers work per entry keeps the dictionary itself, so its memory
// cannot be reused by another one meanwhile.
func sameDict(a, b []string) bool {
	return len(a) == len(b) && unsafe.SliceData(a) == unsafe.SliceData(b)
}
