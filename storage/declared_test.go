package storage_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"clickhunt/column"
	"clickhunt/ingest"
	"clickhunt/query"
	"clickhunt/storage"
)

// testdata/partial6 was written by clickhunt at commit 8df6eb0 (format
// 6), before tables were whole: it holds a Get-UrlTrace export (8 clicks)
// and a Sentinel export (2) in UrlClickEvents, which lack ThreatTypes,
// DetectionMethods and UrlChain; a historical search summary (4 rows,
// no ToIP; Status as the last event, "Deliver") and detailed report (2
// rows) in MessageTrace and MessageTraceDetail. Ingested from
// cmd/clickhunt/testdata/exports: urltrace.csv, sentinel.csv,
// mt_summary.csv, mt_detail.csv.
const partialDB = "testdata/partial6"

// TestDeclaredColumns: with Options.Declared, every table shows the
// declared columns it lacks, as nulls, on databases written before they
// were declared (the known databases and partial6), read-only and
// read-write; stored columns keep their place and values.
func TestDeclaredColumns(t *testing.T) {
	dbs := []string{partialDB}
	for _, k := range knownDatabases {
		dbs = append(dbs, k.dir)
	}
	for _, src := range dbs {
		t.Run(filepath.Base(src), func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, src, dir)
			for _, ro := range []bool{true, false} {
				plain := openTables(t, dir, storage.Options{ReadOnly: ro, Small: true})
				whole := openTables(t, dir, storage.Options{ReadOnly: ro, Small: true, Declared: ingest.Schemas})
				for name, stored := range plain {
					got := whole[name]
					// The stored columns first, as they were.
					if len(got) < len(stored) || !slices.Equal(got[:len(stored)], stored) {
						t.Errorf("%s (read-only %v): stored columns %v became %v", name, ro, stored, got)
					}
					for _, f := range ingest.Schemas[name] {
						if !slices.ContainsFunc(got, func(g column.Field) bool { return g.Name == f.Name }) {
							t.Errorf("%s (read-only %v): no %s among %v", name, ro, f.Name, got)
						}
					}
				}
			}
		})
	}
}

// openTables opens dir with opts and returns each table's columns.
func openTables(t *testing.T, dir string, opts storage.Options) map[string]column.Schema {
	t.Helper()
	db, err := storage.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	out := map[string]column.Schema{}
	for _, ti := range snap.Tables() {
		for _, c := range ti.Columns {
			out[ti.Name] = append(out[ti.Name], column.Field{Name: c.Name, Type: c.Type})
		}
	}
	return out
}

// TestDeclaredColumnsQueried: a declared column reads as nulls in queries
// (filters, groups, term lookups), and once a file stores the column its
// values show beside the older blocks' nulls: the ID a snapshot lent the
// declared column is the one the writer gives the stored one.
func TestDeclaredColumnsQueried(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, partialDB, dir)
	opts := storage.Options{Small: true, Declared: ingest.Schemas}
	run := func(q string) string {
		t.Helper()
		db, err := storage.Open(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		snap, err := db.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		out, _ := queryCSV(t, snap, q, query.Options{})
		return out
	}
	const q = `UrlClickEvents
| summarize n = count(), threats = countif(isnotempty(ThreatTypes)), phish = countif(ThreatTypes has "Phish"), chains = countif(isnotempty(UrlChain)), ids = dcount(ReportId)
`
	if got, want := run(q), "n,threats,phish,chains,ids\n10,0,0,0,9\n"; got != want {
		t.Errorf("before:\n%s\nwant:\n%s", got, want)
	}
	if got, want := run("MessageTrace | where isnotempty(ToIP) or ToIP == \"x\" | count\n"), "Count\n0\n"; got != want {
		t.Errorf("ToIP:\n%s\nwant:\n%s", got, want)
	}
	// Store a file that has the columns: the old blocks stay null.
	db, err := storage.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defender := filepath.Join("..", "cmd", "clickhunt", "testdata", "exports", "defender.csv")
	if _, err := ingest.File(context.Background(), db, defender, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if r, err := db.Check(context.Background()); err != nil || !r.OK() {
		t.Fatalf("check: %+v %v", r, err)
	}
	db.Close()
	// defender.csv: 12 clicks, 4 with ThreatTypes Phish, each its own
	// ReportId, no UrlChain.
	if got, want := run(q), "n,threats,phish,chains,ids\n22,4,4,0,21\n"; got != want {
		t.Errorf("after:\n%s\nwant:\n%s", got, want)
	}
}
