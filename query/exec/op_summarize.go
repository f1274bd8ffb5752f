package exec

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"math/bits"
	"slices"
	"strings"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// aggregateOp groups rows by key values and computes aggregations per group
// (summarize, distinct). Keys are interned to small integer ids per key
// column, once per dictionary entry for encoded strings, so grouping works
// on integers, not strings.
// https://learn.microsoft.com/kusto/query/summarize-operator
type aggregateOp struct {
	in      Operator
	node    *plan.Aggregate
	keys    []expr
	interns []*interner
	aggs    []aggregator
	args    []expr // per agg: Arg (or nil)
	preds   []expr // per agg: Pred (or nil)
	extras  [][]expr
	groups  map[string]uint32
	gkeys   []uint32 // len(keys) ids per group
	ngroups int
	done    bool
	mem     *budget

	// In a partial aggregation (paragg.go): pos returns the block
	// position of the batch just read, and first records where each group
	// first appeared (block position << 32 | row), so the merged groups
	// come out in the order a serial run gives them.
	pos   func() int
	first []uint64
}

// groupBytes estimates what one new group costs: its key ids and map entry
// and its aggregation states.
func (a *aggregateOp) groupBytes() int64 { return int64(48 + 8*len(a.keys) + 24*len(a.aggs)) }

func newAggregate(n *plan.Aggregate, in Operator, s *stopper) (*aggregateOp, error) {
	a := &aggregateOp{in: in, node: n, groups: map[string]uint32{}}
	for _, k := range n.Keys {
		e, err := compile(k, s)
		if err != nil {
			return nil, err
		}
		a.keys = append(a.keys, e)
		a.interns = append(a.interns, newInterner(k.Type()))
	}
	for _, ag := range n.Aggs {
		var arg, pred expr
		var err error
		if ag.Arg != nil {
			if arg, err = compile(ag.Arg, s); err != nil {
				return nil, err
			}
		}
		if ag.Pred != nil {
			if pred, err = compile(ag.Pred, s); err != nil {
				return nil, err
			}
		}
		var extra []expr
		for _, x := range ag.Extra {
			e, err := compile(x, s)
			if err != nil {
				return nil, err
			}
			extra = append(extra, e)
		}
		a.args = append(a.args, arg)
		a.preds = append(a.preds, pred)
		a.extras = append(a.extras, extra)
		a.aggs = append(a.aggs, newAggregator(ag))
	}
	if len(n.Keys) == 0 {
		a.ngroups = 1 // no keys: one row, even for empty input
	}
	return a, nil
}

func (a *aggregateOp) Next(ctx context.Context) (*column.Batch, error) {
	if a.done {
		return nil, nil
	}
	a.done = true
	if err := a.consume(ctx); err != nil {
		return nil, err
	}
	return a.finish(), nil
}

// consume folds the whole input into the groups.
func (a *aggregateOp) consume(ctx context.Context) error {
	var groups []uint32
	var ids [][]uint32
	for {
		b, err := a.in.Next(ctx)
		if err != nil {
			return err
		}
		if b == nil {
			return nil
		}
		before := a.ngroups
		groups = a.assign(b, groups, &ids)
		if a.pos != nil && len(a.keys) > 0 {
			a.trackFirst(before, groups[:b.Len])
		}
		if err := a.mem.charge(int64(a.ngroups-before)*a.groupBytes(), fmt.Sprintf("summarize with %d groups", a.ngroups)); err != nil {
			return err
		}
		for i, ag := range a.aggs {
			var arg, pred *column.Vector
			if a.args[i] != nil {
				arg = a.args[i].eval(b)
			}
			if a.preds[i] != nil {
				pred = a.preds[i].eval(b)
			}
			if eu, ok := ag.(extraUser); ok {
				vals := make([]*column.Vector, len(a.extras[i]))
				for j, x := range a.extras[i] {
					vals[j] = x.eval(b)
				}
				eu.setExtra(vals)
			}
			ag.update(groups[:b.Len], a.ngroups, arg, pred)
		}
	}
}

