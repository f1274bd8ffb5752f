//go:build !windows

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/google/go-cmp/cmp"

	"clickhunt/query"
)

// ptySession is the binary running on a pseudo-terminal, with everything
// it prints collected for expect. Nothing here waits on the clock: expect
// returns when the text appears or the process ends, and only the test
// binary's own deadline (go test -timeout) bounds a wait, to fail with the
// output seen so far rather than a stack dump.
type ptySession struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	grew chan struct{} // closed (and replaced) whenever out grows
	seen int           // expect matched up to here
	done chan struct{} // closed when the terminal's output has ended
}

func startPTY(t *testing.T, dir string, args ...string) *ptySession {
	t.Helper()
	return startPTYEnv(t, dir, nil, args...)
}

// startPTYEnv is startPTY with extra environment variables.
func startPTYEnv(t *testing.T, dir string, env []string, args ...string) *ptySession {
	t.Helper()
	return startPTYOpts(t, dir, env, false, args...)
}

// startPTYOpts is startPTYEnv; with pipeStdout, standard output is a pipe
// (not a terminal) whose text joins the collected output, while standard
// input and standard error stay on the terminal.
func startPTYOpts(t *testing.T, dir string, env []string, pipeStdout bool, args ...string) *ptySession {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(append(testEnv(dir), "TERM=xterm"), env...)
	s := &ptySession{t: t, cmd: cmd, done: make(chan struct{}), grew: make(chan struct{})}
	if pipeStdout {
		cmd.Stdout = ptyOutWriter{s}
	}
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	s.tty = tty
	go func() {
		defer close(s.done)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			s.add(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			s.cmd.Wait()
		}
		tty.Close()
	})
	return s
}

// add appends p to the output and wakes the waiters.
func (s *ptySession) add(p []byte) {
	if len(p) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Write(p)
	close(s.grew)
	s.grew = make(chan struct{})
}

// ptyOutWriter adds what the process writes to a piped standard output
// to the session's collected output.
type ptyOutWriter struct{ s *ptySession }

func (w ptyOutWriter) Write(p []byte) (int, error) {
	w.s.add(p)
	return len(p), nil
}

// testDeadline is a channel that fires a little before the test binary's
// deadline (never without one).
func testDeadline(t *testing.T) (<-chan time.Time, func()) {
	d, ok := t.Deadline()
	if !ok {
		return nil, func() {}
	}
	timer := time.NewTimer(time.Until(d) - 15*time.Second)
	return timer.C, func() { timer.Stop() }
}

// waitOutput waits until match finds what it looks for in the output after
// the last match (returning where it ends), the process ends without it,
// or the test binary's deadline nears.
func (s *ptySession) waitOutput(what string, match func(out string) (end int, ok bool)) {
	s.t.Helper()
	deadline, stop := testDeadline(s.t)
	defer stop()
	for {
		s.mu.Lock()
		out, grew := s.out.String(), s.grew
		s.mu.Unlock()
		if end, ok := match(out[s.seen:]); ok {
			s.seen += end
			return
		}
		select {
		case <-grew:
		case <-s.done:
			s.mu.Lock()
			out = s.out.String()
			s.mu.Unlock()
			if end, ok := match(out[s.seen:]); ok {
				s.seen += end
				return
			}
			s.t.Fatalf("clickhunt's output ended while waiting for %s; output since last match:\n%s", what, out[s.seen:])
		case <-deadline:
			s.t.Fatalf("the test binary's deadline is near and still no %s; output since last match:\n%s", what, out[s.seen:])
		}
	}
}

// expect waits until want appears in the output after the last match.
func (s *ptySession) expect(want string) {
	s.t.Helper()
	s.waitOutput(strconv.Quote(want), func(out string) (int, bool) {
		i := strings.Index(out, want)
		return i + len(want), i >= 0
	})
}

// expectMatch waits until the output after the last match matches re.
func (s *ptySession) expectMatch(re string) {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	s.waitOutput("/"+re+"/", func(out string) (int, bool) {
		loc := rx.FindStringIndex(out)
		if loc == nil {
			return 0, false
		}
		return loc[1], true
	})
}

