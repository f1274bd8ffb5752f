package storage

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// mustCheck runs Check and fails the test if it could not run.
func mustCheck(t *testing.T, db *DB) *CheckReport {
	t.Helper()
	r, err := db.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return r
}

// wantProblem fails unless some problem of r contains every part.
func wantProblem(t *testing.T, r *CheckReport, parts ...string) {
	t.Helper()
	for _, p := range r.Problems {
		ok := true
		for _, s := range parts {
			ok = ok && strings.Contains(p, s)
		}
		if ok {
			return
		}
	}
	t.Errorf("Check found no problem with %q; problems:\n%s", parts, strings.Join(r.Problems, "\n"))
}

func TestCheckHealthy(t *testing.T) {
	db := openTestDB(t, "")
	store(t, db, "clicks", makeFile("a.csv", 1, clickSchema, 500, 300))
	store(t, db, "clicks", makeFile("b.csv", 2, clickSchema[:4], 70))
	store(t, db, "other", makeFile("c.csv", 3, clickSchema[3:], 10))
	r := mustCheck(t, db)
	if !r.OK() {
		t.Fatalf("problems in a healthy database:\n%s", strings.Join(r.Problems, "\n"))
	}
	// The first two files' blocks also hold the Url's head (derived.go).
	want := CheckReport{Format: formatVersion, Checksums: true, Tables: 2, Columns: 17, DerivedColumns: 1, Blocks: 4,
		Values: 2*(len(clickSchema)+1) + 4 + 1 + 7, Files: 3, Rows: 880,
		TermFilters: 2*4 + 3 + 2, // one per string column of each block
		Journal:     "3 commits"}
	if fmt.Sprint(*r) != fmt.Sprint(want) {
		t.Errorf("report %+v, want %+v", *r, want)
	}
}

