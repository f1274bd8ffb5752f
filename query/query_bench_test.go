package query_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"clickhunt/examples/gen"
	"clickhunt/ingest"
	"clickhunt/query"
	"clickhunt/storage"
)

// The Safe Links benchmark workloads q0-q9 (bench/workloads),
// over a generated database of $CLICKHUNT_BENCH_ROWS rows (default
// 200,000), built once per run.
var workloads = []struct{ name, kql string }{
	{"q0_sample", `UrlClickEvents
| where ActionType == "ClickAllowed" or IsClickedThrough !="0"
| where ThreatTypes has "Phish"
| summarize by ReportId, IsClickedThrough, AccountUpn, NetworkMessageId, ThreatTypes, Timestamp`},
	{"q1_top_domains", `UrlClickEvents
| where ThreatTypes != ""
| extend Domain = tostring(split(Url, "/")[2])
| summarize Clicks = count(), Blocked = countif(ActionType == "ClickBlocked") by Domain
| top 10 by Clicks`},
	{"q2_top_blocked_users", `UrlClickEvents
| where ActionType in ("ClickBlocked", "ClickBlockedByTenantPolicy")
| summarize BlockedClicks = count() by AccountUpn
| top 10 by BlockedClicks`},
	{"q3_hourly", `UrlClickEvents
| summarize Clicks = count(), Blocked = countif(ActionType startswith "ClickBlocked") by Hour = hourofday(Timestamp)
| sort by Hour asc`},
	{"q4_override_rate", `UrlClickEvents
| where ActionType == "ClickBlocked" or IsClickedThrough
| summarize Blocked = countif(ActionType == "ClickBlocked"), Overrides = countif(IsClickedThrough) by AccountUpn
| where Blocked >= 5
| extend OverrideRate = 100.0 * Overrides / Blocked
| sort by OverrideRate desc, AccountUpn asc`},
	{"q5_repeat_offenders", `let threshold = 3;
UrlClickEvents
| where ThreatTypes has "Phish" and IsClickedThrough == false and AccountUpn != ""
| summarize PhishClicks = count(), FirstClick = min(Timestamp), LastClick = max(Timestamp) by AccountUpn
| where PhishClicks >= threshold
| sort by PhishClicks desc, AccountUpn asc`},
	{"q6_needle_term", `UrlClickEvents
| where Url has "pastebin"
| count`},
	{"q7_hour_window", `UrlClickEvents
| where Timestamp >= datetime(2023-12-15T12:00:00Z) and Timestamp < datetime(2023-12-15T13:00:00Z)
| summarize count() by ActionType`},
	{"q8_daily_dcount", `UrlClickEvents
| summarize dcount(AccountUpn), count() by bin(Timestamp, 1d)`},
	{"q9_user_latest", `UrlClickEvents
| where AccountUpn =~ "{{USER}}"
| sort by Timestamp desc
| take 100`},
}

var (
	benchOnce sync.Once
	benchDB   *storage.DB
	benchErr  error
	benchRows int
	benchUser string // the busiest user, for q9
)

func openBenchDB(b *testing.B) *storage.DB {
	benchOnce.Do(func() {
		benchRows = 200_000
		if s := os.Getenv("CLICKHUNT_BENCH_ROWS"); s != "" {
			if benchRows, benchErr = strconv.Atoi(s); benchErr != nil {
				return
			}
		}
		dir, err := os.MkdirTemp("", "clickhunt-bench")
		if err != nil {
			benchErr = err
			return
		}
		csvPath := filepath.Join(dir, "clicks.csv")
		if benchErr = gen.WriteFile(csvPath, gen.Config{Rows: benchRows, Seed: 7}); benchErr != nil {
			return
		}
		if benchDB, benchErr = storage.Open(filepath.Join(dir, "db"), storage.Options{}); benchErr != nil {
			return
		}
		start := time.Now()
		_, benchErr = ingest.File(context.Background(), benchDB, csvPath, ingest.Options{})
		if benchErr == nil {
			os.Remove(csvPath)
			size, _ := benchDB.DiskUsage()
			b.Logf("bench database: %d rows ingested in %v, %d bytes on disk", benchRows, time.Since(start), size)
			benchUser, benchErr = busiestUser(benchDB)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB
}

// BenchmarkWorkloads measures warm query times: the same query repeated in
// one process over one snapshot, as in the REPL.
func BenchmarkWorkloads(b *testing.B) {
	db := openBenchDB(b)
	for _, w := range workloads {
		b.Run(w.name, func(b *testing.B) {
			snap, err := db.Snapshot()
			if err != nil {
				b.Fatal(err)
			}
			defer snap.Close()
			kql := strings.ReplaceAll(w.kql, "{{USER}}", strings.ToUpper(benchUser))
			var rows int
			for i := 0; i < b.N; i++ {
				r, err := query.Run(context.Background(), snap, kql, query.Options{})
				if err != nil {
					b.Fatal(err)
				}
				rows = r.Batch.Len
			}
			b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(rows), "rows_out")
		})
	}
}

func busiestUser(db *storage.DB) (string, error) {
	snap, err := db.Snapshot()
	if err != nil {
		return "", err
	}
	defer snap.Close()
	r, err := query.Run(context.Background(), snap,
		`UrlClickEvents | where AccountUpn != "" | summarize n = count() by AccountUpn | top 1 by n`, query.Options{})
	if err != nil {
		return "", err
	}
	return r.Batch.Cols[0].Str(0), nil
}
