package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
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
	big := genFile(t, dir, "big.csv", 150_000, 3)
	db := filepath.Join(dir, "db")
	run(t, "ingest", "--db", db, genFile(t, dir, "small.csv", 1000, 4))

	cmd := exec.Command(binary, "ingest", "--db", db, big)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	seen := map[string]bool{}
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
			want := []string{"in use by another clickhunt process", fmt.Sprintf("process %d", cmd.Process.Pid), "ingest", "wait for it to finish"}
			for _, w := range want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("%s during an ingest: exit %d, %q lacks %q", args[0], r.code, r.stderr, w)
				}
			}
			seen[args[0]] = true
		}
	}
	if len(seen) == 0 {
		t.Fatal("no command ran into the ingest; make the file bigger")
	}
	t.Logf("refused cleanly during the ingest: %v", seen)
	if n, msg := countRows(t, db); n != 151_000 {
		t.Fatalf("%d rows after the ingest (%s), want 151000", n, msg)
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
