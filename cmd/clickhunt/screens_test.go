package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// make demo's ingest run twice: the first total adds up the files' own
// lines; the second stores nothing, reads nothing, and says so.
func TestIngestTwiceTotals(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	ex, _ := filepath.Abs("../../examples")
	files := []string{filepath.Join(ex, "clicks.csv"), filepath.Join(ex, "messagetrace.csv")}

	r := clickhunt(t, dir, "", append([]string{"ingest", "--db", db}, files...)...)
	r.expect(t, 0)
	stored := 0
	for _, m := range regexp.MustCompile(`(?m)^\S+: (\d+) rows into `).FindAllStringSubmatch(r.stdout, -1) {
		n, _ := strconv.Atoi(m[1])
		stored += n
	}
	if stored == 0 {
		t.Fatalf("no per-file lines:\n%s", r.stdout)
	}
	want := "total: 2 files, " + strconv.Itoa(stored) + " rows read, " + strconv.Itoa(stored) + " stored, 0 duplicates skipped, 0 rejected\n"
	if !strings.HasSuffix(r.stdout, want) {
		t.Errorf("first ingest ends %q, want %q", r.stdout, want)
	}

	r = clickhunt(t, dir, "", append([]string{"ingest", "--db", db}, files...)...)
	r.expect(t, 0)
	if n := strings.Count(r.stdout, ": already ingested (same content as "); n != 2 {
		t.Errorf("second ingest: %d files already ingested, want 2:\n%s", n, r.stdout)
	}
	want = "total: 2 files (2 already ingested), 0 rows read, 0 stored, 0 duplicates skipped, 0 rejected\n"
	if !strings.HasSuffix(r.stdout, want) {
		t.Errorf("second ingest ends %q, want %q", r.stdout, want)
	}
}

// serve --help says what happens to an ingest while it runs, and it is
// what happens; the token's variable is named once.
func TestServeHelpTellsTheTruth(t *testing.T) {
	dir, db := exampleDB(t)
	h := clickhunt(t, dir, "", "serve", "--help")
	h.expect(t, 0)
	if !strings.Contains(strings.Join(strings.Fields(h.stdout), " "), `an ingest into the same database is refused ("database is in use")`) {
		t.Errorf("serve --help does not say an ingest is refused:\n%s", h.stdout)
	}
	if n := strings.Count(h.stdout, "$CLICKHUNT_TOKEN"); n != 1 {
		t.Errorf("serve --help names $CLICKHUNT_TOKEN %d times:\n%s", n, h.stdout)
	}
	startServe(t, dir, "--db", db)
	os.WriteFile(filepath.Join(dir, "more.csv"), []byte(clicksHeader+"2024-03-02T10:00:00Z,https://c.example/,ClickAllowed,carol@contoso.com,Email,m4,10.0.0.3,,,false,,r4\n"), 0o644)
	r := clickhunt(t, dir, "", "ingest", "--db", db, "more.csv")
	r.expect(t, 1)
	if !strings.Contains(r.stderr, "database is in use") {
		t.Errorf("ingest while serve runs: %q", r.stderr)
	}
}

// A chart drawn by clickhunt query names the flags that do what the REPL's
// dot-commands do.
func TestOneShotChartFooter(t *testing.T) {
	dir, db := exampleDB(t)
	r := clickhunt(t, dir, "", "query", "--db", db, "--format", "table", "UrlClickEvents | summarize Clicks = count() by Workload | render barchart")
	r.expect(t, 0)
	matches(t, "chart footer", r.stdout, `\n\(barchart of 3 rows; --format csv shows the rows, --render-out FILE\.svg draws it\)\n$`)
	if strings.Contains(r.stdout, ".render") || strings.Contains(r.stdout, ".format") {
		t.Errorf("a one-shot query names REPL dot-commands:\n%s", r.stdout)
	}
}
