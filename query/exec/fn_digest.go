package exec

import (
	"encoding/base64"
	"math"
	"math/bits"
	"sort"

	"github.com/cespare/xxhash/v2"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// Scalar aggregation functions: they read the digests the hll() and
// tdigest() aggregations give (and hll_merge / tdigest_merge combine).
// https://learn.microsoft.com/kusto/query/scalar-functions#scalar-aggregation-functions
//
// Digests are dynamic bags, so they can be stored, passed through
// operators and merged later, as in Kusto (whose own digest layout is not
// documented, so these are clickhunt's):
//
//	{"hll": P, "hashes": [h, ...]}        up to maxSparse distinct hashes, sorted
//	{"hll": P, "registers": "base64"}     2^P HyperLogLog registers
//	{"tdigest": "long", "centroids": [[value, weight], ...]}  sorted by value
//
// P is the precision the accuracy asked for (hllPrecision). A sparse hll
// counts exactly; the registers estimate with HyperLogLog's bias-corrected
// formula. A t-digest keeps every distinct value with its weight until it
// holds maxCentroids, then merges neighbours.
func init() {
	// https://learn.microsoft.com/kusto/query/dcount-hll-function
	registerK("dcount_hll", valueKernel(column.Long, func(a []any) any {
		h, ok := readHLL(a[0])
		if !ok {
			return nil
		}
		return h.count()
	}))
	// https://learn.microsoft.com/kusto/query/hll-merge-function
	registerK("hll_merge", valueKernel(column.Dynamic, func(a []any) any { return mergeDigests(a, readHLL) }))
	// https://learn.microsoft.com/kusto/query/merge-tdigest-function
	registerK("merge_tdigest", valueKernel(column.Dynamic, func(a []any) any { return mergeDigests(a, readTDigest) }))
	// percentile_tdigest(digest, p): the value at rank p, as a dynamic
	// value (plan converts it when typeof(T) is given).
	// https://learn.microsoft.com/kusto/query/percentile-tdigest-function
	registerK("percentile_tdigest", valueKernel(column.Dynamic, func(a []any) any {
		t, ok := readTDigest(a[0])
		p, ok2 := a[1].(float64)
		if !ok || !ok2 || len(t.c) == 0 {
			return nil
		}
		return t.out(t.at(p))
	}))
	registerK("percentile_array_tdigest", valueKernel(column.Dynamic, func(a []any) any {
		t, ok := readTDigest(a[0])
		if !ok || len(t.c) == 0 {
			return nil
		}
		var ps []float64
		for _, x := range a[1:] {
			switch v := x.(type) {
			case float64:
				ps = append(ps, v)
			case int64:
				ps = append(ps, float64(v))
			case []any:
				for _, e := range v {
					if f, ok := dynNum(e); ok {
						ps = append(ps, f)
					}
				}
			}
		}
		out := make([]any, len(ps))
		for i, p := range ps {
			out[i] = t.out(t.at(p))
		}
		return out
	}))
	// rank_tdigest(digest, v): the weight of the values up to v;
	// percentrank_tdigest: that as a percentage of all the weight.
	// https://learn.microsoft.com/kusto/query/rank-tdigest-function
	registerK("rank_tdigest", valueKernel(column.Real, func(a []any) any {
		t, ok := readTDigest(a[0])
		v, ok2 := a[1].(float64)
		if !ok || !ok2 {
			return nil
		}
		return t.rank(v)
	}))
	registerK("percentrank_tdigest", valueKernel(column.Real, func(a []any) any {
		t, ok := readTDigest(a[0])
		v, ok2 := a[1].(float64)
		if !ok || !ok2 || t.total() == 0 {
			return nil
		}
		return 100 * t.rank(v) / t.total()
	}))
}

// hllPrecision maps hll()'s accuracy (0 to 4, default 1) to the number of
// register index bits, for the relative errors Kusto documents (1.6%,
// 0.8%, 0.4%, 0.28%, 0.2%).
func hllPrecision(accuracy int64) int64 {
	switch accuracy {
	case 0:
		return 12
	case 2:
		return 16
	case 3:
		return 17
	case 4:
		return 18
	}
	return 14
}

// maxSparse is how many distinct hashes a sparse hll keeps before turning
// into registers (fewer bytes than 2^14 registers).
const maxSparse = 2048

type hllDigest struct {
	p      int64
	hashes map[uint64]struct{} // sparse, or nil
	regs   []uint8             // 2^p registers, or nil
}

func newHLL(p int64) *hllDigest { return &hllDigest{p: p, hashes: map[uint64]struct{}{}} }

// hllHash hashes row i of v as hash() does (xxhash64 of its bytes), so
// digests built in different queries merge.
func hllHash(v *column.Vector, i int, buf []byte) uint64 {
	return xxhash.Sum64(hashBytes(v, i, buf[:0]))
}

func (h *hllDigest) add(x uint64) {
	if h.regs == nil {
		h.hashes[x] = struct{}{}
		if len(h.hashes) > maxSparse {
			h.toRegisters()
		}
		return
	}
	idx := x >> (64 - h.p)
	rho := uint8(bits.LeadingZeros64(x<<h.p|1<<(h.p-1)) + 1)
	if rho > h.regs[idx] {
		h.regs[idx] = rho
	}
}

func (h *hllDigest) toRegisters() {
	h.regs = make([]uint8, 1<<h.p)
	hs := h.hashes
	h.hashes = nil
	for x := range hs {
		h.add(x)
	}
}

func (h *hllDigest) merge(o *hllDigest) {
	if o.p != h.p {
		// Digests of different accuracies: keep the coarser registers.
		if o.p < h.p {
			*h, *o = *o, *h
		}
		if h.regs == nil {
			h.toRegisters()
		}
	}
	if o.regs == nil {
		for x := range o.hashes {
			h.add(x)
		}
		return
	}
	if h.regs == nil {
		h.toRegisters()
	}
	shift := o.p - h.p
	for i, r := range o.regs {
		j := i >> shift
		if r > h.regs[j] {
			h.regs[j] = r
		}
	}
}

func (h *hllDigest) count() int64 {
	if h.regs == nil {
		return int64(len(h.hashes))
	}
	m := float64(len(h.regs))
	var sum float64
	zeros := 0
	for _, r := range h.regs {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	e := 0.7213 / (1 + 1.079/m) * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros)) // linear counting for small sets
	}
	return int64(math.Round(e))
}

