package exec

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// IPv4/IPv6 functions and the IPv4 text match functions.
// https://learn.microsoft.com/kusto/query/scalar-functions#ipv4ipv6-functions
func init() {
	// https://learn.microsoft.com/kusto/query/ipv4-is-private-function
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
	// https://learn.microsoft.com/kusto/query/ipv4-is-in-any-range-function
	register("ipv4_is_in_any_range", listKernel(func(list []string) func(string) any {
		var ranges []netip.Prefix
		for _, s := range list {
			if r, ok := parseIPv4Prefix(s, -1); ok {
				ranges = append(ranges, r.Masked())
			}
		}
		return func(s string) any {
			ip, ok := parseIPv4Prefix(s, -1)
			if !ok {
				return nil
			}
			for _, r := range ranges {
				if r.Contains(ip.Addr()) {
					return true
				}
			}
			return false
		}
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
	// https://learn.microsoft.com/kusto/query/ipv4-netmask-suffix-function
	registerK("ipv4_netmask_suffix", valueKernel(column.Long, func(a []any) any {
		p, ok := parseIPv4Prefix(str0(a[0]), -1)
		if !ok {
			return nil
		}
		return int64(p.Bits())
	}))
	// ipv4_range_to_cidr_list(start, end): the fewest CIDR blocks covering
	// the range. https://learn.microsoft.com/kusto/query/ipv4-range-to-cidr-list-function
	registerK("ipv4_range_to_cidr_list", valueKernel(column.Dynamic, func(a []any) any {
		lo, ok1 := parseIPv4Prefix(str0(a[0]), -1)
		hi, ok2 := parseIPv4Prefix(str0(a[1]), -1)
		if !ok1 || !ok2 {
			return nil
		}
		return cidrList(ipv4Long(lo.Addr()), ipv4Long(hi.Addr()))
	}))
	// https://learn.microsoft.com/kusto/query/parse-ipv4-function
	registerK("parse_ipv4", valueKernel(column.Long, func(a []any) any {
		p, ok := parseIPv4Prefix(str0(a[0]), -1)
		if !ok {
			return nil
		}
		return ipv4Long(p.Masked().Addr())
	}))
	// https://learn.microsoft.com/kusto/query/parse-ipv4-mask-function
	registerK("parse_ipv4_mask", valueKernel(column.Long, func(a []any) any {
		m, ok := a[1].(int64)
		if !ok || m < 0 || m > 32 {
			return nil
		}
		p, ok := parseIPv4Prefix(str0(a[0]), int(m))
		if !ok {
			return nil
		}
		return ipv4Long(p.Masked().Addr())
	}))
	// format_ipv4(ip [, prefix]) and format_ipv4_mask(ip [, prefix]): the
	// masked address, without and with its /prefix; "" when invalid.
	// https://learn.microsoft.com/kusto/query/format-ipv4-function
	for _, withMask := range []bool{false, true} {
		name := "format_ipv4"
		if withMask {
			name = "format_ipv4_mask"
		}
		registerK(name, valueKernel(column.String, func(a []any) any {
			m := int64(32)
			if len(a) > 1 {
				v, ok := a[1].(int64)
				if !ok {
					return ""
				}
				m = v
			}
			if m < 0 || m > 32 {
				return ""
			}
			p, ok := parseIPv4Text(str0(a[0]), int(m))
			if !ok {
				return ""
			}
			if withMask {
				return p.Masked().String()
			}
			return p.Masked().Addr().String()
		}))
	}
	// https://learn.microsoft.com/kusto/query/ipv6-compare-function
	registerK("ipv6_compare", valueKernel(column.Long, func(a []any) any {
		c, ok := ipv6Cmp(a)
		if !ok {
			return nil
		}
		return int64(c)
	}))
	// https://learn.microsoft.com/kusto/query/ipv6-is-match-function
	registerK("ipv6_is_match", valueKernel(column.Bool, func(a []any) any {
		c, ok := ipv6Cmp(a)
		if !ok {
			return nil
		}
		return c == 0
	}))
	// https://learn.microsoft.com/kusto/query/ipv6-is-in-range-function
	registerK("ipv6_is_in_range", valueKernel(column.Bool, func(a []any) any {
		ip, ok1 := parseIPv6(str0(a[0]))
		r, ok2 := parseIPv6(str0(a[1]))
		if !ok1 || !ok2 {
			return nil
		}
		return ip.normal().masked(r.bits) == r.normal().masked(r.bits)
	}))
	// https://learn.microsoft.com/kusto/query/ipv6-is-in-any-range-function
	register("ipv6_is_in_any_range", listKernel(func(list []string) func(string) any {
		var ranges []ip6
		for _, s := range list {
			if r, ok := parseIPv6(s); ok {
				r = r.normal()
				r.addr = r.masked(r.bits)
				ranges = append(ranges, r)
			}
		}
		return func(s string) any {
			ip, ok := parseIPv6(s)
			if !ok {
				return nil
			}
			ip = ip.normal()
			for _, r := range ranges {
				if ip.masked(r.bits) == r.addr {
					return true
				}
			}
			return false
		}
	}))
	// parse_ipv6 / parse_ipv6_mask: the canonical form, eight groups of four
	// hex digits, of the address masked to its prefix (IPv4 as ::ffff:a.b.c.d).
	// https://learn.microsoft.com/kusto/query/parse-ipv6-function
	registerK("parse_ipv6", valueKernel(column.String, func(a []any) any {
		ip, ok := parseIPv6(str0(a[0]))
		if !ok {
			return ""
		}
		return ip.canonical(ip.bits)
	}))
	registerK("parse_ipv6_mask", valueKernel(column.String, func(a []any) any {
		m, ok := a[1].(int64)
		ip, ok2 := parseIPv6(str0(a[0]))
		if !ok || !ok2 || m < 0 || m > 128 {
			return ""
		}
		return ip.canonical(min(ip.bits, int(m)))
	}))
	// has_ipv4(text, ip), has_ipv4_prefix(text, prefix) and their any forms:
	// whether a valid IPv4 address, delimited by characters that are not
	// letters, digits or dots, appears in the text.
	// https://learn.microsoft.com/kusto/query/has-ipv4-function
	register("has_ipv4", func(c *plan.Call) (kernel, error) {
		return listKernel(ipv4TextMatcher(false))(c)
	})
	register("has_ipv4_prefix", func(c *plan.Call) (kernel, error) {
		return listKernel(ipv4TextMatcher(true))(c)
	})
	register("has_any_ipv4", listKernel(ipv4TextMatcher(false)))
	register("has_any_ipv4_prefix", listKernel(ipv4TextMatcher(true)))
}

// listKernel builds the kernel of f(text, list...) where the list is the
// further arguments, each a string or an array of strings. newMatch turns
// the list into a matcher once per distinct list (once in all when the list
// is constant, as it usually is).
func listKernel(newMatch func(list []string) func(string) any) factory {
	return func(c *plan.Call) (kernel, error) {
		var last []any
		var match func(string) any
		return valueKernel(column.Bool, func(a []any) any {
			if match == nil || !sameValues(last, a[1:]) {
				last = append(last[:0], a[1:]...)
				match = newMatch(flattenStrings(a[1:]))
			}
			if a[0] == nil {
				return nil
			}
			return match(str0(a[0]))
		}), nil
	}
}

// sameValues reports whether two argument lists hold the same values (by
// identity for arrays, which valueKernel passes unchanged for a constant).
func sameValues(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		switch x := a[i].(type) {
		case []any:
			y, ok := b[i].([]any)
			if !ok || len(x) != len(y) || (len(x) > 0 && &x[0] != &y[0]) {
				return false
			}
		case map[string]any:
			return false
		default:
			if a[i] != b[i] {
				return false
			}
		}
	}
	return true
}

// flattenStrings reads string arguments and arrays of strings as one list.
func flattenStrings(args []any) []string {
	var out []string
	for _, x := range args {
		switch v := x.(type) {
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
		case string:
			out = append(out, v)
		}
	}
	return out
}

// ipv4TextMatcher matches text containing one of the addresses (or, with
// prefix, an address starting with one of the prefixes). A prefix must end
// with a dot after one to three octets (127.0.), or be a whole address; an
// invalid address or prefix matches nothing.
func ipv4TextMatcher(prefix bool) func(list []string) func(string) any {
	return func(list []string) func(string) any {
		var want []string
		for _, s := range list {
			s = strings.TrimSpace(s)
			if prefix && strings.HasSuffix(s, ".") {
				if validOctets(strings.TrimSuffix(s, "."), 3) {
					want = append(want, s)
				}
				continue
			}
			if ip, err := netip.ParseAddr(s); err == nil && ip.Is4() {
				want = append(want, ip.String())
			}
		}
		return func(text string) any {
			if len(want) == 0 {
				return false
			}
			found := false
			eachIPv4(text, func(ip string) bool {
				for _, w := range want {
					if ip == w || (prefix && strings.HasSuffix(w, ".") && strings.HasPrefix(ip, w)) {
						found = true
						return false
					}
				}
				return true
			})
			return found
		}
	}
}

// validOctets reports whether s is 1 to max dot-separated decimal octets.
func validOctets(s string, max int) bool {
	parts := strings.Split(s, ".")
	if len(parts) > max {
		return false
	}
	for _, p := range parts {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 255 || len(p) > 3 || p[0] == '+' {
			return false
		}
	}
	return true
}

// eachIPv4 calls f with every valid IPv4 address in text that stands alone:
// a run of digits and dots with no letter or digit on either side. f
// returns false to stop.
func eachIPv4(text string, f func(ip string) bool) {
	isAlnum := func(c byte) bool {
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < '0' || c > '9' || (i > 0 && (isAlnum(text[i-1]) || text[i-1] == '.')) {
			i++
			continue
		}
		j := i
		for j < len(text) && (text[j] >= '0' && text[j] <= '9' || text[j] == '.') {
			j++
		}
		run := strings.TrimRight(text[i:j], ".")
		if j < len(text) && isAlnum(text[j]) {
			i = j
			continue
		}
		if ip, err := netip.ParseAddr(run); err == nil && ip.Is4() && strings.Count(run, ".") == 3 {
			if !f(ip.String()) {
				return
			}
		}
		i = j
	}
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

// parseIPv4Text is parseIPv4Prefix that also reads the address as the
// number parse_ipv4 gives (format_ipv4(3232236031)).
func parseIPv4Text(s string, bits int) (netip.Prefix, bool) {
	if v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
		if v < 0 || v > 0xffffffff {
			return netip.Prefix{}, false
		}
		ip := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		return netip.PrefixFrom(ip, bits), bits >= 0 && bits <= 32
	}
	return parseIPv4Prefix(s, bits)
}

func ipv4Long(ip netip.Addr) int64 {
	b := ip.As4()
	return int64(b[0])<<24 | int64(b[1])<<16 | int64(b[2])<<8 | int64(b[3])
}

// cidrList covers lo..hi with the fewest aligned blocks.
func cidrList(lo, hi int64) []any {
	out := []any{}
	for lo <= hi {
		size := 32
		for size > 0 {
			block := int64(1) << (32 - (size - 1))
			if lo%block != 0 || lo+block-1 > hi {
				break
			}
			size--
		}
		ip := netip.AddrFrom4([4]byte{byte(lo >> 24), byte(lo >> 16), byte(lo >> 8), byte(lo)})
		out = append(out, fmt.Sprintf("%s/%d", ip, size))
		lo += int64(1) << (32 - size)
	}
	return out
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

// ip6 is an IPv6 address with its prefix length. An IPv4 address is held
// as ::ffff:a.b.c.d with its prefix counted from bit 96.
type ip6 struct {
	addr [16]byte
	bits int
	// dotted: written with an embedded IPv4 part (::192.168.1.1).
	dotted bool
}

// parseIPv6 parses an IPv6 or IPv4 address with an optional /prefix. For
// an address written with an IPv4 part, the prefix counts IPv4 bits.
func parseIPv6(s string) (ip6, bool) {
	s = strings.TrimSpace(s)
	n := -1
	if i := strings.IndexByte(s, '/'); i >= 0 {
		v, err := strconv.Atoi(s[i+1:])
		if err != nil || v < 0 {
			return ip6{}, false
		}
		n, s = v, s[:i]
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return ip6{}, false
	}
	out := ip6{addr: a.As16(), bits: 128, dotted: strings.Contains(s, ".")}
	if a.Is4() {
		out.addr = netip.AddrFrom16(a.As16()).As16() // As16 of an IPv4 is ::ffff:a.b.c.d
	}
	if n >= 0 {
		if out.dotted {
			if n > 32 {
				return ip6{}, false
			}
			n += 96
		} else if n > 128 {
			return ip6{}, false
		}
		out.bits = n
	}
	return out, true
}

// normal reads an IPv4-compatible address (::192.168.1.1) as the
// IPv4-mapped one, so both spellings of an IPv4 address compare equal.
func (ip ip6) normal() ip6 {
	if ip.dotted && bytes.Equal(ip.addr[:12], make([]byte, 12)) {
		ip.addr[10], ip.addr[11] = 0xff, 0xff
	}
	return ip
}

// masked returns the address with the bits past n cleared.
func (ip ip6) masked(n int) [16]byte {
	out := ip.addr
	for i := range out {
		switch {
		case n >= 8*(i+1):
		case n <= 8*i:
			out[i] = 0
		default:
			out[i] &= ^byte(0xff >> (n - 8*i))
		}
	}
	return out
}

func (ip ip6) canonical(n int) string {
	a := ip.masked(n)
	var sb strings.Builder
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02x%02x", a[i], a[i+1])
	}
	return sb.String()
}

// ipv6Cmp compares two addresses on the shortest of their prefixes and the
// optional prefix argument.
func ipv6Cmp(a []any) (int, bool) {
	n := 128
	if len(a) > 2 {
		b, ok := a[2].(int64)
		if !ok || b < 0 || b > 128 {
			return 0, false
		}
		n = int(b)
	}
	p1, ok1 := parseIPv6(str0(a[0]))
	p2, ok2 := parseIPv6(str0(a[1]))
	if !ok1 || !ok2 {
		return 0, false
	}
	n = min(n, p1.bits, p2.bits)
	x1, x2 := p1.normal().masked(n), p2.normal().masked(n)
	return bytes.Compare(x1[:], x2[:]), true
}
