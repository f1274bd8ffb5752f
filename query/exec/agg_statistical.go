package exec

import (
	"hash/maphash"
	"math"
	"math/bits"
	"slices"
	"sort"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// Statistical aggregations: count, sum, avg, min, max, dcount, stdev,
// variance, covariance, percentiles, and the *if forms of each.
// https://learn.microsoft.com/kusto/query/aggregation-functions#statistical-functions
func init() {
	registerAgg("count", func(c *plan.AggCall) aggregator { return &countAgg{fn: c.Fn} })
	registerAgg("countif", func(c *plan.AggCall) aggregator { return &countAgg{fn: c.Fn} })
	registerAgg("sum", func(c *plan.AggCall) aggregator { return &sumAgg{t: c.Type} })
	registerAgg("avg", func(c *plan.AggCall) aggregator { return &avgAgg{t: c.Type} })
	registerAgg("min", func(c *plan.AggCall) aggregator { return &minMaxAgg{t: c.Type} })
	registerAgg("max", func(c *plan.AggCall) aggregator { return &minMaxAgg{t: c.Type, max: true} })
	registerAgg("dcount", func(c *plan.AggCall) aggregator { return &dcountAgg{seed: maphash.MakeSeed()} })
	for _, fn := range []string{"sum", "avg", "min", "max", "dcount"} {
		registerAgg(fn+"if", ifOf(fn))
	}
	// https://learn.microsoft.com/kusto/query/stdev-aggregation-function
	registerAgg("stdev", func(*plan.AggCall) aggregator { return &momentAgg{sample: true, sqrt: true} })
	registerAgg("stdevp", func(*plan.AggCall) aggregator { return &momentAgg{sqrt: true} })
	registerAgg("stdevif", ifOf("stdev"))
	// https://learn.microsoft.com/kusto/query/variance-aggregation-function
	registerAgg("variance", func(*plan.AggCall) aggregator { return &momentAgg{sample: true} })
	registerAgg("variancep", func(*plan.AggCall) aggregator { return &momentAgg{} })
	registerAgg("varianceif", ifOf("variance"))
	registerAgg("variancepif", ifOf("variancep"))
	// https://learn.microsoft.com/kusto/query/percentiles-aggregation-function
	registerAgg("percentile", func(c *plan.AggCall) aggregator { return &percentileAgg{t: c.Type} })
	registerAgg("percentilew", func(c *plan.AggCall) aggregator { return &rankAgg{t: c.Type, weighted: true} })
	registerAgg("percentiles_array", func(c *plan.AggCall) aggregator { return &rankAgg{t: c.Arg.Type(), array: true} })
	registerAgg("percentilesw_array", func(c *plan.AggCall) aggregator {
		return &rankAgg{t: c.Arg.Type(), weighted: true, array: true}
	})
	// https://learn.microsoft.com/kusto/query/covariance-aggregation-function
	registerAgg("covariance", func(*plan.AggCall) aggregator { return &covarianceAgg{sample: true} })
	registerAgg("covariancep", func(*plan.AggCall) aggregator { return &covarianceAgg{} })
	registerAgg("covarianceif", ifOf("covariance"))
	registerAgg("covariancepif", ifOf("covariancep"))
}

// registerAgg registers the aggregator of an AggCall Fn; a name registered
// twice is a bug.
func registerAgg(fn string, f func(c *plan.AggCall) aggregator) {
	if _, dup := aggregators[fn]; dup {
		panic("BUG: aggregator registered twice: " + fn)
	}
	aggregators[fn] = f
}

// ifOf builds the *if form of an aggregation: the plain aggregator fed the
// rows where the predicate is true.
func ifOf(fn string) func(c *plan.AggCall) aggregator {
	return func(c *plan.AggCall) aggregator {
		return &ifAgg{inner: aggregators[fn](c)}
	}
}

// ifAgg feeds its inner aggregator only the rows where the predicate is
// true: group g becomes g+1 and the other rows go to a discarded group 0.
type ifAgg struct {
	inner   aggregator
	shifted []uint32
}

func (a *ifAgg) setExtra(extra []*column.Vector) {
	if eu, ok := a.inner.(extraUser); ok {
		eu.setExtra(extra)
	}
}

// rowMarker is an aggregator whose result depends on whether a group had
// rows at all (avg, variance: NaN or 0 over no rows, null over nulls); an
// ifAgg tells it of the rows its predicate left out.
type rowMarker interface {
	markRows(groups []uint32, ngroups int)
}

func (a *avgAgg) markRows(groups []uint32, ng int) {
	a.rows = grow(a.rows, ng)
	for _, g := range groups {
		a.rows[g] = true
	}
}

func (a *momentAgg) markRows(groups []uint32, ng int) {
	a.rows = grow(a.rows, ng)
	for _, g := range groups {
		a.rows[g] = true
	}
}

func (a *ifAgg) size() int64 {
	if s, ok := a.inner.(sizer); ok {
		return s.size()
	}
	return 0
}

func (a *ifAgg) update(groups []uint32, ng int, arg, pred *column.Vector) {
	if m, ok := a.inner.(rowMarker); ok {
		a.shifted = grow(a.shifted[:0], len(groups))
		for i, g := range groups {
			a.shifted[i] = g + 1
		}
		m.markRows(a.shifted, ng+1)
	}
	a.shifted = grow(a.shifted[:0], len(groups))
	for i, g := range groups {
		if pred.Bool(i) && !pred.IsNull(i) {
			a.shifted[i] = g + 1
		} else {
			a.shifted[i] = 0
		}
	}
	a.inner.update(a.shifted, ng+1, arg, nil)
}

func (a *ifAgg) result(ng int) *column.Vector {
	v := a.inner.result(ng + 1)
	idx := make([]uint32, ng)
	for g := range idx {
		idx[g] = uint32(g + 1)
	}
	return v.Materialize().Gather(idx)
}

// countAgg: count() counts rows, countif() rows where the predicate is true.
// Empty groups count 0.
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
	t    column.Type
	sum  []float64
	n    []int64
	rows []bool // the group had a row, null or not
}

