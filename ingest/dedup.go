package ingest

import (
	"math"
	"sync"

	"github.com/cespare/xxhash/v2"

	"clickhunt/column"
	"clickhunt/storage"
)

// Duplicate rows. Two rows are the same when every stored column is equal
// (ReportId alone is no key: a click and its click-through share one). Each
// stored row gets a 64-bit hash of its (column name, value) pairs; nulls and
// empty strings count as absent, so a row stored before a later file added
// a column still equals the same row from that file. The pairs are combined
// by addition, so column order does not matter.
//
// Collisions: with n rows stored, the chance that some new row falsely
// matches is about n²/2⁶⁵ over the table's life: 3·10⁻⁶ at 10M rows.

// colSeed is the hash of a column's name and type, mixed into its values.
func colSeed(f column.Field) uint64 {
	return xxhash.Sum64String(f.Name) ^ uint64(f.Type)*0x9E3779B97F4A7C15
}

func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// rowHashes returns one hash per row of b.
func rowHashes(schema column.Schema, b *column.Batch) []uint64 {
	h := make([]uint64, b.Len)
	for ci, f := range schema {
		addColumnHashes(h, f, b.Cols[ci], b.Len)
	}
	finishRowHashes(h)
	return h
}

// addColumnHashes adds column f's part of the row hashes of rows [0, to)
// of v to h.
func addColumnHashes(h []uint64, f column.Field, v *column.Vector, to int) {
	seed := colSeed(f)
	switch {
	case f.Type == column.String && v.Dict != nil && v.Codes != nil:
		dh := make([]uint64, len(v.Dict))
		for i, s := range v.Dict {
			if s != "" {
				dh[i] = mix64(xxhash.Sum64String(s) ^ seed)
			}
		}
		for i := 0; i < to; i++ {
			if !v.IsNull(i) {
				h[i] += dh[v.Codes[i]]
			}
		}
	default:
		for i := 0; i < to; i++ {
			if v.IsNull(i) {
				continue
			}
			var x uint64
			switch f.Type {
			case column.String, column.Guid, column.Dynamic:
				if s := v.Str(i); s != "" {
					h[i] += stringHash(s, seed)
				}
				continue
			case column.Bool:
				if v.Bool(i) {
					x = 1
				} else {
					x = 2
				}
			case column.Real:
				x = math.Float64bits(v.Float(i))
			default:
				x = uint64(v.Int(i))
			}
			h[i] += mix64(x ^ seed)
		}
	}
}

// stringHash is a non-empty string value's part of its row's hash (as
// addColumnHashes adds it), seed being its column's colSeed.
func stringHash(s string, seed uint64) uint64 { return mix64(xxhash.Sum64String(s) ^ seed) }

// finishRowHashes mixes the column sums into the final hashes.
func finishRowHashes(h []uint64) {
	for i := range h {
		h[i] = mix64(h[i]) | 1 // never 0: the set's empty slot
	}
}

// hashSet is an open-addressing set of non-zero uint64s: 8 bytes a slot,
// kept at most three quarters full (the hashes are well mixed, so linear
// probing stays short), so 11-21 bytes a row: 128 MB at 10M rows.
type hashSet struct {
	slots []uint64
	n     int
}

func newHashSet(capacity int) *hashSet {
	size := 1024
	for 3*size < 4*capacity {
		size <<= 1
	}
	return &hashSet{slots: make([]uint64, size)}
}

func (s *hashSet) has(h uint64) bool {
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// add inserts h and reports whether it was new.
func (s *hashSet) add(h uint64) bool {
	if 4*(s.n+1) > 3*len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return false
		case 0:
			s.slots[i] = h
			s.n++
			return true
		}
	}
}

func (s *hashSet) grow() { s.resize(2 * len(s.slots)) }

// reserve makes room for n more entries, so that adding them does not
// rehash the set on the way (each doubling rehashes all before it).
func (s *hashSet) reserve(n int) {
	size := len(s.slots)
	for 4*(s.n+n) > 3*size {
		size <<= 1
	}
	if size > len(s.slots) {
		s.resize(size)
	}
}

func (s *hashSet) resize(size int) {
	old := s.slots
	s.slots = make([]uint64, size)
	s.n = 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}

// tableHashes caches each table's set between files of one run, with the
// row count it reflects; a count that moved (another process ingested)
// means a reload.
type tableHashes struct {
	set  *hashSet
	rows int64
}

var (
	hashCacheMu sync.Mutex
	hashCache   = map[*storage.DB]map[string]*tableHashes{}
)

// loadHashes returns the set of row hashes of table, from the cache when
// it is current. Blocks stored without hashes are read and hashed.
func loadHashes(db *storage.DB, table string) (*tableHashes, error) {
	snap, err := db.Snapshot()
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	ti, err := snap.Table(table)
	if err != nil {
		return &tableHashes{set: newHashSet(0)}, nil // a new table
	}
	hashCacheMu.Lock()
	if c := hashCache[db][table]; c != nil && c.rows == ti.Rows {
		hashCacheMu.Unlock()
		return c, nil
	}
	hashCacheMu.Unlock()
	th := &tableHashes{set: newHashSet(int(ti.Rows)), rows: ti.Rows}
	err = snap.RowHashes(ti, func(b *storage.BlockMeta, h []uint64) error {
		if h == nil {
			var err error
			if h, err = hashStoredBlock(snap, ti, b); err != nil {
				return err
			}
		}
		for _, x := range h {
			th.set.add(x)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return th, nil
}

// hashStoredBlock reads a block's columns and hashes its rows.
func hashStoredBlock(snap *storage.Snapshot, ti *storage.TableInfo, b *storage.BlockMeta) ([]uint64, error) {
	var schema column.Schema
	batch := &column.Batch{Len: b.Rows}
	for _, c := range ti.Columns {
		if !b.Stats.Has(c.ID) {
			continue
		}
		v, err := snap.ReadColumn(ti, b, c)
		if err != nil {
			return nil, err
		}
		schema = append(schema, column.Field{Name: c.Name, Type: c.Type})
		batch.Cols = append(batch.Cols, v)
	}
	return rowHashes(schema, batch), nil
}

// storeHashes puts a table's updated set back in the cache after a commit.
func storeHashes(db *storage.DB, table string, th *tableHashes) {
	hashCacheMu.Lock()
	defer hashCacheMu.Unlock()
	if hashCache[db] == nil {
		hashCache[db] = map[string]*tableHashes{}
	}
	hashCache[db][table] = th
}

// forgetHashes drops a table's cached set (after a failed file, whose
// rows were added to it).
func forgetHashes(db *storage.DB, table string) {
	hashCacheMu.Lock()
	defer hashCacheMu.Unlock()
	delete(hashCache[db], table)
}
