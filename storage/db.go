package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// ErrClosed is returned by operations on a DB after Close.
var ErrClosed = errors.New("database is closed")

// DB is an open clickhunt database: one Badger directory.
//
// A DB is safe for concurrent use. Writers (FileWriter) of one table run one
// at a time: BeginFile waits until the table's previous writer committed or
// aborted, so two files never claim the same block IDs. Writers of
// different tables run side by side.
type DB struct {
	dir  string
	opts Options
	bdb  *badger.DB

	// closeMu is held shared by every operation that touches Badger and
	// exclusively by Close, so Close never pulls Badger out from under one.
	closeMu sync.RWMutex
	closed  bool
	// closing is closed by Close to wake writers waiting for a table.
	closing chan struct{}

	mu sync.Mutex // guards the fields below
	// tableLocks serialises the writers of each table (by name): a
	// one-slot channel, so a waiter can also watch closing.
	tableLocks map[string]chan struct{}
	// sums is set when the database's format has value checksums
	// (version 2 on); set once by checkFormat.
	sums    bool
	version uint32
	// nextTableID is the ID the next new table gets. IDs of tables whose
	// first file was aborted are not reused within a process.
	nextTableID uint32

	// cache holds decoded column blocks (nil without Options.CacheBytes);
	// epochs numbers snapshots for its eviction rule.
	cache  *blockCache
	epochs atomic.Uint64
}

