package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sync"

	badger "github.com/dgraph-io/badger/v4"

	"clickhunt/column"
)

// Term filters let a `has` search skip blocks without reading them. Kusto
// splits text into terms, maximal runs of ASCII letters and digits, and
// `has` matches whole terms, ASCII case-insensitively; a needle such as
// "contoso.com" matches only where each of its terms ("contoso", "com") is a
// whole term of the value. So a block can hold a match only if every term of
// the needle is among the block's terms.
//
// For each string column of each block, WriteBlock stores a split-block
// Bloom filter of the column's distinct terms of at least MinTermLen bytes
// (lower-cased), sized at termBitsPerTerm bits per distinct term:
//
//	byte 0      1..4        5..12       13..16
//	+------+-----------+-----------+------------+
//	| 0x07 | table u32 | block u64 | column u32 | -> version u8 (1) | minLen u8 | nblocks uvarint | nblocks × 8 × u32 LE
//	+------+-----------+-----------+------------+
//
// Version 2 (format 4) appends the block's term postings for columns of
// mostly distinct text (postings.go).
//
// The value is sealed like every other (checksum.go) and written with the
// block's data, before the commit: abort and crash recovery delete it with
// the block. A block without a filter (written before filters existed, or a
// column whose terms would need a filter larger than maxTermFilterBytes) is
// simply read. Filters answer "maybe" or "no": a "maybe" is checked by the
// query itself on the rows, so a false positive costs a block read, never a
// wrong result.
//
// Each term hashes (termHash, over its lower-cased bytes) to h: the high 32
// bits pick one 256-bit block, the low 32 bits set one bit in each of its
// eight 32-bit words (the salts of Parquet's split-block Bloom filter). A
// lookup touches one cache line per term. The hash is part of the format:
// changing it needs a new termFilterVersion.

// MinTermLen is the shortest term the filters index; shorter needle terms
// cannot rule a block out (Kusto's term index has the same limit).
const MinTermLen = 3

// termBitsPerTerm sizes a filter: about 0.5% false positives (10 bits give
// 1.4%, 16 bits 0.16%).
const termBitsPerTerm = 12

// maxTermFilterBytes bounds one filter: a column with more distinct terms
// (long unique text) gets none, and keeps its value in Badger's LSM tree.
const maxTermFilterBytes = 768 << 10

const termFilterVersion = 1

// termsKey is the term filter of column cid of block bid of table tid.
func termsKey(tid uint32, bid uint64, cid uint32) []byte {
	return blockColumnKey(kindTerms, tid, bid, cid)
}

// parseTermsKey is the inverse of termsKey.
func parseTermsKey(k []byte) (tid uint32, bid uint64, cid uint32, err error) {
	return parseBlockColumnKey(k, kindTerms, "term filter")
}

// termsPrefix covers the term filters of table tid, in (block, column) order.
func termsPrefix(tid uint32) []byte { return kindTablePrefix(kindTerms, tid) }

// indexesTerms reports whether columns of type t get term filters. Only
// plain strings do: `has` on a dynamic or guid column runs on tostring()
// of it, which the scan cannot prune anyway.
func indexesTerms(t column.Type) bool { return t == column.String }

var sbbfSalt = [8]uint32{
	0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d,
	0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31,
}

// termBytes marks the term characters: ASCII letters and digits.
var termBytes = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

func isTermByte(c byte) bool { return termBytes[c] }

// termHash hashes a term (ASCII letters and digits only) case-insensitively:
// for these characters, c|0x20 is the lower case. It reads the term in
// (possibly overlapping) 8- or 4-byte loads and mixes them with 64×64→128
// bit multiplications, as wyhash does.
func termHash(t string) uint64 {
	const m1, m2, m3 = 0xa0761d6478bd642f, 0xe7037ed1a0b428db, 0x8ebc6af09c88c6e3
	const lower = 0x2020202020202020
	n := len(t)
	h := uint64(n) ^ m3
	var w uint64
	switch {
	case n > 8:
		for i := 0; i+8 < n; i += 8 {
			h = mum(le64(t[i:])|lower^m1, h^m2)
		}
		w = le64(t[n-8:]) | lower
	case n >= 4:
		w = uint64(le32(t)) | uint64(le32(t[n-4:]))<<32 | lower
	case n > 0:
		w = uint64(t[0])<<16 | uint64(t[n>>1])<<8 | uint64(t[n-1]) | 0x202020
	}
	h = mum(w^m1, h^m2)
	return mum(h^m1, uint64(n)^m2)
}

