package storage

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"clickhunt/column"
)

// Paged values (format 5 on). A plain-string column (ids, URLs: stored as
// a dictionary of its rows) is the bulk of a block's bytes, and one zstd
// frame per block meant that a query wanting one row of it (a user's
// latest clicks, a needle search followed by `project *`) decompressed
// all 64Ki. Such a column is now cut into pages of pageRows rows, each
// its own column payload, compressed on its own:
//
//	value = 2 | rows uvarint | npages uvarint | npages x (rows uvarint |
//	        bytes uvarint) | the pages' values (flag | body, as any value)
//
// A whole read decodes every page and joins them; ReadColumnRows decodes
// only the pages holding the rows asked for.
//
// Pages compress on their own, so repeats farther apart than a page are
// no longer found: at 10M clicks NetworkMessageId (a message's clicks
// are spread over hours) grew from 151 to 216 MB paged, while URLs and
// report ids grew 1-2%. A writer therefore encodes each such column's
// first block both ways and pages the column for the rest of the file
// only when that costs at most 1/16 more (pagingChoice).
const (
	valuePaged byte = 2
	// pageRows is the rows of a page: 8 pages in a full block.
	pageRows = 8192
	// firstPagedFormat is the first database format with paged values.
	firstPagedFormat uint32 = 5
)

// pagedEligible reports whether v is stored paged in format ver.
func pagedEligible(v *column.Vector, ver uint32) bool {
	return ver >= firstPagedFormat && isStringType(v.Type) && v.Codes == nil && v.Strs != nil && !v.Const && v.Len > pageRows
}

// appendPagedValue appends v as a paged value with its statistics.
func appendPagedValue(dst []byte, v *column.Vector, ver uint32) ([]byte, ColStats) {
	var pages [][]byte
	var rows []int
	var st ColStats
	for lo := 0; lo < v.Len; lo += pageRows {
		hi := min(lo+pageRows, v.Len)
		part := &column.Vector{Type: v.Type, Len: hi - lo, Strs: v.Strs[lo:hi]}
		if v.Nulls != nil {
			part.Nulls = v.Nulls[lo:hi]
		}
		val, pst := appendColumnValueFormat(nil, part, ver)
		pages, rows = append(pages, val), append(rows, hi-lo)
		if lo == 0 {
			st = pst
			continue
		}
		st.Distinct += pst.Distinct
		if st.HasMinMax && pst.HasMinMax {
			st.MinStr, st.MaxStr = min(st.MinStr, pst.MinStr), max(st.MaxStr, pst.MaxStr)
		} else {
			st.HasMinMax, st.MinStr, st.MaxStr = false, "", ""
		}
	}
	size := 1 + 2*binary.MaxVarintLen64
	for _, p := range pages {
		size += 2*binary.MaxVarintLen64 + len(p)
	}
	dst = slices.Grow(dst, size)
	dst = append(dst, valuePaged)
	dst = binary.AppendUvarint(dst, uint64(v.Len))
	dst = binary.AppendUvarint(dst, uint64(len(pages)))
	for i, p := range pages {
		dst = binary.AppendUvarint(dst, uint64(rows[i]))
		dst = binary.AppendUvarint(dst, uint64(len(p)))
	}
	for _, p := range pages {
		dst = append(dst, p...)
	}
	return dst, st
}

// pageIndex is the parsed header of a paged value.
type pageIndex struct {
	rows  int
	first []int    // first row of each page, and rows at the end
	vals  [][]byte // each page's value
}

