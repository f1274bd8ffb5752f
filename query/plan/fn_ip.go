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
		"ipv4_is_private":      strFunc(1, 1, "ipv4_is_private", column.Bool, strArg),
		"ipv4_is_in_range":     strFunc(2, 2, "ipv4_is_in_range", column.Bool, strArg),
		"ipv4_is_in_any_range": ipListSig("ipv4_is_in_any_range"),
		"ipv4_is_match":        strFunc(2, 3, "ipv4_is_match", column.Bool, strArg, strArg, intArg),
		"ipv4_compare":         strFunc(2, 3, "ipv4_compare", column.Long, strArg, strArg, intArg),
		"ipv4_netmask_suffix":  strFunc(1, 1, "ipv4_netmask_suffix", column.Long, strArg),
		"ipv4_range_to_cidr_list": strFunc(2, 2, "ipv4_range_to_cidr_list", column.Dynamic,
			strArg),
		"parse_ipv4":       strFunc(1, 1, "parse_ipv4", column.Long, strArg),
		"parse_ipv4_mask":  strFunc(2, 2, "parse_ipv4_mask", column.Long, strArg, intArg),
		"format_ipv4":      strFunc(1, 2, "format_ipv4", column.String, ipOrLongArg, intArg),
		"format_ipv4_mask": strFunc(1, 2, "format_ipv4_mask", column.String, ipOrLongArg, intArg),
		// https://learn.microsoft.com/kusto/query/ipv6-compare-function
		"ipv6_compare":         strFunc(2, 3, "ipv6_compare", column.Long, strArg, strArg, intArg),
		"ipv6_is_match":        strFunc(2, 3, "ipv6_is_match", column.Bool, strArg, strArg, intArg),
		"ipv6_is_in_range":     strFunc(2, 2, "ipv6_is_in_range", column.Bool, strArg),
		"ipv6_is_in_any_range": ipListSig("ipv6_is_in_any_range"),
		"parse_ipv6":           strFunc(1, 1, "parse_ipv6", column.String, strArg),
		"parse_ipv6_mask":      strFunc(2, 2, "parse_ipv6_mask", column.String, strArg, intArg),
		// https://learn.microsoft.com/kusto/query/has-ipv4-function
		"has_ipv4":            strFunc(2, 2, "has_ipv4", column.Bool, strArg),
		"has_ipv4_prefix":     strFunc(2, 2, "has_ipv4_prefix", column.Bool, strArg),
		"has_any_ipv4":        ipListSig("has_any_ipv4"),
		"has_any_ipv4_prefix": ipListSig("has_any_ipv4_prefix"),
	})
}