// setRaw overwrites the stored bytes of key, bypassing seal.
func setRaw(t *testing.T, db *DB, key []byte, edit func(v []byte) []byte) {
	t.Helper()
	err := db.bdb.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		if v = edit(v); v == nil {
			return txn.Delete(key)
		}
		return txn.Set(key, v)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func flipByte(i int) func(v []byte) []byte {
	return func(v []byte) []byte { v[i%len(v)] ^= 0x10; return v }
}

// TestCheckCorruptValues damages one value of each kind and wants Check,
// and queries, to name what is damaged.
func TestCheckCorruptValues(t *testing.T) {
	a := makeFile("a.csv", 1, clickSchema, 500, 300)
	setup := func(t *testing.T) (*DB, *tableState) {
		db := openTestDB(t, "")
		store(t, db, "clicks", a)
		txn := db.bdb.NewTransaction(false)
		defer txn.Discard()
		cat, err := loadCatalog(txn, true)
		if err != nil {
			t.Fatal(err)
		}
		return db, cat[1]
	}
	readAll := func(db *DB) error {
		s, err := db.Snapshot()
		if err != nil {
			return err
		}
		defer s.Close()
		ti, err := s.Table("clicks")
		if err != nil {
			return err
		}
		blocks, err := s.Blocks(ti)
		if err != nil {
			return err
		}
		for _, b := range blocks {
			for _, c := range ti.Columns {
				if _, err := s.ReadColumn(ti, &b, c); err != nil {
					return err
				}
			}
		}
		return nil
	}

	t.Run("data", func(t *testing.T) {
		db, tab := setup(t)
		url := tab.cols[1]
		setRaw(t, db, dataKey(tab.id, 1, url.ID), flipByte(7))
		wantProblem(t, mustCheck(t, db), `table "clicks" block 1 column "Url"`, "checksum mismatch")
		err := readAll(db)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `column "Url" of block 1 of table "clicks"`) {
			t.Errorf("reading a damaged value: %v", err)
		}
	})
	t.Run("data missing", func(t *testing.T) {
		db, tab := setup(t)
		setRaw(t, db, dataKey(tab.id, 0, tab.cols[6].ID), func([]byte) []byte { return nil })
		wantProblem(t, mustCheck(t, db), `table "clicks" block 0 column "Score"`, "missing")
		if err := readAll(db); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "block 0") {
			t.Errorf("reading a missing value: %v", err)
		}
	})
	t.Run("meta", func(t *testing.T) {
		db, tab := setup(t)
		setRaw(t, db, metaKey(tab.id, 0), flipByte(3))
		wantProblem(t, mustCheck(t, db), `table "clicks" block 0: meta`, "checksum mismatch")
		if err := readAll(db); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `block 0 of table "clicks"`) {
			t.Errorf("reading a damaged meta: %v", err)
		}
	})
	t.Run("meta missing", func(t *testing.T) {
		db, tab := setup(t)
		setRaw(t, db, metaKey(tab.id, 1), func([]byte) []byte { return nil })
		wantProblem(t, mustCheck(t, db), `table "clicks": found 1 readable blocks of 500 rows, the catalog records 2 blocks of 800 rows`)
		if err := readAll(db); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `table "clicks"`) {
			t.Errorf("reading with a block meta missing: %v", err)
		}
	})
	t.Run("table record", func(t *testing.T) {
		db, tab := setup(t)
		setRaw(t, db, tableKey(tab.id), flipByte(2))
		wantProblem(t, mustCheck(t, db), "catalog: table record", "checksum mismatch")
		if _, err := db.Snapshot(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "table 1") {
			t.Errorf("Snapshot with a damaged table record: %v", err)
		}
	})
	t.Run("column record", func(t *testing.T) {
		db, tab := setup(t)
		setRaw(t, db, columnKey(tab.id, 2), flipByte(0))
		wantProblem(t, mustCheck(t, db), "catalog: column 2 of table 1", "checksum mismatch")
		if _, err := db.Snapshot(); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Snapshot with a damaged column record: %v", err)
		}
	})
	t.Run("column record missing", func(t *testing.T) {
		db, tab := setup(t)
		setRaw(t, db, columnKey(tab.id, 9), func([]byte) []byte { return nil })
		wantProblem(t, mustCheck(t, db), `table "clicks" has 10 column records, its record counts 11`) // with the Url's head
		if _, err := db.Snapshot(); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Snapshot with a column record missing: %v", err)
		}
	})
	t.Run("file record", func(t *testing.T) {
		db, _ := setup(t)
		setRaw(t, db, fileKey(a.info.SHA256), flipByte(5))
		r := mustCheck(t, db)
		wantProblem(t, r, "file record", "checksum mismatch")
		wantProblem(t, r, `table "clicks": its file records add up to 0 rows, the catalog records 800`)
		if _, _, err := db.LookupFile(a.info.SHA256); !errors.Is(err, ErrCorrupt) {
			t.Errorf("LookupFile of a damaged record: %v", err)
		}
	})
	t.Run("moved value", func(t *testing.T) {
		// A value that is intact but under another key (as a damaged key
		// in a Badger table would put it) fails its checksum too.
		db, tab := setup(t)
		var v0 []byte
		setRaw(t, db, dataKey(tab.id, 0, tab.cols[3].ID), func(v []byte) []byte { v0 = v; return v })
		setRaw(t, db, dataKey(tab.id, 1, tab.cols[3].ID), func([]byte) []byte { return v0 })
		wantProblem(t, mustCheck(t, db), `table "clicks" block 1 column "ActionType"`, "checksum mismatch")
	})
}