// trackFirst records where the groups numbered from before on first
// appeared in this batch.
func (a *aggregateOp) trackFirst(before int, groups []uint32) {
	if a.ngroups == before {
		return
	}
	pos := uint64(a.pos()) << 32
	for len(a.first) < a.ngroups {
		a.first = append(a.first, math.MaxUint64)
	}
	for i, g := range groups {
		if int(g) >= before && a.first[g] == math.MaxUint64 {
			a.first[g] = pos | uint64(i)
		}
	}
}

// finish returns the groups' keys and aggregations.
func (a *aggregateOp) finish() *column.Batch {
	out := &column.Batch{Len: a.ngroups}
	for k, in := range a.interns {
		ids := make([]uint32, a.ngroups)
		for g := range ids {
			ids[g] = a.gkeys[g*len(a.keys)+k]
		}
		out.Cols = append(out.Cols, in.vector(ids))
	}
	for _, ag := range a.aggs {
		out.Cols = append(out.Cols, ag.result(a.ngroups))
	}
	return out
}

// assign computes the group id of every row of b, creating groups as needed.
func (a *aggregateOp) assign(b *column.Batch, groups []uint32, ids *[][]uint32) []uint32 {
	if cap(groups) < b.Len {
		groups = make([]uint32, b.Len)
	}
	groups = groups[:b.Len]
	if len(a.keys) == 0 {
		for i := range groups {
			groups[i] = 0
		}
		return groups
	}
	for len(*ids) < len(a.keys) {
		*ids = append(*ids, nil)
	}
	for k, e := range a.keys {
		(*ids)[k] = a.interns[k].ids(e.eval(b), b.Len, (*ids)[k])
	}
	if len(a.keys) == 1 {
		// One key: the key id is the group id; groups appear in id order.
		for i, id := range (*ids)[0][:b.Len] {
			groups[i] = id
			for int(id) >= a.ngroups {
				a.gkeys = append(a.gkeys, uint32(a.ngroups))
				a.ngroups++
			}
		}
		return groups
	}
	key := make([]byte, 4*len(a.keys))
	for i := 0; i < b.Len; i++ {
		for k := range a.keys {
			binary.LittleEndian.PutUint32(key[4*k:], (*ids)[k][i])
		}
		g, ok := a.groups[string(key)]
		if !ok {
			g = uint32(a.ngroups)
			a.groups[string(key)] = g
			for k := range a.keys {
				a.gkeys = append(a.gkeys, (*ids)[k][i])
			}
			a.ngroups++
		}
		groups[i] = g
	}
	return groups
}

// noID marks a dictionary entry not interned yet.
const noID = ^uint32(0)

// interner maps the values of one key column to dense ids.
type interner struct {
	t      column.Type
	strs   map[string]uint32
	ints   map[int64]uint32
	floats map[uint64]uint32
	vals   column.Builder
	nullID int64
	n      uint32
	small  *[256]uint32 // ids of int keys 0-255 (hours, weekdays, flags), noID if unseen
	// The ids of the entries of the last dictionary seen (noID: not
	// interned yet). Blocks coded into a shared dictionary carry the same
	// Dict, so each user name is hashed once per query, not per block. The
	// dictionary is kept so its memory cannot pass for another's.
	dict  []string
	local []uint32
}

func newInterner(t column.Type) *interner {
	return &interner{t: t, strs: map[string]uint32{}, ints: map[int64]uint32{}, floats: map[uint64]uint32{},
		vals: *column.NewBuilder(t, 16), nullID: -1}
}

func (in *interner) add(v any) uint32 {
	id := in.n
	in.n++
	in.vals.AppendValue(v)
	return id
}

func (in *interner) str(s string) uint32 {
	id, ok := in.strs[s]
	if !ok {
		// A copy: s may point into a whole decoded block (mostly distinct
		// strings share one buffer), which a group key must not keep.
		s = strings.Clone(s)
		id = in.add(s)
		in.strs[s] = id
	}
	return id
}