// Open opens (creating if needed) the database in dir.
//
// Read-write, it removes the blocks a crashed writer left behind. It fails
// with ErrLocked when another process (or another DB in this process) has
// dir open, ErrFormatVersion when dir was written by a newer clickhunt, and
// ErrNotDatabase when dir holds something else.
func Open(dir string, opts Options) (*DB, error) {
	deadline := time.Now().Add(opts.LockWait)
	for {
		db, err := open(dir, opts)
		if err == nil || !errors.Is(err, ErrLocked) || !time.Now().Before(deadline) {
			return db, err
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// emptyMemtable reports whether Badger failed on a memtable file a killed
// process left empty: read-write it asks for "a new file", read-only it
// cannot truncate (mmap) the file to size.
func emptyMemtable(err error) bool {
	s := err.Error()
	return strings.Contains(s, "While opening memtable") || strings.Contains(s, "Create a new file")
}

func open(dir string, opts Options) (*DB, error) {
	if err := checkDir(dir, opts.ReadOnly); err != nil {
		return nil, err
	}
	if !opts.ReadOnly {
		if err := checkSpace(dir, opts, 0); err != nil {
			return nil, fmt.Errorf("cannot open %s for writing: %w", dir, err)
		}
	}
	if err := preflightTables(dir); err != nil {
		return nil, fmt.Errorf("cannot open database %s: %w", dir, err)
	}
	if !opts.ReadOnly {
		// A writer killed while creating a memtable leaves it empty.
		removeEmptyMemtables(dir)
	}
	bdb, err := badger.Open(badgerOptions(dir, opts))
	if err != nil && emptyMemtable(err) && !opts.ReadOnly {
		// An empty memtable created meanwhile: Badger has now sized it
		// (all zeros, no writes), and opens it on a second try.
		bdb, err = badger.Open(badgerOptions(dir, opts))
	}
	if err != nil {
		if isLockError(err) {
			holder := "its directory lock is held"
			if h := lockHolder(dir); h != "" {
				holder = "held by " + h
			}
			what := "wait for it to finish (or close it), then try again"
			if opts.ReadOnly {
				what = "queries can run beside other queries, but not while clickhunt ingests; " + what
			}
			return nil, fmt.Errorf("cannot open %s: %w (%s); %s", dir, ErrLocked, holder, what)
		}
		if opts.ReadOnly && (strings.Contains(err.Error(), "truncate required") || emptyMemtable(err)) {
			return nil, fmt.Errorf("cannot open %s read-only: %w", dir, ErrNeedsRecovery)
		}
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("cannot open database %s: %w (check the directory's owner and permissions)", dir, err)
		}
		if isCorruptionError(err) {
			return nil, fmt.Errorf("cannot open database %s: %w: a storage file is damaged: %v", dir, ErrCorrupt, err)
		}
		if isNoSpace(err) {
			return nil, fmt.Errorf("cannot open database %s: %w (the disk is full)", dir, err)
		}
		return nil, fmt.Errorf("cannot open database %s: %w", dir, err)
	}
	db := &DB{
		dir:        dir,
		opts:       opts,
		bdb:        bdb,
		closing:    make(chan struct{}),
		tableLocks: make(map[string]chan struct{}),
	}
	if opts.CacheBytes > 0 {
		db.cache = newBlockCache(opts.CacheBytes)
	}
	if err := db.init(); err != nil {
		bdb.Close()
		return nil, err
	}
	return db, nil
}

// verifyTables checks the CRC of every block of every table file. A
// damaged block met while iterating is skipped by Badger's iterators
// without an error, showing the older version of a key from another file:
// the catalog as it was before the last files, which would pass for a
// smaller table. Checked here, it fails the open instead. With the values
// in the value log the tables hold only keys, pointers and small records
// (under 1 MB at 10M rows), so this costs about a millisecond.
func (db *DB) verifyTables() (err error) {
	defer recoverBadger(&err) // Badger v4.9 panics on some damaged blocks
	if err := db.bdb.VerifyChecksum(); err != nil {
		return fmt.Errorf("%w: a storage file is damaged: %v", ErrCorrupt, err)
	}
	return nil
}

// init checks the format version, recovers from a crashed writer and
// primes the table ID counter.
func (db *DB) init() (err error) {
	if err := db.verifyTables(); err != nil {
		return fmt.Errorf("cannot open database %s: %w", db.dir, err)
	}
	defer recoverBadger(&err)
	if err := db.checkFormat(); err != nil {
		return err
	}
	if db.opts.ReadOnly {
		// Readers load the catalog per snapshot; not reading it here
		// lets Check open a database whose catalog is damaged.
		return nil
	}
	if err := db.removeOrphans(); err != nil {
		return fmt.Errorf("cannot open %s: removing blocks of unfinished files: %w", db.dir, err)
	}
	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()
	cat, err := loadCatalog(txn, db.sums)
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", db.dir, err)
	}
	db.nextTableID = 1
	for id := range cat {
		db.nextTableID = max(db.nextTableID, id+1)
	}
	return nil
}

// badgerOptions sizes Badger for a 2-core, 24 GiB machine, or for tests
// and tiny databases when o.Small. Column values are compressed by the
// codec, so Badger's own compression is off and its block cache is kept
// modest: the OS page cache does the rest.
func badgerOptions(dir string, o Options) badger.Options {
	bo := badger.DefaultOptions(dir).
		WithLogger(errorLogger{log.New(os.Stderr, "clickhunt storage: badger: ", log.LstdFlags)}).
		WithCompression(options.None).
		WithNumCompactors(2).
		WithMetricsEnabled(false).
		WithReadOnly(o.ReadOnly).
		// Every table block Badger reads is checked against its CRC, so
		// a damaged .sst file fails the read (which our own checks then
		// report) rather than feeding garbage to Badger's parser. Open
		// also checks every table whole (verifyTables).
		WithChecksumVerificationMode(options.OnBlockRead).
		// Key-value separation (WiscKey, Badger's design): column values,
		// term filters and row hashes (all over 4 KB but the smallest)
		// are appended once to the value log; the LSM tree holds keys,
		// value pointers and small records (metas, catalog). Kept in the
		// tree, every byte was written to its log, then to a level-0
		// table, then rewritten by compactions, and the table builders'
		// buffers grew with the data: at 10M rows the ingest took 2.4 GB
		// of memory instead of 1. Discarded values are reclaimed by
		// dropKeys (DropPrefix, then value-log GC) after an abort or
		// orphan removal.
		WithValueThreshold(valueThreshold)
	if o.Small {
		// An 8 MB memtable allows transactions of 1.2 MB: a commit's
		// catalog and file records, and metas under the value threshold.
		return bo.
			WithMemTableSize(8 << 20).
			WithNumMemtables(2).
			WithNumLevelZeroTables(2).
			WithNumLevelZeroTablesStall(4).
			WithBaseTableSize(2 << 20).
			WithBaseLevelSize(8 << 20).
			WithBlockCacheSize(1 << 20).
			WithValueLogFileSize(16 << 20).
			WithNumGoroutines(2)
	}
	// With values in the log a memtable holds keys and pointers: 16 MB
	// takes hundreds of thousands of blocks' records.
	return bo.
		WithMemTableSize(16 << 20).
		WithNumMemtables(2).
		WithBaseTableSize(16 << 20).
		WithBaseLevelSize(128 << 20).
		WithBlockCacheSize(blockCacheFor(o)).
		WithValueLogFileSize(256 << 20).
		WithNumGoroutines(4)
}

// errorLogger passes on Badger's errors and drops its chatter.
type errorLogger struct{ l *log.Logger }

func (l errorLogger) Errorf(f string, args ...any) { l.l.Printf(f, args...) }
func (errorLogger) Warningf(string, ...any)        {}
func (errorLogger) Infof(string, ...any)           {}
func (errorLogger) Debugf(string, ...any)          {}

// isLockError recognises Badger's directory-lock failure. Badger flattens
// the flock error into text (outside its debug build), hence the string.
func isLockError(err error) bool {
	return errors.Is(err, syscall.EWOULDBLOCK) ||
		strings.Contains(err.Error(), "Cannot acquire directory lock")
}

// checkDir refuses directories that hold something other than a Badger
// database, so a mistyped path never gets Badger files sprayed into it.
func checkDir(dir string, readOnly bool) error {
	_, err := os.Stat(filepath.Join(dir, badger.ManifestFilename))
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot open database %s: %w", dir, err)
	case readOnly:
		return fmt.Errorf("cannot open %s read-only: %w (no database there yet)", dir, ErrNotDatabase)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create database directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("cannot open database %s: %w", dir, err)
	}
	for _, e := range entries {
		if !isBadgerFile(e.Name()) {
			return fmt.Errorf("cannot open %s: %w (it holds %s but no Badger MANIFEST)", dir, ErrNotDatabase, e.Name())
		}
	}
	return nil
}

