package exec

import (
	"context"
	"slices"
	"sync"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// topScanOp is a top-N sort (sort by K | take N, top N by K) straight over
// a stored table whose first key is a stored integer-backed column
// (Timestamp, most often). It reads the blocks best first by their min/max
// of that column and stops once the Nth best row so far beats every block
// left: one user's latest clicks come from the newest blocks only. The
// rows kept are then sorted as the serial sort would (stable, in block
// order), so the result is the same row for row.
type topScanOp struct {
	scan *scanOp
	sort *sortOp
	key  int // the first sort key's column in the scan's schema
	done bool
}

// newTopScan returns a topScanOp for a top-N sort directly over a scan, or
// nil when the sort does not qualify.
func newTopScan(n *plan.Sort, store Store, st *Stats) (*topScanOp, error) {
	sc, ok := n.Input.(*plan.Scan)
	if !ok || n.Limit <= 0 || len(n.Keys) == 0 { // take 0: the sort returns nothing itself
		return nil, nil
	}
	col, ok := n.Keys[0].Expr.(*plan.ColRef)
	if !ok || !col.T.IsInteger() {
		return nil, nil
	}
	s, err := newScan(sc, store, st)
	if err != nil {
		return nil, err
	}
	so, err := newSort(n, nil, st.stop)
	if err != nil {
		return nil, err
	}
	so.mem = st.mem
	return &topScanOp{scan: s, sort: so, key: col.Index}, nil
}

// topBlock is a block in reading order: bound is the best key it can hold
// (when bounded).
type topBlock struct {
	pos     int // in the scan's block list (ingest order)
	bound   int64
	bounded bool
}

func (t *topScanOp) Next(ctx context.Context) (*column.Batch, error) {
	if t.done {
		return nil, nil
	}
	t.done = true
	s, k := t.scan, t.sort.node.Keys[0]
	limit := int(t.sort.node.Limit)
	better := func(a, b int64) bool { // a comes before b
		if k.Desc {
			return a > b
		}
		return a < b
	}
	// Blocks that can hold nulls sorted first, or that lack min/max, are
	// read first; the others best bound first (ties in ingest order).
	var order []topBlock
	id := s.cols[t.key].ID
	for i := range s.blocks {
		bm := &s.blocks[i]
		if !s.mayMatch(bm) {
			continue
		}
		tb := topBlock{pos: i}
		if cs, ok := bm.Stats.Get(id); ok && cs.HasMinMax && !(k.NullsFirst && cs.Nulls > 0) {
			tb.bounded = true
			tb.bound = cs.MinInt
			if k.Desc {
				tb.bound = cs.MaxInt
			}
		} else if ok && !cs.HasMinMax && cs.Nulls == bm.Rows && !k.NullsFirst {
			tb.bounded = true // all null, sorted last: read only to fill up
			tb.bound = worst(k.Desc)
		}
		order = append(order, tb)
	}
	slices.SortStableFunc(order, func(a, b topBlock) int {
		switch {
		case a.bounded != b.bounded:
			if !a.bounded {
				return -1
			}
			return 1
		case a.bound == b.bound:
			return 0
		case better(a.bound, b.bound):
			return -1
		}
		return 1
	})

	type part struct {
		pos int
		b   *column.Batch
	}
	var parts []part
	var keys []int64 // the non-null first keys of the rows kept
	nulls := 0
	// cut reports whether a block bounded by bound can no longer place a
	// row among the first limit.
	cut := func(bound int64) bool {
		if k.NullsFirst {
			if nulls >= limit {
				return true
			}
			if len(keys) < limit-nulls {
				return false
			}
			return better(keys[limit-nulls-1], bound)
		}
		if len(keys) < limit {
			return false
		}
		return better(keys[limit-1], bound)
	}
	workers := max(s.workers, 1)
	for next := 0; next < len(order); {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// The next wave: up to one block per worker that may still
		// place rows.
		var wave []topBlock
		for ; next < len(order) && len(wave) < workers; next++ {
			if ob := order[next]; !ob.bounded || !cut(ob.bound) {
				wave = append(wave, ob)
			} else {
				next = len(order) // sorted by bound: the rest are no better
				break
			}
		}
		res := make([]part, len(wave))
		errs := make([]error, len(wave))
		var wg sync.WaitGroup
		for w, ob := range wave {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := s.loadStoppable(&s.blocks[ob.pos], s.filters[w%len(s.filters)])
				res[w], errs[w] = part{pos: ob.pos, b: b}, err
			}()
		}
		wg.Wait()
		for w, ob := range wave {
			if errs[w] != nil {
				return nil, errs[w]
			}
			s.countBlock(s.blocks[ob.pos].Rows)
			p := res[w]
			if p.b == nil || p.b.Len == 0 {
				continue
			}
			if err := t.sort.mem.charge(batchBytes(p.b), "sort"); err != nil {
				return nil, err
			}
			parts = append(parts, p)
			v := p.b.Cols[t.key]
			for i := range p.b.Len {
				if v.IsNull(i) {
					nulls++
				} else {
					keys = append(keys, v.Int(i))
				}
			}
		}
		slices.SortFunc(keys, func(a, b int64) int {
			switch {
			case a == b:
				return 0
			case better(a, b):
				return -1
			}
			return 1
		})
		if len(keys) > limit {
			keys = keys[:limit] // only the best limit can set the cut
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	slices.SortFunc(parts, func(a, b part) int { return a.pos - b.pos })
	bs := make([]*column.Batch, len(parts))
	for i, p := range parts {
		bs[i] = p.b
	}
	return t.sort.sorted(column.Concat(t.sort.types, bs)), nil
}

// worst is the key no block bound can be worse than, for all-null blocks
// sorted last.
func worst(desc bool) int64 {
	if desc {
		return -1 << 63
	}
	return 1<<63 - 1
}
