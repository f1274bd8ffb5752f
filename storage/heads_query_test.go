package storage_test

import (
	"context"
	"strings"
	"testing"

	"clickhunt/ingest"
	"clickhunt/output"
	"clickhunt/query"
	"clickhunt/storage"
)

// TestHeadColumnAnswersAsTheURLs runs queries that read the URLs only up
// to their third "/" — which the scan answers from the stored heads
// (derived.go, plan/heads.go) — and the same queries with Url replaced by
// strcat(Url, ""), which reads every URL whole: the results must be the
// same. Queries that need more of a URL must not use the heads.
func TestHeadColumnAnswersAsTheURLs(t *testing.T) {
	db, err := storage.Open(t.TempDir(), storage.Options{Small: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := ingest.File(context.Background(), db, generatedCSV(t, 30000, 5), ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	run := func(q string) (string, query.Stats) {
		t.Helper()
		return queryCSV(t, snap, q, query.Options{})
	}
	for _, tt := range []struct {
		q     string // {U} is the URL column
		heads int
	}{
		// The domain report (the benchmark's q1).
		{`UrlClickEvents | where ThreatTypes != "" | extend Domain = tostring(split({U}, "/")[2])
		  | summarize Clicks = count(), Blocked = countif(ActionType == "ClickBlocked") by Domain | order by Domain asc`, 1},
		// The corpus's way to the host.
		{`UrlClickEvents | extend Domain = extract(@"^(?:https?://)?([^/]+)", 1, {U}) | summarize count() by Domain | order by Domain asc`, 1},
		// In the pushed-down filter too, and through a rename.
		{`UrlClickEvents | where tostring(split({U}, "/")[2]) endswith ".com" | summarize n = count() by S = tostring(split({U}, "/")[0]) | order by S asc`, 1},
		{`UrlClickEvents | project U = {U}, ActionType | extend H = tostring(split(U, "/")[2]) | summarize count() by H, ActionType | order by H asc, ActionType asc`, 1},
		{`UrlClickEvents | summarize by H = extract(@"^[a-z]+://[^/]*", 0, {U}) | order by H asc`, 1},
		// More than the head: whole URLs.
		{`UrlClickEvents | extend D = tostring(split({U}, "/")[3]) | summarize count() by D | order by D asc`, 0},
		{`UrlClickEvents | extend D = tostring(split({U}, "/")[2]) | summarize u = dcount({U}), n = count() by D | order by D asc`, 0},
		{`UrlClickEvents | extend D = extract(@"https?://([^/]+)", 1, {U}) | summarize count() by D | order by D asc`, 0},
		{`UrlClickEvents | extend D = extract(@"^https?://([^/]+)/", 1, {U}) | summarize count() by D | order by D asc`, 0},
		{`UrlClickEvents | where {U} has "login" | summarize count() by D = tostring(split({U}, "/")[2]) | order by D asc`, 0},
		{`UrlClickEvents | summarize n = count() by U = {U} | summarize sum(n) by D = tostring(split(U, "/")[2]) | order by D asc`, 0},
		{`UrlClickEvents | extend D = tostring(split({U}, "/")[2]) | where {U} endswith "/" | count`, 0},
	} {
		got, st := run(strings.ReplaceAll(tt.q, "{U}", "Url"))
		want, wst := run(strings.ReplaceAll(tt.q, "{U}", `strcat(Url, "")`))
		if got != want {
			t.Errorf("%s:\n got %.300s\nwant %.300s", tt.q, got, want)
		}
		if st.HeadColumns != tt.heads || wst.HeadColumns != 0 {
			t.Errorf("%s: read %d head columns (whole: %d), want %d", tt.q, st.HeadColumns, wst.HeadColumns, tt.heads)
		}
		if strings.Count(got, "\n") < 2 {
			t.Errorf("%s: too few rows to compare:\n%s", tt.q, got)
		}
	}
}

// queryCSV runs q against snap and returns its result as CSV, and the
// run's stats.
func queryCSV(t *testing.T, snap *storage.Snapshot, q string, opts query.Options) (string, query.Stats) {
	t.Helper()
	res, err := query.Run(context.Background(), snap, q, opts)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	var out strings.Builder
	if err := output.WriteCSV(&out, res.Schema, res.Batch); err != nil {
		t.Fatal(err)
	}
	return out.String(), res.Stats
}
