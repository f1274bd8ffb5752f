package storage

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/y"

	"clickhunt/column"
)

// TestDiskFillsAtEveryWrite makes the disk fill at each of Badger's own
// file allocations in turn (it allocates before writing through its
// memory maps: a full disk is then ENOSPC, not SIGBUS), for one
// allocation (space taken and given back by another process), a few, or
// for good, while a file is stored, aborted and the database closed.
// Every time the store either commits or fails with an error, Close
// returns, and the reopened database holds exactly the files committed,
// healthy.
func TestDiskFillsAtEveryWrite(t *testing.T) {
	a := makeFile("a.csv", 1, clickSchema, 200)
	// Values of 320 KB a block, which barely compress; Badger allocates
	// log space 256 KB at a time here (4 MB otherwise).
	b := randomStrings("b.csv", 3, 8, 8192)
	var calls atomic.Int64
	chunk, retry := badger.AllocChunk, badger.FlushRetry
	badger.AllocChunk, badger.FlushRetry = 256<<10, 20*time.Millisecond
	defer func() { y.AllocateFault, badger.AllocChunk, badger.FlushRetry = nil, chunk, retry }()

	// storeB stores b into a database holding a, with the disk full
	// from the nth allocation for window allocations (0: never).
	storeB := func(dir string, n, window int64) (committed bool, err error) {
		db := openTestDB(t, dir)
		calls.Store(0)
		y.AllocateFault = func(string) error {
			if c := calls.Add(1); n > 0 && c >= n && c < n+window {
				return syscall.ENOSPC
			}
			return nil
		}
		defer func() { y.AllocateFault = nil }()
		w, err := db.BeginFile("big", b.info)
		if err != nil {
			db.Close()
			return false, err
		}
		for _, blk := range b.blocks {
			if err = w.WriteBlock(b.schema, blk); err != nil {
				break
			}
		}
		_, cerr := w.Commit()
		if cerr != nil && err == nil {
			err = cerr
		}
		if err := db.Close(); err != nil {
			t.Logf("Close: %v", err)
		}
		return cerr == nil, err
	}

	ref := t.TempDir()
	db := openTestDB(t, ref)
	store(t, db, "clicks", a)
	db.Close()
	if _, err := storeB(ref, 0, 0); err != nil {
		t.Fatal(err)
	}
	total := calls.Load()
	if total < 3 {
		t.Fatalf("only %d allocations while storing a file: the test would mean little", total)
	}
	failures := 0
	windows := []int64{1, 1 << 30} // given back at once, or for good
	for _, window := range windows {
		for n := int64(1); n <= total+1; n++ {
			where := fmt.Sprintf("disk full from allocation %d of %d for %d", n, total, window)
			dir := t.TempDir()
			db := openTestDB(t, dir)
			store(t, db, "clicks", a)
			db.Close()
			committed, err := storeB(dir, n, window)
			if err != nil {
				failures++
				if !isNoSpace(err) {
					t.Errorf("%s: the store failed with %v, want a disk-full error", where, err)
				}
			}
			db, err = openTestDBErr(t, dir)
			if err != nil {
				t.Fatalf("%s (the store: committed %v, %v): reopening: %v", where, committed, err, err)
			}
			checkTable(t, snapshot(t, db), "clicks", a)
			if ti, err := snapshot(t, db).Table("big"); committed != (err == nil) || committed && ti.Rows != int64(len(b.blocks)*8192) {
				t.Errorf("%s: committed %v, table big: %+v %v", where, committed, ti, err)
			}
			if r := mustCheck(t, db); !r.OK() || r.Orphans != 0 || len(r.OrphanTables) != 0 {
				t.Errorf("%s: after reopening: problems %q, %d orphan keys, orphan tables %q", where, r.Problems, r.Orphans, r.OrphanTables)
			}
			db.Close()
		}
	}
	t.Logf("%d allocations while storing a file; %d of %d runs failed with a full disk", total, failures, int64(len(windows))*(total+1))
}

// randomStrings is a file of blocks blocks of rows rows of one string
// column of random 40-letter values (barely compressible).
func randomStrings(name string, seed uint64, blocks, rows int) testFile {
	r := rand.New(rand.NewPCG(seed, 4))
	schema := column.Schema{{Name: "Url", Type: column.String}}
	f := testFile{info: FileInfo{Path: name, SHA256: sha256.Sum256([]byte(name))}, schema: schema}
	buf := make([]byte, 40)
	for range blocks {
		urls := column.NewBuilder(column.String, rows)
		for range rows {
			for i := range buf {
				buf[i] = byte('a' + r.IntN(26))
			}
			urls.AppendString(string(buf))
		}
		f.blocks = append(f.blocks, &column.Batch{Len: rows, Cols: []*column.Vector{urls.Build()}})
	}
	return f
}

// A compaction whose new table cannot be written (the disk filled) must
// keep the tables it would have replaced. Badger dropped the error of the
// goroutine writing the table, so the compaction went on without it and
// deleted the old ones: here, aborting a file on a disk that could take
// no new table lost the whole database, format key and all.
func TestCompactionOnFullDiskKeepsTables(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	a := makeFile("a.csv", 1, clickSchema, 200)
	store(t, db, "clicks", a)
	db.Close() // a's keys are now a level-0 table
	db = openTestDB(t, dir)
	w := begin(t, db, "big", randomStrings("b.csv", 3, 2, 8192))
	// The memtable's table is written; the compaction's is not.
	var tables atomic.Int64
	y.AllocateFault = func(path string) error {
		if strings.HasSuffix(path, ".sst") && tables.Add(1) > 1 {
			return syscall.ENOSPC
		}
		return nil
	}
	defer func() { y.AllocateFault = nil }()
	// Reclaiming the aborted file flushes the memtable, then compacts
	// level 0 without its keys.
	if err := w.Abort(); err != nil {
		t.Logf("Abort: %v", err)
	}
	y.AllocateFault = nil
	checkTable(t, snapshot(t, db), "clicks", a)
	db.Close()
	db = openTestDB(t, dir)
	checkTable(t, snapshot(t, db), "clicks", a)
	if r := mustCheck(t, db); !r.OK() {
		t.Errorf("after reopening: %q", r.Problems)
	}
}