func parsePages(val []byte) (*pageIndex, error) {
	if len(val) == 0 || val[0] != valuePaged {
		return nil, fmt.Errorf("%w: not a paged value", errCorrupt)
	}
	p := val[1:]
	rows, k := binary.Uvarint(p)
	if k <= 0 || rows > BlockRows {
		return nil, fmt.Errorf("%w: bad paged row count", errCorrupt)
	}
	p = p[k:]
	n, k := binary.Uvarint(p)
	if k <= 0 || n == 0 || n > rows {
		return nil, fmt.Errorf("%w: bad page count", errCorrupt)
	}
	p = p[k:]
	ix := &pageIndex{rows: int(rows), first: make([]int, 0, n+1), vals: make([][]byte, n)}
	sizes := make([]uint64, n)
	at := 0
	for i := range n {
		r, k := binary.Uvarint(p)
		if k <= 0 || r == 0 || r > rows {
			return nil, fmt.Errorf("%w: bad page rows", errCorrupt)
		}
		p = p[k:]
		s, k := binary.Uvarint(p)
		if k <= 0 || s > uint64(len(p)) {
			return nil, fmt.Errorf("%w: bad page size", errCorrupt)
		}
		p = p[k:]
		ix.first = append(ix.first, at)
		at += int(r)
		sizes[i] = s
	}
	if at != int(rows) {
		return nil, fmt.Errorf("%w: pages hold %d rows, the value %d", errCorrupt, at, rows)
	}
	ix.first = append(ix.first, at)
	for i, s := range sizes {
		if s > uint64(len(p)) {
			return nil, fmt.Errorf("%w: pages run past the end", errCorrupt)
		}
		ix.vals[i], p = p[:s], p[s:]
	}
	if len(p) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the pages", errCorrupt, len(p))
	}
	return ix, nil
}

// decodePage decodes the payload of page i (decompressed; owned as for
// decodeColumnPayloadOwned): string rows, the page's number of them.
func (ix *pageIndex) decodePage(i int, t column.Type, payload []byte, owned bool) (*column.Vector, error) {
	v, shared, rest, err := decodeColumnPayloadOwned(payload, t, owned)
	switch {
	case err != nil:
		return nil, err
	case shared > 0 || !isStringType(t):
		return nil, fmt.Errorf("%w: a page that is not plain strings", errCorrupt)
	case len(rest) != 0:
		return nil, fmt.Errorf("%w: %d trailing bytes in a page", errCorrupt, len(rest))
	case v.Len != ix.first[i+1]-ix.first[i]:
		return nil, fmt.Errorf("%w: page of %d rows, its header says %d", errCorrupt, v.Len, ix.first[i+1]-ix.first[i])
	}
	return v, nil
}

// plainPayload returns the lengths, bytes and code encoding of a payload
// of rows plain strings of type t (type | rows | no nulls | ndict = rows |
// lengths | bytes | codesIdentity), or false when it is not one.
func plainPayload(p []byte, t column.Type, rows int) ([]byte, bool) {
	if len(p) < 4 || column.Type(p[0]) != t {
		return nil, false
	}
	n, k := binary.Uvarint(p[1:])
	if k <= 0 || n != uint64(rows) || len(p) < 1+k+2 || p[1+k] != 0 {
		return nil, false
	}
	q := p[1+k+1:]
	nd, k := binary.Uvarint(q)
	if k <= 0 || nd != n {
		return nil, false
	}
	return q[k:], true
}

// pageRows appends to dst copies of the strings of the rows want
// (ascending, numbered within page i) of page i. A page of plain strings
// is read for those rows only: its lengths are summed up to the last one
// wanted, and no string is made for the others.
func (ix *pageIndex) pageRows(dst []string, i int, t column.Type, want []uint32) ([]string, error) {
	rows := ix.first[i+1] - ix.first[i]
	payload, owned, err := decompressPayload(ix.vals[i])
	if err != nil {
		return nil, err
	}
	if q, ok := plainPayload(payload, t, rows); ok {
		type span struct{ off, n int }
		spans := make([]span, 0, len(want))
		off, w := 0, 0
		ok := true
		for j := range rows {
			l, k := binary.Uvarint(q)
			if k <= 0 || l > uint64(len(q)) {
				ok = false
				break
			}
			q = q[k:]
			if w < len(want) && int(want[w]) == j {
				spans = append(spans, span{off, int(l)})
				w++
			}
			off += int(l)
		}
		if ok && w == len(want) && off+1 == len(q) && q[off] == codesIdentity {
			for _, sp := range spans {
				dst = append(dst, string(q[sp.off:sp.off+sp.n]))
			}
			return dst, nil
		}
	}
	v, err := ix.decodePage(i, t, payload, owned)
	if err != nil {
		return nil, err
	}
	for _, r := range want {
		dst = append(dst, strings.Clone(v.Dict[v.Codes[r]]))
	}
	return dst, nil
}