func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// forEachTerm calls fn with each term of s of at least MinTermLen bytes.
// (Classifying eight bytes at a time measured slower: terms are short.)
func forEachTerm(s string, fn func(t string)) {
	for i := 0; i < len(s); {
		if !termBytes[s[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && termBytes[s[j]] {
			j++
		}
		if j-i >= MinTermLen {
			fn(s[i:j])
		}
		i = j
	}
}

// Terms returns the terms of s (maximal runs of ASCII letters and digits)
// that the filters index, in order, as they appear in s.
func Terms(s string) []string {
	var out []string
	forEachTerm(s, func(t string) { out = append(out, t) })
	return out
}

// hll estimates the number of distinct hashes it is shown (HyperLogLog
// with 1024 registers: about 3% standard error), to size a filter without
// a set of every term.
type hll [1024]uint8

func (r *hll) add(h uint64) {
	rho := uint8(bits.LeadingZeros64(h<<10|1<<9)) + 1
	if i := h >> 54; rho > r[i] {
		r[i] = rho
	}
}

func (r *hll) estimate() float64 {
	const m = float64(len(r))
	sum, zeros := 0.0, 0
	for _, x := range r {
		sum += math.Ldexp(1, -int(x))
		if x == 0 {
			zeros++
		}
	}
	e := 0.7213 / (1 + 1.079/m) * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros)) // linear counting
	}
	return e
}

// hashPool recycles appendTermFilter's buffers of term hashes.
var hashPool = sync.Pool{New: func() any { return new([]uint64) }}

// appendTermFilter builds the term filter of a string vector and appends
// it to dst; ok is false when the column has too many terms for one.
// Values of a dictionary vector are read from its dictionary (unused
// entries only add terms: harmless, a filter may say "maybe" wrongly).
//
// In a database of format ver >= 4, plain-string columns with enough terms
// per row also get the postings section (postings.go), built in the same
// pass over the terms.
func appendTermFilter(dst []byte, v *column.Vector, ver uint32) (_ []byte, ok bool) {
	const maxTerms = maxTermFilterBytes * 8 / termBitsPerTerm
	var est hll
	hp := hashPool.Get().(*[]uint64)
	defer func() {
		if cap(*hp) <= 4*maxTerms {
			hashPool.Put(hp)
		}
	}()
	hashes := (*hp)[:0]
	defer func() { *hp = hashes[:0] }()
	check := 4 * maxTerms
	// Most repeats of a term (https, www, com) stop at this small
	// direct-mapped cache of recent hashes, before the estimator, the
	// buffer and the filter.
	var recent [4096]uint64
	vals := v.Strs
	if v.Codes != nil {
		vals = v.Dict
	}
	var post *postingsBuilder
	if wantsPostings(v, ver) {
		post = new(postingsBuilder)
		vals = vals[:v.Len]
	}
	row := 0
	add := func(t string) {
		h := termHash(t)
		if post != nil && (v.Nulls == nil || !v.Nulls[row]) {
			post.note(h, row)
		}
		if slot := &recent[h%uint64(len(recent))]; *slot != h {
			*slot = h
			est.add(h)
			hashes = append(hashes, h)
		}
	}
	for i, s := range vals {
		row = i
		forEachTerm(s, add) // both inlined
		// Long unique text: give up once the terms surely exceed a filter.
		if len(hashes) >= check {
			if est.estimate() > 1.2*maxTerms {
				return dst, false
			}
			check = 2 * len(hashes)
		}
	}
	n := 0
	if len(hashes) > 0 {
		n = max(1, int(math.Ceil(est.estimate())))
	}
	nblocks := (n*termBitsPerTerm + 255) / 256
	if nblocks*32 > maxTermFilterBytes {
		return dst, false
	}
	var section []byte
	if post != nil {
		section, _ = post.appendSection(nil, v.Len)
	}
	version := byte(termFilterVersion)
	if section != nil {
		version = termPostingsVersion
	}
	dst = append(dst, version, MinTermLen)
	dst = binary.AppendUvarint(dst, uint64(nblocks))
	start := len(dst)
	dst = append(dst, make([]byte, nblocks*32)...)
	words := dst[start:]
	for _, h := range hashes {
		sbbfInsert(words, nblocks, h)
	}
	return append(dst, section...), true
}

// sbbfBlock picks the 256-bit block of hash h.
func sbbfBlock(h uint64, nblocks int) int { return int(((h >> 32) * uint64(nblocks)) >> 32) }

func sbbfInsert(words []byte, nblocks int, h uint64) {
	b := words[sbbfBlock(h, nblocks)*32:]
	x := uint32(h)
	for i, salt := range sbbfSalt {
		w := binary.LittleEndian.Uint32(b[4*i:])
		binary.LittleEndian.PutUint32(b[4*i:], w|1<<((x*salt)>>27))
	}
}

func sbbfHas(words []byte, nblocks int, h uint64) bool {
	if nblocks == 0 {
		return false
	}
	b := words[sbbfBlock(h, nblocks)*32:]
	x := uint32(h)
	for i, salt := range sbbfSalt {
		if binary.LittleEndian.Uint32(b[4*i:])&(1<<((x*salt)>>27)) == 0 {
			return false
		}
	}
	return true
}

