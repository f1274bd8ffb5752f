package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestQueryDuringIngest runs queries and check from other processes
// while one ingests: they get a message naming the ingest and what to do,
// never a stack trace, and afterwards everything is there.
func TestQueryDuringIngest(t *testing.T) {
	dir := t.TempDir()
	big := genFile(t, dir, "big.csv", 400_000, 3)
	db := filepath.Join(dir, "db")
	run(t, "ingest", "--db", db, genFile(t, dir, "small.csv", 1000, 4))

	cmd := exec.Command(binary, "ingest", "--db", db, big)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Probe only once the ingest holds the database: before that, a probe
	// could take the lock first (commands wait a moment for each other).
	waitForLock(t, cmd.Process.Pid, done)
	seen := map[string]bool{}
	named := 0
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("ingest: %v", err)
			}
			running = false
			continue
		default:
		}
		for _, args := range [][]string{
			{"query", "--db", db, "UrlClickEvents | count"},
			{"check", "--db", db},
			{"ingest", "--db", db, big},
		} {
			r := runCode(t, args...)
			if r.code == 0 {
				continue // before the ingest took the lock, or after it
			}
			want := []string{"in use by another clickhunt process", "wait for it to finish"}
			// The holder is named unless it let go of the lock between our
			// failed attempt and the lookup (the ingest was just ending).
			if !strings.Contains(r.stderr, "its directory lock is held") {
				want = append(want, fmt.Sprintf("process %d", cmd.Process.Pid), "ingest")
				named++
			}
			for _, w := range want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("%s during an ingest: exit %d, %q lacks %q", args[0], r.code, r.stderr, w)
				}
			}
			seen[args[0]] = true
		}
	}
	if len(seen) == 0 || named == 0 {
		t.Fatalf("no command ran into the ingest and named it (%v, %d named); make the file bigger", seen, named)
	}
	t.Logf("refused cleanly during the ingest: %v", seen)
	if n, msg := countRows(t, db); n != 401_000 {
		t.Fatalf("%d rows after the ingest (%s), want 401000", n, msg)
	}
	wantHealthy(t, db, "after the ingest")
}

// TestTwoWriters starts ingests of different files at the same moment,
// again and again: each either stores its whole file or is refused with a
// clear message, the counts always add up and the database stays healthy.
func TestTwoWriters(t *testing.T) {
	rounds := 4
	if testing.Short() {
		rounds = 2
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	const rows = 40_000
	stored := map[string]bool{}
	total := 0
	for round := range rounds {
		files := []string{
			genFile(t, dir, fmt.Sprintf("a%d.csv", round), rows, int64(10+2*round)),
			genFile(t, dir, fmt.Sprintf("b%d.csv", round), rows, int64(11+2*round)),
		}
		var wg sync.WaitGroup
		results := make([]result, len(files))
		start := make(chan struct{})
		for i, f := range files {
			wg.Go(func() {
				<-start
				results[i] = runCode(t, "ingest", "--db", db, f)
			})
		}
		close(start)
		wg.Wait()
		for i, r := range results {
			switch {
			case r.code == 0:
				stored[files[i]] = true
				total += rows
			case strings.Contains(r.stderr, "in use by another clickhunt process"):
			default:
				t.Fatalf("round %d: ingest %s: exit %d: %s", round, files[i], r.code, r.stderr)
			}
		}
		if n, msg := countRows(t, db); n != total {
			t.Fatalf("round %d: %d rows (%s), want %d", round, n, msg, total)
		}
		wantHealthy(t, db, fmt.Sprintf("round %d", round))
		time.Sleep(10 * time.Millisecond)
	}
	// The refused files go in now, once each.
	for round := range rounds {
		for _, name := range []string{"a", "b"} {
			f := filepath.Join(dir, fmt.Sprintf("%s%d.csv", name, round))
			if !stored[f] {
				run(t, "ingest", "--db", db, f)
				total += rows
			}
		}
	}
	if n, _ := countRows(t, db); n != total || total != 2*rounds*rows {
		t.Fatalf("%d rows at the end, want %d", n, 2*rounds*rows)
	}
	wantHealthy(t, db, "at the end")
}

// waitForLock waits until process pid holds a file lock (Linux's
// /proc/locks), or fails the test if the process ends first. There is no
// time limit: on a busy machine taking the lock may be slow, and a hang
// is the test binary's timeout to catch.
func waitForLock(t *testing.T, pid int, done chan error) {
	t.Helper()
	want := " " + strconv.Itoa(pid) + " "
	for {
		if b, err := os.ReadFile("/proc/locks"); err != nil {
			return // not Linux: probe at once
		} else if strings.Contains(string(b), want) {
			return
		}
		select {
		case err := <-done:
			t.Fatalf("the ingest ended before it took the lock: %v", err)
		case <-time.After(5 * time.Millisecond): // poll /proc/locks again
		}
	}
}
