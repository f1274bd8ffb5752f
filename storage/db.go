package storage

import (
	"errors"

	"clickhunt/column"
)

var errTODO = errors.New("storage: not implemented yet")

// DB is an open clickhunt database: one Badger directory.
type DB struct{}

// Open opens (creating if needed) the database in dir.
func Open(dir string, opts Options) (*DB, error) { return nil, errTODO }

// Close flushes and closes the database.
func (db *DB) Close() error { return nil }

// Snapshot returns a consistent read view; Close it when done. Everything
// read through one snapshot reflects the same set of committed files.
func (db *DB) Snapshot() (*Snapshot, error) { return nil, errTODO }

// LookupFile reports whether a file with this content hash was ingested.
func (db *DB) LookupFile(sha [32]byte) (FileRecord, bool, error) {
	return FileRecord{}, false, errTODO
}

// BeginFile starts storing one file into table (created on first use). The
// file's rows become visible only when Commit returns nil; Abort (or a crash)
// leaves the database as it was.
func (db *DB) BeginFile(table string, info FileInfo) (*FileWriter, error) { return nil, errTODO }

// Snapshot is a consistent read view of the database.
type Snapshot struct{}

// Close releases the snapshot.
func (s *Snapshot) Close() {}

// Tables lists the tables, sorted by name.
func (s *Snapshot) Tables() []TableInfo { return nil }

// Table returns the named table (case-sensitive) or ErrNoTable.
func (s *Snapshot) Table(name string) (*TableInfo, error) { return nil, ErrNoTable }

// Blocks returns the committed blocks of table in ID order (which is
// ingest order).
func (s *Snapshot) Blocks(table *TableInfo) ([]BlockMeta, error) { return nil, errTODO }

// ReadColumn decodes one column of one block. A column with no data in the
// block yields a vector of nulls ("" for strings) of block.Rows rows.
func (s *Snapshot) ReadColumn(table *TableInfo, block *BlockMeta, col ColumnInfo) (*column.Vector, error) {
	return nil, errTODO
}

// Files lists the ingested files, oldest first.
func (s *Snapshot) Files() ([]FileRecord, error) { return nil, errTODO }

// FileWriter stores one file's rows as blocks.
type FileWriter struct{}

// WriteBlock stores one block of at most BlockRows rows. schema names and
// types b's columns; unknown names become new columns of the table; a known
// name with another type fails with ErrTypeConflict.
func (w *FileWriter) WriteBlock(schema column.Schema, b *column.Batch) error { return errTODO }

// Commit makes every block written so far visible at once, with the file's
// record, in one transaction. It returns the rows stored.
func (w *FileWriter) Commit() (int64, error) { return 0, errTODO }

// Abort discards what was written; the database is as before BeginFile.
func (w *FileWriter) Abort() error { return nil }
