package main

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"clickhunt/ingest"
)

// The exports under testdata/exports are written as their exporters
// write them: urltrace.csv, messagetrace.csv and messagetracedetail.csv
// as Windows PowerShell's Export-Csv (a #TYPE line, every field quoted,
// CRLF, US dates), mt_summary.csv and mt_detail.csv as a historical
// search downloads them (UTF-16 LE with a BOM), sentinel.csv as Log
// Analytics exports a query's result ("Name [UTC]" headers, a trailing
// comma), defender.csv as Advanced Hunting does, safelinks_report.csv as
// the portal's Safe Links report does.

// export is the absolute path of a file under testdata/exports.
func export(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "exports", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readRows reads CSV (a PowerShell #TYPE line skipped, UTF-16 LE decoded)
// into one map per row, keyed by header.
func readRows(t *testing.T, text string) []map[string]string {
	t.Helper()
	if strings.HasPrefix(text, "\xff\xfe") {
		var sb strings.Builder
		for i := 2; i+1 < len(text); i += 2 {
			sb.WriteRune(rune(text[i]) | rune(text[i+1])<<8)
		}
		text = sb.String()
	}
	if strings.HasPrefix(text, "#TYPE") {
		text = text[strings.Index(text, "\n")+1:]
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, h := range header {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		rows = append(rows, m)
	}
}

func readExport(t *testing.T, name string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(export(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return readRows(t, string(b))
}

// exportDB ingests files into a new database and returns its directory.
func exportDB(t *testing.T, dir string, files ...string) string {
	t.Helper()
	db := filepath.Join(dir, "db-"+strings.TrimSuffix(filepath.Base(files[0]), filepath.Ext(files[0])))
	clickhunt(t, dir, "", append([]string{"ingest", "--db", db}, files...)...).expect(t, 0)
	return db
}

// kqlPosition is what a KQL error's position looks like in a message.
var kqlPosition = regexp.MustCompile(`\b\d+:\d+: `)

// TestWholeTables: a database built from one partial export alone (a
// Sentinel CSV of a few columns, a Get-UrlTrace export, clickhunt's own
// urltrace output, a Safe Links report export) works with report,
// urltrace, messagetrace and serve; what it lacks is said in the user's
// terms, never as a position in KQL the user did not write.
func TestWholeTables(t *testing.T) {
	dir := t.TempDir()
	utDB := exportDB(t, dir, export(t, "urltrace.csv"))
	own := clickhunt(t, dir, "", "urltrace", "--db", utDB, "--format", "csv")
	own.expect(t, 0)
	ownCSV := filepath.Join(dir, "own-urltrace.csv")
	if err := os.WriteFile(ownCSV, []byte(own.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{export(t, "sentinel.csv"), export(t, "urltrace.csv"), ownCSV, export(t, "safelinks_report.csv")} {
		t.Run(filepath.Base(f), func(t *testing.T) {
			rows := len(readRows(t, mustRead(t, f)))
			db := exportDB(t, t.TempDir(), f)
			r := clickhunt(t, dir, "", "report", "--db", db, "--out", "-", "--format", "csv")
			r.expect(t, 0)
			if kqlPosition.MatchString(r.stderr) || !strings.Contains(r.stdout, "# verdicts:") {
				t.Errorf("report:\n%s\n%s", r.stdout, r.stderr)
			}
			r = clickhunt(t, dir, "", "urltrace", "--db", db, "--format", "csv")
			r.expect(t, 0)
			if got := len(readRows(t, r.stdout)); got != rows {
				t.Errorf("urltrace: %d rows, the export has %d:\n%s", got, rows, r.stdout)
			}
			for _, args := range [][]string{{"messagetrace"}, {"messagetrace", "--detail"}} {
				r = clickhunt(t, dir, "", append(args, "--db", db)...)
				r.expect(t, 1)
				if kqlPosition.MatchString(r.stderr) || !strings.Contains(r.stderr, "the database holds no message trace") {
					t.Errorf("%s: %s", args, r.stderr)
				}
			}
			base := startServe(t, dir, "--db", db)
			for _, path := range []string{"", "/top-urls", "/top-users"} {
				if code, body := get(t, base+"/api/reports/exchange/safe-links"+path, ""); code != 200 {
					t.Errorf("GET safe-links%s: %d %.300s", path, code, body)
				}
			}
		})
	}
	// A database of message trace alone: urltrace says there are no
	// clicks, in those words.
	db := exportDB(t, dir, export(t, "mt_summary.csv"))
	r := clickhunt(t, dir, "", "urltrace", "--db", db)
	r.expect(t, 1)
	if kqlPosition.MatchString(r.stderr) || !strings.Contains(r.stderr, "the database holds no clicks: ingest a click export") {
		t.Errorf("urltrace without clicks: %s", r.stderr)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOldPartialDatabase: a database written before tables were whole
// (storage/testdata/partial6: a Get-UrlTrace and a Sentinel export, a
// historical search summary and detailed report) answers every command.
func TestOldPartialDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	if err := os.MkdirAll(db, 0o700); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join("..", "..", "storage", "testdata", "partial6")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.WriteFile(filepath.Join(db, e.Name()), []byte(mustRead(t, filepath.Join(src, e.Name()))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := clickhunt(t, dir, "", "urltrace", "--db", db, "--format", "csv")
	r.expect(t, 0)
	if got := readRows(t, r.stdout); len(got) != 10 {
		t.Errorf("urltrace: %d rows, want the 8 + 2 clicks:\n%s", len(got), r.stdout)
	}
	r = clickhunt(t, dir, "", "report", "--db", db, "--out", "-", "--format", "csv")
	r.expect(t, 0)
	// The summary stored each recipient's last event as the status
	// (Deliver, Send, Fail, Expand): -Status finds them by the status
	// they mean, and shows that.
	sum := readExport(t, "mt_summary.csv")
	for _, st := range ingest.MessageStatuses {
		want := 0
		for _, row := range sum {
			for _, rcpt := range strings.Split(row["recipient_status"], ";") {
				events := strings.Split(rcpt, ",")
				last := strings.TrimSpace(events[len(events)-1])
				if slices.ContainsFunc(st.Events, func(e string) bool { return strings.EqualFold(e, last) }) {
					want++
				}
			}
		}
		r := clickhunt(t, dir, "", "messagetrace", "--db", db, "-Status", st.Name, "--format", "csv")
		r.expect(t, 0)
		got := readRows(t, r.stdout)
		if len(got) != want {
			t.Errorf("-Status %s: %d rows, want %d:\n%s", st.Name, len(got), want, r.stdout)
		}
		for _, row := range got {
			if row["Status"] != st.Name {
				t.Errorf("-Status %s shows %q", st.Name, row["Status"])
			}
		}
	}
	r = clickhunt(t, dir, "", "messagetrace", "--db", db, "--detail", "--format", "csv")
	r.expect(t, 0)
	if got := readRows(t, r.stdout); len(got) != 2 || got[0]["Event"] != "FAIL" {
		t.Errorf("--detail:\n%s", r.stdout)
	}
}
