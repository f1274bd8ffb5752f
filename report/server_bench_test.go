package report

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"clickhunt/examples/gen"
	"clickhunt/ingest"
	"clickhunt/storage"
)

// benchDB is a database of generated clicks for the server benchmarks:
// CLICKHUNT_BENCH_DB names an existing one (e.g. 2M rows ingested from
// bin/clickgen -rows 2000000), else CLICKHUNT_BENCH_ROWS rows (default
// 200000) are generated and ingested once per test binary.
var benchDB = sync.OnceValues(func() (string, error) {
	if dir := os.Getenv("CLICKHUNT_BENCH_DB"); dir != "" {
		return dir, nil
	}
	rows := 200000
	if s := os.Getenv("CLICKHUNT_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return "", err
		}
		rows = n
	}
	dir, err := os.MkdirTemp("", "clickhunt-bench")
	if err != nil {
		return "", err
	}
	csv := filepath.Join(dir, "clicks.csv")
	if err := gen.WriteFile(csv, gen.Config{Rows: rows, Seed: 7}); err != nil {
		return "", err
	}
	db, err := storage.Open(filepath.Join(dir, "db"), storage.Options{})
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := ingest.File(context.Background(), db, csv, ingest.Options{}); err != nil {
		return "", err
	}
	os.Remove(csv)
	return filepath.Join(dir, "db"), nil
})

func benchServer(b *testing.B) (*httptest.Server, int64) {
	b.Helper()
	dir, err := benchDB()
	if err != nil {
		b.Fatal(err)
	}
	db, err := storage.Open(dir, storage.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ts := httptest.NewServer(NewHandler(ServerOptions{Snapshot: db.Snapshot, QueryTimeout: 10 * time.Minute}))
	b.Cleanup(ts.Close)
	snap, err := db.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	defer snap.Close()
	t, err := snap.Table("UrlClickEvents")
	if err != nil {
		b.Fatal(err)
	}
	return ts, t.Rows
}

// peakHeap samples the heap in use while f runs and returns the largest
// value seen, in MB (a benchmark figure, not a test's assertion).
func peakHeap(f func()) float64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	return float64(peak.Load()) / (1 << 20)
}

// BenchmarkExport streams every click as CSV: the peak heap should not
// grow with the rows (compare CLICKHUNT_BENCH_ROWS=200000 and 2000000).
func BenchmarkExport(b *testing.B) {
	ts, rows := benchServer(b)
	b.ResetTimer()
	var peak float64
	for i := 0; i < b.N; i++ {
		peak = max(peak, peakHeap(func() {
			resp, err := http.Post(ts.URL+PathExport, "application/json", strings.NewReader(`{"format":"csv"}`))
			if err != nil {
				b.Fatal(err)
			}
			n, err := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || n < rows*50 {
				b.Fatalf("export: %d, %d bytes, %v", resp.StatusCode, n, err)
			}
		}))
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(peak, "MB-peak-heap")
}

// BenchmarkPage reads the first page, one in the middle and the last of
// the listing at 5000 rows a page: each should cost about the same.
func BenchmarkPage(b *testing.B) {
	ts, rows := benchServer(b)
	last := (rows + 4999) / 5000
	for _, page := range []int64{1, (last + 1) / 2, last} {
		b.Run(fmt.Sprintf("page=%d", page), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				resp, err := http.Get(fmt.Sprintf("%s%s?page=%d&pageSize=5000", ts.URL, PathSafeLinks, page))
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("page %d: %d", page, resp.StatusCode)
				}
			}
		})
	}
}
