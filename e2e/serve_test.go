package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serve answers an error it cannot blame on the request with 500 and goes
// on serving: a value damaged on disk, read by the listing, used to send
// the server into endless recursion (fail calling itself) until the
// process died of a stack overflow.
func TestServeSurvivesDamage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "db")
	run(t, "ingest", "--db", db, "../examples/clicks.csv")
	vlogs, _ := filepath.Glob(filepath.Join(db, "*.vlog"))
	if len(vlogs) == 0 {
		t.Fatal("no value log")
	}
	flipMiddle(t, vlogs[len(vlogs)-1])
	url, stop := startServe(t, db)
	defer stop()
	code, body := httpGet(t, url+"/api/reports/exchange/safe-links?pageSize=5000")
	if code != http.StatusInternalServerError || !strings.Contains(body, "database is corrupt") {
		t.Fatalf("listing over a damaged value: %d %.300s, want 500 naming the damage", code, body)
	}
	// The server is still there and answers what it can read.
	if code, body := httpGet(t, url+"/api/reports/exchange/safe-links/top-users"); code != http.StatusOK {
		t.Fatalf("after the damaged listing: %d %.300s", code, body)
	}
}

// flipMiddle flips a byte in every 512 of the middle half of file.
func flipMiddle(t *testing.T, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(b) / 4; i < 3*len(b)/4; i += 512 {
		b[i] ^= 0xff
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// serve --query-timeout stops a query that would run for ever and answers
// 503 with Retry-After, naming the limit (issue 17, finding 5: a 40,000
// term has_any was answered after 154 s, as 400).
func TestServeQueryTimeout(t *testing.T) {
	db := filepath.Join(t.TempDir(), "db")
	run(t, "ingest", "--db", db, "../examples/clicks.csv")
	url, stop := startServe(t, db, "--query-timeout", "1s")
	defer stop()
	resp, err := http.Post(url+"/api/query", "application/json",
		strings.NewReader(`{"query": "range x from 1 to 4000000000000000000 step 1 | summarize count()"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, resp.Body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(b.String(), "limit of 1s") {
		t.Fatalf("endless query: %d %q", resp.StatusCode, b.String())
	}
}
