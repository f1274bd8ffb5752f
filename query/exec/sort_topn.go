package exec

import (
	"strings"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// topN keeps the first limit rows of a sort order over batches fed one at a
// time (sort by K1, K2 ... | take N, top N by ...), in memory proportional
// to N whatever the input: a bounded heap whose root is the worst row
// kept, so a row that cannot make the cut costs one comparison with the
// root on its first key, most often. Rows are materialised late: only
// the key values of a row entering the heap are copied; at the end of a
// batch, the rows of it still kept are gathered (all columns) into a
// small batch, and those small batches are compacted when the rows they
// hold outgrow the heap. Ties keep input order (the result equals a
// stable sort cut to N).
type topN struct {
	keys  []plan.SortKey
	limit int
	stop  *stopper

	// Slot s holds one kept row: its key values in vals[k], its input
	// ordinal in seq[s], where its columns are in at[s].
	vals []slotVals
	seq  []uint64
	at   []rowRef
	heap []int32 // slots, worst first (a max-heap in sort order)

	held     []*column.Batch // gathered rows of kept slots (and dead ones)
	heldRows int
	nextSeq  uint64
}

// rowRef is where a kept row's columns are: row of held[batch]; batch -1
// while the row is in the batch being read.
type rowRef struct{ batch, row int32 }

// slotVals holds one key's values for every slot.
type slotVals struct {
	null   []bool
	ints   []int64
	floats []float64
	strs   []string
}

func newTopN(keys []plan.SortKey, limit int, stop *stopper) *topN {
	return &topN{keys: keys, limit: limit, stop: stop, vals: make([]slotVals, len(keys))}
}

// add offers every row of b, whose evaluated sort keys are keys.
func (t *topN) add(b *column.Batch, keys []*column.Vector) {
	if t.limit <= 0 || b.Len == 0 {
		return
	}
	cols := make([]sortCol, len(keys))
	for k, v := range keys {
		cols[k] = newSortCol(v, b.Len, t.keys[k], false)
	}
	entered := false
	for i := 0; i < b.Len; i++ {
		t.stop.row(i)
		seq := t.nextSeq
		t.nextSeq++
		if len(t.heap) < t.limit {
			s := int32(len(t.seq))
			t.seq = append(t.seq, seq)
			t.at = append(t.at, rowRef{-1, int32(i)})
			for k := range cols {
				t.vals[k].push(&cols[k], i)
			}
			t.heap = append(t.heap, s)
			t.up(len(t.heap) - 1)
			entered = true
			continue
		}
		root := t.heap[0]
		if t.rowVsSlot(cols, i, root) >= 0 {
			continue // no better than the worst kept (a tie loses: it came later)
		}
		t.seq[root], t.at[root] = seq, rowRef{-1, int32(i)}
		for k := range cols {
			t.vals[k].set(int(root), &cols[k], i)
		}
		t.down(0)
		entered = true
	}
	if entered {
		t.keep(b)
	}
}

// keep gathers the rows of b that entered the heap into a held batch.
func (t *topN) keep(b *column.Batch) {
	var idx []uint32
	for s := range t.at {
		if r := t.at[s]; r.batch < 0 {
			t.at[s] = rowRef{int32(len(t.held)), int32(len(idx))}
			idx = append(idx, uint32(r.row))
		}
	}
	t.held = append(t.held, b.Gather(idx))
	t.heldRows += len(idx)
	if t.heldRows > 2*t.limit+4096 {
		t.compact()
	}
}

// compact drops the held rows no slot refers to any more.
func (t *topN) compact() {
	per := make([][]uint32, len(t.held))
	for s, r := range t.at {
		t.at[s] = rowRef{r.batch, int32(len(per[r.batch]))}
		per[r.batch] = append(per[r.batch], uint32(r.row))
	}
	held := t.held[:0]
	t.heldRows = 0
	remap := make([]int32, len(per))
	for i, idx := range per {
		remap[i] = -1
		if len(idx) > 0 {
			remap[i] = int32(len(held))
			held = append(held, t.held[i].Gather(idx))
			t.heldRows += len(idx)
		}
	}
	for i := len(held); i < len(t.held); i++ {
		t.held[i] = nil
	}
	t.held = held
	for s := range t.at {
		t.at[s].batch = remap[t.at[s].batch]
	}
}

// result returns the kept rows in order.
func (t *topN) result(ts []column.Type) *column.Batch {
	if len(t.heap) == 0 {
		return nil
	}
	order := make([]int32, len(t.heap))
	copy(order, t.heap)
	// Pop the heap from the back: the worst first.
	for n := len(order); n > 1; n-- {
		order[0], order[n-1] = order[n-1], order[0]
		t.siftDown(order[:n-1], 0)
	}
	// order is now best first.
	offs := make([]int, len(t.held))
	all := column.Concat(ts, t.held)
	o := 0
	for i, h := range t.held {
		offs[i] = o
		o += h.Len
	}
	idx := make([]uint32, len(order))
	for i, s := range order {
		r := t.at[s]
		idx[i] = uint32(offs[r.batch] + int(r.row))
	}
	return all.Gather(idx)
}

// slotCmp orders two kept slots (<0: a first).
func (t *topN) slotCmp(a, b int32) int {
	for k := range t.keys {
		if c := t.vals[k].cmp(int(a), int(b), t.keys[k]); c != 0 {
			return c
		}
	}
	switch {
	case t.seq[a] < t.seq[b]:
		return -1
	case t.seq[a] > t.seq[b]:
		return 1
	}
	return 0
}

// rowVsSlot orders row i of the batch being read against slot s (the row
// came later: ties put it after).
func (t *topN) rowVsSlot(cols []sortCol, i int, s int32) int {
	for k := range cols {
		if c := t.vals[k].cmpRow(&cols[k], i, int(s)); c != 0 {
			return c
		}
	}
	return 1
}

func (t *topN) up(i int) {
	h := t.heap
	for i > 0 {
		p := (i - 1) / 2
		if t.slotCmp(h[i], h[p]) <= 0 {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (t *topN) down(i int) { t.siftDown(t.heap, i) }

// siftDown restores the max-heap order of h below i.
func (t *topN) siftDown(h []int32, i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && t.slotCmp(h[r], h[l]) > 0 {
			m = r
		}
		if t.slotCmp(h[m], h[i]) <= 0 {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (v *slotVals) push(c *sortCol, i int) {
	v.null = append(v.null, false)
	switch c.kind {
	case sortInts:
		v.ints = append(v.ints, 0)
	case sortFloats:
		v.floats = append(v.floats, 0)
	default:
		v.strs = append(v.strs, "")
	}
	v.set(len(v.null)-1, c, i)
}

// set copies row i of c into slot s (strings cloned: a kept key must not
// hold its whole block in memory).
func (v *slotVals) set(s int, c *sortCol, i int) {
	v.null[s] = c.null != nil && c.null[i]
	switch c.kind {
	case sortInts:
		v.ints[s] = c.ints[i]
	case sortFloats:
		v.floats[s] = c.floats[i]
	default:
		v.strs[s] = strings.Clone(c.vec.Str(i))
	}
}

func (v *slotVals) cmp(a, b int, k plan.SortKey) int {
	if na, nb := v.null[a], v.null[b]; na || nb {
		return nullOrder(na, nb, k.NullsFirst)
	}
	var r int
	switch {
	case v.ints != nil:
		r = cmpInt(v.ints[a], v.ints[b])
	case v.floats != nil:
		r = cmpFloat(v.floats[a], v.floats[b])
	default:
		r = strings.Compare(v.strs[a], v.strs[b])
	}
	if k.Desc {
		return -r
	}
	return r
}

// cmpRow orders row i of c against slot s.
func (v *slotVals) cmpRow(c *sortCol, i, s int) int {
	ni := c.null != nil && c.null[i]
	if ns := v.null[s]; ni || ns {
		return nullOrder(ni, ns, c.key.NullsFirst)
	}
	var r int
	switch c.kind {
	case sortInts:
		r = cmpInt(c.ints[i], v.ints[s])
	case sortFloats:
		r = cmpFloat(c.floats[i], v.floats[s])
	default:
		r = strings.Compare(c.vec.Str(i), v.strs[s])
	}
	if c.key.Desc {
		return -r
	}
	return r
}
