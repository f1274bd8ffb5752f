package storage_test

import (
	"context"
	"path/filepath"
	"testing"

	"clickhunt/ingest"
	"clickhunt/query"
	"clickhunt/storage"
)

// TestTermFiltersOnOldDatabases: blocks stored before term filters existed
// have none and are always read; blocks added later get filters, so a `has`
// search reads the old blocks and only the new ones that may match.
func TestTermFiltersOnOldDatabases(t *testing.T) {
	csvPath := generatedCSV(t, 1000, 12)

	count := func(t *testing.T, snap *storage.Snapshot, where string) (int64, query.Stats) {
		t.Helper()
		r, err := query.Run(context.Background(), snap, "UrlClickEvents | where "+where+" | count", query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Batch.Cols[0].Int(0), r.Stats
	}
	for _, k := range knownDatabases {
		t.Run(filepath.Base(k.dir), func(t *testing.T) {
			if k.filters {
				t.Skip("written with term filters")
			}
			dir := t.TempDir()
			copyTree(t, k.dir, dir)
			db, err := storage.Open(dir, storage.Options{Small: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if r, err := db.Check(context.Background()); err != nil || !r.OK() || r.TermFilters != 0 {
				t.Fatalf("check: %+v, %v", r, err)
			}
			snap, err := db.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			n, st := count(t, snap, `Url has "nosuchterm"`)
			if n != 0 || st.BlocksRead != st.BlocksTotal || st.BlocksTotal == 0 {
				t.Errorf("old blocks: count %d, read %d of %d blocks", n, st.BlocksRead, st.BlocksTotal)
			}
			want, _ := count(t, snap, `strcat(Url, "") has "contoso"`)
			if n, _ := count(t, snap, `Url has "contoso"`); n != want || n == 0 {
				t.Errorf("old blocks: count %d, want %d", n, want)
			}
			snap.Close()

			if _, err := ingest.File(context.Background(), db, csvPath, ingest.Options{}); err != nil {
				t.Fatal(err)
			}
			snap, err = db.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			defer snap.Close()
			_, all := count(t, snap, `Url has "https"`)
			if _, st := count(t, snap, `Url has "nosuchterm"`); st.BlocksRead != all.BlocksTotal-1 {
				t.Errorf("old and new blocks: read %d of %d blocks, want all but the new one", st.BlocksRead, st.BlocksTotal)
			}
			want, _ = count(t, snap, `strcat(Url, "") has "contoso"`)
			if n, _ := count(t, snap, `Url has "contoso"`); n != want {
				t.Errorf("old and new blocks: count %d, want %d", n, want)
			}
			if r, err := db.Check(context.Background()); err != nil || !r.OK() || r.TermFilters == 0 {
				t.Errorf("check after appending: %+v, %v", r, err)
			}
		})
	}
}
