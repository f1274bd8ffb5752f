package exec

import (
	"net/netip"
	"strconv"
	"strings"

	"clickhunt/column"
)

// IPv4 functions.
// https://learn.microsoft.com/kusto/query/ipv4-is-private-function
func init() {
	registerK("ipv4_is_private", valueKernel(column.Bool, func(a []any) any {
		p, ok := parseIPv4Prefix(str0(a[0]), -1)
		if !ok {
			return nil
		}
		ip := p.Addr()
		for _, r := range privateV4 {
			if r.Contains(ip) && p.Bits() >= r.Bits() {
				return true
			}
		}
		return false
	}))
	// https://learn.microsoft.com/kusto/query/ipv4-is-in-range-function
	registerK("ipv4_is_in_range", valueKernel(column.Bool, func(a []any) any {
		ip, ok1 := parseIPv4Prefix(str0(a[0]), -1)
		r, ok2 := parseIPv4Prefix(str0(a[1]), -1)
		if !ok1 || !ok2 {
			return nil
		}
		return r.Masked().Contains(ip.Addr())
	}))
	// https://learn.microsoft.com/kusto/query/ipv4-compare-function
	registerK("ipv4_compare", valueKernel(column.Long, func(a []any) any {
		c, ok := ipv4Cmp(a)
		if !ok {
			return nil
		}
		return int64(c)
	}))
	// https://learn.microsoft.com/kusto/query/ipv4-is-match-function
	registerK("ipv4_is_match", valueKernel(column.Bool, func(a []any) any {
		c, ok := ipv4Cmp(a)
		if !ok {
			return nil
		}
		return c == 0
	}))
	// https://learn.microsoft.com/kusto/query/parse-ipv4-function
	registerK("parse_ipv4", valueKernel(column.Long, func(a []any) any {
		p, ok := parseIPv4Prefix(str0(a[0]), -1)
		if !ok {
			return nil
		}
		b := p.Masked().Addr().As4()
		return int64(b[0])<<24 | int64(b[1])<<16 | int64(b[2])<<8 | int64(b[3])
	}))
}

func str0(x any) string { s, _ := x.(string); return s }

var privateV4 = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// parseIPv4Prefix parses "a.b.c.d" or "a.b.c.d/n"; bits >= 0 overrides the
// prefix length when smaller.
func parseIPv4Prefix(s string, bits int) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	n := 32
	if i := strings.IndexByte(s, '/'); i >= 0 {
		v, err := strconv.Atoi(s[i+1:])
		if err != nil || v < 0 || v > 32 {
			return netip.Prefix{}, false
		}
		n, s = v, s[:i]
	}
	ip, err := netip.ParseAddr(s)
	if err != nil || !ip.Is4() {
		return netip.Prefix{}, false
	}
	if bits >= 0 && bits < n {
		n = bits
	}
	return netip.PrefixFrom(ip, n), true
}

// ipv4Cmp compares two IPv4 addresses on the shorter of their prefixes
// (and the optional prefix argument).
func ipv4Cmp(a []any) (int, bool) {
	bits := -1
	if len(a) > 2 {
		b, ok := a[2].(int64)
		if !ok || b < 0 || b > 32 {
			return 0, false
		}
		bits = int(b)
	}
	p1, ok1 := parseIPv4Prefix(str0(a[0]), bits)
	p2, ok2 := parseIPv4Prefix(str0(a[1]), bits)
	if !ok1 || !ok2 {
		return 0, false
	}
	n := min(p1.Bits(), p2.Bits())
	x1, _ := p1.Addr().Prefix(n)
	x2, _ := p2.Addr().Prefix(n)
	return x1.Addr().Compare(x2.Addr()), true
}
