//go:build !windows

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptySession is the binary running on a pseudo-terminal, with everything
// it prints collected for expect.
type ptySession struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	seen int // expect matched up to here
	done chan struct{}
	end  time.Time // the whole session must finish by then
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
	s := &ptySession{t: t, cmd: cmd, done: make(chan struct{}), end: time.Now().Add(20 * time.Second)}
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
			s.mu.Lock()
			s.out.Write(buf[:n])
			s.mu.Unlock()
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

// ptyOutWriter adds what the process writes to a piped standard output
// to the session's collected output.
type ptyOutWriter struct{ s *ptySession }

func (w ptyOutWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.s.out.Write(p)
}

// expect waits until want appears in the output after the last match.
func (s *ptySession) expect(want string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	if deadline.After(s.end) {
		deadline = s.end
	}
	for {
		s.mu.Lock()
		out := s.out.String()
		s.mu.Unlock()
		if i := strings.Index(out[s.seen:], want); i >= 0 {
			s.seen += i + len(want)
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %q; output since last match:\n%s", want, out[s.seen:])
		}
		select {
		case <-s.done:
			s.mu.Lock()
			out = s.out.String()
			s.mu.Unlock()
			if !strings.Contains(out[s.seen:], want) {
				s.t.Fatalf("clickhunt exited while waiting for %q; output since last match:\n%s", want, out[s.seen:])
			}
		case <-time.After(20 * time.Millisecond):
		}
	}
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
	select {
	case err := <-errc:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			s.t.Fatal(err)
		}
		return 0
	case <-time.After(time.Until(s.end)):
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
	time.Sleep(100 * time.Millisecond)

	s.send(".format csv\r")
	s.expect("clickhunt> ")
	s.send("UrlClickEvents | count;\r")
	s.expect("Count\r\n3\r\n")
	s.expect("clickhunt> ")

	s.send(".quit\r")
	if code := s.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}

	data, err := os.ReadFile(hist)
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	for _, want := range []string{"UrlClickEvents | count\n", "UrlClickEvents | where Foo == 1\n", ".quit\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("history lacks %q:\n%s", want, data)
		}
	}

	// A new session recalls the history: up twice is the last query (then
	// comes .quit); the two-line query was saved as one line.
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
