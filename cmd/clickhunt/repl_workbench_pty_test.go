//go:build !windows

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// manyClicksCSV is an export of n clicks, one ReportId each.
func manyClicksCSV(n int) string {
	var b strings.Builder
	b.WriteString(clicksHeader)
	for i := range n {
		fmt.Fprintf(&b, "2024-03-01T10:%02d:%02dZ,https://a.example/p%d,ClickAllowed,user%d@contoso.com,Email,m%d,10.0.0.%d,,,false,,r%d\n",
			i/60%60, i%60, i, i%7, i, i%250+1, i)
	}
	return b.String()
}

// TestREPLIngest starts the REPL where there is no database yet, loads an
// export with .ingest and queries it in the same session; the data is
// there for the next clickhunt too.
func TestREPLIngest(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	if err := os.WriteFile(filepath.Join(dir, "march.csv"), []byte(manyClicksCSV(25)), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startPTY(t, dir, "repl", "--db", db)
	s.expect("The database is empty: load an export with .ingest FILE.")
	s.expect("clickhunt> ")

	s.send("UrlClickEvents | count;\r")
	s.expect("error: no database at ")
	s.expect("clickhunt> ")

	s.send(".ingest march.csv\r")
	s.expect("march.csv: 25 rows into UrlClickEvents in ")
	s.expect("clickhunt> ")

	s.send("UrlClickEvents | count;\r")
	s.expect("Count")
	s.expect("25")
	s.expect("(1 row)")
	s.expect("clickhunt> ")

	// Tab knows the new table's columns.
	s.send("UrlClickEvents | where AccountU\t")
	s.expect("AccountUpn")
	s.send(` == "user3@contoso.com" | count;` + "\r")
	s.expect("Count")
	s.expect("4") // rows 3, 10, 17, 24
	s.expect("(1 row)")
	s.expect("clickhunt> ")

	// The same file again stores nothing.
	s.send(".ingest march.csv\r")
	s.expect("march.csv: already ingested")
	s.expect("clickhunt> ")
	s.send(".stats\r")
	s.expect("files      1 ingested")
	s.expect("clickhunt> ")
	s.send(".quit\r")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit status %d", code)
	}

	r := clickhunt(t, dir, "", "query", "--db", db, "UrlClickEvents | count")
	r.expect(t, 0)
	checkText(t, "count after the REPL's .ingest", r.stdout, "Count\n25\n")
}

// TestREPLPager: a result longer than the terminal goes through $PAGER
// when standard output is a terminal; a short one, .pager off, and
// standard output that is not a terminal (a pipe, or clickhunt query)
// write it directly.
func TestREPLPager(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	if err := os.WriteFile(filepath.Join(dir, "clicks.csv"), []byte(manyClicksCSV(60)), 0o644); err != nil {
		t.Fatal(err)
	}
	clickhunt(t, dir, "", "ingest", "--db", db, "clicks.csv").expect(t, 0)

	// The pager notes each use in a log and passes the text through.
	log := filepath.Join(dir, "pager.log")
	pager := filepath.Join(dir, "pager.sh")
	script := fmt.Sprintf("#!/bin/sh\necho paged >> '%s'\ncat\n", log)
	if err := os.WriteFile(pager, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PAGER=" + pager}
	uses := func() int {
		data, err := os.ReadFile(log)
		if os.IsNotExist(err) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(data), "paged\n")
	}
	const long = "UrlClickEvents | project ReportId | sort by ReportId asc;\r" // 60 rows, the terminal has 40

	s := startPTYEnv(t, dir, env, "repl", "--db", db)
	s.expect("clickhunt> ")
	s.send("UrlClickEvents | count;\r")
	s.expect("(1 row)")
	s.expect("clickhunt> ")
	if n := uses(); n != 0 {
		t.Fatalf("a one-row result went through the pager (%d uses)", n)
	}
	s.send(long)
	s.expect("r59")
	s.expect("(60 rows)")
	s.expect("clickhunt> ")
	if n := uses(); n != 1 {
		t.Fatalf("a 60-row result on a 40-row terminal: pager used %d times, want 1", n)
	}
	s.send(".pager off\r")
	s.expect("clickhunt> ")
	s.send(long)
	s.expect("(60 rows)")
	s.expect("clickhunt> ")
	if n := uses(); n != 1 {
		t.Fatalf("after .pager off the pager was used again (%d uses)", n)
	}
	s.send(".quit\r")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit status %d", code)
	}

	// The REPL with standard output piped (clickhunt repl | tee log).
	s = startPTYOpts(t, dir, env, true, "repl", "--db", db)
	s.expect("clickhunt> ")
	s.send(long)
	s.expect("r59")
	s.expect("(60 rows)")
	s.expect("clickhunt> ")
	s.send(".quit\r")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit status with piped stdout %d", code)
	}
	if n := uses(); n != 1 {
		t.Fatalf("the REPL with standard output piped used the pager (%d uses, want still 1)", n)
	}

	// clickhunt query and a batch on standard input never page.
	for _, args := range [][]string{
		{"query", "--db", db, "--format", "table", strings.TrimSuffix(long, ";\r")},
		{"--db", db},
	} {
		cmd := exec.Command(binary, args...)
		cmd.Dir = dir
		cmd.Env = append(testEnv(dir), env...)
		cmd.Stdin = strings.NewReader(strings.TrimSuffix(long, ";\r") + "\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("clickhunt %q: %v", args, err)
		}
		if !strings.Contains(string(out), "r59") {
			t.Errorf("clickhunt %q: output lacks the rows:\n%s", args, out)
		}
	}
	if n := uses(); n != 1 {
		t.Fatalf("clickhunt query or a batch used the pager (%d uses, want still 1)", n)
	}
}
