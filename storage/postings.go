package storage

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"

	"clickhunt/column"
)

// Postings answer a one-term `has` from the index, without reading the
// column. For a column of mostly distinct text (URLs: ingest keeps such
// columns as plain strings, stored as a dictionary of their rows) whose
// values hold at least postingTermsPerRow terms on average, the term
// filter value (version 2) also lists, for each term found in two rows or
// more of the block, the rows that hold it:
//
//	version u8 (2) | minLen u8 | nblocks uvarint | nblocks × 32 filter bytes |
//	rows uvarint | payload length uvarint | payload (zstd when it pays, as column values)
//
// The payload is the terms in ascending hash order: termHash u64 LE | df
// uvarint | kind u8 (0) | length uvarint | the df row numbers as ascending
// deltas (uvarints). Terms in fewer than minPostingRows or more than
// 1/maxPostingShare of the block's rows are not listed.
//
// A term is known by its 64-bit hash, so the rows are exact up to a hash
// collision between two terms of one block (about 1 in 10^15 per lookup at
// a few thousand listed terms), the standard dcount keeps too. A term that
// is not listed is searched as before: the Bloom filter rules it out of
// the blocks that lack it and the others are read. Rare terms (URLs carry
// random path tokens, nearly one per row) would make the lists most of the
// column's text again, and common ones (https, com) are as cheap to scan.
//
// Format 4 writes postings; older databases keep version 1 filters and
// their `has` searches read the column, as before.

// firstPostingsFormat is the first database format whose filters may carry
// postings.
const firstPostingsFormat uint32 = 4

const termPostingsVersion = 2

// minPostingRows: a term in fewer rows of a block is not listed either:
// the Bloom filter already keeps a search for it to the few blocks that may
// hold it, and reading those costs little; lists of rare path tokens would
// be half the index.
const minPostingRows = 8

// maxPostingShare: a term in more than 1/maxPostingShare of a block's rows
// (https, www, com, a popular site) is not listed; a search for it reads
// that share of the column anyway, and the lists would be most of the
// index's size.
const maxPostingShare = 16

// postingTermsPerRow is the average number of terms per row from which a
// column of plain strings gets postings: URLs have about 8, GUIDs 5, e-mail
// addresses 3 or 4.
const postingTermsPerRow = 6

// postingsBuilder collects, per distinct term hash, the rows holding it.
// Most terms of URLs occur in one row: such a term costs a slot and its
// first row, and gets a row list only at its second row.
//
// Terms are first only noted (hash and row, in order) and counted in a
// small table of saturating counters; the row lists are then built for the
// terms whose counter reached minPostingRows (a term in that many rows has
// been noted that often; a listed term in fewer rows is dropped later).
// The terms in fewer rows, nearly all of them, so never enter the hash
// table, which stays small enough for the caches.
type postingsBuilder struct {
	flat    []uint64 // the hashes noted, in order
	flatRow []uint16 // and their rows
	counts  *[1 << postingCountBits]uint8

	slots []uint32 // open addressing over hashes: term index + 1, 0 empty
	hash  []uint64
	first []uint16 // the first row holding the term
	last  []uint16 // the last row added, to list a row once per term
	list  []int32  // index in lists from the second row on, else -1
	lists [][]uint16
}

// postingCountBits sizes the counters: 256 KB, small enough for the
// caches. A block of URLs notes about 500,000 distinct terms, two a
// counter: few counters reach minPostingRows from terms in fewer rows.
const postingCountBits = 18

var postingCounts = sync.Pool{New: func() any { return new([1 << postingCountBits]uint8) }}

// noted recycles the buffers of noted hashes and rows.
var noted = sync.Pool{New: func() any { return new(notedBuf) }}

type notedBuf struct {
	flat []uint64
	rows []uint16
}

// note records that term hash h occurs in row.
func (p *postingsBuilder) note(h uint64, row int) {
	if p.counts == nil {
		p.counts = postingCounts.Get().(*[1 << postingCountBits]uint8)
		nb := noted.Get().(*notedBuf)
		p.flat, p.flatRow = nb.flat[:0], nb.rows[:0]
	}
	p.flat = append(p.flat, h)
	p.flatRow = append(p.flatRow, uint16(row))
	if c := &p.counts[h>>(64-postingCountBits)]; *c < minPostingRows {
		*c++
	}
}

