package ingest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"clickhunt/storage"
)

// openTestDB opens a small database in a temporary directory. Any error
// fails the test: nothing here is allowed to be missing.
func openTestDB(t testing.TB) *storage.DB {
	t.Helper()
	db, err := storage.Open(t.TempDir(), storage.Options{Small: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func tableRows(t *testing.T, db *storage.DB, table string) int64 {
	t.Helper()
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	ti, err := snap.Table(table)
	if errors.Is(err, storage.ErrNoTable) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return ti.Rows
}

func TestFile(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	path := filepath.Join("testdata", "clicks.csv")
	var progressed bool
	sum, err := File(ctx, db, path, Options{Progress: func(read, size, rows int64) {
		progressed = size > 0 && read <= size && rows > 0
	}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 9 || sum.AlreadyIngested || sum.Table != DefaultTable || !progressed {
		t.Fatalf("first ingest: %+v (progress %v)", sum, progressed)
	}
	if got := tableRows(t, db, DefaultTable); got != 9 {
		t.Fatalf("table has %d rows, want 9", got)
	}

	// The same bytes under another name are not stored again.
	dup := filepath.Join(t.TempDir(), "copy.csv")
	data, _ := os.ReadFile(path)
	os.WriteFile(dup, data, 0o644)
	sum, err = File(ctx, db, dup, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.AlreadyIngested || sum.Previous.Path != path || sum.Rows != 9 {
		t.Fatalf("second ingest: %+v", sum)
	}

	// A bad row stores nothing of its file.
	_, err = File(ctx, db, filepath.Join("testdata", "bad_timestamp.csv"), Options{})
	var ie *Error
	if !errors.As(err, &ie) || ie.Line != 3 {
		t.Fatalf("bad file: got %v", err)
	}
	if got := tableRows(t, db, DefaultTable); got != 9 {
		t.Fatalf("after a failed ingest the table has %d rows, want 9", got)
	}
}

// TestKnownFileHashedLast stores a file again (without row dedup, so its
// rows are written) while its hash is held back until the parse has
// handed blocks to the writer: the known hash then discards them, and the
// table is as before.
func TestKnownFileHashedLast(t *testing.T) {
	db := openTestDB(t)
	const n = storage.BlockRows + 1000
	path := filepath.Join(t.TempDir(), "clicks.csv")
	if err := os.WriteFile(path, bigCSV(n), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := File(context.Background(), db, path, Options{}); err != nil {
		t.Fatal(err)
	}
	before, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	parsed := make(chan struct{})
	hashedHook = func() { <-parsed }
	defer func() { hashedHook = nil }()
	var once sync.Once
	sum, err := File(context.Background(), db, path, Options{NoDedup: true, Progress: func(_, _, rows int64) {
		if rows >= storage.BlockRows {
			once.Do(func() { close(parsed) })
		}
	}})
	once.Do(func() { close(parsed) })
	if err != nil {
		t.Fatal(err)
	}
	if !sum.AlreadyIngested || sum.Rows != n || sum.Previous.Path != path {
		t.Fatalf("second ingest: %+v", sum)
	}
	after, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Problems) != 0 || after.Orphans != 0 || after.Rows != before.Rows || after.Blocks != before.Blocks || after.Values != before.Values {
		t.Errorf("after the known file: %+v, before %+v", after, before)
	}
}

func TestFileMissing(t *testing.T) {
	db := openTestDB(t)
	_, err := File(context.Background(), db, filepath.Join(t.TempDir(), "nope.csv"), Options{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v, want a not-exist error", err)
	}
}

// TestFileRoundTrip stores a generated export of more than one block and
// reads every value back.
func TestFileRoundTrip(t *testing.T) {
	db := openTestDB(t)
	const n = storage.BlockRows + 1000
	path := filepath.Join(t.TempDir(), "clicks.csv")
	data := bigCSV(n)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := File(context.Background(), db, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != n {
		t.Fatalf("stored %d rows, want %d", sum.Rows, n)
	}
	want := &collect{}
	if _, err := Read(context.Background(), bytes.NewReader(data), path, want, Options{}); err != nil {
		t.Fatal(err)
	}
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	ti, err := snap.Table(DefaultTable)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := snap.Blocks(ti)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != len(want.batches) {
		t.Fatalf("%d blocks stored, want %d", len(blocks), len(want.batches))
	}
	for bi := range blocks {
		for ci, f := range want.schemas[bi] {
			col, ok := ti.Column(f.Name)
			if !ok || col.Type != f.Type {
				t.Fatalf("column %s: stored as %+v", f.Name, col)
			}
			got, err := snap.ReadColumn(ti, &blocks[bi], col)
			if err != nil {
				t.Fatal(err)
			}
			w := want.batches[bi].Cols[ci]
			for i := 0; i < w.Len; i++ {
				if got.Value(i) != w.Value(i) {
					t.Fatalf("block %d column %s row %d: got %v, want %v", bi, f.Name, i, got.Value(i), w.Value(i))
				}
			}
		}
	}
}