func (h *hllDigest) value() any {
	if h.regs != nil {
		return map[string]any{"hll": h.p, "registers": base64.StdEncoding.EncodeToString(h.regs)}
	}
	hs := make([]uint64, 0, len(h.hashes))
	for x := range h.hashes {
		hs = append(hs, x)
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i] < hs[j] })
	out := make([]any, len(hs))
	for i, x := range hs {
		out[i] = int64(x)
	}
	return map[string]any{"hll": h.p, "hashes": out}
}

func readHLL(x any) (*hllDigest, bool) {
	m, ok := x.(map[string]any)
	if !ok {
		return nil, false
	}
	p, ok := m["hll"].(int64)
	if !ok || p < 4 || p > 18 {
		return nil, false
	}
	h := newHLL(p)
	if s, ok := m["registers"].(string); ok {
		regs, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(regs) != 1<<p {
			return nil, false
		}
		h.hashes, h.regs = nil, regs
		return h, true
	}
	hs, ok := m["hashes"].([]any)
	if !ok {
		return nil, false
	}
	for _, e := range hs {
		v, ok := e.(int64)
		if !ok {
			return nil, false
		}
		h.add(uint64(v))
	}
	return h, true
}

// maxCentroids bounds a t-digest's size.
const maxCentroids = 4096

type centroid struct{ v, w float64 }

type tdigest struct {
	t column.Type // of the values digested
	c []centroid  // sorted by value
}

