package exec

import (
	"context"
	"net/netip"
	"strings"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// ipv4_lookup and ipv6_lookup: each source row joined with the lookup rows
// whose network contains its address (a source value may itself be a
// network: it matches a lookup network holding all of it).
// https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin
// https://learn.microsoft.com/kusto/query/ipv6-lookup-plugin
func init() {
	registerPlugin("ipv4_lookup", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		return ipLookup(n, ins, st, true)
	})
	registerPlugin("ipv6_lookup", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		return ipLookup(n, ins, st, false)
	})
}

// parseNetwork parses an address or address/prefix; v4only rejects IPv6.
// IPv4 addresses in IPv6 form (::ffff:a.b.c.d) count as IPv4.
func parseNetwork(s string, v4only bool) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	var pf netip.Prefix
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		pf = p
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		pf = netip.PrefixFrom(a, a.BitLen())
	}
	if pf.Addr().Is4In6() && pf.Bits() >= 96 {
		pf = netip.PrefixFrom(pf.Addr().Unmap(), pf.Bits()-96)
	}
	if v4only && !pf.Addr().Is4() {
		return netip.Prefix{}, false
	}
	return pf.Masked(), true
}

func ipLookup(n *plan.Evaluate, ins []*column.Batch, st *Stats, v4 bool) (*column.Batch, error) {
	p := n.Params.(*plan.IPLookup)
	src, look := ins[0], ins[1]
	// Lookup networks by prefix length, then by masked address.
	byLen := map[int]map[netip.Prefix][]int{}
	keys := look.Cols[p.Key]
	for r := 0; r < look.Len; r++ {
		if keys.IsNull(r) {
			continue
		}
		pf, ok := parseNetwork(keys.Str(r), v4)
		if !ok {
			continue
		}
		if byLen[pf.Bits()] == nil {
			byLen[pf.Bits()] = map[netip.Prefix][]int{}
		}
		byLen[pf.Bits()][pf] = append(byLen[pf.Bits()][pf], r)
	}
	var srcRows, lookRows []int // lookRows -1: unmatched
	sk := src.Cols[p.Source]
	for r := 0; r < src.Len; r++ {
		matched := false
		if !sk.IsNull(r) {
			if sp, ok := parseNetwork(sk.Str(r), v4); ok {
				for bits, nets := range byLen {
					if bits > sp.Bits() {
						continue
					}
					m, err := sp.Addr().Prefix(bits)
					if err != nil {
						continue
					}
					for _, lr := range nets[m] {
						srcRows, lookRows = append(srcRows, r), append(lookRows, lr)
						matched = true
					}
				}
			}
		}
		if !matched && p.ReturnUnmatched {
			srcRows, lookRows = append(srcRows, r), append(lookRows, -1)
		}
	}
	sidx := make([]uint32, len(srcRows))
	for i, r := range srcRows {
		sidx[i] = uint32(r)
	}
	var srcCols, lookCols []*column.Vector
	for _, c := range src.Cols {
		srcCols = append(srcCols, c.Gather(sidx))
	}
	lschema := n.Ins[1].Out()
	for c, f := range lschema {
		b := newValueBuilder(f.Type, len(lookRows))
		for _, lr := range lookRows {
			if lr < 0 {
				b.AppendNull()
				continue
			}
			b.AppendValue(look.Cols[c].Value(lr))
		}
		lookCols = append(lookCols, b.Build())
	}
	out := &column.Batch{Len: len(srcRows)}
	if p.LookupFirst {
		out.Cols = append(lookCols, srcCols...)
	} else {
		out.Cols = append(srcCols, lookCols...)
	}
	return out, nil
}
