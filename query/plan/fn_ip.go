package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// IPv4/IPv6 functions and the IPv4 text match functions; kernels in
// exec/fn_ip.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#ipv4ipv6-functions

// ipListSig types a function of a string and a list of strings given either
// as further arguments or as one dynamic array (has_any_ipv4,
// ipv4_is_in_any_range): every list argument becomes dynamic.
func ipListSig(fn string) funcSig {
	return fsig(2, 64, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		src, err := strArg(c, args, 0)
		if err != nil {
			return nil, err
		}
		out := []Expr{src}
		for i := 1; i < len(args); i++ {
			a, err := dynArg(c, args, i)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		return &Call{Fn: fn, Args: out, T: column.Bool}, nil
	})
}

// ipOrLongArg accepts an address as text or as the long parse_ipv4 gives.
func ipOrLongArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	switch args[i].Type() {
	case column.Long, column.Int:
		return asString(args[i]), nil
	}
	return strArg(c, args, i)
}

func init() {
	addFuncs(map[string]funcSig{
		// https://learn.microsoft.com/kusto/query/ipv4-is-private-function
		"ipv4_is_private":      strFunc(1, 1, "ipv4_is_private", column.Bool, strArg).doc("ipv4_is_private(Ip)", "whether an IPv4 address (or prefix) lies in a private range (10/8, 172.16/12, 192.168/16)", `print ipv4_is_private("192.168.1.1"), ipv4_is_private("8.8.8.8")`),
		"ipv4_is_in_range":     strFunc(2, 2, "ipv4_is_in_range", column.Bool, strArg).doc("ipv4_is_in_range(Ip, Range)", "whether an IPv4 address lies in an address or CIDR range", `print ipv4_is_in_range("192.168.1.6", "192.168.1.1/24")`),
		"ipv4_is_in_any_range": ipListSig("ipv4_is_in_any_range").doc("ipv4_is_in_any_range(Ip, Range1, Range2, ... | dynamic([Range, ...]))", "whether an IPv4 address lies in any of the ranges", `print ipv4_is_in_any_range("10.1.2.3", dynamic(["192.168.0.0/16", "10.0.0.0/8"]))`),
		"ipv4_is_match":        strFunc(2, 3, "ipv4_is_match", column.Bool, strArg, strArg, intArg).doc("ipv4_is_match(Ip1, Ip2 [, PrefixBits])", "whether two IPv4 addresses are equal on their shortest prefix", `print ipv4_is_match("192.168.1.1", "192.168.1.255", 24)`),
		"ipv4_compare":         strFunc(2, 3, "ipv4_compare", column.Long, strArg, strArg, intArg).doc("ipv4_compare(Ip1, Ip2 [, PrefixBits])", "-1, 0 or 1 as the first IPv4 address is below, equal to or above the second", `print ipv4_compare("192.168.1.1", "192.168.1.255")`),
		"ipv4_netmask_suffix":  strFunc(1, 1, "ipv4_netmask_suffix", column.Long, strArg).doc("ipv4_netmask_suffix(Ip)", "the prefix length of an IPv4 address or CIDR (32 when none is given)", `print ipv4_netmask_suffix("192.168.1.1/24")`),
		"ipv4_range_to_cidr_list": strFunc(2, 2, "ipv4_range_to_cidr_list", column.Dynamic,
			strArg).doc("ipv4_range_to_cidr_list(StartIp, EndIp)", "the fewest CIDR blocks that cover an IPv4 address range", `print ipv4_range_to_cidr_list("1.1.128.0", "1.1.140.255")`),
		"parse_ipv4":       strFunc(1, 1, "parse_ipv4", column.Long, strArg).doc("parse_ipv4(Ip)", "an IPv4 address (masked to its prefix) as a long", `print parse_ipv4("127.0.0.1")`),
		"parse_ipv4_mask":  strFunc(2, 2, "parse_ipv4_mask", column.Long, strArg, intArg).doc("parse_ipv4_mask(Ip, PrefixBits)", "an IPv4 address masked to PrefixBits, as a long", `print parse_ipv4_mask("127.0.0.1", 24)`),
		"format_ipv4":      strFunc(1, 2, "format_ipv4", column.String, ipOrLongArg, intArg).doc("format_ipv4(Ip [, PrefixBits])", "an IPv4 address (text or long) masked to PrefixBits, as text", `print format_ipv4("192.168.1.255", 24), format_ipv4(3232236031)`),
		"format_ipv4_mask": strFunc(1, 2, "format_ipv4_mask", column.String, ipOrLongArg, intArg).doc("format_ipv4_mask(Ip [, PrefixBits])", "an IPv4 address (text or long) masked to PrefixBits, in CIDR notation", `print format_ipv4_mask("192.168.1.255", 24)`),
		// https://learn.microsoft.com/kusto/query/ipv6-compare-function
		"ipv6_compare":         strFunc(2, 3, "ipv6_compare", column.Long, strArg, strArg, intArg).doc("ipv6_compare(Ip1, Ip2 [, PrefixBits])", "-1, 0 or 1 comparing two IPv6 or IPv4 addresses on their shortest prefix", `print ipv6_compare("fe80::85d:e82c:9446:7994/120", "fe80::85d:e82c:9446:7998")`),
		"ipv6_is_match":        strFunc(2, 3, "ipv6_is_match", column.Bool, strArg, strArg, intArg).doc("ipv6_is_match(Ip1, Ip2 [, PrefixBits])", "whether two IPv6 or IPv4 addresses are equal on their shortest prefix", `print ipv6_is_match("192.168.1.1", "::ffff:c0a8:0101")`),
		"ipv6_is_in_range":     strFunc(2, 2, "ipv6_is_in_range", column.Bool, strArg).doc("ipv6_is_in_range(Ip, Range)", "whether an IPv6 address lies in an address or CIDR range", `print ipv6_is_in_range("fe80::85d:e82c:9446:7994", "fe80::/10")`),
		"ipv6_is_in_any_range": ipListSig("ipv6_is_in_any_range").doc("ipv6_is_in_any_range(Ip, Range1, Range2, ... | dynamic([Range, ...]))", "whether an IPv6 address lies in any of the ranges", `print ipv6_is_in_any_range("fe80::1", "2001:db8::/32", "fe80::/10")`),
		"parse_ipv6":           strFunc(1, 1, "parse_ipv6", column.String, strArg).doc("parse_ipv6(Ip)", "an IPv6 or IPv4 address in canonical IPv6 form (eight groups of four hex digits)", `print parse_ipv6("192.168.255.255")`),
		"parse_ipv6_mask":      strFunc(2, 2, "parse_ipv6_mask", column.String, strArg, intArg).doc("parse_ipv6_mask(Ip, PrefixBits)", "an IPv6 or IPv4 address masked to PrefixBits, in canonical IPv6 form", `print parse_ipv6_mask("fe80::85d:e82c:9446:7994", 120)`),
		// https://learn.microsoft.com/kusto/query/has-ipv4-function
		"has_ipv4":            strFunc(2, 2, "has_ipv4", column.Bool, strArg).doc("has_ipv4(Text, Ip)", "whether a valid IPv4 address appears in text, delimited by non-alphanumeric characters", `print has_ipv4("05:04:54 127.0.0.1 GET /favicon.ico", "127.0.0.1")`),
		"has_ipv4_prefix":     strFunc(2, 2, "has_ipv4_prefix", column.Bool, strArg).doc("has_ipv4_prefix(Text, Prefix)", "whether an IPv4 address starting with Prefix (such as 127.0.) appears in text", `print has_ipv4_prefix("05:04:54 127.0.0.1 GET", "127.0.")`),
		"has_any_ipv4":        ipListSig("has_any_ipv4").doc("has_any_ipv4(Text, Ip1, Ip2, ... | dynamic([Ip, ...]))", "whether any of the IPv4 addresses appears in text", `print has_any_ipv4("05:04:54 127.0.0.1 GET", dynamic(["127.0.0.1", "10.0.0.1"]))`),
		"has_any_ipv4_prefix": ipListSig("has_any_ipv4_prefix").doc("has_any_ipv4_prefix(Text, Prefix1, Prefix2, ... | dynamic([Prefix, ...]))", "whether an IPv4 address starting with any of the prefixes appears in text", `print has_any_ipv4_prefix("05:04:54 127.0.0.1 GET", "127.0.", "192.168.")`),
	})
}
