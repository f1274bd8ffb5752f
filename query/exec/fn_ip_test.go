package exec

import "testing"

func TestIPv4(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/ipv4-is-private-function
	f(`ipv4_is_private("192.168.1.1")`, "bool", "true")
	f(`ipv4_is_private("8.8.8.8")`, "bool", "false")
	f(`ipv4_is_private("10.1.2.3/24")`, "bool", "true")
	f(`ipv4_is_private("172.31.255.255")`, "bool", "true")
	f(`ipv4_is_private("172.32.0.1")`, "bool", "false")
	f(`ipv4_is_private("not an ip")`, "bool", "null")
	// https://learn.microsoft.com/kusto/query/ipv4-is-match-function
	f(`ipv4_is_match("192.168.1.1", "192.168.1.255")`, "bool", "false")
	f(`ipv4_is_match("192.168.1.1", "192.168.1.255", 24)`, "bool", "true")
	f(`ipv4_is_match("192.168.1.1/24", "192.168.1.255/24")`, "bool", "true")
	// https://learn.microsoft.com/kusto/query/ipv4-compare-function
	f(`ipv4_compare("127.0.0.1", "127.0.0.1")`, "long", "0")
	f(`ipv4_compare("192.168.1.1", "192.168.1.255")`, "long", "-1")
	f(`ipv4_compare("192.168.1.255", "192.168.1.1")`, "long", "1")
	f(`ipv4_compare("192.168.1.1/24", "192.168.1.255/24")`, "long", "0")
	// https://learn.microsoft.com/kusto/query/ipv4-is-in-range-function
	f(`ipv4_is_in_range("192.168.1.6", "192.168.1.1/24")`, "bool", "true")
	f(`ipv4_is_in_range("192.168.2.6", "192.168.1.1/24")`, "bool", "false")
	// https://learn.microsoft.com/kusto/query/parse-ipv4-function
	f(`parse_ipv4("127.0.0.1")`, "long", "2130706433")
	f(`parse_ipv4("192.168.1.1/24")`, "long", "3232235776")
	// https://learn.microsoft.com/kusto/query/parse-ipv4-mask-function
	f(`parse_ipv4_mask("127.0.0.1", 24)`, "long", "2130706432")
	f(`parse_ipv4_mask("127.0.0.1", 33)`, "long", "null")
	// https://learn.microsoft.com/kusto/query/ipv4-is-in-any-range-function
	f(`ipv4_is_in_any_range("192.168.1.6", "10.0.0.1/8", "192.168.1.1/24")`, "bool", "true")
	f(`ipv4_is_in_any_range("192.168.2.6", dynamic(["10.0.0.1/8", "192.168.1.1/24"]))`, "bool", "false")
	f(`ipv4_is_in_any_range("bad", "10.0.0.1/8")`, "bool", "null")
	// https://learn.microsoft.com/kusto/query/ipv4-netmask-suffix-function
	f(`ipv4_netmask_suffix("192.168.1.1/24")`, "long", "24")
	f(`ipv4_netmask_suffix("10.1.2.3")`, "long", "32")
	// https://learn.microsoft.com/kusto/query/ipv4-range-to-cidr-list-function
	f(`ipv4_range_to_cidr_list("1.1.128.0", "1.1.140.255")`, "dynamic", `["1.1.128.0/21","1.1.136.0/22","1.1.140.0/24"]`)
	// https://learn.microsoft.com/kusto/query/format-ipv4-function
	f(`format_ipv4("192.168.1.255", 24)`, "string", "192.168.1.0")
	f(`format_ipv4(3232236031)`, "string", "192.168.1.255")
	f(`format_ipv4_mask("192.168.1.1/24", 32)`, "string", "192.168.1.0/24")
	f(`format_ipv4_mask("192.168.1.1", -1)`, "string", "")
}

func TestIPv6(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/ipv6-compare-function: an
	// IPv4 address compares as ::ffff:a.b.c.d, its prefix counted from bit 96.
	f(`ipv6_compare("fe80::85d:e82c:9446:7994/120", "fe80::85d:e82c:9446:7998")`, "long", "0")
	f(`ipv6_compare("fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7998")`, "long", "-1")
	f(`ipv6_compare("192.168.1.1/24", "::ffff:c0a8:01ff")`, "long", "0")
	f(`ipv6_compare("::192.168.1.1/30", "192.168.1.255/24")`, "long", "0")
	f(`ipv6_compare("fe80::1", "fe80::2", 127)`, "long", "-1")
	f(`ipv6_compare("fe80::1", "nope")`, "long", "null")
	// https://learn.microsoft.com/kusto/query/ipv6-is-match-function
	f(`ipv6_is_match("fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7995", 127)`, "bool", "true")
	// https://learn.microsoft.com/kusto/query/ipv6-is-in-range-function
	f(`ipv6_is_in_range("a5e:f127:8a9d:146d:e102:b5d3:c755:abcd", "a5e:f127:8a9d:146d:e102:b5d3:c755:0000/112")`, "bool", "true")
	f(`ipv6_is_in_range("a5e:f127:8a9d:146d:e102:b5d3:c755:abcd", "0:0:0:0:0:ffff:c0a8:ac/60")`, "bool", "false")
	f(`ipv6_is_in_any_range("a5e:f127:8a9d:146d:e102:b5d3:c756:abd1", dynamic(["a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112", "::1"]))`, "bool", "false")
	// https://learn.microsoft.com/kusto/query/parse-ipv6-function
	f(`parse_ipv6("192.168.255.255/24")`, "string", "0000:0000:0000:0000:0000:ffff:c0a8:ff00")
	f(`parse_ipv6_mask("fe80::85d:e82c:9446:7994/120", 124)`, "string", "fe80:0000:0000:0000:085d:e82c:9446:7900")
	f(`parse_ipv6_mask("::192.168.255.255/24", 128)`, "string", "0000:0000:0000:0000:0000:0000:c0a8:ff00")
}

// IPv4 addresses in text must stand alone: delimited by characters other
// than letters, digits and dots. https://learn.microsoft.com/kusto/query/has-ipv4-function
func TestIPv4TextMatch(t *testing.T) {
	f := scalarCheck(t)
	f(`has_ipv4('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.0.1')`, "bool", "true")
	f(`has_ipv4('05:04:54127.0.0.1 GET', '127.0.0.1')`, "bool", "false")
	f(`has_ipv4('from 127.0.0.256 GET', '127.0.0.256')`, "bool", "false")
	f(`has_ipv4('last hop 10.1.1.11.', '10.1.1.11')`, "bool", "true")
	f(`has_ipv4_prefix('05:04:54 127.0.0.1 GET', '127.0.')`, "bool", "true")
	f(`has_ipv4_prefix('05:04:54 127.0.0.1 GET', '127.0')`, "bool", "false")
	f(`has_any_ipv4('05:04:54 127.0.0.1 GET', '10.0.0.1', '127.0.0.1')`, "bool", "true")
	f(`has_any_ipv4('05:04:54 127.0.0.1 GET', dynamic(['10.0.0.1', '127.0.0.2']))`, "bool", "false")
	f(`has_any_ipv4_prefix('05:04:54 127.0.0.1 GET', dynamic(["127.0.", "192.168."]))`, "bool", "true")
	c := columnCheck(t)
	c(`has_any_ipv4(strcat("hit 10.0.0.", Score, " ok"), dynamic(["10.0.0.1", "10.0.0.7"]))`, "bool", "false", "false", "true", "false", "false", "false", "true")
}