func (in *interner) null() uint32 {
	if in.nullID < 0 {
		in.nullID = int64(in.add(nil))
	}
	return uint32(in.nullID)
}

// ids writes the id of each of the n rows of v into out (reused if large
// enough).
func (in *interner) ids(v *column.Vector, n int, out []uint32) []uint32 {
	if cap(out) < n {
		out = make([]uint32, n)
	}
	out = out[:n]
	switch {
	case v.Type == column.String && v.Codes != nil && !v.Const:
		// Intern only the entries rows use: after a filter, a block's
		// dictionary can be far larger than the rows left.
		if !sameDict(in.dict, v.Dict) {
			in.dict, in.local = v.Dict, make([]uint32, len(v.Dict))
			for i := range in.local {
				in.local[i] = noID
			}
		}
		local := in.local
		for i, c := range v.Codes[:n] {
			id := local[c]
			if id == noID {
				id = in.str(v.Dict[c])
				local[c] = id
			}
			out[i] = id
		}
		return out
	case v.Const:
		id := in.one(v, 0)
		for i := range out {
			out[i] = id
		}
		return out
	case v.Ints != nil && v.Type != column.String && v.Type != column.Bool && v.Type != column.Real:
		// Integer keys (hourofday, bin(Timestamp, 1d), counts): a run of
		// equal keys, common on time-ordered rows, reuses the last id,
		// and small values skip the map.
		if in.small == nil {
			in.small = new([256]uint32)
			for i := range in.small {
				in.small[i] = noID
			}
		}
		last, lastID := int64(0), noID
		for i, x := range v.Ints[:n] {
			switch {
			case v.Nulls != nil && v.Nulls[i]:
				out[i] = in.null()
				continue
			case lastID != noID && x == last:
			case uint64(x) < uint64(len(in.small)):
				lastID = in.small[x]
				if lastID == noID {
					lastID = in.one(v, i)
					in.small[x] = lastID
				}
			default:
				lastID = in.one(v, i)
			}
			last = x
			out[i] = lastID
		}
		return out
	}
	for i := 0; i < n; i++ {
		out[i] = in.one(v, i)
	}
	return out
}

func (in *interner) one(v *column.Vector, i int) uint32 {
	if v.IsNull(i) {
		return in.null()
	}
	switch {
	case v.Type == column.String:
		return in.str(v.Str(i))
	case v.Floats != nil:
		f := v.Float(i)
		if f == 0 {
			f = 0 // -0 and +0 are one group
		}
		bits := math.Float64bits(f)
		if math.IsNaN(f) {
			bits = math.Float64bits(math.NaN())
		}
		id, ok := in.floats[bits]
		if !ok {
			id = in.add(f)
			in.floats[bits] = id
		}
		return id
	case v.Bools != nil:
		x := int64(0)
		if v.Bool(i) {
			x = 1
		}
		id, ok := in.ints[x]
		if !ok {
			id = in.add(v.Bool(i))
			in.ints[x] = id
		}
		return id
	default:
		x := v.Int(i)
		id, ok := in.ints[x]
		if !ok {
			id = in.add(x)
			in.ints[x] = id
		}
		return id
	}
}

// vector returns the key values of the given ids.
func (in *interner) vector(ids []uint32) *column.Vector {
	all := in.vals.Build()
	in.vals = *column.NewBuilder(in.t, 0)
	idx := make([]uint32, len(ids))
	copy(idx, ids)
	return all.Gather(idx)
}

// extraUser is an aggregator that needs the AggCall's Extra arguments
// evaluated on each batch; setExtra is called before each update.
type extraUser interface {
	setExtra(extra []*column.Vector)
}

// aggregator accumulates one aggregation over groups.
type aggregator interface {
	// update folds rows into their groups; arg and pred are the evaluated
	// argument and predicate (nil when the aggregation has none). An
	// aggregator with Extra arguments implements extraUser too.
	update(groups []uint32, ngroups int, arg, pred *column.Vector)
	// result returns one value per group.
	result(ngroups int) *column.Vector
}

