package exec

import (
	"strings"

	"clickhunt/column"
)

// split_part(s, sep, i) is tostring(split(s, sep)[i]), fused by the planner
// (plan.fuseSplitIndex) so that extracting a part — the domain of a URL is
// split(Url, "/")[2] — builds no dynamic array per row. A negative i counts
// from the end; a part that does not exist is "".
func init() {
	registerK("split_part", func(a []*column.Vector, n int) *column.Vector {
		x, sep, idx := a[0], a[1], a[2]
		if sep.Const && idx.Const {
			if sep.IsNull(0) || idx.IsNull(0) {
				return column.NewConst(column.String, "", n)
			}
			d, i := sep.Str(0), idx.Int(0)
			return strMap(func(s string) string { return splitPart(s, d, i) })([]*column.Vector{x}, n)
		}
		out := newStrs(n)
		for r := 0; r < n; r++ {
			if !sep.IsNull(r) && !idx.IsNull(r) {
				out.Strs[r] = splitPart(x.Str(r), sep.Str(r), idx.Int(r))
			}
		}
		return out
	})
}

// splitPart is part i of s split at sep, as split() makes the parts (an
// empty separator gives s as the only part).
func splitPart(s, sep string, i int64) string {
	if sep == "" {
		if i == 0 || i == -1 {
			return s
		}
		return ""
	}
	if i < 0 {
		i += int64(strings.Count(s, sep)) + 1
		if i < 0 {
			return ""
		}
	}
	for ; i > 0; i-- {
		k := strings.Index(s, sep)
		if k < 0 {
			return ""
		}
		s = s[k+len(sep):]
	}
	if k := strings.Index(s, sep); k >= 0 {
		return s[:k]
	}
	return s
}