func (s *ptySession) send(keys string) {
	s.t.Helper()
	if _, err := s.tty.Write([]byte(keys)); err != nil {
		s.t.Fatal(err)
	}
}

// wait waits for the process to end and returns its exit status.
func (s *ptySession) wait() int {
	s.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- s.cmd.Wait() }()
	deadline, stop := testDeadline(s.t)
	defer stop()
	select {
	case err := <-errc:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			s.t.Fatal(err)
		}
		return 0
	case <-deadline:
		s.mu.Lock()
		defer s.mu.Unlock()
		s.t.Fatalf("clickhunt did not exit; output:\n%s", s.out.String())
		return -1
	}
}

// TestREPL drives the REPL on a pseudo-terminal. It needs the engine
// (ingest, storage, query).
func TestREPL(t *testing.T) {
	dir, db := newDB(t)
	hist := filepath.Join(dir, "history")

	s := startPTY(t, dir, "repl", "--db", db)
	s.expect("clickhunt> ")
	s.send(".help\r")
	s.expect(".schema TABLE")
	s.expect("clickhunt> ")

	// A two-line query runs on the empty line.
	s.send("UrlClickEvents\r")
	s.expect("...> ")
	s.send("| count\r")
	s.expect("...> ")
	s.send("\r")
	s.expect("Count")
	s.expect("3")
	s.expect("(1 row)")
	s.expect("clickhunt> ")

	// A broken query shows a caret and the REPL lives on.
	s.send("UrlClickEvents | where Foo == 1\r\r")
	s.expect("error: 1:24: ")
	s.expect("UrlClickEvents | where Foo == 1")
	s.expect("\n" + strings.Repeat(" ", 23) + "^")
	s.expect("clickhunt> ")

	// Ctrl-C clears a half-typed query.
	s.send("UrlClickEvents | take\r")
	s.expect("...> ")
	s.send("\x03")
	s.expect("clickhunt> ")

	// A stray SIGINT between queries does not end the session.
	s.cmd.Process.Signal(os.Interrupt)
	waitSignalTaken(t, s.cmd.Process.Pid, 2)

	s.send(".format csv\r")
	s.expect("clickhunt> ")
	s.send("UrlClickEvents | count;\r")
	s.expect("Count\r\n3\r\n")
	s.expect("clickhunt> ")

	s.send(".quit\r")
	if code := s.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}

	entries, _, err := readHistory(hist, historyLimit)
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	want := []string{".help", "UrlClickEvents\n| count", "UrlClickEvents | where Foo == 1", ".format csv", "UrlClickEvents | count;", ".quit"}
	if diff := cmp.Diff(want, entries); diff != "" {
		t.Errorf("history entries (-want +got):\n%s", diff)
	}

	// A new session recalls the history: up twice is the last query (then
	// comes .quit).
	s = startPTY(t, dir, "repl", "--db", db)
	s.expect("clickhunt> ")
	s.send("\x1b[A\x1b[A")
	s.expect("UrlClickEvents | count;")
	s.send("\r")
	s.expect("(1 row)") // the table format is back: settings are per session
	s.expect("clickhunt> ")
	s.send("\x04") // Ctrl-D leaves
	if code := s.wait(); code != 0 {
		t.Errorf("exit status after Ctrl-D %d", code)
	}
}

// waitSignalTaken waits until signal number sig sent to process pid is no
// longer pending (Linux's /proc/PID/status): the process has taken it, so
// it cannot land on what the test does next. Elsewhere it returns at once.
func waitSignalTaken(t *testing.T, pid, sig int) {
	t.Helper()
	bit := uint64(1) << (sig - 1)
	for {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return
		}
		pending := false
		for _, line := range strings.Split(string(data), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok || k != "SigPnd" && k != "ShdPnd" {
				continue
			}
			mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err == nil && mask&bit != 0 {
				pending = true
			}
		}
		if !pending {
			return
		}
		runtime.Gosched()
	}
}

