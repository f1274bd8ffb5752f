package storage

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"clickhunt/column"
)

// Catalog, block meta and file record values. Each starts with a record
// version byte so a later format can extend them; strings are
// uvarint length + bytes.
//
//	format: version u32 big-endian
//	table:  1 | name | nextColumn uvarint | nextBlock uvarint | blocks uvarint | rows uvarint
//	column: 1 | type u8 | name
//	meta:   1 | rows uvarint | ncols uvarint | ncols x colStats
//	        colStats = column uvarint | statKind u8 | hasMinMax u8 | nulls uvarint |
//	                   distinct uvarint | bytes uvarint | [min | max]
//	        min/max: statInt zigzag uvarints, statFloat float64 bits (8 B LE),
//	                 statString strings; present only when hasMinMax is 1
//	file:   1 | table | path | rows uvarint | ingested varint (Unix ns)
const recordVersion byte = 1

// formatVersion is the on-disk format this code writes and reads. Bump it
// on any incompatible change to keys or values. Version 2 added the
// checksum trailer of every value (checksum.go); version 3 stores plain
// string columns as a dictionary of the rows (codesIdentity); version 4
// adds term postings to the term filters of plain-string columns
// (postings.go); version 5 adds packed deltas for integer columns
// (intDeltaFOR), shared dictionaries (shared.go) and paged plain-string
// values (pages.go); version 6 adds derived columns (derived.go: the
// heads of URLs). Older versions are still read and written in their own
// encoding.
const formatVersion uint32 = 6

// firstDeltaFORFormat is the first version with intDeltaFOR.
const firstDeltaFORFormat uint32 = 5

// firstIdentityFormat is the first version with codesIdentity.
const firstIdentityFormat uint32 = 3

// Stat kinds say how a ColStats min/max is stored.
const (
	statNone   byte = 0
	statInt    byte = 1
	statFloat  byte = 2
	statString byte = 3
)

var errCorruptRecord error = corruptKind("corrupt catalog record")

// tableRecord is the catalog entry of one table. nextBlock is the commit
// point: blocks with smaller IDs are committed, others are not (yet).
type tableRecord struct {
	name      string
	nextCol   uint32
	nextBlock uint64
	blocks    uint64
	rows      int64
}

// blockCol is one column's entry in a block meta being written.
type blockCol struct {
	id    uint32
	typ   column.Type
	stats ColStats
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// reader decodes records, remembering the first error so callers check once.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated or bad %s", errCorruptRecord, what)
	}
	r.b = nil
}

func (r *reader) uvarint(what string) uint64 {
	x, k := binary.Uvarint(r.b)
	if k <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[k:]
	return x
}

func (r *reader) varint(what string) int64 {
	x, k := binary.Varint(r.b)
	if k <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[k:]
	return x
}

func (r *reader) byte(what string) byte {
	if len(r.b) < 1 {
		r.fail(what)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) u64(what string) uint64 {
	if len(r.b) < 8 {
		r.fail(what)
		return 0
	}
	x := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return x
}

// str copies a string out of the record: Badger's buffer is not ours.
func (r *reader) str(what string) string {
	n := r.uvarint(what)
	if n > uint64(len(r.b)) {
		r.fail(what)
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// version checks the leading record version byte.
func (r *reader) version(what string) {
	if v := r.byte(what); r.err == nil && v != recordVersion {
		r.err = fmt.Errorf("%w: %s record version %d, want %d", errCorruptRecord, what, v, recordVersion)
	}
}

// done reports the first error, or trailing bytes.
func (r *reader) done(what string) error {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%w: %d trailing bytes in %s", errCorruptRecord, len(r.b), what)
	}
	return r.err
}

func appendFormatVersion(dst []byte, v uint32) []byte {
	return binary.BigEndian.AppendUint32(dst, v)
}

func decodeFormatVersion(src []byte) (uint32, error) {
	if len(src) != 4 {
		return 0, fmt.Errorf("%w: format version of %d bytes", errCorruptRecord, len(src))
	}
	return binary.BigEndian.Uint32(src), nil
}

func appendTableRecord(dst []byte, t tableRecord) []byte {
	dst = append(dst, recordVersion)
	dst = appendString(dst, t.name)
	dst = binary.AppendUvarint(dst, uint64(t.nextCol))
	dst = binary.AppendUvarint(dst, t.nextBlock)
	dst = binary.AppendUvarint(dst, t.blocks)
	return binary.AppendUvarint(dst, uint64(t.rows))
}

func decodeTableRecord(src []byte) (tableRecord, error) {
	r := reader{b: src}
	r.version("table")
	var t tableRecord
	t.name = r.str("table name")
	nextCol := r.uvarint("next column")
	t.nextBlock = r.uvarint("next block")
	t.blocks = r.uvarint("blocks")
	t.rows = int64(r.uvarint("rows"))
	if nextCol > math.MaxUint32 {
		r.fail("next column")
	}
	t.nextCol = uint32(nextCol)
	return t, r.done("table record")
}

func appendColumnRecord(dst []byte, c ColumnInfo) []byte {
	dst = append(dst, recordVersion, byte(c.Type))
	return appendString(dst, c.Name)
}

func decodeColumnRecord(src []byte, cid uint32) (ColumnInfo, error) {
	r := reader{b: src}
	r.version("column")
	c := ColumnInfo{ID: cid}
	c.Type = column.Type(r.byte("column type"))
	c.Name = r.str("column name")
	if err := r.done("column record"); err != nil {
		return c, err
	}
	if !validType(c.Type) {
		return c, fmt.Errorf("%w: column %q has unknown type %d", errCorruptRecord, c.Name, c.Type)
	}
	return c, nil
}

// statKindOf says how stats of type t are stored.
func statKindOf(t column.Type) byte {
	switch {
	case isStringType(t):
		return statString
	case t == column.Real:
		return statFloat
	case validType(t):
		return statInt
	}
	return statNone
}

func appendBlockMeta(dst []byte, rows int, cols []blockCol) []byte {
	dst = append(dst, recordVersion)
	dst = binary.AppendUvarint(dst, uint64(rows))
	dst = binary.AppendUvarint(dst, uint64(len(cols)))
	for _, c := range cols {
		st := c.stats
		kind := statKindOf(c.typ)
		hasMinMax := byte(0)
		if st.HasMinMax {
			hasMinMax = 1
		}
		dst = binary.AppendUvarint(dst, uint64(c.id))
		dst = append(dst, kind, hasMinMax)
		dst = binary.AppendUvarint(dst, uint64(st.Nulls))
		dst = binary.AppendUvarint(dst, uint64(st.Distinct))
		dst = binary.AppendUvarint(dst, uint64(st.Bytes))
		if !st.HasMinMax {
			continue
		}
		switch kind {
		case statInt:
			dst = binary.AppendUvarint(dst, zigzag(st.MinInt))
			dst = binary.AppendUvarint(dst, zigzag(st.MaxInt))
		case statFloat:
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(st.MinFloat))
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(st.MaxFloat))
		case statString:
			dst = appendString(dst, st.MinStr)
			dst = appendString(dst, st.MaxStr)
		}
	}
	return dst
}