// isBadgerFile recognises the files Badger keeps in its directory. Another
// process creating the database at this moment has some of them before
// its MANIFEST; Badger's lock then sorts out who goes first.
func isBadgerFile(name string) bool {
	switch name {
	// MANIFEST too: it may appear between checkDir's Stat and ReadDir,
	// when another process is creating the database at the same time.
	case "LOCK", "KEYREGISTRY", "KEYREGISTRY-REWRITE", "MANIFEST", "MANIFEST-REWRITE", "DISCARD":
		return true
	}
	for _, ext := range []string{".mem", ".vlog", ".sst"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// checkFormat reads the format version, writing it into a new database.
func (db *DB) checkFormat() error {
	var ver uint32
	found := false
	err := db.bdb.View(func(txn *badger.Txn) error {
		item, err := txn.Get(formatKey())
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		return item.Value(func(v []byte) error {
			ver, err = decodeFormatVersion(v)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("cannot open %s: reading its format version: %w", db.dir, err)
	}
	if found {
		switch {
		case ver > formatVersion:
			return fmt.Errorf("cannot open %s: it has format version %d and this clickhunt reads up to %d: %w", db.dir, ver, formatVersion, ErrFormatVersion)
		case ver == 0:
			return fmt.Errorf("cannot open %s: %w (format version 0)", db.dir, ErrNotDatabase)
		}
		db.version = ver
		db.sums = ver >= firstChecksumFormat
		return nil
	}
	if db.opts.ReadOnly {
		return fmt.Errorf("cannot open %s: %w (no format version)", db.dir, ErrNotDatabase)
	}
	return db.bdb.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		it.Rewind()
		nonEmpty := it.Valid()
		it.Close()
		if nonEmpty {
			return fmt.Errorf("cannot open %s: %w (a Badger database without a format version)", db.dir, ErrNotDatabase)
		}
		db.version, db.sums = formatVersion, true
		return txn.Set(formatKey(), appendFormatVersion(nil, formatVersion))
	})
}

// removeOrphans deletes metas, column data and term filters of blocks no
// commit covers: blocks at or past their table's committed next block ID,
// and blocks of tables that never committed. A crashed or abandoned FileWriter leaves
// those. Committed ranges are skipped with a Seek, so only the orphans
// themselves are walked.
func (db *DB) removeOrphans() error {
	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()
	cat, err := loadCatalog(txn, db.sums)
	if err != nil {
		return err
	}
	var orphans [][]byte
	for _, kind := range []byte{kindMeta, kindData, kindTerms} {
		prefix := []byte{kind}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		for it.Seek(prefix); it.ValidForPrefix(prefix); {
			k := it.Item().Key()
			if len(k) < metaKeyLen {
				it.Next() // not ours to judge
				continue
			}
			tid, bid := beUint32(k[1:]), beUint64(k[5:])
			if t, ok := cat[tid]; ok && bid < t.rec.nextBlock {
				it.Seek(kindBlockKey(kind, tid, t.rec.nextBlock))
				continue
			}
			orphans = append(orphans, it.Item().KeyCopy(nil))
			it.Next()
		}
		it.Close()
	}
	if len(orphans) == 0 {
		return nil
	}
	if db.dropKeys(orphans) == nil {
		return nil
	}
	wb := db.bdb.NewWriteBatch()
	for _, k := range orphans {
		if err := wb.Delete(k); err != nil {
			wb.Cancel()
			return err
		}
	}
	return wb.Flush()
}

// dropKeys removes every key starting with one of prefixes and reclaims
// their values' space: Badger's DropPrefix flushes the memtable and
// compacts the tables holding them, counting the dropped values, then the
// value-log GC rewrites the files that are mostly dead. DropPrefix refuses
// writes while it runs, so it excludes every other operation on db
// (closeMu); the caller must not be inside enter.
func (db *DB) dropKeys(prefixes [][]byte) error {
	if len(prefixes) == 0 {
		return nil
	}
	db.closeMu.Lock()
	defer db.closeMu.Unlock()
	if db.closed {
		return ErrClosed
	}
	if err := db.bdb.DropPrefix(prefixes...); err != nil {
		return fmt.Errorf("cannot drop deleted blocks: %w", ioError(err))
	}
	return db.valueLogGC()
}

// enter guards an operation against a concurrent Close; leave ends it.
func (db *DB) enter() error {
	db.closeMu.RLock()
	if db.closed {
		db.closeMu.RUnlock()
		return ErrClosed
	}
	return nil
}

func (db *DB) leave() { db.closeMu.RUnlock() }

// Close flushes and closes the database. A FileWriter still open is left
// as a crash would leave it: its blocks are invisible, and the next
// read-write Open deletes them. Close is idempotent.
func (db *DB) Close() error {
	db.closeMu.Lock()
	defer db.closeMu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	close(db.closing)
	return db.bdb.Close()
}

// Dir returns the database directory.
func (db *DB) Dir() string { return db.dir }

// ReadOnly reports whether the database was opened read-only.
func (db *DB) ReadOnly() bool { return db.opts.ReadOnly }

// LookupFile reports whether a file with this content hash was ingested.
func (db *DB) LookupFile(sha [32]byte) (_ FileRecord, _ bool, err error) {
	defer recoverBadger(&err)
	if err := db.enter(); err != nil {
		return FileRecord{}, false, err
	}
	defer db.leave()
	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()
	return getFileRecord(txn, sha, db.sums)
}

// getFileRecord reads the record of file sha in txn.
func getFileRecord(txn *badger.Txn, sha [32]byte, sums bool) (FileRecord, bool, error) {
	key := fileKey(sha)
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return FileRecord{}, false, nil
	}
	if err != nil {
		return FileRecord{}, false, err
	}
	var f FileRecord
	err = item.Value(func(v []byte) error {
		if v, err = unseal(sums, key, v); err != nil {
			return err
		}
		f, err = decodeFileRecord(v, sha)
		return err
	})
	return f, err == nil, err
}

// valueThreshold is the size from which a value goes to the value log.
const valueThreshold = 4 << 10

// CollectGarbage reclaims the value-log space of deleted values (aborted
// or orphaned files): it compacts the LSM tree into one level, which
// drops the deleted keys and counts what their values left behind, then
// rewrites the value-log files that are mostly garbage.
func (db *DB) CollectGarbage() error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.leave()
	if db.opts.ReadOnly {
		return ErrReadOnly
	}
	return db.collectGarbage()
}

func (db *DB) collectGarbage() error {
	if err := db.bdb.Flatten(1); err != nil {
		return fmt.Errorf("cannot compact before collecting value-log garbage: %w", err)
	}
	return db.valueLogGC()
}

// valueLogGC rewrites the value-log files whose values are mostly dead
// (Badger counts them as compactions drop their keys), but the open one.
func (db *DB) valueLogGC() error {
	for {
		err := db.bdb.RunValueLogGC(0.5)
		if errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot collect value-log garbage: %w", err)
		}
	}
}