func (t *tdigest) total() float64 {
	var s float64
	for _, c := range t.c {
		s += c.w
	}
	return s
}

// normalize sorts, joins equal values and, past maxCentroids, merges
// neighbours into their weighted mean.
func (t *tdigest) normalize() {
	sort.Slice(t.c, func(i, j int) bool { return t.c[i].v < t.c[j].v })
	out := t.c[:0]
	for _, c := range t.c {
		if n := len(out); n > 0 && out[n-1].v == c.v {
			out[n-1].w += c.w
			continue
		}
		out = append(out, c)
	}
	for len(out) > maxCentroids {
		merged := out[:0]
		for i := 0; i < len(out); i += 2 {
			if i+1 == len(out) {
				merged = append(merged, out[i])
				continue
			}
			a, b := out[i], out[i+1]
			w := a.w + b.w
			merged = append(merged, centroid{(a.v*a.w + b.v*b.w) / w, w})
		}
		out = merged
	}
	t.c = out
}

func (t *tdigest) merge(o *tdigest) {
	t.c = append(t.c, o.c...)
	t.normalize()
}

// at is the value at rank p (nearest rank over the weights).
func (t *tdigest) at(p float64) float64 {
	need := p / 100 * t.total()
	var cum float64
	for _, c := range t.c {
		cum += c.w
		if cum >= need && cum > 0 {
			return c.v
		}
	}
	return t.c[len(t.c)-1].v
}

func (t *tdigest) rank(v float64) float64 {
	var cum float64
	for _, c := range t.c {
		if c.v > v {
			break
		}
		cum += c.w
	}
	return cum
}

// out renders a digested value in the type it had.
func (t *tdigest) out(v float64) any {
	switch t.t {
	case column.Long, column.Int:
		return int64(math.Round(v))
	case column.Datetime, column.Timespan:
		return toDyn(t.t, int64(math.Round(v)))
	}
	return v
}

func (t *tdigest) value() any {
	cs := make([]any, len(t.c))
	for i, c := range t.c {
		cs[i] = []any{c.v, c.w}
	}
	return map[string]any{"tdigest": t.t.String(), "centroids": cs}
}

func readTDigest(x any) (*tdigest, bool) {
	m, ok := x.(map[string]any)
	if !ok {
		return nil, false
	}
	name, _ := m["tdigest"].(string)
	typ, ok := column.ParseType(name)
	if !ok {
		return nil, false
	}
	cs, ok := m["centroids"].([]any)
	if !ok {
		return nil, false
	}
	t := &tdigest{t: typ}
	for _, e := range cs {
		pair, ok := e.([]any)
		if !ok || len(pair) != 2 {
			return nil, false
		}
		v, ok1 := dynNum(pair[0])
		w, ok2 := dynNum(pair[1])
		if !ok1 || !ok2 {
			return nil, false
		}
		t.c = append(t.c, centroid{v, w})
	}
	t.normalize()
	return t, true
}

// hllAgg is hll(x [, accuracy]) and hll_merge(digest): a digest per group
// (null for a group without a value).
type hllAgg struct {
	merge bool
	p     int64
	ds    []*hllDigest
	buf   [16]byte
}

func (a *hllAgg) setExtra(extra []*column.Vector) {
	if len(extra) > 0 && a.p == 0 {
		a.p = hllPrecision(extra[0].Int(0))
	}
}

func (a *hllAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.ds = grow(a.ds, ng)
	if a.p == 0 {
		a.p = hllPrecision(1)
	}
	r := newDynReader(arg)
	for i, g := range groups {
		if arg.IsNull(i) {
			continue
		}
		if a.merge {
			h, ok := readHLL(r.value(i))
			if !ok {
				continue
			}
			if a.ds[g] == nil {
				a.ds[g] = h
			} else {
				a.ds[g].merge(h)
			}
			continue
		}
		if a.ds[g] == nil {
			a.ds[g] = newHLL(a.p)
		}
		a.ds[g].add(hllHash(arg, i, a.buf[:]))
	}
}