// build lists the rows of the terms noted at least minPostingRows times
// (and of the few others that share their counter: appendSection drops
// those, and the terms in fewer rows).
func (p *postingsBuilder) build() {
	if p.counts == nil {
		return
	}
	for i, h := range p.flat {
		if p.counts[h>>(64-postingCountBits)] >= minPostingRows {
			p.add(h, int(p.flatRow[i]))
		}
	}
	p.release()
}

// release returns the counters and the noted buffers to their pools.
func (p *postingsBuilder) release() {
	if p.counts == nil {
		return
	}
	clear(p.counts[:])
	postingCounts.Put(p.counts)
	p.counts = nil
	noted.Put(&notedBuf{flat: p.flat[:0], rows: p.flatRow[:0]})
	p.flat, p.flatRow = nil, nil
}

func (p *postingsBuilder) add(h uint64, row int) {
	if (len(p.hash)+1)*4 > len(p.slots)*3 {
		p.grow()
	}
	r := uint16(row)
	mask := uint64(len(p.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		t := p.slots[i]
		if t == 0 {
			p.slots[i] = uint32(len(p.hash)) + 1
			p.hash = append(p.hash, h)
			p.first = append(p.first, r)
			p.last = append(p.last, r)
			p.list = append(p.list, -1)
			return
		}
		if t--; p.hash[t] == h {
			if p.last[t] != r {
				p.last[t] = r
				if l := p.list[t]; l >= 0 {
					p.lists[l] = append(p.lists[l], r)
				} else {
					p.list[t] = int32(len(p.lists))
					p.lists = append(p.lists, []uint16{p.first[t], r})
				}
			}
			return
		}
	}
}

func (p *postingsBuilder) grow() {
	p.slots = make([]uint32, max(1<<14, 2*len(p.slots)))
	mask := uint64(len(p.slots) - 1)
	for t, h := range p.hash {
		i := h & mask
		for p.slots[i] != 0 {
			i = (i + 1) & mask
		}
		p.slots[i] = uint32(t) + 1
	}
}

// wantsPostings reports whether a vector is stored as plain, mostly
// distinct strings: the columns whose `has` otherwise means reading and
// searching every value.
func wantsPostings(v *column.Vector, ver uint32) bool {
	return ver >= firstPostingsFormat && v.Codes == nil && v.Strs != nil && !v.Const && v.Len > 1 && v.Len <= BlockRows
}

// appendSection appends the postings section of a block of nrows rows
// (see wantsPostings); ok is false, and nothing appended, when the column
// has too few terms per row to be worth it.
func (p *postingsBuilder) appendSection(dst []byte, nrows int) (_ []byte, ok bool) {
	if len(p.flat) < postingTermsPerRow*nrows {
		p.release()
		return dst, false
	}
	p.build()
	order := make([]uint32, 0, len(p.lists))
	for t, l := range p.list {
		if l >= 0 && len(p.lists[l]) >= minPostingRows && len(p.lists[l]) <= nrows/maxPostingShare {
			order = append(order, uint32(t))
		}
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(p.hash[a], p.hash[b]) })
	var payload, list []byte
	for _, t := range order {
		rows := p.lists[p.list[t]]
		payload = binary.LittleEndian.AppendUint64(payload, p.hash[t])
		payload = binary.AppendUvarint(payload, uint64(len(rows)))
		payload = append(payload, 0)
		list = list[:0]
		prev := 0
		for _, r := range rows {
			list = binary.AppendUvarint(list, uint64(int(r)-prev))
			prev = int(r)
		}
		payload = binary.AppendUvarint(payload, uint64(len(list)))
		payload = append(payload, list...)
	}
	dst = binary.AppendUvarint(dst, uint64(nrows))
	body := appendCompressed(nil, payload)
	dst = binary.AppendUvarint(dst, uint64(len(body)))
	return append(dst, body...), true
}

// errPostings is wrapped when a stored postings section does not decode.
var errPostings error = corruptKind("damaged term postings")

// postings is a decoded postings section.
type postings struct {
	rows    int
	payload []byte
}

