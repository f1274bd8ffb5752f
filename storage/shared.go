package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	badger "github.com/dgraph-io/badger/v4"

	"clickhunt/column"
)

// Shared dictionaries (format 5 on). A string column whose values recur
// across blocks but not within one (user names: a block of 64Ki clicks
// holds ~35k of a tenant's 50k users) costs every block its own dictionary
// of most of those values, and every query that reads the column decodes
// them all again and maps each to its group or predicate result. Such a
// column gets one dictionary for the whole table instead, stored in
// chunks; its blocks store only bit-packed codes into it (codesShared).
//
//	byte 0      1..4        5..8         9..12
//	+------+-----------+------------+-----------+
//	| 0x08 | table u32 | column u32 | start u32 |  -> chunk value
//	+------+-----------+------------+-----------+
//
//	chunk = flag u8 | body (compressed like a column value), payload =
//	        n uvarint | n x len uvarint | bytes
//
// A chunk holds entries start..start+n-1; chunks follow each other without
// gaps. Start 0xFFFFFFFF is the closed marker (an empty payload): the
// column takes no new entries. Chunks are written only in a file's commit
// transaction, beside the table record, so a snapshot sees exactly the
// entries its committed blocks may use, and a file that never commits
// leaves none behind.
//
// The writer decides per block (sharedState.assign):
//   - a column starts a dictionary with a block of at least sharedMinRows
//     rows whose distinct values are at most 3/4 of its rows; a block that
//     has more closes the column (ids, URLs: mostly distinct);
//   - afterwards a block joins when it adds at most half its rows in new
//     values and the dictionary stays within maxSharedDict entries;
//     otherwise the block keeps its own dictionary, and a block of at
//     least sharedMinRows rows (or a full dictionary) closes the column.
const kindDict byte = 0x08

const (
	// firstSharedDictFormat is the first database format with shared
	// dictionaries.
	firstSharedDictFormat uint32 = 5
	// maxSharedDict bounds a column's shared dictionary (codes of up to 18
	// bits; ~10 MB of 40-byte values).
	maxSharedDict = 1 << 18
	// sharedMinRows is the smallest block that may start or close a
	// column's dictionary: a few rows say little about a column.
	sharedMinRows = 4096
	// dictChunkMax is the most entries one chunk holds.
	dictChunkMax = 1 << 16
	// dictClosed is the start of the closed marker.
	dictClosed = ^uint32(0)
	dictKeyLen = 1 + 4 + 4 + 4
)

func dictKey(tid, cid, start uint32) []byte {
	k := make([]byte, 0, dictKeyLen)
	k = append(k, kindDict)
	k = binary.BigEndian.AppendUint32(k, tid)
	k = binary.BigEndian.AppendUint32(k, cid)
	return binary.BigEndian.AppendUint32(k, start)
}

func parseDictKey(k []byte) (tid, cid, start uint32, err error) {
	if len(k) != dictKeyLen || k[0] != kindDict {
		return 0, 0, 0, fmt.Errorf("malformed dictionary key %x", k)
	}
	return beUint32(k[1:]), beUint32(k[5:]), beUint32(k[9:]), nil
}

// dictPrefix covers the chunks of column cid of table tid, in order.
func dictPrefix(tid, cid uint32) []byte {
	return binary.BigEndian.AppendUint32(kindTablePrefix(kindDict, tid), cid)
}

// appendDictChunk appends entries as a chunk value.
func appendDictChunk(dst []byte, entries []string) []byte {
	n := 10 + 2*len(entries)
	for _, s := range entries {
		n += len(s)
	}
	p := make([]byte, 0, n)
	p = binary.AppendUvarint(p, uint64(len(entries)))
	for _, s := range entries {
		p = binary.AppendUvarint(p, uint64(len(s)))
	}
	for _, s := range entries {
		p = append(p, s...)
	}
	return appendCompressed(dst, p)
}

// decodeDictChunk appends the entries of a chunk value to dst. The strings
// share no memory with val.
func decodeDictChunk(val []byte, dst []string) ([]string, error) {
	p, owned, err := decompressPayload(val)
	if err != nil {
		return nil, err
	}
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)) {
		return nil, fmt.Errorf("%w: bad dictionary chunk size", errCorrupt)
	}
	dst, rest, err := cutStrings(dst, p[k:], n, owned)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after a dictionary chunk's entries", errCorrupt, len(rest))
	}
	return dst, nil
}

