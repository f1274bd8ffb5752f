package exec

import (
	"context"
	"math/bits"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// dcount_intersect: per row, s(k) estimates |S1 ∩ ... ∩ S(k+1)| by
// inclusion-exclusion over the distinct counts of the unions of the sets'
// hll digests (a union is a merge, which hll answers; an intersection is
// not). A null or unreadable digest makes s(k) null from its set on.
// https://learn.microsoft.com/kusto/query/dcount-intersect-plugin
func init() {
	registerPlugin("dcount_intersect", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.DcountIntersectParams)
		in := ins[0]
		vecs := make([]*column.Vector, len(p.Digests))
		for i, d := range p.Digests {
			e, err := compile(d, st.stop)
			if err != nil {
				return nil, err
			}
			vecs[i] = e.eval(in)
		}
		out := &column.Batch{Len: in.Len, Cols: append([]*column.Vector(nil), in.Cols...)}
		bs := make([]*column.Builder, len(vecs))
		for i := range bs {
			bs[i] = column.NewBuilder(column.Long, in.Len)
		}
		digests := make([]*hllDigest, len(vecs))
		for r := 0; r < in.Len; r++ {
			st.stop.check()
			valid := 0 // digests 0..valid-1 are readable
			for ; valid < len(vecs); valid++ {
				v := vecs[valid]
				if v.IsNull(r) {
					break
				}
				h, ok := readHLL(v.Value(r))
				if !ok {
					break
				}
				digests[valid] = h
			}
			for k := range vecs {
				if k >= valid {
					bs[k].AppendNull()
					continue
				}
				bs[k].AppendInt(intersectCount(digests[:k+1]))
			}
		}
		for _, b := range bs {
			out.Cols = append(out.Cols, b.Build())
		}
		return out, nil
	})
}

// intersectCount estimates the distinct count of the intersection of the
// digests' sets: the sum over every non-empty subset J of
// (-1)^(|J|+1) |union of J|, kept between 0 and the smallest set's count
// (the estimates of the unions may not add up exactly).
func intersectCount(hs []*hllDigest) int64 {
	var total, least int64
	for mask := uint32(1); mask < 1<<len(hs); mask++ {
		var u *hllDigest
		for i := range hs {
			if mask&(1<<i) == 0 {
				continue
			}
			if u == nil {
				u = cloneHLL(hs[i])
			} else {
				u.merge(cloneHLL(hs[i]))
			}
		}
		c := u.count()
		if bits.OnesCount32(mask) == 1 && (mask == 1 || c < least) {
			least = c
		}
		if bits.OnesCount32(mask)%2 == 1 {
			total += c
		} else {
			total -= c
		}
	}
	return min(max(total, 0), least)
}

// cloneHLL copies a digest, which merge may change.
func cloneHLL(h *hllDigest) *hllDigest {
	c := &hllDigest{p: h.p}
	if h.regs != nil {
		c.regs = append([]uint8(nil), h.regs...)
		return c
	}
	c.hashes = make(map[uint64]struct{}, len(h.hashes))
	for x := range h.hashes {
		c.hashes[x] = struct{}{}
	}
	return c
}
