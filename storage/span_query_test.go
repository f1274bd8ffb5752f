package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"clickhunt/column"

	"clickhunt/ingest"
	"clickhunt/query"
	"clickhunt/storage"
)

// TestSpanFiltersAnswerAsFilters runs time-window and other one-column
// range filters, which scans answer from the stored encoding (exec's
// scan_span.go, rangesel.go), and the same filters with a condition that
// is always true added, which makes them ordinary filters: the results
// must be the same, with and without a block cache.
func TestSpanFiltersAnswerAsFilters(t *testing.T) {
	dir := t.TempDir()
	db, err := storage.Open(dir, storage.Options{Small: true})
	if err != nil {
		t.Fatal(err)
	}
	// Three blocks over 30 days (time-ordered), so windows fall inside
	// one block, across two, or cover one whole.
	if _, err := ingest.File(context.Background(), db, generatedCSV(t, 2*storage.BlockRows+5000, 9), ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, cache := range []int64{0, 64 << 20} {
		db, err := storage.Open(dir, storage.Options{ReadOnly: true, CacheBytes: cache})
		if err != nil {
			t.Fatal(err)
		}
		snap, err := db.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		// One exact timestamp, for ==.
		res, err := query.Run(context.Background(), snap, `UrlClickEvents | where AccountUpn startswith "a" | top 1 by Timestamp asc | project Timestamp`, query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		exact := res.Batch.Cols[0].Int(0)
		for _, tt := range []struct {
			where string
			rows  bool // some rows pass
		}{
			{`Timestamp >= datetime(2023-12-10) and Timestamp < datetime(2023-12-10T01:00:00Z)`, true},
			{`Timestamp between (datetime(2023-12-02) .. datetime(2023-12-29))`, true},
			{`Timestamp > datetime(2023-12-20T12:00:00Z)`, true},
			{`Timestamp <= datetime(2023-12-03)`, true},
			{fmt.Sprintf(`Timestamp == datetime(%s)`, column.TimeFromTicks(exact).Format(time.RFC3339Nano)), true},
			{`Timestamp < datetime(2023-11-01)`, false},
			{`Timestamp >= datetime(2023-12-05) and Timestamp < datetime(2023-12-03)`, false},
			{`Timestamp >= datetime(2023-12-14) and Timestamp < datetime(2023-12-18) and Timestamp > datetime(2023-12-15)`, true},
		} {
			for _, body := range []string{
				`summarize n = count(), first = min(Timestamp), last = max(Timestamp) by ActionType | order by ActionType asc`,
				`project Timestamp, AccountUpn, Url | order by Timestamp asc, AccountUpn asc, Url asc`,
				`count`,
			} {
				q := "UrlClickEvents | where " + tt.where + " | " + body
				got, st := queryCSV(t, snap, q, query.Options{})
				want, wst := queryCSV(t, snap, "UrlClickEvents | where "+tt.where+` and strlen(ActionType) >= 0 | `+body, query.Options{})
				if got != want {
					t.Errorf("cache %d: %s:\n got %.300s\nwant %.300s", cache, q, got, want)
				}
				if st.SpanBlocks == 0 && st.BlocksRead > 0 || wst.SpanBlocks != 0 {
					t.Errorf("cache %d: %s: %d span blocks of %d read (control: %d)", cache, q, st.SpanBlocks, st.BlocksRead, wst.SpanBlocks)
				}
				if lines := strings.Count(got, "\n"); tt.rows != (lines > 1 && !strings.HasSuffix(got, "\n0\n")) {
					t.Errorf("cache %d: %s: %d lines:\n%.200s", cache, q, lines, got)
				}
			}
		}
		snap.Close()
		db.Close()
	}
}