// errTermFilter is wrapped when a stored term filter does not decode.
var errTermFilter error = corruptKind("damaged term filter")

// termFilter is a decoded view of a stored filter; it aliases the value.
type termFilter struct {
	minLen  int
	nblocks int
	words   []byte
}

func decodeTermFilter(v []byte) (termFilter, error) {
	f, _, err := decodeTermFilterRest(v)
	return f, err
}

// decodeTermFilterRest decodes a filter and returns what follows it: the
// postings section of a version 2 value (postings.go), nil for version 1.
func decodeTermFilterRest(v []byte) (termFilter, []byte, error) {
	if len(v) < 3 || (v[0] != termFilterVersion && v[0] != termPostingsVersion) {
		return termFilter{}, nil, fmt.Errorf("%w: bad header", errTermFilter)
	}
	n, k := binary.Uvarint(v[2:])
	end := uint64(2+k) + n*32
	if k <= 0 || n > maxTermFilterBytes/32 || uint64(len(v)) < end || (v[0] == termFilterVersion && uint64(len(v)) != end) {
		return termFilter{}, nil, fmt.Errorf("%w: bad length", errTermFilter)
	}
	f := termFilter{minLen: int(v[1]), nblocks: int(n), words: v[2+k : end]}
	if v[0] == termFilterVersion {
		return f, nil, nil
	}
	return f, v[end:], nil
}

// mayHave reports whether every term of set may be in the filter. Terms
// the filter does not index (too short) cannot rule anything out; a set
// with no indexed term may match.
func (f termFilter) mayHave(set []string) bool {
	for _, t := range set {
		if len(t) < f.minLen || !isTerm(t) {
			continue
		}
		if !sbbfHas(f.words, f.nblocks, termHash(t)) {
			return false
		}
	}
	return true
}

func isTerm(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !isTermByte(t[i]) {
			return false
		}
	}
	return true
}

// MayHaveTerms reports whether column col of block may hold a value in
// which every one of terms appears as a whole term (ASCII
// case-insensitively). False means no value of the block does; true means
// some may, or the block has no filter to tell. Terms must be runs of
// ASCII letters and digits (others, and terms shorter than MinTermLen,
// are ignored).
func (s *Snapshot) MayHaveTerms(table *TableInfo, block *BlockMeta, col ColumnInfo, terms []string) (bool, error) {
	return s.MayHaveAnyTerms(table, block, col, [][]string{terms})
}

// MayHaveAnyTerms is MayHaveTerms for a disjunction: it reports whether,
// for some set in sets, every term of the set may appear in column col of
// block. With no sets it returns false.
func (s *Snapshot) MayHaveAnyTerms(table *TableInfo, block *BlockMeta, col ColumnInfo, sets [][]string) (may bool, err error) {
	may = true
	err = s.withTermFilter(table, block, col, func(f termFilter, _ []byte) error {
		may = false
		for _, set := range sets {
			if f.mayHave(set) {
				may = true
				break
			}
		}
		return nil
	})
	if err != nil {
		return true, err
	}
	return may, nil
}

// withTermFilter calls fn with the decoded term filter of column col of
// block and what follows it (postings, or nil) while the value is valid;
// it calls nothing when the block has no filter for the column.
func (s *Snapshot) withTermFilter(table *TableInfo, block *BlockMeta, col ColumnInfo, fn func(f termFilter, rest []byte) error) (err error) {
	defer recoverBadger(&err)
	t, err := s.table(table)
	if err != nil {
		return err
	}
	c, ok := t.byID[col.ID]
	if !ok || c.Name != col.Name {
		return fmt.Errorf("table %q has no column %q with ID %d", t.rec.name, col.Name, col.ID)
	}
	if !indexesTerms(c.Type) || block.ID >= t.rec.nextBlock {
		return nil
	}
	if !block.Stats.Has(c.ID) {
		return nil // absent from the block: no filter was written
	}
	if err := s.db.enter(); err != nil {
		return err
	}
	defer s.db.leave()
	key := termsKey(t.id, block.ID, c.ID)
	item, err := s.txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	err = item.Value(func(v []byte) error {
		if v, err = unseal(s.db.sums, key, v); err != nil {
			return err
		}
		f, rest, err := decodeTermFilterRest(v)
		if err != nil {
			return err
		}
		return fn(f, rest)
	})
	if err != nil {
		return fmt.Errorf("cannot read the term filter of column %q of block %d of table %q: %w", c.Name, block.ID, t.rec.name, err)
	}
	return nil
}

// checkTermFilter verifies one stored term filter.
func checkTermFilter(sums bool, key, v []byte) error {
	v, err := unseal(sums, key, v)
	if err != nil {
		return err
	}
	_, rest, err := decodeTermFilterRest(v)
	if err != nil || rest == nil {
		return err
	}
	p, err := decodePostings(rest)
	if err != nil {
		return err
	}
	return p.validate()
}
