package e2e

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// digestDir lists dir's files with their sizes and SHA-256s: what a
// command that must change nothing has to leave as it found.
func digestDir(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %x\n", e.Name(), len(data), sha256.Sum256(data))
	}
	return b.String()
}

// wantFails runs clickhunt and wants exit status 1 with every part in its
// output, and dir's files unchanged.
func wantFails(t *testing.T, dir string, parts []string, args ...string) result {
	t.Helper()
	before := digestDir(t, dir)
	r := runCode(t, args...)
	if r.code != 1 {
		t.Errorf("clickhunt %s: exit %d, want 1\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	for _, p := range parts {
		if !strings.Contains(r.stdout+r.stderr, p) {
			t.Errorf("clickhunt %s: output lacks %q:\n%s%s", strings.Join(args, " "), p, r.stdout, r.stderr)
		}
	}
	if after := digestDir(t, dir); after != before {
		t.Errorf("clickhunt %s changed the database's files:\n%s\nbecame\n%s", strings.Join(args, " "), before, after)
	}
	return r
}

// TestTornManifest is the probe of issue 17: three ingests, then the
// MANIFEST loses its last byte. Badger reads a MANIFEST up to its last
// whole record, so the database looked like the one before the last
// ingest; check said healthy and the opening (even read-only) deleted the
// last table file. Now every command refuses, naming the MANIFEST, check
// exits 1, and no file changes. A deleted MANIFEST likewise: no ingest
// writes a new database over the old files.
func TestTornManifest(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i := range 3 {
		files = append(files, genFile(t, dir, fmt.Sprintf("f%d.csv", i), 2000, int64(20+i)))
	}
	fourth := genFile(t, dir, "f3.csv", 2000, 23)

	for _, c := range []struct {
		name   string
		ingest []string
		damage func(db string) error
		says   []string
	}{
		{"torn after three ingests", files, func(db string) error {
			m := filepath.Join(db, "MANIFEST")
			fi, err := os.Stat(m)
			if err != nil {
				return err
			}
			return os.Truncate(m, fi.Size()-1)
		}, []string{"MANIFEST", "torn"}},
		{"torn after one ingest", files[:1], func(db string) error {
			m := filepath.Join(db, "MANIFEST")
			fi, err := os.Stat(m)
			if err != nil {
				return err
			}
			return os.Truncate(m, fi.Size()-1)
		}, []string{"MANIFEST", "torn"}},
		{"deleted", files, func(db string) error { return os.Remove(filepath.Join(db, "MANIFEST")) },
			[]string{"MANIFEST", "missing"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "db")
			for _, f := range c.ingest {
				run(t, "ingest", "--db", db, f)
			}
			if err := c.damage(db); err != nil {
				t.Fatal(err)
			}
			r := wantFails(t, db, append([]string{"damaged"}, c.says...), "check", "--db", db)
			t.Logf("check: %s%s", r.stdout, r.stderr)
			corrupt := append([]string{"database is corrupt"}, c.says...)
			wantFails(t, db, corrupt, "query", "--db", db, "UrlClickEvents | count")
			wantFails(t, db, corrupt, "report", "--db", db, "--out", filepath.Join(t.TempDir(), "r.html"))
			wantFails(t, db, corrupt, "urltrace", "--db", db, "--page-size", "1")
			wantFails(t, db, corrupt, "ingest", "--db", db, fourth)
			wantFails(t, db, corrupt, "recover", "--db", db)
			wantFails(t, db, append([]string{"damaged"}, c.says...), "check", "--db", db) // still
		})
	}
}

