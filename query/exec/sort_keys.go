package exec

import (
	"math"
	"slices"
	"strings"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// sortCol is one evaluated sort key of a batch in a form a comparison reads
// without going through Vector's accessors: integers (long, int, datetime,
// timespan; bools as 0 and 1), reals, or strings, and which rows are
// nullish (null, or a NaN real, sorted with the nulls). A dictionary-coded
// string key also gets the rank of each dictionary entry used, so that the
// sort compares integers, not strings, row against row.
type sortCol struct {
	key    plan.SortKey
	kind   sortKind
	null   []bool // nil: no nullish row
	ints   []int64
	floats []float64
	vec    *column.Vector // strings: the key vector
	codes  []uint32       // strings with ranks: the rows' codes
	rank   []uint32       // strings with ranks: rank of each dictionary code
}

type sortKind uint8

const (
	sortInts sortKind = iota
	sortFloats
	sortStrings
)

// newSortCol reads the n rows of key vector v. ranked asks for dictionary
// ranks (worth it when many rows are compared, as a whole sort does).
func newSortCol(v *column.Vector, n int, k plan.SortKey, ranked bool) sortCol {
	v = v.Materialize()
	c := sortCol{key: k}
	switch {
	case v.Floats != nil:
		c.kind, c.floats = sortFloats, v.Floats[:n]
		for i, f := range c.floats {
			if math.IsNaN(f) || v.IsNull(i) {
				c.setNull(i, n)
			}
		}
	case v.Bools != nil:
		c.kind, c.ints = sortInts, make([]int64, n)
		for i, b := range v.Bools[:n] {
			if b {
				c.ints[i] = 1
			}
		}
	case v.Ints != nil:
		c.kind, c.ints = sortInts, v.Ints[:n]
	default:
		c.kind, c.vec = sortStrings, v
		if ranked && v.Codes != nil && v.Anys == nil && v.Type != column.Dynamic {
			c.codes, c.rank = v.Codes[:n], dictRanks(v.Dict, v.Codes[:n])
		}
	}
	if v.Nulls != nil && c.kind != sortFloats {
		for i := 0; i < n; i++ {
			if v.Nulls[i] {
				c.setNull(i, n)
			}
		}
	}
	return c
}

func (c *sortCol) setNull(i, n int) {
	if c.null == nil {
		c.null = make([]bool, n)
	}
	c.null[i] = true
}

// dictRanks returns, for each entry of dict that codes use, its rank in
// string order (equal strings, possible in a merged dictionary, get equal
// ranks); unused entries get 0.
func dictRanks(dict []string, codes []uint32) []uint32 {
	used := make([]bool, len(dict))
	var order []uint32
	for _, c := range codes {
		if !used[c] {
			used[c] = true
			order = append(order, c)
		}
	}
	slices.SortFunc(order, func(a, b uint32) int { return strings.Compare(dict[a], dict[b]) })
	rank := make([]uint32, len(dict))
	r := uint32(0)
	for i, c := range order {
		if i > 0 && dict[c] != dict[order[i-1]] {
			r++
		}
		rank[c] = r
	}
	return rank
}

// cmp orders rows i and j: <0 when i comes first.
func (c *sortCol) cmp(i, j int) int {
	if c.null != nil {
		ni, nj := c.null[i], c.null[j]
		if ni || nj {
			return nullOrder(ni, nj, c.key.NullsFirst)
		}
	}
	var r int
	switch {
	case c.kind == sortInts:
		r = cmpInt(c.ints[i], c.ints[j])
	case c.kind == sortFloats:
		r = cmpFloat(c.floats[i], c.floats[j])
	case c.rank != nil:
		r = cmpInt(int64(c.rank[c.codes[i]]), int64(c.rank[c.codes[j]]))
	default:
		r = strings.Compare(c.vec.Str(i), c.vec.Str(j))
	}
	if c.key.Desc {
		return -r
	}
	return r
}

// nullOrder orders two rows of which at least one is nullish.
func nullOrder(ni, nj, nullsFirst bool) int {
	switch {
	case ni && nj:
		return 0
	case ni == nullsFirst:
		return -1
	}
	return 1
}

// sortIndex returns the row order of n rows under cols, stable (ties keep
// input order). Sorting millions of rows takes seconds: the comparisons
// are where a cancellation is noticed.
func sortIndex(cols []sortCol, n int, stop *stopper) []uint32 {
	idx := make([]uint32, n)
	for i := range idx {
		idx[i] = uint32(i)
	}
	compared := 0
	slices.SortFunc(idx, func(x, y uint32) int {
		stop.row(compared)
		compared++
		for k := range cols {
			if c := cols[k].cmp(int(x), int(y)); c != 0 {
				return c
			}
		}
		return cmpInt(int64(x), int64(y)) // the input order breaks ties: stable
	})
	return idx
}
