//go:build !windows

package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stalledQuery runs until it is cancelled in a binary built with the
// clickhunt_stall tag (as TestMain builds it) and CLICKHUNT_TEST_STALL
// naming the string predicates' loop: its regular expression waits at
// its first cancellation check, as a query over millions of rows would be
// busy there, whatever the machine's speed.
const stalledQuery = `UrlClickEvents | where Url matches regex "[0-9]{3}" | count`

// stallEnv makes the test binary's string predicates wait for Ctrl-C.
const stallEnv = "CLICKHUNT_TEST_STALL=exec.strPredVec"

// smallDB ingests n generated clicks into a new database.
func smallDB(t *testing.T, n int) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "db")
	csv := filepath.Join(dir, "clicks.csv")
	if err := os.WriteFile(csv, []byte(manyClicksCSV(n)), 0o644); err != nil {
		t.Fatal(err)
	}
	clickhunt(t, dir, "", "ingest", "--db", db, csv).expect(t, 0)
	return dir, db
}

// TestREPLWorkbench drives the real binary on a pseudo-terminal: a
// multi-line query with a column completed by Tab, a query cancelled by
// Ctrl-C with the session going on, a chart, .edit through $EDITOR, and
// the multi-line query recalled from history in a new session.
func TestREPLWorkbench(t *testing.T) {
	dir, db := smallDB(t, 300)
	editor := filepath.Join(dir, "editor.sh")
	os.WriteFile(editor, []byte("#!/bin/sh\nprintf 'UrlClickEvents\\n| summarize Users = dcount(AccountUpn)\\n' > \"$1\"\n"), 0o755)
	env := []string{"EDITOR=" + editor, "PAGER=cat"}

	s := startPTYEnv(t, dir, append(env, stallEnv), "repl", "--db", db)
	s.expect("clickhunt> ")

	// Multi-line query; Tab completes the column name on the second line.
	s.send("UrlClickEvents\r")
	s.expect("...> ")
	s.send("| where AccountU\t")
	s.expect("AccountUpn")
	s.send(" != \"\" | summarize Clicks = count()\r")
	s.expect("...> ")
	s.send("\r")
	s.expect("Clicks")
	s.expect("(1 row)")
	s.expect("clickhunt> ")

	// Tab after a pipe lists operators.
	s.send("UrlClickEvents | su\t")
	s.expect("summarize")
	s.send("\x03") // Ctrl-C clears the line
	s.expect("clickhunt> ")

	// A query busy inside a kernel shows a status line with the elapsed
	// time and the rows scanned; Ctrl-C cancels it and the session goes
	// on.
	s.send(stalledQuery + ";\r")
	s.expect("[stalled in ")
	s.expectMatch(`running \d+\.\ds, [0-9][0-9,]* rows? scanned \(Ctrl-C cancels\)`)
	s.send("\x03")
	s.expect("error: query cancelled")
	s.expect("clickhunt> ")
	s.send("UrlClickEvents | count;\r")
	s.expect("300")
	s.expect("clickhunt> ")

	// render draws in the terminal.
	s.send(`UrlClickEvents | summarize Clicks = count() by Workload | render barchart with (title="Clicks by workload");` + "\r")
	s.expect("Clicks by workload")
	s.expect("│█")
	s.expect("(barchart of ")
	s.expect("clickhunt> ")

	// .edit opens $EDITOR on the last query and runs what was saved.
	s.send(".edit\r")
	s.expect("Users")
	s.expect("(1 row)")
	s.expect("clickhunt> ")

	s.send(".stats\r")
	s.expect("on disk")
	s.expect("files      1 ingested")
	s.expect("clickhunt> ")
	s.send(".quit\r")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit status %d", code)
	}

	// A new session: the multi-line query is one history entry, as typed.
	// Back from the newest: .quit, .stats, the edited query, .edit,
	// render, count, the cancelled query, the completion-cleared line was
	// never entered, then the multi-line query.
	entries, _, err := readHistory(filepath.Join(dir, "history"), historyLimit)
	multi := "UrlClickEvents\n| where AccountUpn != \"\" | summarize Clicks = count()"
	if err != nil || len(entries) < 8 || entries[len(entries)-8] != multi {
		t.Fatalf("history (%v) lacks the multi-line query as one entry 8 back:\n%q", err, entries)
	}
	s = startPTYEnv(t, dir, env, "repl", "--db", db)
	s.expect("clickhunt> ")
	s.send(strings.Repeat("\x1b[A", 8))
	s.expect(`UrlClickEvents↵| where AccountUpn != "" | summarize Clicks = count()`)
	s.send("\r") // it ran on an empty line, so an empty line runs it again
	s.expect("...> ")
	s.send("\r")
	s.expect("Clicks")
	s.expect("(1 row)")
	s.expect("clickhunt> ")
	s.send("\x04")
	if code := s.wait(); code != 0 {
		t.Errorf("exit status after Ctrl-D %d", code)
	}
}

// TestCLIQueryInterrupt: Ctrl-C (SIGINT) during a one-shot query cancels
// it, even inside a kernel: an error message and exit status 1, not a
// silent kill. SIGTERM also ends it cleanly.
// TestCLIQueryInterruptDuringParse: Ctrl-C is answered while the query
// is still being parsed (the parser cannot be interrupted, and a list of
// 40,000 indicators kept it busy for seconds after Ctrl-C, issue 17).
func TestCLIQueryInterruptDuringParse(t *testing.T) {
	dir, db := smallDB(t, 10)
	cmd := exec.Command(binary, "query", "--db", db, "UrlClickEvents | count")
	cmd.Env = append(testEnv(dir), "CLICKHUNT_TEST_STALL=query.parse")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stderr)
	if line, err := r.ReadString('\n'); line != "[stalled in query.parse]\n" {
		cmd.Process.Kill()
		t.Fatalf("first line on stderr %q (%v), want the stall", line, err)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// A failsafe, far beyond any machine's delay: the parse never ends.
	failsafe := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer failsafe.Stop()
	rest, _ := io.ReadAll(r)
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(rest), "error: query cancelled") {
		t.Errorf("Ctrl-C during the parse: %v; stderr %q, want exit 1 and the query cancelled", err, rest)
	}
}

func TestCLIQueryInterrupt(t *testing.T) {
	dir, db := smallDB(t, 300)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		cmd := exec.Command(binary, "query", "--db", db, stalledQuery)
		cmd.Env = append(testEnv(dir), stallEnv)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The query is inside the kernel once it says so.
		r := bufio.NewReader(stderr)
		line, err := r.ReadString('\n')
		if !strings.HasPrefix(line, "[stalled in ") {
			t.Fatalf("%v: first line on stderr %q (%v), want the stall", sig, line, err)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(r)
		err = cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("%v: %v, want exit status 1; stderr %q", sig, err, rest)
		}
		if !strings.Contains(string(rest), "error: query cancelled") {
			t.Errorf("%v: stderr %q", sig, rest)
		}
	}
}