// TestReadersAfterCrash kills an ingest while it writes, then runs 30
// queries at once. Each used to find that Badger must replay the dead
// writer's log, and tried to do it itself: 22-24 of 30 failed while one
// recovered. Now a query reads the log as it is and changes no file, so
// all answer, serve starts, and while `clickhunt recover` replays the log
// the queries started beside it wait for it.
func TestReadersAfterCrash(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	const base = 3000
	run(t, "ingest", "--db", db, genFile(t, dir, "small.csv", base, 30))
	big := genFile(t, dir, "big.csv", 150_000, 31)

	cmd := exec.Command(binary, "ingest", "--db", db, big)
	var ingestErr strings.Builder
	cmd.Stderr = &ingestErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if t.Failed() {
			t.Logf("the killed ingest said: %s", ingestErr.String())
		}
	}()
	waitForLock(t, cmd.Process.Pid, done)
	// Kill it once its first blocks are in the value log (their keys are
	// then in its unflushed memtable log).
	for vlogBytes(t, db) < 4<<20 {
		select {
		case err := <-done:
			t.Fatalf("the ingest ended before it was killed: %v", err)
		default:
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done

	before := digestDir(t, db)
	queries := func(n int, also func()) {
		var wg sync.WaitGroup
		codes := make([]result, n)
		for i := range n {
			wg.Go(func() {
				codes[i] = runCode(t, "query", "--db", db, "--format", "csv", "UrlClickEvents | count")
			})
		}
		if also != nil {
			also()
		}
		wg.Wait()
		failed := 0
		for _, r := range codes {
			if r.code != 0 || r.stdout != fmt.Sprintf("Count\n%d\n", base) {
				failed++
				if failed <= 3 {
					t.Errorf("query exit %d: %q %s", r.code, r.stdout, r.stderr)
				}
			}
		}
		if failed > 0 {
			t.Errorf("%d of %d queries failed", failed, n)
		}
	}
	queries(30, nil)
	if after := digestDir(t, db); after != before {
		t.Errorf("the queries changed the database's files:\n%s\nbecame\n%s", before, after)
	}
	r := runCode(t, "check", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "healthy") {
		t.Errorf("check after the crash: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	url, stop := startServe(t, db)
	if code, body := httpGet(t, url+"/api/reports/exchange/safe-links/top-users"); code != 200 {
		t.Errorf("serve after the crash: %d %.300s", code, body)
	}
	stop()
	if after := digestDir(t, db); after != before {
		t.Errorf("check and serve changed the database's files:\n%s\nbecame\n%s", before, after)
	}

	// Queries started while `clickhunt recover` holds the database wait
	// for it, then answer.
	rec := exec.Command(binary, "recover", "--db", db)
	var recOut, recErr strings.Builder
	rec.Stdout, rec.Stderr = &recOut, &recErr
	if err := rec.Start(); err != nil {
		t.Fatal(err)
	}
	recDone := make(chan error, 1)
	go func() { recDone <- rec.Wait() }()
	// (It may be done before its lock is seen: then the queries find
	// it recovered.)
	recovered := waitForLockOrEnd(rec.Process.Pid, recDone)
	queries(30, nil)
	if err := recovered(); err != nil || !strings.Contains(recOut.String(), "replayed the log") || !strings.Contains(recOut.String(), "healthy") {
		t.Errorf("recover: %v\n%s%s", err, recOut.String(), recErr.String())
	}
	wantHealthy(t, db, "after recover")
	if n, msg := countRows(t, db); n != base {
		t.Errorf("%d rows after recover (%s), want %d", n, msg, base)
	}
}

// startServe runs `clickhunt serve --db db` on a free loopback port and
// returns its base URL and a function that stops it (it stops when the
// test ends at the latest); flags are more serve flags.
func startServe(t *testing.T, db string, flags ...string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, flags...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			cmd.Wait()
		})
	}
	t.Cleanup(stop)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		t.Fatalf("serve printed no address: %v\n%s", err, stderr.String())
	}
	i, j := strings.Index(line, "http://"), strings.Index(line, "/ (")
	if i < 0 || j < i {
		t.Fatalf("serve said %q", line)
	}
	return line[i:j], stop
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitForLockOrEnd waits until process pid holds a file lock or ends, and
// returns a function that waits for its end.
func waitForLockOrEnd(pid int, done chan error) func() error {
	want := " " + strconv.Itoa(pid) + " "
	for {
		if b, err := os.ReadFile("/proc/locks"); err != nil || strings.Contains(string(b), want) {
			return func() error { return <-done }
		}
		select {
		case err := <-done:
			return func() error { return err }
		case <-time.After(5 * time.Millisecond): // poll /proc/locks again
		}
	}
}