// appendPage appends the strings of page i, in row order, to dst. A page
// of plain strings (all but a one-row page) is cut straight into dst
// rather than into a vector of its own first.
func (ix *pageIndex) appendPage(dst []string, i int, t column.Type) ([]string, error) {
	rows := ix.first[i+1] - ix.first[i]
	payload, owned, err := decompressPayload(ix.vals[i])
	if err != nil {
		return nil, err
	}
	if q, ok := plainPayload(payload, t, rows); ok {
		start := len(dst)
		out, rest, err := cutStrings(dst, q, uint64(rows), owned)
		if err == nil && len(rest) == 1 && rest[0] == codesIdentity {
			return out, nil
		}
		dst = dst[:start] // not plain strings after all: the general way
	}
	v, err := ix.decodePage(i, t, payload, owned)
	if err != nil {
		return nil, err
	}
	for r := range v.Len {
		dst = append(dst, v.Dict[v.Codes[r]])
	}
	return dst, nil
}

// decodePaged decodes a whole paged value of type t.
func decodePaged(val []byte, t column.Type) (*column.Vector, error) {
	ix, err := parsePages(val)
	if err != nil {
		return nil, err
	}
	out := &column.Vector{Type: t, Len: ix.rows, Dict: make([]string, 0, ix.rows), Codes: make([]uint32, ix.rows)}
	for i := range ix.vals {
		if out.Dict, err = ix.appendPage(out.Dict, i, t); err != nil {
			return nil, err
		}
	}
	for i := range out.Codes {
		out.Codes[i] = uint32(i)
	}
	return out, nil
}

// decodePagedRows decodes the given rows (ascending, within the value) of
// a paged value of type t, which must have blockRows rows: only the pages that hold them. The strings are
// copies, so the few rows kept do not hold whole pages in memory.
func decodePagedRows(val []byte, t column.Type, blockRows int, rows []uint32) (*column.Vector, error) {
	ix, err := parsePages(val)
	if err != nil {
		return nil, err
	}
	if ix.rows != blockRows {
		return nil, fmt.Errorf("%w: %d rows, block has %d", errCorrupt, ix.rows, blockRows)
	}
	out := &column.Vector{Type: t, Len: len(rows), Dict: make([]string, 0, len(rows)), Codes: make([]uint32, len(rows))}
	want := make([]uint32, 0, pageRows)
	for i, page := 0, 0; i < len(rows); {
		if int(rows[i]) >= ix.rows {
			return nil, fmt.Errorf("BUG: row %d past a block of %d", rows[i], ix.rows)
		}
		for ix.first[page+1] <= int(rows[i]) {
			page++
		}
		// The rows of this page, numbered within it.
		lo, hi := ix.first[page], ix.first[page+1]
		want = want[:0]
		for ; i < len(rows) && int(rows[i]) < hi; i++ {
			if i > 0 && rows[i] < rows[i-1] {
				return nil, fmt.Errorf("BUG: rows out of order: %d after %d", rows[i], rows[i-1])
			}
			want = append(want, rows[i]-uint32(lo))
		}
		if out.Dict, err = ix.pageRows(out.Dict, page, t, want); err != nil {
			return nil, err
		}
	}
	for i := range out.Codes {
		out.Codes[i] = uint32(i)
	}
	return out, nil
}

// pagingChoice is a writer's decision for one column: page it or not,
// taken on its first block that could be paged.
type pagingChoice uint8

const (
	pagingUndecided pagingChoice = iota
	pagingYes
	pagingNo
)

// encode stores v (eligible for paging) as the choice says, deciding it
// first when undecided.
func (p *pagingChoice) encode(v *column.Vector, ver uint32) ([]byte, ColStats) {
	switch *p {
	case pagingYes:
		return appendPagedValue(nil, v, ver)
	case pagingNo:
		return appendColumnValueFormat(nil, v, ver)
	}
	paged, pst := appendPagedValue(nil, v, ver)
	whole, wst := appendColumnValueFormat(nil, v, ver)
	if len(paged) <= len(whole)+len(whole)/16 {
		*p = pagingYes
		return paged, pst
	}
	*p = pagingNo
	return whole, wst
}