// TestWriteFaults injects a failure at each write step of a file, as a
// full disk or a read-only file system would, and wants a clear error,
// nothing of the file visible, a healthy database, and the file storable
// once the fault is gone.
func TestWriteFaults(t *testing.T) {
	enospc := &os.PathError{Op: "write", Path: "000002.mem", Err: syscall.ENOSPC}
	erofs := &os.PathError{Op: "open", Path: "000003.sst", Err: syscall.EROFS}
	cases := []struct {
		step  string
		nth   int // fail the nth call of step (1-based)
		fault error
		want  string
	}{
		{"block", 1, enospc, "disk is full"},
		{"block", 3, enospc, "disk is full"},
		{"sync", 1, enospc, "no space left on device"},
		{"commit", 1, enospc, "disk is full"},
		{"commit", 1, erofs, "read-only"},
		{"block", 2, erofs, "read-only"},
	}
	a := makeFile("a.csv", 1, clickSchema, 200)
	b := makeFile("b.csv", 2, clickSchema, 300, 300, 300, 100)
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s#%d-%v", c.step, c.nth, c.fault.(*os.PathError).Err), func(t *testing.T) {
			dir := t.TempDir()
			db := openTestDB(t, dir)
			store(t, db, "clicks", a)
			calls := 0
			faultHook = func(step string) error {
				if step == c.step {
					if calls++; calls == c.nth {
						return ioError(c.fault)
					}
				}
				return nil
			}
			defer func() { faultHook = nil }()
			w, err := db.BeginFile("clicks", b.info)
			if err != nil {
				t.Fatal(err)
			}
			for _, blk := range b.blocks {
				if err = w.WriteBlock(b.schema, blk); err != nil {
					break
				}
			}
			_, cerr := w.Commit()
			if cerr == nil || (err != nil && cerr.Error() != err.Error()) {
				t.Fatalf("Commit after WriteBlock error %v: %v", err, cerr)
			}
			if !strings.Contains(cerr.Error(), c.want) || !strings.Contains(cerr.Error(), "b.csv") {
				t.Errorf("error %q does not say %q and name the file", cerr, c.want)
			}
			faultHook = nil
			checkTable(t, snapshot(t, db), "clicks", a)
			if r := mustCheck(t, db); !r.OK() || r.Orphans != 0 {
				t.Errorf("after the fault: %+v", r)
			}
			store(t, db, "clicks", b)
			checkTable(t, snapshot(t, db), "clicks", a, b)
			db.Close()
			db = openTestDB(t, dir, readOnly)
			checkTable(t, snapshot(t, db), "clicks", a, b)
		})
	}

	t.Run("abort fails too", func(t *testing.T) {
		// Both the write and the clean-up fail: the blocks stay behind,
		// invisible, and the next read-write open removes them.
		dir := t.TempDir()
		db := openTestDB(t, dir)
		store(t, db, "clicks", a)
		faultHook = func(step string) error {
			if step == "commit" || step == "abort" {
				return ioError(enospc)
			}
			return nil
		}
		defer func() { faultHook = nil }()
		w := begin(t, db, "clicks", b)
		if _, err := w.Commit(); err == nil {
			t.Fatal("Commit succeeded")
		}
		faultHook = nil
		checkTable(t, snapshot(t, db), "clicks", a)
		if r := mustCheck(t, db); !r.OK() || r.Orphans != 4*(1+len(clickSchema)+1+4) { // meta, values, the Url's head, 4 term filters
			t.Errorf("with the failed file's blocks left: %+v", r)
		}
		db.Close()
		db = openTestDB(t, dir)
		if r := mustCheck(t, db); !r.OK() || r.Orphans != 0 {
			t.Errorf("after reopening: %+v", r)
		}
		store(t, db, "clicks", b)
		checkTable(t, snapshot(t, db), "clicks", a, b)
	})
}

// TestFlipBytes flips bytes at random spots of the Badger files of a
// closed database and reopens it, many times: every read either returns
// exactly the original data or fails with an error (no panic, no wrong
// answer), and whenever a read fails Check reports a problem.
func TestFlipBytes(t *testing.T) {
	src := t.TempDir()
	db := openTestDB(t, src)
	files := []testFile{
		makeFile("a.csv", 1, clickSchema, 4000, 3000),
		makeFile("b.csv", 2, clickSchema, 5000),
		makeFile("c.csv", 3, clickSchema[:5], 2000),
	}
	for _, f := range files {
		store(t, db, "clicks", f)
	}
	want, err := digest(db)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	trials := 60
	if testing.Short() {
		trials = 15
	}
	// A new seed each run, logged, and CLICKHUNT_FLIP_SEED replays one.
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CLICKHUNT_FLIP_SEED"); s != "" {
		if _, err := fmt.Sscan(s, &seed); err != nil {
			t.Fatalf("CLICKHUNT_FLIP_SEED: %v", err)
		}
	}
	t.Logf("seed %d (CLICKHUNT_FLIP_SEED=%d replays this run)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	var opened, readFailed, checkFailed, same int
	for trial := range trials {
		dir := t.TempDir()
		copyDir(t, src, dir)
		sst, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
		if len(sst) == 0 {
			t.Fatal("no .sst files")
		}
		name := sst[rng.IntN(len(sst))]
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var flipped []int
		for range 1 + rng.IntN(4) {
			i := rng.IntN(len(data))
			data[i] ^= byte(1 + rng.IntN(255))
			flipped = append(flipped, i)
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		where := fmt.Sprintf("trial %d: %s bytes %v", trial, filepath.Base(name), flipped)

		db, err := Open(dir, Options{Small: true, ReadOnly: true})
		if err != nil {
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "database is corrupt: ") || strings.Contains(err.Error(), "runtime error") {
				t.Errorf("%s: Open: %v, want `database is corrupt: ...` naming the damage", where, err)
			}
			continue
		}
		opened++
		got, rerr := digest(db)
		r, err := db.Check(context.Background())
		if err != nil {
			t.Fatalf("%s: Check: %v", where, err)
		}
		switch {
		case rerr == nil && got != want:
			t.Errorf("%s: reads succeeded with different data", where)
		case rerr == nil:
			same++
		default:
			readFailed++
			if r.OK() {
				t.Errorf("%s: reads fail (%v) but Check finds nothing", where, rerr)
			} else if readFailed <= 3 {
				t.Logf("%s: read error: %v; check: %s", where, rerr, r.Problems[0])
			}
			if !errors.Is(rerr, ErrCorrupt) || !strings.HasPrefix(rerr.Error(), "database is corrupt: ") || strings.Contains(rerr.Error(), "runtime error") {
				t.Errorf("%s: read error does not say `database is corrupt: ...` naming the damage: %v", where, rerr)
			}
		}
		if !r.OK() {
			checkFailed++
		}
		db.Close()
	}
	t.Logf("%d trials: %d opened, %d read the original data, %d reads failed, %d checks found damage",
		trials, opened, same, readFailed, checkFailed)
}

