package storage_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"clickhunt/examples/gen"
	"clickhunt/ingest"
	"clickhunt/query"
	"clickhunt/storage"
)

// Databases written by earlier clickhunts, kept to prove they still open
// and answer queries (the expected answer was computed independently
// from the CSV). Each holds the same 300 rows (clickgen -rows 300
// -seed 11, ingested as /tmp/small.csv):
//
//	testdata/format1: format version 1 (no checksums)
//	testdata/format2: format version 2 (value checksums)
//	testdata/format3: format version 3 (plain strings as a dictionary of
//	                  their rows; written by clickhunt at commit fca0b76)
//	testdata/format4: format version 4 (term postings; written by
//	                  clickhunt at commit c2a5277)
//	testdata/format5: format version 5 (packed deltas, shared
//	                  dictionaries, paged values; written by clickhunt at
//	                  commit f07bcbc)
//
// When the format changes again, add testdata/formatN the same way and
// keep the old ones.
var knownDatabases = []struct {
	dir       string
	format    uint32
	checksums bool
	filters   bool // written with term filters
}{
	{"testdata/format1", 1, false, false},
	{"testdata/format2", 2, true, false},
	{"testdata/format3", 3, true, true},
	{"testdata/format4", 4, true, true},
	{"testdata/format5", 5, true, true},
}

func TestKnownDatabases(t *testing.T) {
	const q = `UrlClickEvents
| summarize n=count(), users=dcount(AccountUpn), first=min(Timestamp), last=max(Timestamp), clicked=countif(IsClickedThrough) by ActionType
| order by ActionType asc`
	const want = `ActionType,n,users,first,last,clicked
ClickAllowed,276,48,2023-12-01T07:11:42.3554509Z,2023-12-30T23:35:56.7881908Z,1
ClickBlocked,10,8,2023-12-01T12:46:44.1277515Z,2023-12-29T14:16:31.3881695Z,0
ClickBlockedByTenantPolicy,2,2,2023-12-03T10:38:46.9345852Z,2023-12-17T14:28:31.3984144Z,0
UrlErrorPage,2,2,2023-12-01T10:38:03.2039042Z,2023-12-29T13:19:16.9426943Z,0
UrlScanInProgress,10,9,2023-12-07T11:19:07.4997257Z,2023-12-27T16:56:31.3939182Z,0
`
	for _, k := range knownDatabases {
		t.Run(filepath.Base(k.dir), func(t *testing.T) {
			// Opening read-write may compact or write; never touch the
			// committed copy.
			dir := t.TempDir()
			copyTree(t, k.dir, dir)
			for _, ro := range []bool{true, false} {
				db, err := storage.Open(dir, storage.Options{ReadOnly: ro, Small: true})
				if err != nil {
					t.Fatalf("Open (read-only %v): %v", ro, err)
				}
				r, err := db.Check(context.Background())
				if err != nil || !r.OK() || r.Format != k.format || r.Checksums != k.checksums || r.Rows != 300 || r.Files != 1 {
					t.Errorf("Check (read-only %v): %+v, %v", ro, r, err)
				}
				snap, err := db.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				out, _ := queryCSV(t, snap, q, query.Options{Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
				if out != want {
					t.Errorf("query (read-only %v):\n%s\nwant:\n%s", ro, out, want)
				}
				snap.Close()
				db.Close()
			}
		})
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err == nil {
			_, err = io.Copy(out, in)
		}
		if err == nil {
			err = out.Close()
		}
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestOldFormatsKeepTheirEncoding: appending to a database of an older
// format writes its own version's encoding (no shared dictionaries before
// format 5, no derived columns before format 6: an older clickhunt could
// not read them), while a new database gets them for the same file.
func TestOldFormatsKeepTheirEncoding(t *testing.T) {
	csvPath := generatedCSV(t, 10000, 13)
	extend := func(t *testing.T, dir string) (*storage.CheckReport, []storage.ColumnInfo) {
		db, err := storage.Open(dir, storage.Options{Small: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := ingest.File(context.Background(), db, csvPath, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
		r, err := db.Check(context.Background())
		if err != nil || !r.OK() {
			t.Fatalf("check: %+v, %v", r, err)
		}
		snap, err := db.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		res, err := query.Run(context.Background(), snap, `UrlClickEvents | summarize c=count() by AccountUpn | summarize sum(c), count()`, query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rows := res.Batch.Cols[0].Int(0); rows != r.Rows {
			t.Errorf("grouped by user: %d rows, the table has %d", rows, r.Rows)
		}
		ti, err := snap.Table("UrlClickEvents")
		if err != nil {
			t.Fatal(err)
		}
		return r, ti.Derived
	}
	if r, derived := extend(t, t.TempDir()); r.SharedEntries == 0 || len(derived) != 1 {
		t.Fatalf("a new database has no shared dictionary entries or no Url head: %+v, %+v", r, derived)
	}
	for _, k := range knownDatabases {
		t.Run(filepath.Base(k.dir), func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, k.dir, dir)
			r, derived := extend(t, dir)
			if r.Format != k.format || (k.format < 5) != (r.SharedEntries == 0) || len(derived) != 0 || r.Rows != 10300 {
				t.Errorf("after appending: %+v, derived columns %+v", r, derived)
			}
		})
	}
}

// generatedCSV writes a generated export of rows clicks to a temporary
// file and returns its path.
func generatedCSV(t *testing.T, rows int, seed int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "more.csv")
	if err := gen.WriteFile(path, gen.Config{Rows: rows, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	return path
}