// loadSharedDict reads the committed dictionary of column cid of table tid
// (nil when it has none) and whether the column is closed.
func loadSharedDict(txn *badger.Txn, sums bool, tid, cid uint32) (entries []string, closed bool, err error) {
	err = scanPrefix(txn, dictPrefix(tid, cid), func(k, v []byte) error {
		_, _, start, err := parseDictKey(k)
		if err != nil {
			return fmt.Errorf("%w: %v", errCorrupt, err)
		}
		if v, err = unseal(sums, k, v); err != nil {
			return err
		}
		if start == dictClosed {
			closed = true
			return nil
		}
		if int(start) != len(entries) {
			return fmt.Errorf("%w: dictionary chunk at entry %d, expected %d", errCorrupt, start, len(entries))
		}
		entries, err = decodeDictChunk(v, entries)
		if err == nil && len(entries) > maxSharedDict {
			err = fmt.Errorf("%w: dictionary of %d entries", errCorrupt, len(entries))
		}
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("cannot read the shared dictionary of column ID %d: %w", cid, err)
	}
	return entries, closed, nil
}

// sharedState is a writer's view of one column's shared dictionary.
type sharedState struct {
	entries   []string
	index     map[string]uint32
	committed int  // entries[:committed] are stored
	closed    bool // takes no new entries
	wasClosed bool // closed in the database already
}

func newSharedState(entries []string, closed bool) *sharedState {
	d := &sharedState{entries: entries, committed: len(entries), closed: closed, wasClosed: closed}
	if !closed {
		d.index = make(map[string]uint32, len(entries))
		for i, s := range entries {
			d.index[s] = uint32(i)
		}
	}
	return d
}

// assign maps v's rows to codes into the shared dictionary, adding the
// values it lacks, or reports false when the block keeps a dictionary of
// its own (see the rules above). The dictionary keeps copies of v's
// strings: the caller may reuse them.
func (d *sharedState) assign(v *column.Vector) (codes []uint32, ok bool) {
	rows := v.Len
	if d.closed || v.Const || rows == 0 || (v.Codes == nil && v.Strs == nil) {
		return nil, false
	}
	start := len(d.entries)
	budget := rows / 2
	if start == 0 {
		if rows < sharedMinRows {
			return nil, false
		}
		budget = rows * 3 / 4
	}
	budget = min(budget, maxSharedDict-start)
	var added []string
	lookup := func(s string) (uint32, bool) {
		if c, ok := d.index[s]; ok {
			return c, true
		}
		if len(added) >= budget {
			return 0, false
		}
		s = strings.Clone(s)
		c := uint32(start + len(added))
		added = append(added, s)
		d.index[s] = c
		return c, true
	}
	codes = make([]uint32, rows)
	ok = true
	if v.Codes != nil {
		const unset = ^uint32(0)
		remap := make([]uint32, len(v.Dict))
		for i := range remap {
			remap[i] = unset
		}
		for i, c := range v.Codes[:rows] {
			if v.Nulls != nil && v.Nulls[i] {
				if codes[i], ok = lookup(""); !ok {
					break
				}
				continue
			}
			r := remap[c]
			if r == unset {
				if r, ok = lookup(v.Dict[c]); !ok {
					break
				}
				remap[c] = r
			}
			codes[i] = r
		}
	} else {
		for i, s := range v.Strs[:rows] {
			if v.Nulls != nil && v.Nulls[i] {
				s = ""
			}
			if codes[i], ok = lookup(s); !ok {
				break
			}
		}
	}
	if !ok {
		for _, s := range added {
			delete(d.index, s)
		}
		if rows >= sharedMinRows || start+budget >= maxSharedDict {
			d.closed, d.index = true, nil
		}
		return nil, false
	}
	d.entries = append(d.entries, added...)
	return codes, true
}

// usedEntries returns the entries codes use, once each, in order of first
// use: the block's distinct values.
func usedEntries(codes []uint32, entries []string) []string {
	seen := make([]uint64, (len(entries)+63)/64)
	var used []string
	for _, c := range codes {
		if seen[c/64]&(1<<(c%64)) == 0 {
			seen[c/64] |= 1 << (c % 64)
			used = append(used, entries[c])
		}
	}
	return used
}

// appendSharedColumnValue encodes a string column of type t as codes into
// the first n entries of a shared dictionary (every code is below n), and
// returns it with the block's statistics, taken over used, the distinct
// values its rows use (usedEntries).
func appendSharedColumnValue(dst []byte, t column.Type, codes []uint32, n int, used []string) ([]byte, ColStats) {
	w := codeBits(n)
	p := make([]byte, 0, 24+packedLen(len(codes), uint(w)))
	p = append(p, byte(t))
	p = binary.AppendUvarint(p, uint64(len(codes)))
	p = append(p, 0)                       // no null flag: strings are never null
	p = binary.AppendUvarint(p, 0)         // no dictionary of the block's own
	p = append(p, codesShared)             // code encoding
	p = binary.AppendUvarint(p, uint64(n)) // entries the codes may use
	p = append(p, byte(w))                 // code width
	p = appendPacked(p, codes, uint(w))    // the codes
	st := ColStats{Distinct: len(used)}
	for i, s := range used {
		switch {
		case i == 0:
			st.HasMinMax, st.MinStr, st.MaxStr = true, s, s
		case st.HasMinMax:
			st.MinStr, st.MaxStr = min(st.MinStr, s), max(st.MaxStr, s)
		}
		if len(s) > maxStrBytesForStats {
			st.HasMinMax = false
		}
	}
	if !st.HasMinMax {
		st.MinStr, st.MaxStr = "", ""
	}
	return appendCompressed(dst, p), st
}

// valuesOf is a string vector whose dictionary is vals: what a term
// filter is built from (the filter of a block's distinct values is the
// filter of its rows).
func valuesOf(vals []string) *column.Vector {
	return &column.Vector{Type: column.String, Len: len(vals), Dict: vals, Codes: make([]uint32, len(vals))}
}

// errNeedsDict is returned by decodeColumnValue for a block coded into its
// column's shared dictionary, which only the snapshot can supply.
var errNeedsDict = errors.New("block needs its column's shared dictionary")
