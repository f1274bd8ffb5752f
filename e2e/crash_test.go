package e2e

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"clickhunt/examples/gen"
)

// genFile writes a generated export of rows rows into dir/name.
func genFile(t *testing.T, dir, name string, rows int, seed int64) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := gen.WriteFile(path, gen.Config{Rows: rows, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	return path
}

// result is one finished clickhunt process.
type result struct {
	stdout, stderr string
	code           int
}

// exec runs clickhunt to the end, whatever its exit status.
func runCode(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout.String(), stderr.String(), 0}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("clickhunt %s: %v", strings.Join(args, " "), err)
	}
	noTrace(t, r, args...)
	return r
}

// noTrace fails on a Go panic or fatal error: users never see one.
func noTrace(t *testing.T, r result, args ...string) {
	t.Helper()
	for _, s := range []string{"goroutine ", "panic:", "fatal error:", "SIGSEGV", "SIGBUS"} {
		if strings.Contains(r.stderr, s) || strings.Contains(r.stdout, s) {
			t.Fatalf("clickhunt %s printed a stack trace:\n%.3000s", strings.Join(args, " "), r.stderr)
		}
	}
}

// countRows is UrlClickEvents | count, or -1 with the error message when
// the query fails.
func countRows(t *testing.T, db string) (int, string) {
	t.Helper()
	r := runCode(t, "query", "--db", db, "--format", "csv", "UrlClickEvents | count")
	if r.code != 0 {
		return -1, r.stderr
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	n, err := strconv.Atoi(lines[len(lines)-1])
	if err != nil {
		t.Fatalf("count output %q", r.stdout)
	}
	return n, ""
}

// wantHealthy runs clickhunt check and wants "healthy".
func wantHealthy(t *testing.T, db, when string) {
	t.Helper()
	r := runCode(t, "check", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "\nhealthy\n") {
		t.Fatalf("%s: check exit %d:\n%s%s", when, r.code, r.stdout, r.stderr)
	}
}

// TestCrashDuringIngest SIGKILLs clickhunt ingest at random moments of a
// large file. After each kill the file is either wholly absent or wholly
// there, check says healthy, and ingesting again stores it exactly once.
func TestCrashDuringIngest(t *testing.T) {
	rounds, bigRows := 6, 150_000 // 48 MB of CSV
	if testing.Short() {
		rounds, bigRows = 3, 60_000
	}
	dir := t.TempDir()
	small := genFile(t, dir, "small.csv", 3000, 1)
	big := genFile(t, dir, "big.csv", bigRows, 2)
	const base = 3000

	// Time an undisturbed ingest to spread the kills over its run.
	ref := filepath.Join(dir, "ref")
	start := time.Now()
	run(t, "ingest", "--db", ref, big)
	full := time.Since(start)

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d; undisturbed ingest of %d rows takes %v", seed, bigRows, full)
	kills, before, after := 0, 0, 0
	for round := range rounds {
		db := filepath.Join(dir, fmt.Sprintf("db%d", round))
		run(t, "ingest", "--db", db, small)
		// Two kills in a row: the second hits a database that is
		// recovering from the first.
		for k := range 2 {
			delay := time.Duration(rng.Int64N(int64(full * 11 / 10)))
			cmd := exec.Command(binary, "ingest", "--db", db, big)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			kills++
			where := fmt.Sprintf("round %d kill %d after %v", round, k, delay)

			// Alternate: a query first (a read-only open must recover
			// the log) or check first.
			if round%2 == 1 {
				wantHealthy(t, db, where)
			}
			n, msg := countRows(t, db)
			switch n {
			case base:
				before++
			case base + bigRows:
				after++
			default:
				t.Fatalf("%s: %d rows (%s), want %d or %d", where, n, msg, base, base+bigRows)
			}
			wantHealthy(t, db, where)
			if n == base+bigRows {
				break
			}
		}
		r := runCode(t, "ingest", "--db", db, big)
		if r.code != 0 {
			t.Fatalf("round %d: ingest after the kills: %s", round, r.stderr)
		}
		if n, _ := countRows(t, db); n != base+bigRows {
			t.Fatalf("round %d: %d rows after ingesting again, want %d (output %q)", round, n, base+bigRows, r.stdout)
		}
		r = runCode(t, "ingest", "--db", db, big)
		if r.code != 0 || !strings.Contains(r.stdout, "already ingested") {
			t.Fatalf("round %d: third ingest: %+v", round, r)
		}
		if n, _ := countRows(t, db); n != base+bigRows {
			t.Fatalf("round %d: %d rows after a repeated ingest", round, n)
		}
		wantHealthy(t, db, fmt.Sprintf("round %d at the end", round))
	}
	t.Logf("%d kills: %d left the file out, %d found it committed; every file stored exactly once afterwards", kills, before, after)
}