// aggregators builds the aggregator of each AggCall Fn. Files add to it
// in init functions.
var aggregators = map[string]func(c *plan.AggCall) aggregator{
	"count":        func(c *plan.AggCall) aggregator { return &countAgg{fn: c.Fn} },
	"countif":      func(c *plan.AggCall) aggregator { return &countAgg{fn: c.Fn} },
	"countnotnull": func(c *plan.AggCall) aggregator { return &countAgg{fn: c.Fn} },
	"sum":          func(c *plan.AggCall) aggregator { return &sumAgg{t: c.Type} },
	"avg":          func(c *plan.AggCall) aggregator { return &avgAgg{t: c.Type} },
	"min":          func(c *plan.AggCall) aggregator { return &minMaxAgg{t: c.Type} },
	"max":          func(c *plan.AggCall) aggregator { return &minMaxAgg{t: c.Type, max: true} },
	"dcount": func(c *plan.AggCall) aggregator {
		return &dcountAgg{seed: maphash.MakeSeed()}
	},
}

func newAggregator(c *plan.AggCall) aggregator {
	f, ok := aggregators[c.Fn]
	if !ok {
		panic("BUG: no aggregator for " + c.Fn)
	}
	return f(c)
}

func grow[T any](s []T, n int) []T {
	for len(s) < n {
		var zero T
		s = append(s, zero)
	}
	return s
}

// countAgg: count() counts rows, countif() rows where the predicate is true,
// count(x) rows where x is not null. Empty groups count 0.
type countAgg struct {
	fn string
	n  []int64
}

func (a *countAgg) update(groups []uint32, ng int, arg, pred *column.Vector) {
	a.n = grow(a.n, ng)
	switch a.fn {
	case "count":
		// Rows come in runs of one group (time-ordered rows grouped by
		// hour or day): count a run in a register and add it once,
		// instead of incrementing the same slot row after row, each add
		// waiting on the last.
		if len(groups) == 0 {
			return
		}
		cur, run := groups[0], int64(0)
		for _, g := range groups {
			if g != cur {
				a.n[cur] += run
				cur, run = g, 0
			}
			run++
		}
		a.n[cur] += run
	case "countif":
		if !pred.Const && pred.Nulls == nil {
			// Without nulls or a constant: the flags, without a method
			// call per row (a branch-free add was slower: 50 vs 45 ms;
			// counting per run of a group, as count() does, gained
			// nothing here: the branch on the flag is the cost).
			for i, b := range pred.Bools[:len(groups)] {
				if b {
					a.n[groups[i]]++
				}
			}
			return
		}
		for i, g := range groups {
			if pred.Bool(i) && !pred.IsNull(i) {
				a.n[g]++
			}
		}
	default:
		for i, g := range groups {
			if !arg.IsNull(i) {
				a.n[g]++
			}
		}
	}
}

func (a *countAgg) result(ng int) *column.Vector {
	a.n = grow(a.n, ng)
	return &column.Vector{Type: column.Long, Len: ng, Ints: a.n[:ng]}
}

// sumAgg ignores nulls; a group with no values sums to 0, as in Kusto.
type sumAgg struct {
	t      column.Type
	ints   []int64
	floats []float64
}

func (a *sumAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	if a.t == column.Real {
		a.floats = grow(a.floats, ng)
		for i, g := range groups {
			if !arg.IsNull(i) {
				a.floats[g] += arg.Float(i)
			}
		}
		return
	}
	a.ints = grow(a.ints, ng)
	for i, g := range groups {
		if !arg.IsNull(i) {
			a.ints[g] += arg.Int(i)
		}
	}
}

func (a *sumAgg) result(ng int) *column.Vector {
	if a.t == column.Real {
		a.floats = grow(a.floats, ng)
		return &column.Vector{Type: column.Real, Len: ng, Floats: a.floats[:ng]}
	}
	a.ints = grow(a.ints, ng)
	return &column.Vector{Type: a.t, Len: ng, Ints: a.ints[:ng]}
}

// avgAgg ignores nulls; a group with no values averages to null.
type avgAgg struct {
	t   column.Type
	sum []float64
	n   []int64
}