// TestREPLHistoryMultiLine: a query typed over several lines, with //
// comments, is kept as typed and recalled whole by Up, in this session and
// the next, and runs as it did (joined onto one line, a comment would
// swallow the rest and page out every row).
func TestREPLHistoryMultiLine(t *testing.T) {
	dir, db := smallDB(t, 70) // workloads Email; user3@... has 10 clicks
	lines := []string{
		`UrlClickEvents // all clicks`,
		`| where AccountUpn == "user3@contoso.com" // one user`,
		`| count`,
	}
	s := startPTY(t, dir, "repl", "--db", db)
	s.expect("clickhunt> ")
	for _, l := range lines {
		s.send(l + "\r")
		s.expect("...> ")
	}
	s.send("\r")
	s.expect("Count")
	s.expect("10")
	s.expect("(1 row)")
	s.expect("clickhunt> ")
	// Up recalls the three lines as one entry; Enter then the empty
	// line run them again.
	s.send("\x1b[A")
	s.expect("// one user")
	s.send("\r")
	s.expect("...> ")
	s.send("\r")
	s.expect("Count")
	s.expect("10")
	s.expect("(1 row)")
	s.expect("clickhunt> ")
	s.send(".quit\r")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit status %d", code)
	}

	data, err := os.ReadFile(filepath.Join(dir, "history"))
	if err != nil {
		t.Fatal(err)
	}
	entries, _, err := readHistory(filepath.Join(dir, "history"), historyLimit)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(lines, "\n")
	if n := strings.Count(strings.Join(entries, "\x00"), want); n != 2 {
		t.Fatalf("history holds the query %d times as typed, want 2 (typed, then recalled):\n%s", n, data)
	}

	// The next session recalls it whole too: Up twice passes .quit.
	s = startPTY(t, dir, "repl", "--db", db)
	s.expect("clickhunt> ")
	s.send("\x1b[A\x1b[A")
	s.expect("// one user")
	s.send("\r")
	s.expect("...> ")
	s.send("\r")
	s.expect("10")
	s.expect("(1 row)")
	s.expect("clickhunt> ")
	s.send("\x04")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
}

// TestREPLCompletion: Tab on a terminal completes from the language's
// registry and the table in scope, a keyword with a space after it; after
// a Tab list, Ctrl-C clears the line.
func TestREPLCompletion(t *testing.T) {
	dir, db := smallDB(t, 30)
	s := startPTY(t, dir, "repl", "--db", db)
	s.expect("clickhunt> ")

	// An operator after a pipe, with its space: the query goes on.
	s.send("UrlClickEvents | jo\t")
	s.expect("join ")
	s.send("kind=inner (UrlClickEvents | project ReportId) on ReportId | count;\r")
	s.expect("Count")
	s.expect("30")
	s.expect("clickhunt> ")

	// A string operator after a column.
	s.send("UrlClickEvents | where Url ha\t")
	s.expect("has")
	s.send(" \"example\" | count;\r")
	s.expect("Count")
	s.expect("30")
	s.expect("clickhunt> ")

	// A function prefix lists the functions, every parse_ function of the
	// registry; Ctrl-C then clears the line.
	var parseFns []string
	for _, tp := range query.Topics() {
		if tp.Kind == query.KindFunction && strings.HasPrefix(tp.Name, "parse_") {
			parseFns = append(parseFns, tp.Name+"(")
		}
	}
	if len(parseFns) < 2 {
		t.Fatalf("the registry has %d parse_ functions: %q", len(parseFns), parseFns)
	}
	s.send("UrlClickEvents | extend u = parse_\t\t")
	s.waitOutput(fmt.Sprintf("the %d parse_ functions %q", len(parseFns), parseFns), func(out string) (int, bool) {
		for _, f := range parseFns {
			if !strings.Contains(out, f) {
				return 0, false
			}
		}
		return len(out), true
	})
	s.send("\x03")
	s.expect("clickhunt> ")
	s.send("UrlClickEvents | count;\r")
	s.expect("Count")
	s.expect("30")
	s.expect("clickhunt> ")
	s.send(".quit\r")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
}