func decodeBlockMeta(src []byte, bid uint64) (BlockMeta, error) {
	r := reader{b: src}
	r.version("block meta")
	m := BlockMeta{ID: bid}
	rows := r.uvarint("rows")
	ncols := r.uvarint("column count")
	if rows > BlockRows || ncols > uint64(len(src)) {
		r.fail("block meta header")
	}
	m.Rows = int(rows)
	if r.err != nil {
		return m, r.done("block meta")
	}
	// One string holds the whole record: min/max strings are slices of it.
	text := string(src)
	str := func(what string) string {
		n := r.uvarint(what)
		if n > uint64(len(r.b)) {
			r.fail(what)
			return ""
		}
		at := len(src) - len(r.b)
		r.b = r.b[n:]
		return text[at : at+int(n)]
	}
	ids := make([]uint32, 0, ncols)
	stats := make([]ColStats, 0, ncols)
	sorted := true
	for i := uint64(0); i < ncols && r.err == nil; i++ {
		cid := r.uvarint("column id")
		kind := r.byte("stat kind")
		hasMinMax := r.byte("min/max flag") == 1
		var st ColStats
		st.Nulls = int(r.uvarint("nulls"))
		st.Distinct = int(r.uvarint("distinct"))
		st.Bytes = int(r.uvarint("bytes"))
		if hasMinMax {
			st.HasMinMax = true
			switch kind {
			case statInt:
				st.MinInt = unzigzag(r.uvarint("min"))
				st.MaxInt = unzigzag(r.uvarint("max"))
			case statFloat:
				st.MinFloat = math.Float64frombits(r.u64("min"))
				st.MaxFloat = math.Float64frombits(r.u64("max"))
			case statString:
				st.MinStr = str("min")
				st.MaxStr = str("max")
			default:
				r.fail("stat kind")
			}
		}
		if cid > math.MaxUint32 {
			r.fail("column id")
		}
		if n := len(ids); n > 0 && uint32(cid) <= ids[n-1] {
			sorted = false
		}
		ids = append(ids, uint32(cid))
		stats = append(stats, st)
	}
	if sorted {
		m.Stats = BlockStats{ids: ids, stats: stats}
	} else {
		for i, id := range ids {
			m.Stats.Set(id, stats[i])
		}
	}
	return m, r.done("block meta")
}

func appendFileRecord(dst []byte, f FileRecord) []byte {
	dst = append(dst, recordVersion)
	dst = appendString(dst, f.Table)
	dst = appendString(dst, f.Path)
	dst = binary.AppendUvarint(dst, uint64(f.Rows))
	return binary.AppendVarint(dst, f.Ingested.UnixNano())
}

func decodeFileRecord(src []byte, sha [32]byte) (FileRecord, error) {
	r := reader{b: src}
	r.version("file")
	f := FileRecord{SHA256: sha}
	f.Table = r.str("table")
	f.Path = r.str("path")
	f.Rows = int64(r.uvarint("rows"))
	f.Ingested = time.Unix(0, r.varint("ingest time")).UTC()
	return f, r.done("file record")
}
