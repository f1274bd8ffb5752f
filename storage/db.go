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

	// lock is the directory lock (dirlock_unix.go), held until Close;
	// st is what the directory's files said before Badger opened them.
	lock *dirLock
	st   *dirState
	// damage describes committed data a read-only open found missing (a
	// torn MANIFEST, data the commit journal has but Badger does not
	// show): snapshots fail with it and Check reports it.
	damage []string
	// recovery is what a read-write open did to recover the database.
	recovery RecoveryReport
	// commitMu orders commits: each takes the next commit sequence
	// number and appends its record to the journal in that order.
	commitMu sync.Mutex
	// journal is the commit journal as read at open and appended since
	// (nil: none yet); journalStale says an append failed part way, so
	// the file must be read again before the next.
	journal      *journal
	journalStale bool

	// cache holds decoded column blocks (nil without Options.CacheBytes);
	// epochs numbers snapshots for its eviction rule.
	cache  *blockCache
	epochs atomic.Uint64
}

// Open opens (creating if needed) the database in dir.
//
// Opening never deletes or rolls back anything a committed file stored. A
// read-only open changes nothing at all: after a writer crashed it reads
// the writer's log as it is, and leaves table files Badger's MANIFEST does
// not list where they are. A read-write open replays a crashed writer's
// log and removes what an interrupted ingest left (its blocks, table files
// the MANIFEST never listed), but only after checking the files against
// the commit journal (commits.go): a torn or missing MANIFEST, or one that
// shows less than was committed, fails it with ErrCorrupt and leaves every
// file as it was. A read-only open of such a database succeeds so that
// Check can report everything, but its snapshots fail with ErrCorrupt.
//
// It fails with ErrLocked when another process (or another DB in this
// process) has dir open in a conflicting mode, after waiting up to
// Options.LockWait, and for as long as a writer is recovering the
// database; ErrFormatVersion when dir was written by a newer clickhunt,
// and ErrNotDatabase when dir holds something else.
func Open(dir string, opts Options) (*DB, error) {
	deadline := time.Now().Add(opts.LockWait)
	for {
		db, err := open(dir, opts)
		if err == nil || !errors.Is(err, ErrLocked) {
			return db, err
		}
		if recovering(dir) {
			// Wait for it, and a moment after: it lets go of the lock
			// just after it stops saying so.
			deadline = time.Now().Add(max(opts.LockWait, recoveryGrace))
			if waitHook != nil {
				waitHook()
			}
		} else if !time.Now().Before(deadline) {
			return db, err
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// recoveryGrace is how long Open keeps trying after a recovering writer
// stopped saying so.
const recoveryGrace = 500 * time.Millisecond

// waitHook, when set (only by tests), is called each time Open waits for
// a writer that is recovering the database.
var waitHook func()

// recovering reports whether dir's lock is held by a writer that says it
// is recovering the database (lockholder.go).
func recovering(dir string) bool {
	pid, state := readLockFile(dir)
	return state == writerRecovering && holdsLock(dir, pid)
}

// emptyMemtable reports whether Badger failed on a memtable file a killed
// process left empty: read-write it asks for "a new file".
func emptyMemtable(err error) bool {
	s := err.Error()
	return strings.Contains(s, "While opening memtable") || strings.Contains(s, "Create a new file")
}

func open(dir string, opts Options) (_ *DB, err error) {
	if err := checkDir(dir, opts.ReadOnly); err != nil {
		return nil, err
	}
	lock, err := lockDir(dir, !opts.ReadOnly)
	if errors.Is(err, errBusy) {
		return nil, lockedError(dir, opts.ReadOnly)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open database %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			lock.release()
		}
	}()
	if !opts.ReadOnly && lockSupported {
		// Readers finding the lock held wait while this says recovering
		// (an error here is a read-only directory, which Badger reports).
		writeLockFile(dir, writerRecovering)
	}
	if !opts.ReadOnly {
		if err := checkSpace(dir, opts, 0); err != nil {
			return nil, fmt.Errorf("cannot open %s for writing: %w", dir, err)
		}
	}
	st, err := inspectDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open database %s: %w", dir, err)
	}
	damage := st.damage()
	if damage != "" && (!opts.ReadOnly || !st.manifest || len(st.missing) > 0) {
		// A writer would make the damage permanent; a reader cannot open
		// without a MANIFEST or with tables missing.
		return nil, fmt.Errorf("cannot open database %s: %w: %s", dir, ErrCorrupt, damage)
	}
	if err := preflightTables(dir, st.listed); err != nil {
		return nil, fmt.Errorf("cannot open database %s: %w", dir, err)
	}
	if !opts.ReadOnly && st.data != "" {
		// Badger's read-write open deletes table files its MANIFEST
		// does not list, and writes: look read-only first.
		if err := checkBeforeWriting(dir, opts, st); err != nil {
			return nil, err
		}
	}
	var rec RecoveryReport
	if !opts.ReadOnly {
		// A writer killed while creating a memtable leaves it empty.
		removeEmptyMemtables(dir)
		mems, _ := filepath.Glob(filepath.Join(dir, "*.mem"))
		rec.Replayed = len(mems) > 0
		for _, id := range st.unlisted {
			rec.OrphanTables = append(rec.OrphanTables, tableFiles([]uint64{id}))
		}
	}
	bdb, err := badger.Open(badgerOptions(dir, opts))
	if err != nil {
		return nil, badgerOpenError(dir, opts, err)
	}
	db := &DB{
		dir:        dir,
		opts:       opts,
		bdb:        bdb,
		lock:       lock,
		st:         st,
		recovery:   rec,
		closing:    make(chan struct{}),
		tableLocks: make(map[string]chan struct{}),
	}
	if damage != "" {
		db.damage = append(db.damage, damage)
	}
	if opts.CacheBytes > 0 {
		db.cache = newBlockCache(opts.CacheBytes)
	}
	if err := db.init(); err != nil {
		bdb.Close()
		return nil, err
	}
	if !opts.ReadOnly && !opts.Recover && lockSupported {
		writeLockFile(dir, writerWriting)
	}
	return db, nil
}

// lockedError is ErrLocked naming the holder and what to do.
func lockedError(dir string, readOnly bool) error {
	holder := "its directory lock is held"
	if h := lockHolder(dir); h != "" {
		holder = "held by " + h
	}
	what := "wait for it to finish (or close it), then try again"
	if readOnly {
		what = "queries can run beside other queries, but not while clickhunt ingests; " + what
	}
	return fmt.Errorf("cannot open %s: %w (%s); %s", dir, ErrLocked, holder, what)
}

// badgerOpenError says what Badger's failure to open dir means.
func badgerOpenError(dir string, opts Options, err error) error {
	switch {
	case isLockError(err):
		return lockedError(dir, opts.ReadOnly)
	case opts.ReadOnly && (strings.Contains(err.Error(), "truncate required") || emptyMemtable(err)):
		return fmt.Errorf("cannot open %s read-only: %w", dir, ErrNeedsRecovery)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot open database %s: %w (check the directory's owner and permissions)", dir, err)
	case isCorruptionError(err):
		return fmt.Errorf("cannot open database %s: %w: a storage file is damaged: %v", dir, ErrCorrupt, err)
	case isNoSpace(err):
		return fmt.Errorf("cannot open database %s: %w (the disk is full)", dir, err)
	}
	return fmt.Errorf("cannot open database %s: %w", dir, err)
}

// checkBeforeWriting opens dir read-only, where Badger changes no file,
// and checks what it shows against the commit journal before a writer
// opens it. Table files the MANIFEST does not list are then what an
// interrupted write left (Badger writes a table before recording it),
// unless the journal says committed data is missing: then the MANIFEST
// lost their records, and the read-write open would delete them.
func checkBeforeWriting(dir string, opts Options, st *dirState) error {
	ro := opts
	ro.ReadOnly, ro.CacheBytes = true, 0
	bdb, err := badger.Open(badgerOptions(dir, ro))
	if err != nil {
		return badgerOpenError(dir, ro, err)
	}
	defer bdb.Close()
	db := &DB{dir: dir, opts: ro, bdb: bdb, st: st}
	if err := db.verifyTables(); err != nil {
		return fmt.Errorf("cannot open database %s: %w", dir, err)
	}
	if err := db.checkFormat(); err != nil {
		return err
	}
	c, err := db.compareJournal(false)
	if err != nil {
		return fmt.Errorf("cannot open database %s: %w", dir, err)
	}
	return db.refuseWriting(c)
}

// refuseWriting is the error that keeps a writer out of a database the
// journal check c found lost data in, or whose journal is missing or
// damaged (unless recovering), or nil.
func (db *DB) refuseWriting(c journalCheck) error {
	if len(c.lost) > 0 {
		return lostError(db.dir, c, db.st)
	}
	if len(c.problems) > 0 && !db.opts.Recover {
		return fmt.Errorf("cannot open %s for writing: %w: %s; run `clickhunt check` to see the database's state, "+
			"then `clickhunt recover` to start a new journal from what it holds", db.dir, ErrCorrupt, strings.Join(c.problems, "; "))
	}
	return nil
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

// init checks the format version and the commit journal, recovers from
// a crashed writer and primes the table ID counter.
func (db *DB) init() (err error) {
	if err := db.verifyTables(); err != nil {
		return fmt.Errorf("cannot open database %s: %w", db.dir, err)
	}
	defer recoverBadger(&err)
	if err := db.checkFormat(); err != nil {
		if len(db.damage) > 0 {
			// A torn MANIFEST can hide every table, format key and all.
			return fmt.Errorf("cannot open database %s: %w: %s", db.dir, ErrCorrupt, strings.Join(db.damage, "; "))
		}
		if errors.Is(err, ErrNotDatabase) && db.st != nil && db.st.committed != "" {
			// So can one cut at a record's end, or an older copy.
			return fmt.Errorf("cannot open database %s: %w: its MANIFEST (Badger's list of table files) lists no table "+
				"holding the database's records, though the directory holds %s: it was cut short or replaced", db.dir, ErrCorrupt, db.st.committed)
		}
		return err
	}
	c, err := db.compareJournal(false)
	if err != nil {
		return fmt.Errorf("cannot open database %s: %w", db.dir, err)
	}
	if db.opts.ReadOnly {
		// Readers load the catalog per snapshot; not reading it here
		// lets Check open a database whose catalog is damaged. What the
		// journal finds lost fails every snapshot, and Check reports it.
		db.damage = append(db.damage, c.lost...)
		return nil
	}
	if err := db.refuseWriting(c); err != nil {
		return err
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
	if c.none || c.behind > 0 || len(c.problems) > 0 {
		// A database older than the journal, a crash between a commit
		// and its record, or `clickhunt recover` of a lost journal:
		// state what Badger holds now.
		fresh := len(c.problems) > 0
		if err := db.writeBaseline(txn, cat, fresh); err != nil {
			return fmt.Errorf("cannot open %s for writing: cannot write its commit journal: %w", db.dir, ioError(err))
		}
		switch {
		case fresh:
			db.recovery.Journal = "started a new commit journal from what the database holds (" + strings.Join(c.problems, "; ") + ")"
		case c.behind > 0:
			db.recovery.Journal = fmt.Sprintf("recorded %d commits the commit journal lacked", c.behind)
		default:
			db.recovery.Journal = "started the commit journal"
		}
	}
	db.nextTableID = 1
	for id := range cat {
		db.nextTableID = max(db.nextTableID, id+1)
	}
	return nil
}

// compareJournal reads the commit journal and compares it with what
// Badger shows; with files, file record by file record too.
func (db *DB) compareJournal(files bool) (journalCheck, error) {
	j, err := readJournal(db.dir)
	if err != nil {
		return journalCheck{}, err
	}
	db.journal = j
	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()
	seq, err := readCommitSeq(txn, db.sums)
	if err != nil {
		return journalCheck{}, err
	}
	var cat map[uint32]*tableState
	err = scanPrefix(txn, tablePrefix(), func(k, v []byte) error {
		tid, err := parseTableKey(k)
		if err == nil {
			v, err = unseal(db.sums, k, v)
		}
		var rec tableRecord
		if err == nil {
			rec, err = decodeTableRecord(v)
		}
		if err != nil {
			return fmt.Errorf("catalog: table record %x: %w", k, err)
		}
		if cat == nil {
			cat = make(map[uint32]*tableState)
		}
		cat[tid] = &tableState{id: tid, rec: rec}
		return nil
	})
	if err != nil {
		return journalCheck{}, err
	}
	var lookup func([32]byte) (FileRecord, bool, error)
	if files {
		lookup = func(sha [32]byte) (FileRecord, bool, error) { return getFileRecord(txn, sha, db.sums) }
	}
	return compareJournal(j, cat, seq, lookup), nil
}

// writeBaseline starts or catches up the commit journal with a record of
// everything txn shows. fresh moves a damaged journal aside (keeping it)
// and starts a new one.
func (db *DB) writeBaseline(txn *badger.Txn, cat map[uint32]*tableState, fresh bool) error {
	seq, err := readCommitSeq(txn, db.sums)
	if err != nil {
		return err
	}
	var files []FileRecord
	err = scanPrefix(txn, filePrefix(), func(k, v []byte) error {
		sha, err := parseFileKey(k)
		if err == nil {
			v, err = unseal(db.sums, k, v)
		}
		var f FileRecord
		if err == nil {
			f, err = decodeFileRecord(v, sha)
		}
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return err
	}
	if fresh && db.journal != nil {
		old := filepath.Join(db.dir, commitsFile)
		if err := os.Rename(old, old+".damaged-"+time.Now().UTC().Format("20060102T150405Z")); err != nil {
			return err
		}
		db.journal = nil
	}
	if db.journal != nil && seq <= db.journal.seq {
		seq = db.journal.seq + 1
	}
	rec := frameRecord(nil, appendBaselineRecord(seq, time.Now(), cat, files))
	if err := writeJournal(db.dir, db.journal, rec); err != nil {
		return err
	}
	db.journal, err = readJournal(db.dir)
	return err
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
		// Open takes the directory lock itself, before Badger looks at
		// the files (dirlock_unix.go).
		WithBypassLockGuard(lockSupported).
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
		if st, err := inspectDir(dir); err == nil && st.damage() != "" {
			return fmt.Errorf("cannot open database %s: %w: %s", dir, ErrCorrupt, st.damage())
		}
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
	case "LOCK", "KEYREGISTRY", "KEYREGISTRY-REWRITE", "MANIFEST", "MANIFEST-REWRITE", "DISCARD",
		commitsFile, commitsFile + ".new":
		return true
	}
	if strings.HasPrefix(name, commitsFile+".damaged-") {
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
	db.recovery.OrphanKeys = len(orphans)
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
	// The value-log file being written holds the newest of the dropped
	// values, and GC rewrites no file while that one leads: end it.
	if err := db.bdb.RotateValueLog(); err != nil {
		return fmt.Errorf("cannot start a new value-log file: %w", ioError(err))
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
	err := db.bdb.Close()
	db.lock.release()
	return err
}

// RecoveryReport is what a read-write Open did to recover the database.
type RecoveryReport struct {
	// Replayed is set when a crashed writer's log was replayed.
	Replayed bool
	// OrphanKeys counts the keys of unfinished ingests removed.
	OrphanKeys int
	// OrphanTables names the table files an interrupted write left,
	// which Badger's MANIFEST did not list, removed.
	OrphanTables []string
	// Journal says what was written to the commit journal ("" nothing).
	Journal string
}

// Recovery returns what a read-write Open did to recover the database
// (nothing for a read-only one).
func (db *DB) Recovery() RecoveryReport { return db.recovery }

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
