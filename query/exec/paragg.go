package exec

import (
	"cmp"
	"context"
	"encoding/binary"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// parAggOp runs a summarize over a stored table on every core: one partial
// aggregation per core, each over its own serial scan (and the filters and
// extends between scan and summarize), the scans taking blocks from one
// shared cursor; then the partials merge into the first, and the groups
// are put in the order a serial run gives them (first appearance). Only
// aggregations whose merge is exact and order-free run this way, so the
// result is the serial one, row for row.
type parAggOp struct {
	parts []*aggregateOp
	stats []*Stats
	st    *Stats
	done  bool
}

// mergeable reports whether an aggregation can be computed in parts and
// merged with the same result as a serial run (no float sums, whose
// rounding depends on the order of additions).
func mergeable(c *plan.AggCall) bool {
	if len(c.Extra) > 0 {
		return false
	}
	switch c.Fn {
	case "count", "countif", "dcount":
		return true
	case "sum":
		return c.Type.IsInteger()
	case "min", "max":
		return c.Type.IsInteger() || c.Type == column.String || c.Type == column.Bool
	}
	return false
}

// scanChain returns the scan under a chain of filters and extends/projects
// (nil when something else sits between).
func scanChain(n plan.Node) *plan.Scan {
	for {
		switch x := n.(type) {
		case *plan.Scan:
			return x
		case *plan.Filter:
			n = x.Input
		case *plan.Project:
			n = x.Input
		default:
			return nil
		}
	}
}

// buildParallelAggregate returns a parAggOp for n, or nil when n must run
// serially (one core, an aggregation that does not merge exactly, an input
// that is not a scan chain, too few blocks).
func buildParallelAggregate(n *plan.Aggregate, store Store, st *Stats) (Operator, error) {
	workers := runtime.GOMAXPROCS(0)
	sc := scanChain(n.Input)
	if workers < 2 || sc == nil {
		return nil, nil
	}
	if t, err := store.Table(sc.Table); err != nil || t.Blocks < 2*workers {
		return nil, nil // too few blocks to share (or the serial build reports the error)
	}
	// String keys stay serial: each partial would map every block's
	// dictionary to its own ids again, and at 10M rows (q1, q2, q4, q5 of
	// the benchmarks) that measured as slow as or slower than one
	// aggregation fed by the parallel scan.
	for _, k := range n.Keys {
		if k.Type() == column.String || k.Type() == column.Dynamic {
			return nil, nil
		}
	}
	for _, a := range n.Aggs {
		if !mergeable(a) {
			return nil, nil
		}
	}
	p := &parAggOp{st: st}
	cursor := new(atomic.Int64)
	for range workers {
		pst := &Stats{mem: st.mem, stop: st.stop, progress: st.progress, wg: st.wg}
		var scan *scanOp
		in, err := buildChain(n.Input, store, pst, cursor, &scan)
		if err != nil {
			return nil, err
		}
		a, err := newAggregate(n, in, st.stop)
		if err != nil {
			return nil, err
		}
		a.mem = st.mem
		a.pos = func() int { return scan.pos }
		p.parts = append(p.parts, a)
		p.stats = append(p.stats, pst)
	}
	// dcount's partial sets must hash values alike.
	for _, part := range p.parts[1:] {
		for i, ag := range part.aggs {
			if d, ok := ag.(*dcountAgg); ok {
				d.seed = p.parts[0].aggs[i].(*dcountAgg).seed
			}
		}
	}
	return p, nil
}

// buildChain builds the filters and projects over a serial scan that
// takes its blocks from cursor.
func buildChain(n plan.Node, store Store, st *Stats, cursor *atomic.Int64, scan **scanOp) (Operator, error) {
	switch x := n.(type) {
	case *plan.Scan:
		s, err := newScan(x, store, st)
		if err != nil {
			return nil, err
		}
		s.workers, s.cursor = 1, cursor
		*scan = s
		return s, nil
	case *plan.Filter:
		in, err := buildChain(x.Input, store, st, cursor, scan)
		if err != nil {
			return nil, err
		}
		return newFilter(x, in, st.stop)
	case *plan.Project:
		in, err := buildChain(x.Input, store, st, cursor, scan)
		if err != nil {
			return nil, err
		}
		return newProject(x, in, st.stop)
	}
	panic("BUG: buildChain over a node that is not a scan chain")
}

func (p *parAggOp) Next(ctx context.Context) (*column.Batch, error) {
	if p.done {
		return nil, nil
	}
	p.done = true
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(p.parts))
	var wg sync.WaitGroup
	for i, a := range p.parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = consumeStoppable(ctx, a); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	p.st.BlocksTotal += p.stats[0].BlocksTotal
	p.st.HeadColumns += p.stats[0].HeadColumns
	for _, s := range p.stats {
		p.st.BlocksRead += s.BlocksRead
		p.st.RowsRead += s.RowsRead
		p.st.SpanBlocks += s.SpanBlocks
	}
	for _, err := range errs {
		if err != nil && err != context.Canceled {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dst := p.parts[0]
	for _, src := range p.parts[1:] {
		dst.merge(src)
	}
	out := dst.finish()
	if len(dst.keys) == 0 {
		return out, nil
	}
	order := make([]uint32, dst.ngroups)
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(x, y uint32) int { return cmp.Compare(dst.first[x], dst.first[y]) })
	return out.Gather(order), nil
}

// consumeStoppable is a.consume on a goroutine of its own: a kernel that
// saw the run cancelled unwinds to here (cancel.go).
func consumeStoppable(ctx context.Context, a *aggregateOp) (err error) {
	defer recoverStop(&err)
	return a.consume(ctx)
}

// merge folds another partial aggregation of the same summarize into a.
func (a *aggregateOp) merge(src *aggregateOp) {
	k := len(a.keys)
	remap := make([]uint32, src.ngroups)
	if k > 0 {
		vals := make([]*column.Vector, k)
		for j, in := range src.interns {
			vals[j] = in.vals.Build()
		}
		key := make([]byte, 4*k)
		ids := make([]uint32, k)
		for g := range src.ngroups {
			for j := range k {
				ids[j] = a.interns[j].one(vals[j], int(src.gkeys[g*k+j]))
			}
			var d uint32
			if k == 1 {
				d = ids[0]
				for int(d) >= a.ngroups {
					a.gkeys = append(a.gkeys, uint32(a.ngroups))
					a.ngroups++
				}
			} else {
				for j, id := range ids {
					binary.LittleEndian.PutUint32(key[4*j:], id)
				}
				var ok bool
				if d, ok = a.groups[string(key)]; !ok {
					d = uint32(a.ngroups)
					a.groups[string(key)] = d
					a.gkeys = append(a.gkeys, ids...)
					a.ngroups++
				}
			}
			for len(a.first) < a.ngroups {
				a.first = append(a.first, ^uint64(0))
			}
			a.first[d] = min(a.first[d], src.first[g])
			remap[g] = d
		}
	}
	for i, ag := range a.aggs {
		ag.(merger).merge(remap, a.ngroups, src.aggs[i])
	}
}

// merger is an aggregator whose partial states can be combined: merge
// adds src's group g into this one's group remap[g].
type merger interface {
	merge(remap []uint32, ng int, src aggregator)
}

func (a *countAgg) merge(remap []uint32, ng int, src aggregator) {
	s := src.(*countAgg)
	a.n, s.n = grow(a.n, ng), grow(s.n, len(remap))
	for g, d := range remap {
		a.n[d] += s.n[g]
	}
}

func (a *sumAgg) merge(remap []uint32, ng int, src aggregator) {
	s := src.(*sumAgg)
	a.ints, s.ints = grow(a.ints, ng), grow(s.ints, len(remap))
	for g, d := range remap {
		a.ints[d] += s.ints[g]
	}
}

func (a *minMaxAgg) merge(remap []uint32, ng int, src aggregator) {
	s := src.(*minMaxAgg)
	a.seen, s.seen = grow(a.seen, ng), grow(s.seen, len(remap))
	a.strs, a.bools, a.ints = grow(a.strs, ng), grow(a.bools, ng), grow(a.ints, ng)
	s.strs, s.bools, s.ints = grow(s.strs, len(remap)), grow(s.bools, len(remap)), grow(s.ints, len(remap))
	for g, d := range remap {
		if !s.seen[g] {
			continue
		}
		first := !a.seen[d]
		a.seen[d] = true
		switch a.t {
		case column.String:
			if x := s.strs[g]; first || (a.max && x > a.strs[d]) || (!a.max && x < a.strs[d]) {
				a.strs[d] = x
			}
		case column.Bool:
			if x := s.bools[g]; first || (a.max && x && !a.bools[d]) || (!a.max && !x && a.bools[d]) {
				a.bools[d] = x
			}
		default:
			if x := s.ints[g]; first || (a.max && x > a.ints[d]) || (!a.max && x < a.ints[d]) {
				a.ints[d] = x
			}
		}
	}
}

func (a *dcountAgg) merge(remap []uint32, ng int, src aggregator) {
	s := src.(*dcountAgg)
	if len(a.seen) < ng {
		a.seen = append(a.seen, make([]hashSet, ng-len(a.seen))...)
	}
	for g, d := range remap {
		if g >= len(s.seen) {
			break
		}
		from := &s.seen[g]
		if from.zero {
			a.seen[d].add(0)
		}
		for _, h := range from.slots {
			if h != 0 {
				a.seen[d].add(h)
			}
		}
	}
}