// digest reads every value of every table and hashes it.
func digest(db *DB) (string, error) {
	s, err := db.Snapshot()
	if err != nil {
		return "", err
	}
	defer s.Close()
	h := fnv.New64a()
	for _, ti := range s.Tables() {
		blocks, err := s.Blocks(&ti)
		if err != nil {
			return "", err
		}
		for _, b := range blocks {
			for _, c := range ti.Columns {
				v, err := s.ReadColumn(&ti, &b, c)
				if err != nil {
					return "", err
				}
				for i := range v.Len {
					fmt.Fprintf(h, "%v|", v.Value(i))
				}
			}
		}
	}
	fs, err := s.Files()
	if err != nil {
		return "", err
	}
	fmt.Fprint(h, len(fs))
	return fmt.Sprintf("%x", h.Sum64()), nil
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "LOCK" {
			continue
		}
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLockHolder(t *testing.T) {
	dir := t.TempDir()
	openTestDB(t, dir)
	_, err := openTestDBErr(t, dir, readOnly)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("this process, %d", os.Getpid())) {
		t.Errorf("Open beside a writer: %v, want it to name this process", err)
	}
}

// TestDiskFullGuard fills the "disk" half way through a file: the write
// stops with a disk-full error before Badger's mapped log could fault,
// nothing of the file shows, and it stores once space is back.
func TestDiskFullGuard(t *testing.T) {
	db := openTestDB(t, "")
	a := makeFile("a.csv", 1, clickSchema, 200)
	b := makeFile("b.csv", 2, clickSchema, 300, 300, 300)
	store(t, db, "clicks", a)
	blocks := 0
	freeSpace = func(string) (int64, bool) {
		if blocks++; blocks > 2 {
			return 16 << 20, true // the 16 MB reserve, no room for the block
		}
		return 1 << 40, true
	}
	defer func() { freeSpace = diskFree }()
	w := begin(t, db, "clicks", makeFile("tiny.csv", 9, clickSchema, 1)) // passes
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	w, err := db.BeginFile("clicks", b.info)
	if err != nil {
		t.Fatal(err)
	}
	for _, blk := range b.blocks {
		if err = w.WriteBlock(b.schema, blk); err != nil {
			break
		}
	}
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "disk is full") || !strings.Contains(err.Error(), "MB free") {
		t.Fatalf("WriteBlock on a full disk: %v", err)
	}
	if _, err := w.Commit(); err == nil {
		t.Fatal("Commit after a failed block succeeded")
	}
	freeSpace = diskFree
	checkTable(t, snapshot(t, db), "clicks", a, makeFile("tiny.csv", 9, clickSchema, 1))
	if r := mustCheck(t, db); !r.OK() || r.Orphans != 0 {
		t.Errorf("after the disk filled: %+v", r)
	}
}
