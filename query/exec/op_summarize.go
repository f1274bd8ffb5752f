package exec

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
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
	// stateBytes is what the aggregation states (sizer) were charged.
	stateBytes int64

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
		if err := a.chargeStates(); err != nil {
			return err
		}
	}
}

// chargeStates charges the growth since the last batch of what the group
// count does not: the string keys interned and the aggregation states
// that hold values (lists, sets, digests: the sizers).
func (a *aggregateOp) chargeStates() error {
	var total int64
	for _, ag := range a.aggs {
		if s, ok := ag.(sizer); ok {
			total += s.size()
		}
	}
	for _, in := range a.interns {
		total += in.bytes
	}
	if grown := total - a.stateBytes; grown > 0 {
		a.stateBytes = total
		return a.mem.charge(grown, fmt.Sprintf("summarize holding %s of keys and values in %d groups", fmtBytes(total), a.ngroups))
	}
	return nil
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
	// bytes estimates the memory the interned values hold (a string key
	// is kept in the map and in vals), charged to the budget by summarize.
	bytes int64
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
		in.bytes += int64(len(s)) + 64
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

// sizer is an aggregator whose state grows with the values it keeps
// (make_list, make_set, dcount, percentile, digests): size estimates the
// bytes it holds now, which summarize charges to the memory budget.
type sizer interface {
	size() int64
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
var aggregators = map[string]func(c *plan.AggCall) aggregator{}

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
