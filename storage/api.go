package storage

// This file fixes the storage API the rest of clickhunt programs against.
// The owner of the storage package may add to it but must keep these
// signatures and their contracts.

import (
	"errors"
	"slices"
	"time"

	"clickhunt/column"
)

// BlockRows is the most rows one block holds.
const BlockRows = 64 * 1024

// Options configure Open.
type Options struct {
	// ReadOnly opens the database for queries only.
	ReadOnly bool
	// Small sizes Badger's memtables and caches for tests and tiny databases.
	Small bool
	// LockWait is how long Open keeps trying while another process holds
	// the database (a query that is about to finish); 0 fails at once.
	LockWait time.Duration
	// Recover opens read-write to recover the database (`clickhunt
	// recover`): besides what every writer does (replaying a crashed
	// writer's log, removing unfinished ingests), it starts a new commit
	// journal when the old one is missing or damaged, keeping the damaged
	// one beside it, and readers wait for it until Close.
	Recover bool
	// CacheBytes bounds the decoded column blocks kept in memory for the
	// next snapshots to reuse (0: no cache). Worth it in processes that
	// run more than one query.
	CacheBytes int64
	// Declared are columns each named table shows in every snapshot even
	// where no file stored them: a column a table lacks is added to its
	// TableInfo after the stored ones (in the declared order), null in
	// every block. Nothing is written, so a read-only database built by an
	// older clickhunt, or from an export without the column, reads the
	// same as one that has it. A stored column of the same name wins,
	// whatever its type. Tables not in the database are not created.
	Declared map[string]column.Schema
}

// Sentinel errors.
var (
	// ErrLocked is returned by Open when another process (or another DB
	// handle in this process) holds the database directory's lock.
	ErrLocked = errors.New("database is in use by another clickhunt process")
	// ErrNoTable is returned when a named table does not exist.
	ErrNoTable = errors.New("no such table")
	// ErrTypeConflict is returned by FileWriter.WriteBlock when a column
	// already exists with a different type.
	ErrTypeConflict = errors.New("column type conflict")
	// ErrFormatVersion is returned by Open when the database was written by
	// a newer clickhunt with an on-disk format this one cannot read.
	ErrFormatVersion = errors.New("database format is newer than this clickhunt supports")
	// ErrReadOnly is returned by BeginFile on a database opened ReadOnly.
	ErrReadOnly = errors.New("database is open read-only")
	// ErrDuplicateFile is returned by BeginFile and FileWriter.Commit when a
	// file with the same SHA-256 was already committed.
	ErrDuplicateFile = errors.New("file already ingested")
	// ErrNeedsRecovery is returned by a ReadOnly Open of a database whose
	// last writer crashed in a way a reader cannot read past: a
	// read-write Open must replay its log first. (A reader reads a
	// crashed writer's log as it is, so this is rare.)
	ErrNeedsRecovery = errors.New("database was not closed cleanly; run `clickhunt recover` (or ingest a file) to recover it")
	// ErrNotDatabase is returned by Open when dir holds files that are not a
	// clickhunt database.
	ErrNotDatabase = errors.New("not a clickhunt database")
)

// ColumnInfo describes one stored column. IDs are stable for the life of the
// table; new columns get the next ID.
type ColumnInfo struct {
	ID   uint32
	Name string
	Type column.Type
}

// TableInfo is a table as of a snapshot: its columns in creation order and
// its committed rows and blocks.
type TableInfo struct {
	Name    string
	Columns []ColumnInfo
	Rows    int64
	Blocks  int
	// Derived are the columns the writer derives from others (derived.go),
	// which are not part of the table a user sees.
	Derived []ColumnInfo
}

// DerivedColumn returns the derived column of kind (HeadKind) of the
// column named source, if the table has one.
func (t *TableInfo) DerivedColumn(source, kind string) (ColumnInfo, bool) {
	name := derivedName(source, kind)
	for _, c := range t.Derived {
		if c.Name == name {
			return c, true
		}
	}
	return ColumnInfo{}, false
}

// Column returns the column named name (case-sensitive).
func (t *TableInfo) Column(name string) (ColumnInfo, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return ColumnInfo{}, false
}

// ColStats are a block's per-column statistics. For integer-backed types
// (long, int, datetime, timespan, and bool as 0/1) MinInt/MaxInt are set when
// HasMinMax; for real MinFloat/MaxFloat; for strings MinStr/MaxStr (only
// when every value is at most 64 bytes). Nulls counts null rows.
type ColStats struct {
	Nulls              int
	HasMinMax          bool
	MinInt, MaxInt     int64
	MinFloat, MaxFloat float64
	MinStr, MaxStr     string
	// Distinct is the dictionary size of a string block (0 if unknown): from
	// format 3 on an upper bound of its distinct values (plain strings are
	// stored as a dictionary of the rows).
	Distinct int
	// Bytes is the column's stored size in this block (encoded and, when
	// that paid, zstd-compressed).
	Bytes int
}

// BlockMeta describes one committed block. Stats is keyed by column ID; a
// column absent from Stats has no data in this block (all null / "").
type BlockMeta struct {
	ID    uint64
	Rows  int
	Stats BlockStats
}

// BlockStats holds a block's ColStats by column ID, in ID order: a slice
// rather than a map, so that listing a table's blocks (which a fresh
// process does for every query) costs one allocation a block.
type BlockStats struct {
	ids   []uint32
	stats []ColStats
}

// Get returns column id's statistics; ok is false when the block holds no
// data for that column.
func (b BlockStats) Get(id uint32) (ColStats, bool) {
	i, ok := slices.BinarySearch(b.ids, id)
	if !ok {
		return ColStats{}, false
	}
	return b.stats[i], true
}

// Has reports whether the block holds data for column id.
func (b BlockStats) Has(id uint32) bool {
	_, ok := slices.BinarySearch(b.ids, id)
	return ok
}

// Set adds or replaces column id's statistics.
func (b *BlockStats) Set(id uint32, st ColStats) {
	i, ok := slices.BinarySearch(b.ids, id)
	if ok {
		b.stats[i] = st
		return
	}
	b.ids = slices.Insert(b.ids, i, id)
	b.stats = slices.Insert(b.stats, i, st)
}

// Len is the number of columns with data in the block.
func (b BlockStats) Len() int { return len(b.ids) }

// IDs are the IDs of the columns with data in the block, in order.
func (b BlockStats) IDs() []uint32 { return b.ids }

// FileRecord remembers one ingested file, keyed by the SHA-256 of its bytes.
type FileRecord struct {
	SHA256   [32]byte
	Path     string
	Table    string
	Rows     int64
	Ingested time.Time
}

// FileInfo names the file a FileWriter stores. SHA256 may be left zero
// when the hash is computed while the file is stored: SetSHA256 must then
// give it before Commit.
type FileInfo struct {
	Path   string
	SHA256 [32]byte
}