func (a *avgAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.sum, a.n, a.rows = grow(a.sum, ng), grow(a.n, ng), grow(a.rows, ng)
	for i, g := range groups {
		a.rows[g] = true
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
	// A group without any row (summarize without by over no rows) has
	// Kusto's 0/0, NaN; a group whose values were all null averages to
	// null.
	a.sum, a.n, a.rows = grow(a.sum, ng), grow(a.n, ng), grow(a.rows, ng)
	b := column.NewBuilder(a.t, ng)
	for g := 0; g < ng; g++ {
		switch {
		case a.n[g] == 0 && !a.rows[g] && a.t == column.Real:
			b.AppendFloat(math.NaN())
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

func (a *dcountAgg) size() int64 {
	var n int64
	for _, s := range a.seen {
		n += 8 * int64(len(s.slots))
	}
	return n
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

// momentAgg computes variance or standard deviation with Welford's method,
// ignoring nulls. The sample forms (Bessel's correction) give 0 for a
// single value; a group with no values gives null.
type momentAgg struct {
	sample, sqrt bool
	n            []int64
	mean, m2     []float64
	rows         []bool // the group had a row, null or not
}

func (a *momentAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.n, a.mean, a.m2, a.rows = grow(a.n, ng), grow(a.mean, ng), grow(a.m2, ng), grow(a.rows, ng)
	for i, g := range groups {
		a.rows[g] = true
		if arg.IsNull(i) {
			continue
		}
		var x float64
		if arg.Floats != nil {
			x = arg.Float(i)
		} else {
			x = float64(arg.Int(i))
		}
		a.n[g]++
		d := x - a.mean[g]
		a.mean[g] += d / float64(a.n[g])
		a.m2[g] += d * (x - a.mean[g])
	}
}

func (a *momentAgg) result(ng int) *column.Vector {
	// Over no rows at all (summarize without by on empty input) Kusto's
	// variance and stdev are 0; over only nulls, null.
	a.n, a.mean, a.m2, a.rows = grow(a.n, ng), grow(a.mean, ng), grow(a.m2, ng), grow(a.rows, ng)
	b := column.NewBuilder(column.Real, ng)
	for g := 0; g < ng; g++ {
		n := a.n[g]
		if n == 0 && !a.rows[g] {
			b.AppendFloat(0)
			continue
		}
		if n == 0 {
			b.AppendNull()
			continue
		}
		d := float64(n)
		if a.sample {
			d = float64(n - 1)
		}
		v := 0.0
		if d > 0 {
			v = a.m2[g] / d
		}
		if a.sqrt {
			v = math.Sqrt(v)
		}
		b.AppendFloat(v)
	}
	return b.Build()
}

// percentileAgg returns the nearest-rank percentile (Extra[0], 0 to 100) of
// the non-null values of each group: the value at rank ceil(p/100 * n) of
// the sorted values. Kusto estimates percentiles; on the small sets tests
// use, its estimate is this exact value.
type percentileAgg struct {
	t      column.Type
	p      float64
	floats [][]float64
	ints   [][]int64
}

func (a *percentileAgg) setExtra(extra []*column.Vector) {
	if len(extra) == 0 || extra[0].IsNull(0) {
		return
	}
	if extra[0].Floats != nil {
		a.p = extra[0].Float(0)
	} else {
		a.p = float64(extra[0].Int(0))
	}
}

func (a *percentileAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	if arg.Floats != nil {
		a.floats = grow(a.floats, ng)
	} else {
		a.ints = grow(a.ints, ng)
	}
	for i, g := range groups {
		if arg.IsNull(i) {
			continue
		}
		if arg.Floats != nil {
			if f := arg.Float(i); !math.IsNaN(f) {
				a.floats[g] = append(a.floats[g], f)
			}
		} else {
			a.ints[g] = append(a.ints[g], arg.Int(i))
		}
	}
}

func (a *percentileAgg) size() int64 {
	var n int64
	for _, x := range a.floats {
		n += 8 * int64(cap(x))
	}
	for _, x := range a.ints {
		n += 8 * int64(cap(x))
	}
	return n
}

func (a *percentileAgg) rank(n int) int {
	r := int(math.Ceil(a.p / 100 * float64(n)))
	return min(max(r, 1), n) - 1
}

func (a *percentileAgg) result(ng int) *column.Vector {
	b := column.NewBuilder(a.t, ng)
	for g := 0; g < ng; g++ {
		if a.t == column.Real {
			a.floats = grow(a.floats, ng)
			xs := a.floats[g]
			if len(xs) == 0 {
				b.AppendNull()
				continue
			}
			sort.Float64s(xs)
			b.AppendFloat(xs[a.rank(len(xs))])
			continue
		}
		a.ints = grow(a.ints, ng)
		xs := a.ints[g]
		if len(xs) == 0 {
			b.AppendNull()
			continue
		}
		sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
		b.AppendInt(xs[a.rank(len(xs))])
	}
	return b.Build()
}

// rankAgg is the weighted percentiles (percentilew, one rank;
// percentilesw_array) and percentiles_array: per group the non-null
// values with their weights (1 when unweighted); a rank p is the smallest
// value whose cumulative weight reaches p% of the total (nearest rank).
// Extra: the weight when weighted, then the ranks.
type rankAgg struct {
	t               column.Type
	weighted, array bool
	ranks           []float64
	weight          *column.Vector
	vals            [][]rankedValue
}

type rankedValue struct {
	f float64
	i int64
	w int64
}

func (a *rankAgg) setExtra(extra []*column.Vector) {
	if a.weighted {
		a.weight, extra = extra[0], extra[1:]
	}
	if a.ranks == nil {
		for _, r := range extra {
			if r.Floats != nil {
				a.ranks = append(a.ranks, r.Float(0))
			} else {
				a.ranks = append(a.ranks, float64(r.Int(0)))
			}
		}
	}
}

func (a *rankAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.vals = grow(a.vals, ng)
	for i, g := range groups {
		if arg.IsNull(i) {
			continue
		}
		v := rankedValue{w: 1}
		if a.weight != nil {
			if a.weight.IsNull(i) || a.weight.Int(i) <= 0 {
				continue
			}
			v.w = a.weight.Int(i)
		}
		if arg.Floats != nil {
			if v.f = arg.Float(i); math.IsNaN(v.f) {
				continue
			}
		} else {
			v.i = arg.Int(i)
		}
		a.vals[g] = append(a.vals[g], v)
	}
}

func (a *rankAgg) size() int64 {
	var n int64
	for _, x := range a.vals {
		n += 24 * int64(cap(x))
	}
	return n
}

// at returns the value of the sorted values at rank p.
func (a *rankAgg) at(vs []rankedValue, total int64, p float64) rankedValue {
	need := p / 100 * float64(total)
	var cum int64
	for _, v := range vs {
		cum += v.w
		if float64(cum) >= need && cum > 0 {
			return v
		}
	}
	return vs[len(vs)-1]
}

func (a *rankAgg) result(ng int) *column.Vector {
	a.vals = grow(a.vals, ng)
	var b *column.Builder
	if a.array {
		b = column.NewDynamicBuilder(ng)
	} else {
		b = column.NewBuilder(a.t, ng)
	}
	for g := 0; g < ng; g++ {
		vs := a.vals[g]
		if len(vs) == 0 {
			b.AppendNull()
			continue
		}
		if a.t == column.Real {
			sort.Slice(vs, func(i, j int) bool { return vs[i].f < vs[j].f })
		} else {
			sort.Slice(vs, func(i, j int) bool { return vs[i].i < vs[j].i })
		}
		var total int64
		for _, v := range vs {
			total += v.w
		}
		value := func(v rankedValue) any {
			if a.t == column.Real {
				return v.f
			}
			return v.i
		}
		if !a.array {
			b.AppendValue(value(a.at(vs, total, a.ranks[0])))
			continue
		}
		out := make([]any, len(a.ranks))
		for i, p := range a.ranks {
			out[i] = toDyn(a.t, value(a.at(vs, total, p)))
		}
		b.AppendDynamic(out)
	}
	return b.Build()
}

// covarianceAgg is the covariance of Arg and Extra[0] over the rows where
// both are set, by the co-moment form of Welford's method; the sample form
// divides by n - 1 (0 for one pair), the population form by n.
type covarianceAgg struct {
	sample      bool
	y           *column.Vector
	n           []int64
	mx, my, cxy []float64
}

func (a *covarianceAgg) setExtra(extra []*column.Vector) { a.y = extra[0] }

func (a *covarianceAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.n, a.mx, a.my, a.cxy = grow(a.n, ng), grow(a.mx, ng), grow(a.my, ng), grow(a.cxy, ng)
	for i, g := range groups {
		if arg.IsNull(i) || a.y.IsNull(i) {
			continue
		}
		x, y := arg.Float(i), a.y.Float(i)
		a.n[g]++
		n := float64(a.n[g])
		dx := x - a.mx[g]
		a.mx[g] += dx / n
		a.my[g] += (y - a.my[g]) / n
		a.cxy[g] += dx * (y - a.my[g])
	}
}

func (a *covarianceAgg) result(ng int) *column.Vector {
	a.n, a.cxy = grow(a.n, ng), grow(a.cxy, ng)
	out := newFloats(ng)
	for g := 0; g < ng; g++ {
		d := float64(a.n[g])
		if a.sample {
			d--
		}
		switch {
		case a.n[g] == 0:
			setNull(out, g)
		case d > 0:
			out.Floats[g] = a.cxy[g] / d
		}
	}
	return out
}
