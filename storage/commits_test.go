package storage

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// storeThree stores three files into a new database in dir, each by a
// writer of its own (as three ingests would: each Close writes a table
// file), and returns them.
func storeThree(t *testing.T, dir string) []testFile {
	t.Helper()
	files := []testFile{
		makeFile("a.csv", 1, clickSchema, 300),
		makeFile("b.csv", 2, clickSchema, 200),
		makeFile("c.csv", 3, clickSchema, 100),
	}
	for _, f := range files {
		db := openTestDB(t, dir)
		store(t, db, "clicks", f)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// wantRefused opens dir read-write and wants ErrCorrupt mentioning every
// part, with dir's files left as they were.
func wantRefused(t *testing.T, dir string, parts ...string) {
	t.Helper()
	before := dirDigest(t, dir)
	_, err := openTestDBErr(t, dir)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("read-write Open: %v, want ErrCorrupt", err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("read-write Open: %v, want it to mention %q", err, p)
		}
	}
	if after := dirDigest(t, dir); after != before {
		t.Errorf("a refused open changed the files:\n%s\nbecame\n%s", before, after)
	}
}

// wantReadRefused opens dir read-only: the open succeeds and changes
// nothing, snapshots fail with ErrCorrupt and Check reports problems
// mentioning every part.
func wantReadRefused(t *testing.T, dir string, parts ...string) {
	t.Helper()
	before := dirDigest(t, dir)
	db := openTestDB(t, dir, readOnly)
	if _, err := db.Snapshot(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Snapshot: %v, want ErrCorrupt", err)
	} else {
		for _, p := range parts {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("Snapshot: %v, want it to mention %q", err, p)
			}
		}
	}
	r := mustCheck(t, db)
	for _, p := range parts {
		wantProblem(t, r, p)
	}
	db.Close()
	if after := dirDigest(t, dir); after != before {
		t.Errorf("a read-only open changed the files:\n%s\nbecame\n%s", before, after)
	}
}

