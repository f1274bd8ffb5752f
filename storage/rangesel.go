package storage

import (
	"fmt"
	"math"
	"math/bits"

	"clickhunt/column"
)

// A range selection answers "which rows of this block hold a value in
// [lo, hi]" for an integer-backed column (long, int, datetime, timespan)
// straight from its stored encoding, a chunk of rowChunk values at a time:
// no vector of the block's values is built, nor the two flag vectors and
// the conjunction a filter such as `Timestamp >= a and Timestamp < b`
// otherwise evaluates. A block whose packed deltas are never negative (a
// time-ordered export) or never positive (newest first) stops at the
// first value past the range.

// rowChunk values are unpacked at a time; a multiple of 64, so a chunk of
// w-bit fields starts on a byte.
const rowChunk = 1024

// SelectIntRange appends to sel, ascending, the rows of block whose value
// in column col lies in [lo, hi]; null rows never match. col must be
// integer-backed. With a block cache the column is read (and kept) whole
// and its values compared.
func (s *Snapshot) SelectIntRange(table *TableInfo, block *BlockMeta, col ColumnInfo, lo, hi int64, sel []uint32) (_ []uint32, err error) {
	if !col.Type.IsInteger() {
		panic(fmt.Sprintf("BUG: range selection on column %q of type %s", col.Name, col.Type))
	}
	if s.db.cache != nil {
		v, err := s.ReadColumn(table, block, col)
		if err != nil {
			return nil, err
		}
		return selectVector(v, lo, hi, sel), nil
	}
	defer recoverBadger(&err)
	t, c, err := s.locate(table, block, col)
	if err != nil {
		return nil, err
	}
	if !block.Stats.Has(c.ID) {
		return sel, nil // no data: every row is null
	}
	if err := s.db.enter(); err != nil {
		return nil, err
	}
	defer s.db.leave()
	err = s.value(t, block, c, func(val []byte) error {
		payload, _, err := decompressPayload(val)
		if err != nil {
			return err
		}
		sel, err = selectIntPayload(payload, c.Type, block.Rows, lo, hi, sel)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read column %q of block %d of table %q: %w", c.Name, block.ID, t.rec.name, err)
	}
	return sel, nil
}

// selectVector is the range selection over a decoded vector.
func selectVector(v *column.Vector, lo, hi int64, sel []uint32) []uint32 {
	if v.Ints == nil {
		if v.Const && v.Len > 0 && !v.IsNull(0) {
			if x := v.Int(0); x >= lo && x <= hi {
				for i := range v.Len {
					sel = append(sel, uint32(i))
				}
			}
		}
		return sel
	}
	for i, x := range v.Ints[:v.Len] {
		if x >= lo && x <= hi && (v.Nulls == nil || !v.Nulls[i]) {
			sel = append(sel, uint32(i))
		}
	}
	return sel
}

// selectIntPayload is the range selection over an uncompressed payload of
// an integer-backed type t holding rows values. It checks the payload as
// decodeColumnPayload does, so damage fails it the same way.
func selectIntPayload(src []byte, t column.Type, rows int, lo, hi int64, sel []uint32) ([]uint32, error) {
	m := matcher{lo: lo, hi: hi, sel: sel}
	if err := m.scan(src, t, rows); err != nil {
		return nil, err
	}
	return m.sel, nil
}

// matcher collects the rows whose values fall in [lo, hi].
type matcher struct {
	lo, hi int64
	nulls  []byte // the null bitmap, or nil
	sel    []uint32
	seen   int // rows compared: fewer than the block's when a scan stops early
	buf    [rowChunk]int64
}

func (m *matcher) scan(src []byte, t column.Type, rows int) error {
	n, hasNulls, src, err := readPayloadHeader(src, t)
	if err != nil {
		return err
	}
	if n != rows {
		return fmt.Errorf("%w: %d rows, block has %d", errCorrupt, n, rows)
	}
	switch hasNulls {
	case 0:
	case 1:
		nb := (rows + 7) / 8
		if len(src) < nb {
			return fmt.Errorf("%w: bitmap runs past the end", errCorrupt)
		}
		m.nulls, src = src[:nb], src[nb:]
	default:
		return fmt.Errorf("%w: bad null flag %d", errCorrupt, hasNulls)
	}
	if len(src) < 1 {
		return fmt.Errorf("%w: missing integer encoding", errCorrupt)
	}
	if m.lo > m.hi {
		return nil
	}
	enc, src := src[0], src[1:]
	switch enc {
	case intDelta:
		src, err = m.deltas(src, rows)
	case intFOR:
		src, err = m.frame(src, rows)
	case intDeltaFOR:
		src, err = m.packedDeltas(src, rows)
	default:
		err = fmt.Errorf("%w: unknown integer encoding %d", errCorrupt, enc)
	}
	if err == nil && len(src) != 0 {
		err = fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(src))
	}
	return err
}

