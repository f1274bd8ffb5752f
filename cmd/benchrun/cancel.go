package main

// Ctrl-C latency: how long a query busy in a per-row kernel takes to give
// up after Ctrl-C, through a fresh `clickhunt query` (SIGINT, to the exit)
// and through the REPL on a pseudo-terminal (^C typed, to the next
// prompt). Ctrl-C is pressed at different points of the query.

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
)

// cancelQueries are regular expressions with nothing to start from, which
// match no row: one over a stored column (the filter runs inside the scan,
// on every core), one over a long string built per row (a kernel chain in
// one goroutine). Both cost microseconds a row: a block of 65,536 rows
// took seconds before the kernels checked for cancellation within it.
var cancelQueries = []string{
	`UrlClickEvents | where UrlChain matches regex @"[0-9]{9}[a-z]{9}[0-9]{9}" | count`,
	`UrlClickEvents | extend k = strcat(Url, "|", AccountUpn, "|", UrlChain, "|", Url) | where k matches regex @"[0-9]{9}[a-z]{9}[0-9]{9}" | count`,
}

// cancelResult is one way of cancelling one query: the latencies in ms
// and, when a run ended before Ctrl-C, how many did.
type cancelResult struct {
	query    string
	how      string
	ms       []float64
	finished int
	err      string
}

// cancelDelays are when Ctrl-C is pressed after the query starts.
func cancelDelays(runs int) []time.Duration {
	out := make([]time.Duration, runs)
	for i := range out {
		out[i] = 300*time.Millisecond + time.Duration(i)*450*time.Millisecond
	}
	return out
}

func cancelLatency(c *config, db string) []cancelResult {
	var out []cancelResult
	for _, q := range cancelQueries {
		out = append(out, cancelOneShot(c, db, q), cancelREPL(c, db, q))
	}
	return out
}

// cancelOneShot starts `clickhunt query` and sends SIGINT after each
// delay, timing from the signal to the process's exit.
func cancelOneShot(c *config, db, q string) cancelResult {
	r := cancelResult{query: q, how: "clickhunt query, SIGINT to exit"}
	for _, d := range cancelDelays(c.cancelRuns) {
		cmd := exec.Command(c.clickhunt, "query", "--db", db, q)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			r.err = err.Error()
			return r
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			r.finished++
			continue
		case <-time.After(d):
		}
		start := time.Now()
		cmd.Process.Signal(syscall.SIGINT)
		<-done
		r.ms = append(r.ms, ms(time.Since(start)))
		if !strings.Contains(stderr.String(), "cancelled") {
			r.err = "no cancellation message: " + firstLine(stderr.String())
		}
	}
	return r
}

// cancelREPL types the query into one REPL session on a pseudo-terminal
// and ^C after each delay, timing from the keystroke to the prompt that
// follows "query cancelled".
func cancelREPL(c *config, db, q string) cancelResult {
	r := cancelResult{query: q, how: "REPL on a terminal, ^C to the prompt"}
	cmd := exec.Command(c.clickhunt, "repl", "--db", db)
	cmd.Env = append(os.Environ(), "TERM=xterm", "PAGER=cat", "CLICKHUNT_HISTORY="+os.DevNull)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	if err != nil {
		r.err = err.Error()
		return r
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
		tty.Close()
	}()
	t := &termOut{grew: make(chan struct{})}
	go t.read(tty)
	if !t.waitFor("clickhunt> ", 60*time.Second) {
		r.err = "no prompt: " + lastLine(t.text())
		return r
	}
	for _, d := range cancelDelays(c.cancelRuns) {
		io.WriteString(tty, q+";\r")
		if t.waitFor("(1 row)", d) { // the query ended first
			r.finished++
			continue
		}
		start := time.Now()
		io.WriteString(tty, "\x03")
		if !t.waitFor("query cancelled", 60*time.Second) || !t.waitFor("clickhunt> ", 60*time.Second) {
			r.err = "no prompt after ^C: " + lastLine(t.text())
			return r
		}
		r.ms = append(r.ms, ms(time.Since(start)))
	}
	io.WriteString(tty, ".quit\r")
	return r
}

// termOut collects a terminal's output for waitFor.
type termOut struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	seen int
	grew chan struct{}
}

func (t *termOut) read(r io.Reader) {
	b := make([]byte, 4096)
	for {
		n, err := r.Read(b)
		t.mu.Lock()
		t.buf.Write(b[:n])
		close(t.grew)
		t.grew = make(chan struct{})
		t.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (t *termOut) text() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}

// waitFor waits up to d for s to appear after the last match.
func (t *termOut) waitFor(s string, d time.Duration) bool {
	timeout := time.After(d)
	for {
		t.mu.Lock()
		out, grew := t.buf.String(), t.grew
		if i := strings.Index(out[t.seen:], s); i >= 0 {
			t.seen += i + len(s)
			t.mu.Unlock()
			return true
		}
		t.mu.Unlock()
		select {
		case <-grew:
		case <-timeout:
			return false
		}
	}
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\r\n ")
	if i := strings.LastIndexAny(s, "\r\n"); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// printCancel prints the Ctrl-C latencies of one row count.
func printCancel(c *config, n int, res []cancelResult) {
	fmt.Fprintf(c.out, "\nCtrl-C latency at %s rows: Ctrl-C %s after the query started, then the time to the exit or the prompt:\n\n", fmtRows(n), delayList(c.cancelRuns))
	var body [][]string
	for _, r := range res {
		cell := "-"
		if len(r.ms) > 0 {
			cell = fmt.Sprintf("%s (%s-%s)", fmtMs(medianF(r.ms)), fmtMs(slicesMin(r.ms)), fmtMs(slicesMax(r.ms)))
		}
		note := r.err
		if r.finished > 0 {
			note = strings.TrimSpace(note + fmt.Sprintf(" %d of %d runs ended before Ctrl-C", r.finished, c.cancelRuns))
		}
		body = append(body, []string{"`" + strings.ReplaceAll(r.query, "|", `\|`) + "`", r.how, strconv.Itoa(len(r.ms)), cell, orDash(note)})
	}
	writeMarkdown(c.out, []string{"query", "how", "runs", "ms, median (min-max)", "note"}, body)
}

func delayList(runs int) string {
	var parts []string
	for _, d := range cancelDelays(runs) {
		parts = append(parts, fmt.Sprintf("%.2gs", d.Seconds()))
	}
	return strings.Join(parts, ", ")
}

func slicesMin(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

func slicesMax(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
