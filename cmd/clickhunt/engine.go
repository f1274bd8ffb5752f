package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"clickhunt/ingest"
	"clickhunt/query"
	"clickhunt/storage"
)

// engine is what a session needs from the database. dbEngine is the real
// one; tests of the loop use a fake.
type engine interface {
	// Tables lists the tables, sorted by name.
	Tables() ([]storage.TableInfo, error)
	// Table returns one table or an error wrapping storage.ErrNoTable.
	Table(name string) (*storage.TableInfo, error)
	// Run runs one query; now pins now() and ago() unless it is zero.
	Run(ctx context.Context, text string, now time.Time) (*query.Result, error)
}

// dbEngine runs everything against a fresh snapshot of an open database.
// In the REPL db may be nil (no database yet: .ingest creates it) and is
// swapped when .ingest reopens the directory read-write.
type dbEngine struct {
	db  *storage.DB
	dir string
	// maxMemory bounds each query's memory (0: the default budget).
	maxMemory int64
}

// lockWait is how long a command waits for another clickhunt process to
// let go of the database before saying it is in use: long enough for a
// query or check to finish, short enough to answer at once during an
// ingest.
const lockWait = 500 * time.Millisecond

// defaultMaxMemory is the memory budget of a query when --max-memory is
// not given: generous for hunting, far below what would exhaust a laptop.
const defaultMaxMemory = 4 << 30

// snapshot returns a fresh snapshot, or errNoDB when there is no database.
func (e *dbEngine) snapshot() (*storage.Snapshot, error) {
	if e.db == nil {
		return nil, errNoDB{e.dir}
	}
	return e.db.Snapshot()
}

// cacheStats reports the database's decoded-block cache.
func (e *dbEngine) cacheStats() storage.CacheStats {
	if e.db == nil {
		return storage.CacheStats{}
	}
	return e.db.CacheStats()
}

func (e *dbEngine) close() {
	if e.db != nil {
		e.db.Close()
		e.db = nil
	}
}

func (e *dbEngine) Tables() ([]storage.TableInfo, error) {
	snap, err := e.snapshot()
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	return snap.Tables(), nil
}

func (e *dbEngine) Table(name string) (*storage.TableInfo, error) {
	snap, err := e.snapshot()
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	return snap.Table(name)
}

// Check parses and plans text against the database (or, with no database,
// the known table schemas) without running it.
func (e *dbEngine) Check(text string) error {
	if e.db == nil {
		return query.CheckSchemas(ingest.Schemas, text)
	}
	snap, err := e.snapshot()
	if err != nil {
		return err
	}
	defer snap.Close()
	return query.Check(snap, text)
}

// progressEngine is an engine that can count the rows a query has scanned
// so far, for the REPL's running line.
type progressEngine interface {
	// RunProgress is Run, adding the rows scanned to progress as they
	// are read.
	RunProgress(ctx context.Context, text string, now time.Time, progress *atomic.Int64) (*query.Result, error)
}

func (e *dbEngine) Run(ctx context.Context, text string, now time.Time) (*query.Result, error) {
	return e.RunProgress(ctx, text, now, nil)
}

func (e *dbEngine) RunProgress(ctx context.Context, text string, now time.Time, progress *atomic.Int64) (*query.Result, error) {
	limit := e.maxMemory
	if limit == 0 {
		limit = defaultMaxMemory
	}
	opts := query.Options{Now: now, MaxMemory: limit, Progress: progress}
	if e.db == nil {
		// No database: a query that reads no table (print, range,
		// datatable) runs all the same, as in Kusto.
		if err := e.tableless(text); err != nil {
			return nil, err
		}
		return query.Run(ctx, nil, text, opts)
	}
	snap, err := e.snapshot()
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	return query.Run(ctx, snap, text, opts)
}

// tableless checks, with no database, that text reads no table: a query
// naming a table lacks the database (errNoDB); other errors are its own.
func (e *dbEngine) tableless(text string) error {
	err := query.Check(nil, text)
	if errors.Is(err, query.ErrUnknownTable) {
		return errNoDB{e.dir}
	}
	return err
}

// Explain plans text against the database (or, with none, the known table
// schemas) and prints the plan, one operator a line.
func (e *dbEngine) Explain(text string) (string, error) {
	if e.db == nil {
		return query.ExplainSchemas(ingest.Schemas, text)
	}
	snap, err := e.snapshot()
	if err != nil {
		return "", err
	}
	defer snap.Close()
	return query.Explain(snap, text, query.Options{})
}

// errNoDB says a query was asked of a database that was never created.
type errNoDB struct{ dir string }

func (e errNoDB) Error() string {
	return fmt.Sprintf("no database at %s: run 'clickhunt ingest FILE' first", e.dir)
}

// openForQuery opens an existing database for queries. It does not create
// one: a missing or empty directory, or one with no database in it yet, is
// errNoDB. It opens read-only, always: several shells may then share the
// database, and nothing a query, report or check does changes a file
// (after a crashed ingest, the crashed writer's log is read as it is; the
// next ingest or `clickhunt recover` replays it). With cached, the
// database keeps decoded blocks for the next queries (cacheBytes).
func openForQuery(dir string, cached bool) (*storage.DB, error) {
	var cache int64
	if cached {
		var err error
		if cache, err = cacheBytes(); err != nil {
			return nil, err
		}
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil, errNoDB{dir}
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open database: %w", err)
	}
	db, err := storage.Open(dir, storage.Options{ReadOnly: true, LockWait: lockWait, CacheBytes: cache, Declared: ingest.Schemas})
	if errors.Is(err, storage.ErrNotDatabase) {
		if _, serr := os.Stat(filepath.Join(dir, "MANIFEST")); errors.Is(serr, os.ErrNotExist) && onlyLock(entries) {
			return nil, errNoDB{dir}
		}
	}
	return db, err
}

// onlyLock reports whether a directory holds nothing but a LOCK file, as
// a first ingest that failed early leaves it.
func onlyLock(entries []os.DirEntry) bool {
	for _, e := range entries {
		if e.Name() != "LOCK" {
			return false
		}
	}
	return true
}

// openForIngest opens the database read-write, creating it if needed.
func openForIngest(dir string) (*storage.DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create database directory: %w", err)
	}
	// storage.Open's errors name dir and say what to do. The REPL queries
	// through this handle after .ingest: the canonical tables are whole
	// there too.
	return storage.Open(dir, storage.Options{LockWait: lockWait, Declared: ingest.Schemas})
}

// parseSize reads a byte size: 512MB, 2GiB, 1G, 4096 (KB/MB/GB/TB and
// KiB/MiB/GiB/TiB are all powers of 1024, as memory is counted).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"TIB", 1 << 40}, {"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
		{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q (expected e.g. 512MB or 2GiB)", s)
	}
	return int64(n * float64(mult)), nil
}