// add considers row i holding x.
func (m *matcher) add(i int, x int64) {
	m.seen++
	if x >= m.lo && x <= m.hi && (m.nulls == nil || m.nulls[i>>3]&(1<<(i&7)) == 0) {
		m.sel = append(m.sel, uint32(i))
	}
}

// deltas scans varint deltas (intDelta).
func (m *matcher) deltas(src []byte, rows int) ([]byte, error) {
	var prev int64
	for at := 0; at < rows; at += rowChunk {
		vals := m.buf[:min(rowChunk, rows-at)]
		var err error
		if src, prev, err = readDeltas(vals, src, at, prev); err != nil {
			return nil, err
		}
		for j, x := range vals {
			m.add(at+j, x)
		}
	}
	return src, nil
}

// frame scans values packed against a frame of reference (intFOR).
func (m *matcher) frame(src []byte, rows int) ([]byte, error) {
	base, w, packed, rest, err := readFrame(src, rows)
	if err != nil {
		return nil, err
	}
	for at := 0; at < rows; at += rowChunk {
		vals := m.buf[:min(rowChunk, rows-at)]
		unpackBits(vals, packed[at/8*int(w):], w)
		for j, x := range vals {
			m.add(at+j, int64(uint64(x)+uint64(base)))
		}
	}
	return rest, nil
}

// packedDeltas scans packed deltas (intDeltaFOR): row 0's value, then
// rows-1 deltas of dmin plus a w-bit field each.
func (m *matcher) packedDeltas(src []byte, rows int) ([]byte, error) {
	first, dmin, w, packed, rest, err := readPackedDeltas(src, rows)
	if err != nil {
		return nil, err
	}
	// Deltas all >= 0 (or all <= 0) make the values ascend (descend)
	// for as long as their sum does not wrap around the int64 range. Then
	// a chunk ending past the range ends the scan, when the remaining
	// deltas, however large, cannot wrap the sum. (Descending is known
	// only when dmin plus the largest w-bit field is still <= 0: zero
	// deltas among negative ones, as equal times make, can hide it.)
	var dspan uint64 // the largest delta field
	if w > 0 {
		dspan = math.MaxUint64 >> (64 - w)
	}
	ascending := dmin >= 0 && w < 63 && uint64(dmin)+dspan <= math.MaxInt64
	descending := dmin < 0 && w < 63 && dspan <= 0-uint64(dmin)
	acc := uint64(first)
	m.add(0, first)
	for at := 0; at < rows-1; at += rowChunk {
		vals := m.buf[:min(rowChunk, rows-1-at)]
		unpackBits(vals, packed[at/8*int(w):], w)
		for j, x := range vals {
			acc += uint64(x) + uint64(dmin)
			m.add(at+j+1, int64(acc))
		}
		v := int64(acc)
		left := uint64(rows - 1 - at - len(vals))
		switch {
		case ascending && v > m.hi:
			// v + left*(dmin+dspan) <= MaxInt64: no wrap ahead.
			hi, lo := bits.Mul64(left, uint64(dmin)+dspan)
			if hi == 0 && lo <= uint64(math.MaxInt64)-uint64(v) {
				return rest, nil
			}
		case descending && v < m.lo:
			// v + left*dmin >= MinInt64: no wrap ahead (v - MinInt64 is
			// uint64(v) + 2^63).
			hi, lo := bits.Mul64(left, 0-uint64(dmin))
			if hi == 0 && lo <= uint64(v)+1<<63 {
				return rest, nil
			}
		}
	}
	return rest, nil
}