func (a *avgAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.sum, a.n = grow(a.sum, ng), grow(a.n, ng)
	for i, g := range groups {
		if arg.IsNull(i) {
			continue
		}
		if arg.Floats != nil {
			a.sum[g] += arg.Float(i)
		} else {
			a.sum[g] += float64(arg.Int(i))
		}
		a.n[g]++
	}
}

func (a *avgAgg) result(ng int) *column.Vector {
	a.sum, a.n = grow(a.sum, ng), grow(a.n, ng)
	b := column.NewBuilder(a.t, ng)
	for g := 0; g < ng; g++ {
		switch {
		case a.n[g] == 0:
			b.AppendNull()
		case a.t == column.Timespan:
			b.AppendInt(int64(math.Round(a.sum[g] / float64(a.n[g]))))
		default:
			b.AppendFloat(a.sum[g] / float64(a.n[g]))
		}
	}
	return b.Build()
}

// minMaxAgg ignores nulls; a group with no values gives null.
type minMaxAgg struct {
	t      column.Type
	max    bool
	seen   []bool
	ints   []int64
	floats []float64
	strs   []string
	bools  []bool
}

func (a *minMaxAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.seen = grow(a.seen, ng)
	switch {
	case arg.Type == column.String:
		a.strs = grow(a.strs, ng)
		for i, g := range groups {
			s := arg.Str(i)
			if !a.seen[g] || (a.max && s > a.strs[g]) || (!a.max && s < a.strs[g]) {
				a.strs[g], a.seen[g] = s, true
			}
		}
	case arg.Floats != nil:
		a.floats = grow(a.floats, ng)
		for i, g := range groups {
			if arg.IsNull(i) {
				continue
			}
			f := arg.Float(i)
			if !a.seen[g] || (a.max && f > a.floats[g]) || (!a.max && f < a.floats[g]) {
				a.floats[g], a.seen[g] = f, true
			}
		}
	case arg.Bools != nil:
		a.bools = grow(a.bools, ng)
		for i, g := range groups {
			if arg.IsNull(i) {
				continue
			}
			x := arg.Bool(i)
			if !a.seen[g] || (a.max && x && !a.bools[g]) || (!a.max && !x && a.bools[g]) {
				a.bools[g], a.seen[g] = x, true
			}
		}
	default:
		a.ints = grow(a.ints, ng)
		if arg.Nulls == nil && !arg.Const {
			xs := arg.Ints
			for i, g := range groups {
				x := xs[i]
				if !a.seen[g] || (a.max && x > a.ints[g]) || (!a.max && x < a.ints[g]) {
					a.ints[g], a.seen[g] = x, true
				}
			}
			return
		}
		for i, g := range groups {
			if arg.IsNull(i) {
				continue
			}
			x := arg.Int(i)
			if !a.seen[g] || (a.max && x > a.ints[g]) || (!a.max && x < a.ints[g]) {
				a.ints[g], a.seen[g] = x, true
			}
		}
	}
}

func (a *minMaxAgg) result(ng int) *column.Vector {
	a.seen = grow(a.seen, ng)
	b := column.NewBuilder(a.t, ng)
	for g := 0; g < ng; g++ {
		if !a.seen[g] {
			b.AppendNull()
			continue
		}
		switch {
		case a.t == column.String:
			b.AppendString(a.strs[g])
		case a.t == column.Real:
			b.AppendFloat(a.floats[g])
		case a.t == column.Bool:
			b.AppendBool(a.bools[g])
		default:
			b.AppendInt(a.ints[g])
		}
	}
	return b.Build()
}

// dcountAgg counts distinct non-null values per group. It is exact (up to
// 64-bit hash collisions), which is within any error bound Kusto's estimate
// documents.
// https://learn.microsoft.com/kusto/query/dcount-aggregation-function
type dcountAgg struct {
	// seen holds each group's value hashes. One set per group stays small
	// enough for the CPU's caches while the rows of a group come in runs
	// (days or hours of time-ordered clicks).
	seen []hashSet
	seed maphash.Seed
	// Hashes of the entries of the last dictionary seen (have: computed),
	// kept across batches that share it (see interner.dict).
	dict []string
	lut  []uint64
	have []bool
}