// A MANIFEST that lost its last byte hides the last table file: readers
// and Check say so instead of answering as the older database, and no
// open deletes that table file (Badger's read-write open would, and its
// read-only one did too).
func TestTornManifest(t *testing.T) {
	dir := t.TempDir()
	storeThree(t, dir)
	m := filepath.Join(dir, "MANIFEST")
	fi, err := os.Stat(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(m, fi.Size()-1); err != nil {
		t.Fatal(err)
	}
	wantReadRefused(t, dir, "MANIFEST", "torn")
	wantRefused(t, dir, "MANIFEST", "torn")
	db := openTestDB(t, dir, readOnly)
	wantProblem(t, mustCheck(t, db), `table "clicks" shows 500 rows`, "600 rows")
	wantProblem(t, mustCheck(t, db), "c.csv", "file record is missing")
}

// A MANIFEST replaced by an older copy is whole, so only the commit
// journal knows the newest table file holds committed data.
func TestManifestRolledBack(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	a := makeFile("a.csv", 1, clickSchema, 300)
	store(t, db, "clicks", a)
	db.Close()
	old, err := os.ReadFile(filepath.Join(dir, "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	db = openTestDB(t, dir)
	store(t, db, "clicks", makeFile("b.csv", 2, clickSchema, 200))
	db.Close()
	if err := os.WriteFile(filepath.Join(dir, "MANIFEST"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	wantReadRefused(t, dir, `table "clicks" shows 300 rows`, "500 rows", "b.csv")
	wantRefused(t, dir, "committed data is missing", ".sst")
}

// Without its MANIFEST a database is refused by readers and writers
// alike; no writer creates a new one over the old files.
func TestMissingManifest(t *testing.T) {
	dir := t.TempDir()
	storeThree(t, dir)
	if err := os.Remove(filepath.Join(dir, "MANIFEST")); err != nil {
		t.Fatal(err)
	}
	before := dirDigest(t, dir)
	if _, err := openTestDBErr(t, dir, readOnly); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "MANIFEST") {
		t.Errorf("read-only Open: %v, want ErrCorrupt naming the MANIFEST", err)
	}
	wantRefused(t, dir, "MANIFEST", "missing")
	if after := dirDigest(t, dir); after != before {
		t.Errorf("the files changed:\n%s\nbecame\n%s", before, after)
	}
}

// A table file the MANIFEST does not list, as a write interrupted by a
// full disk leaves (all zeros), never stops a database from opening:
// readers leave it, Check lists it, the next writer removes it.
func TestOrphanTableFile(t *testing.T) {
	dir := t.TempDir()
	files := storeThree(t, dir)
	orphan := filepath.Join(dir, "000099.sst")
	if err := os.WriteFile(orphan, make([]byte, 64<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	ro := openTestDB(t, dir, readOnly)
	checkTable(t, snapshot(t, ro), "clicks", files...)
	r := mustCheck(t, ro)
	if !r.OK() || len(r.OrphanTables) != 1 || r.OrphanTables[0] != "000099.sst" {
		t.Errorf("check: problems %q, orphan tables %q; want healthy, listing 000099.sst", r.Problems, r.OrphanTables)
	}
	ro.Close()
	if _, err := os.Stat(orphan); err != nil {
		t.Fatalf("a read-only open removed the orphan: %v", err)
	}
	db := openTestDB(t, dir)
	if rec := db.Recovery(); len(rec.OrphanTables) != 1 {
		t.Errorf("recovery %+v, want the orphan table listed", rec)
	}
	if _, err := os.Stat(orphan); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the writer left the orphan: %v", err)
	}
	checkTable(t, snapshot(t, db), "clicks", files...)
}

// A deleted journal is a problem Check reports; a writer refuses until
// Recover starts a new one from what the database holds.
func TestJournalMissing(t *testing.T) {
	dir := t.TempDir()
	files := storeThree(t, dir)
	if err := os.Remove(filepath.Join(dir, commitsFile)); err != nil {
		t.Fatal(err)
	}
	ro := openTestDB(t, dir, readOnly)
	checkTable(t, snapshot(t, ro), "clicks", files...) // the data is whole
	wantProblem(t, mustCheck(t, ro), commitsFile, "missing", "clickhunt recover")
	ro.Close()
	wantRefused(t, dir, commitsFile, "missing")

	db := openTestDB(t, dir, func(o *Options) { o.Recover = true })
	if rec := db.Recovery(); !strings.Contains(rec.Journal, "new commit journal") {
		t.Errorf("recovery %+v, want a new journal", rec)
	}
	if r := mustCheck(t, db); !r.OK() || r.Journal != "3 commits" {
		t.Errorf("after recover: problems %q, journal %q", r.Problems, r.Journal)
	}
	db.Close()
	db = openTestDB(t, dir)
	store(t, db, "clicks", makeFile("d.csv", 4, clickSchema, 50))
	if r := mustCheck(t, db); !r.OK() || r.Journal != "4 commits" {
		t.Errorf("after another file: problems %q, journal %q", r.Problems, r.Journal)
	}
}

// A commit whose journal record could not be written (the disk filled
// between the two) leaves the journal behind, which is no damage; the
// next writer records what it lacks.
func TestJournalBehind(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	store(t, db, "clicks", makeFile("a.csv", 1, clickSchema, 300))
	faultHook = func(step string) error {
		if step == "journal" {
			return errors.New("injected: no space left on device")
		}
		return nil
	}
	store(t, db, "clicks", makeFile("b.csv", 2, clickSchema, 200))
	faultHook = nil
	db.Close()

	ro := openTestDB(t, dir, readOnly)
	r := mustCheck(t, ro)
	if !r.OK() || !strings.Contains(r.Journal, "1 commits (the database holds 1 more") {
		t.Errorf("check: problems %q, journal %q; want healthy, one commit behind", r.Problems, r.Journal)
	}
	ro.Close()
	db = openTestDB(t, dir)
	if rec := db.Recovery(); !strings.Contains(rec.Journal, "recorded 1 commits") {
		t.Errorf("recovery %+v", rec)
	}
	if r := mustCheck(t, db); !r.OK() || r.Journal != "2 commits" {
		t.Errorf("after catching up: problems %q, journal %q", r.Problems, r.Journal)
	}
}

// A reader that finds a writer recovering the database waits for it
// instead of failing, however short its LockWait.
func TestReaderWaitsForRecovery(t *testing.T) {
	dir := t.TempDir()
	files := storeThree(t, dir)
	w := openTestDB(t, dir, func(o *Options) { o.Recover = true })
	waiting := make(chan struct{})
	var once sync.Once
	waitHook = func() { once.Do(func() { close(waiting) }) }
	defer func() { waitHook = nil }()
	opened := make(chan error, 1)
	go func() {
		r, err := Open(dir, Options{Small: true, ReadOnly: true})
		if err == nil {
			var s *Snapshot
			if s, err = r.Snapshot(); err == nil {
				checkTable(t, s, "clicks", files...)
				s.Close()
			}
			r.Close()
		}
		opened <- err
	}()
	select {
	case <-waiting: // the reader found the writer recovering
	case err := <-opened:
		t.Fatalf("the reader did not wait for the recovering writer: %v", err)
	}
	w.Close()
	if err := <-opened; err != nil {
		t.Fatalf("the reader: %v", err)
	}

	// A writer that is only writing makes readers fail after LockWait.
	w = openTestDB(t, dir)
	if _, err := openTestDBErr(t, dir, readOnly); !errors.Is(err, ErrLocked) {
		t.Errorf("reader beside a writer: %v, want ErrLocked", err)
	}
	w.Close()
}

// A writer's open cut the last value-log file at its first entry that
// does not read back: meant for a crashed writer's partial entry, it cut
// off every value after a byte flipped in the middle of a closed file.
// Now only the zeros a crashed file was sized with go: the damage stays
// one damaged value.
func TestWriterKeepsDamagedValueLog(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	a := makeFile("a.csv", 1, clickSchema, 3000, 3000)
	store(t, db, "clicks", a)
	db.Close()
	vlogs, _ := filepath.Glob(filepath.Join(dir, "*.vlog"))
	last := vlogs[len(vlogs)-1]
	data, err := os.ReadFile(last)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/3] ^= 0x55
	if err := os.WriteFile(last, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ro := openTestDB(t, dir, readOnly)
	before := mustCheck(t, ro)
	ro.Close()
	if before.OK() {
		t.Fatal("the flipped byte went unnoticed")
	}
	db = openTestDB(t, dir) // a writer
	after := mustCheck(t, db)
	db.Close()
	if fi, err := os.Stat(last); err != nil || fi.Size() != int64(len(data)) {
		t.Errorf("the writer's open cut the value log from %d bytes to %v (%v)", len(data), fi.Size(), err)
	}
	if len(after.Problems) != len(before.Problems) {
		t.Errorf("the writer's open made %d problems of %d:\n%s", len(after.Problems), len(before.Problems), strings.Join(after.Problems, "\n"))
	}
}