// decodePostings reads the section after a version 2 filter's words.
func decodePostings(v []byte) (postings, error) {
	rows, k := binary.Uvarint(v)
	if k <= 0 || rows > BlockRows {
		return postings{}, fmt.Errorf("%w: bad row count", errPostings)
	}
	v = v[k:]
	n, k := binary.Uvarint(v)
	if k <= 0 || uint64(len(v)-k) != n {
		return postings{}, fmt.Errorf("%w: bad length", errPostings)
	}
	payload, _, err := decompressPayload(v[k:])
	if err != nil {
		return postings{}, fmt.Errorf("%w: %v", errPostings, err)
	}
	return postings{rows: int(rows), payload: payload}, nil
}

// walk steps through the listed terms in order, calling fn with each
// hash, row count, row list kind and encoded rows until fn returns false.
func (p postings) walk(fn func(h uint64, df int, kind byte, data []byte) bool) error {
	b := p.payload
	prevHash, first := uint64(0), true
	for len(b) > 0 {
		if len(b) < 9 {
			return fmt.Errorf("%w: truncated term", errPostings)
		}
		h := binary.LittleEndian.Uint64(b)
		if !first && h <= prevHash {
			return fmt.Errorf("%w: terms out of order", errPostings)
		}
		prevHash, first = h, false
		b = b[8:]
		df, k := binary.Uvarint(b)
		if k <= 0 || df < 2 || df > uint64(p.rows) || len(b) < k+1 {
			return fmt.Errorf("%w: bad term", errPostings)
		}
		kind := b[k]
		b = b[k+1:]
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return fmt.Errorf("%w: bad row list length", errPostings)
		}
		data := b[k : k+int(n)]
		b = b[k+int(n):]
		if !fn(h, int(df), kind, data) {
			return nil
		}
	}
	return nil
}

// decodeRows decodes one term's row list.
func (p postings) decodeRows(df int, kind byte, data []byte) ([]uint32, error) {
	rows := make([]uint32, 0, df)
	switch kind {
	case 0:
		r := uint64(0)
		for i := range df {
			d, k := binary.Uvarint(data)
			if k <= 0 || (i > 0 && d == 0) {
				return nil, fmt.Errorf("%w: bad row list", errPostings)
			}
			r += d
			if r >= uint64(p.rows) {
				return nil, fmt.Errorf("%w: row past the block", errPostings)
			}
			rows = append(rows, uint32(r))
			data = data[k:]
		}
		if len(data) != 0 {
			return nil, fmt.Errorf("%w: bytes after a row list", errPostings)
		}
	default:
		return nil, fmt.Errorf("%w: unknown row list kind %d", errPostings, kind)
	}
	return rows, nil
}

// validate decodes every row list.
func (p postings) validate() error {
	var err error
	werr := p.walk(func(_ uint64, df int, kind byte, data []byte) bool {
		_, err = p.decodeRows(df, kind, data)
		return err == nil
	})
	return errors.Join(werr, err)
}

// lookup returns the rows listed for a term hash (found false if none).
func (p postings) lookup(h uint64) (rows []uint32, found bool, err error) {
	werr := p.walk(func(th uint64, df int, kind byte, data []byte) bool {
		if th == h {
			rows, err = p.decodeRows(df, kind, data)
			found = err == nil
			return false
		}
		return th < h
	})
	if werr != nil {
		return nil, false, werr
	}
	return rows, found, err
}

// TermRows answers `col has term` for one block from its index: ok is true
// when rows are exactly the rows of the block in which term (a run of
// ASCII letters and digits of at least MinTermLen bytes) appears as a
// whole term, ASCII case-insensitively — none when the block's filter
// rules it out, the listed rows when the block's postings list it. ok is
// false when the index cannot tell (no postings for the column, or a term
// in at most one row): the caller then evaluates `has` on the values.
func (s *Snapshot) TermRows(table *TableInfo, block *BlockMeta, col ColumnInfo, term string) (rows []uint32, ok bool, err error) {
	if len(term) < MinTermLen || !isTerm(term) {
		return nil, false, nil
	}
	err = s.withTermFilter(table, block, col, func(f termFilter, rest []byte) error {
		h := termHash(term)
		if !sbbfHas(f.words, f.nblocks, h) {
			rows, ok = nil, true // not in the block at all
			return nil
		}
		if rest == nil {
			return nil // no postings
		}
		p, err := decodePostings(rest)
		if err != nil {
			return err
		}
		rows, ok, err = p.lookup(h)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return rows, ok, nil
}