func (a *dcountAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	if len(a.seen) < ng {
		a.seen = append(a.seen, make([]hashSet, ng-len(a.seen))...)
	}
	add := func(g uint32, h uint64) { a.seen[g].add(h) }
	if arg.Codes != nil && !arg.Const {
		// Dictionary codes: a block repeats few (group, code) pairs, so
		// drop repeats with a cheap per-batch set before hashing strings
		// and probing the group-wide set.
		if !sameDict(a.dict, arg.Dict) {
			a.dict, a.lut, a.have = arg.Dict, make([]uint64, len(arg.Dict)), make([]bool, len(arg.Dict))
		}
		lut, have := a.lut, a.have
		// Pairs seen: a bitmap of codes per group while a batch has few
		// groups (days, hours: they come in runs on time-ordered rows),
		// then a set.
		const maxSlots = 64
		words := (len(arg.Dict) + 63) / 64
		var slotGroup []uint32
		var slotBits [][]uint64
		var local map[uint64]struct{}
		var seen []uint64 // the code bitmap of group lastG, nil in set mode
		lastG := noID
		for i, g := range groups {
			if arg.IsNull(i) {
				continue
			}
			c := arg.Codes[i]
			if g != lastG && local == nil {
				s := slices.Index(slotGroup, g)
				if s < 0 && len(slotGroup) == maxSlots {
					local = make(map[uint64]struct{}, len(arg.Dict))
					for s, sg := range slotGroup {
						for w, x := range slotBits[s] {
							for ; x != 0; x &= x - 1 {
								local[uint64(sg)<<32|uint64(w*64+bits.TrailingZeros64(x))] = struct{}{}
							}
						}
					}
					seen = nil
				} else {
					if s < 0 {
						s = len(slotGroup)
						slotGroup = append(slotGroup, g)
						slotBits = append(slotBits, make([]uint64, words))
					}
					seen, lastG = slotBits[s], g
				}
			}
			if local == nil {
				w, m := &seen[c>>6], uint64(1)<<(c&63)
				if *w&m != 0 {
					continue
				}
				*w |= m
			} else {
				pair := uint64(g)<<32 | uint64(c)
				if _, dup := local[pair]; dup {
					continue
				}
				local[pair] = struct{}{}
			}
			if !have[c] {
				lut[c], have[c] = maphash.String(a.seed, arg.Dict[c]), true
			}
			add(g, lut[c])
		}
		return
	}
	for i, g := range groups {
		if arg.IsNull(i) {
			continue
		}
		var h uint64
		switch {
		case arg.Type == column.String:
			h = maphash.String(a.seed, arg.Str(i))
		case arg.Floats != nil:
			h = maphash.Comparable(a.seed, math.Float64bits(arg.Float(i)))
		case arg.Bools != nil:
			if arg.Bool(i) {
				h = 1
			}
		default:
			h = maphash.Comparable(a.seed, arg.Int(i))
		}
		add(g, h)
	}
}

func (a *dcountAgg) result(ng int) *column.Vector {
	n := make([]int64, ng)
	for g := range min(ng, len(a.seen)) {
		n[g] = int64(a.seen[g].n)
	}
	return &column.Vector{Type: column.Long, Len: ng, Ints: n}
}

// hashSet is a set of 64-bit hashes: open addressing with linear probing,
// at most 3/4 full, 0 kept apart as the empty slot's marker.
type hashSet struct {
	slots []uint64
	n     int
	zero  bool
}

func (s *hashSet) add(h uint64) {
	if h == 0 {
		if !s.zero {
			s.zero = true
			s.n++
		}
		return
	}
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return
		case 0:
			s.slots[i] = h
			s.n++
			return
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	s.slots = make([]uint64, max(64, 2*len(old)))
	mask := uint64(len(s.slots) - 1)
	for _, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = h
	}
}