// DiskUsage returns the bytes the database directory occupies on disk
// (allocated blocks, as du counts them). Badger's value-log files are
// sparse and memory-mapped at twice their size, so their apparent size
// says little.
func (db *DB) DiskUsage() (int64, error) {
	var total int64
	err := filepath.WalkDir(db.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += allocatedSize(info)
		return nil
	})
	return total, err
}

// tableLock returns the writer lock of the named table.
func (db *DB) tableLock(name string) chan struct{} {
	db.mu.Lock()
	defer db.mu.Unlock()
	l, ok := db.tableLocks[name]
	if !ok {
		l = make(chan struct{}, 1)
		db.tableLocks[name] = l
	}
	return l
}

// allocTableID hands out the ID of a new table.
func (db *DB) allocTableID() uint32 {
	db.mu.Lock()
	defer db.mu.Unlock()
	id := db.nextTableID
	db.nextTableID++
	return id
}

// isCorruptionError recognises Badger's reports of damaged files (its
// checksums, a truncated manifest or table), which it flattens into text.
func isCorruptionError(err error) bool {
	if errors.Is(err, badger.ErrTruncateNeeded) {
		return false // a crashed writer: replay, not damage
	}
	s := strings.ToLower(err.Error())
	// This Badger always writes MANIFEST version 8: another number there is
	// a damaged header (a newer clickhunt is caught by the format key).
	for _, m := range []string{"checksum", "corrupt", "unexpected eof", "magic", "manifest has unsupported version"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// isNoSpace reports a full disk or quota.
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) ||
		strings.Contains(err.Error(), "no space left on device")
}

// isReadOnlyFS reports a write refused by a read-only mount or missing
// permissions.
func isReadOnlyFS(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission) ||
		strings.Contains(err.Error(), "read-only file system")
}

// blockCacheFor is the size of Badger's table-block cache. A reader opens
// with none: the tables hold keys, pointers and small records (under 1 MB
// at 10M rows), block lists are cached per commit point (cache.go), and
// the page cache has the files; allocating the cache's admission filters
// cost a one-shot query about 0.7 ms of its 12.
func blockCacheFor(o Options) int64 {
	if o.ReadOnly {
		return 0
	}
	return 64 << 20
}
