//go:build !windows

package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestIngestInterruptedStream: Ctrl-C (SIGINT) or SIGTERM while ingest
// waits on a pipe that has sent more than a block and then stalls ends
// the ingest at once (read(2) on the pipe would wait for ever), with
// nothing of the file stored.
func TestIngestInterruptedStream(t *testing.T) {
	dir, db := newDB(t)
	rows := clickRows(70_000, "s") // more than a block: one is stored before the stall
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(binary, "ingest", "--db", db, "/dev/stdin")
		cmd.Env = testEnv(dir)
		cmd.Stdin = pr
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pr.Close()
		// The write returns once the ingest has read all but a pipe's
		// buffer of it: it is then parsing, past its first block.
		if _, err := pw.Write([]byte(rows)); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var werr error
		select {
		case werr = <-done:
		case <-time.After(2 * time.Minute): // a hang, not a slow machine
			cmd.Process.Kill()
			<-done
			t.Fatalf("%v: ingest still waits on the pipe two minutes after the signal", sig)
		}
		pw.Close()
		var exit *exec.ExitError
		if !errors.As(werr, &exit) || exit.ExitCode() != 1 {
			t.Errorf("%v: %v, want exit status 1", sig, werr)
		}
		checkText(t, sig.String(), stderr.String(), "/dev/stdin: interrupted: nothing stored\n")
		checkText(t, "count", csvQuery(t, dir, db, "UrlClickEvents | count"), "Count\n3\n")
		clickhunt(t, dir, "", "check", "--db", db).expect(t, 0)
	}
}