func (a *hllAgg) size() int64 {
	var n int64
	for _, d := range a.ds {
		if d != nil {
			n += 8*int64(len(d.hashes)) + int64(len(d.regs))
		}
	}
	return n
}

func (a *hllAgg) result(ng int) *column.Vector {
	a.ds = grow(a.ds, ng)
	b := column.NewDynamicBuilder(ng)
	for g := 0; g < ng; g++ {
		if a.ds[g] == nil {
			b.AppendNull()
			continue
		}
		b.AppendDynamic(a.ds[g].value())
	}
	return b.Build()
}

// tdigestAgg is tdigest(x [, weight]) and tdigest_merge(digest).
type tdigestAgg struct {
	merge  bool
	t      column.Type
	weight *column.Vector
	ds     []*tdigest
}

func (a *tdigestAgg) setExtra(extra []*column.Vector) {
	if len(extra) > 0 {
		a.weight = extra[0]
	}
}

func (a *tdigestAgg) update(groups []uint32, ng int, arg, _ *column.Vector) {
	a.ds = grow(a.ds, ng)
	r := newDynReader(arg)
	for i, g := range groups {
		if arg.IsNull(i) {
			continue
		}
		if a.merge {
			t, ok := readTDigest(r.value(i))
			if !ok {
				continue
			}
			if a.ds[g] == nil {
				a.ds[g] = t
			} else {
				a.ds[g].merge(t)
			}
			continue
		}
		w := 1.0
		if a.weight != nil {
			if a.weight.IsNull(i) || a.weight.Int(i) <= 0 {
				continue
			}
			w = float64(a.weight.Int(i))
		}
		v := 0.0
		if arg.Floats != nil {
			if v = arg.Float(i); math.IsNaN(v) {
				continue
			}
		} else {
			v = float64(arg.Int(i))
		}
		if a.ds[g] == nil {
			a.ds[g] = &tdigest{t: a.t}
		}
		d := a.ds[g]
		d.c = append(d.c, centroid{v, w})
		if len(d.c) > 2*maxCentroids {
			d.normalize()
		}
	}
}

func (a *tdigestAgg) size() int64 {
	var n int64
	for _, d := range a.ds {
		if d != nil {
			n += 16 * int64(cap(d.c))
		}
	}
	return n
}

func (a *tdigestAgg) result(ng int) *column.Vector {
	a.ds = grow(a.ds, ng)
	b := column.NewDynamicBuilder(ng)
	for g := 0; g < ng; g++ {
		if a.ds[g] == nil {
			b.AppendNull()
			continue
		}
		a.ds[g].normalize()
		b.AppendDynamic(a.ds[g].value())
	}
	return b.Build()
}

func init() {
	// https://learn.microsoft.com/kusto/query/hll-aggregation-function
	registerAgg("hll", func(*plan.AggCall) aggregator { return &hllAgg{} })
	registerAgg("hll_if", ifOf("hll"))
	registerAgg("hll_merge", func(*plan.AggCall) aggregator { return &hllAgg{merge: true} })
	// https://learn.microsoft.com/kusto/query/tdigest-aggregation-function
	registerAgg("tdigest", func(c *plan.AggCall) aggregator { return &tdigestAgg{t: c.Arg.Type()} })
	registerAgg("tdigest_merge", func(*plan.AggCall) aggregator { return &tdigestAgg{merge: true} })
}

// mergeDigests merges the digests among a (values read reports not
// digests are skipped) into the first: null when there is none.
func mergeDigests[D interface {
	comparable
	merge(D)
	value() any
}](a []any, read func(any) (D, bool)) any {
	var out, none D
	for _, x := range a {
		d, ok := read(x)
		if !ok {
			continue
		}
		if out == none {
			out = d
		} else {
			out.merge(d)
		}
	}
	if out == none {
		return nil
	}
	return out.value()
}
