package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"clickhunt/internal/citest"
)

const chromiumPath = "/usr/bin/chromium"

// chromium runs headless Chromium on url with extra flags and returns its
// standard output and standard error (console messages are logged there).
func chromium(t *testing.T, url string, extra ...string) (stdout, stderr string) {
	t.Helper()
	// No time limit of our own (a busy machine is slow, not wrong); a hung
	// browser is stopped shortly before the test binary's deadline.
	ctx, cancel := context.Background(), func() {}
	if d, ok := t.Deadline(); ok {
		ctx, cancel = context.WithDeadline(ctx, d.Add(-15*time.Second))
	}
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}, extra...)
	cmd := exec.CommandContext(ctx, chromiumPath, append(args, url)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", url, err, errb.String())
	}
	return out.String(), errb.String()
}

var consoleError = regexp.MustCompile(`(?m)^.*(CONSOLE|Uncaught|Failed to load resource|Refused to).*$`)

// checkBrowserPage opens url in headless Chromium: the DOM must hold want <svg>
// charts, each with drawn marks, and the console must stay silent. It
// saves a screenshot to shot.
func checkBrowserPage(t *testing.T, url string, want int, shot string) {
	t.Helper()
	dom, log := chromium(t, url, "--dump-dom")
	if n := strings.Count(dom, "<svg "); n != want {
		t.Errorf("%s: %d <svg> elements in the DOM, want %d", url, n, want)
	}
	for _, mark := range []string{`class="slice"`, `class="bar"`, `class="line"`, `class="cell"`} {
		if !strings.Contains(dom, mark) {
			t.Errorf("%s: no %s element: a chart did not draw", url, mark)
		}
	}
	if m := consoleError.FindAllString(log, -1); len(m) > 0 {
		t.Errorf("%s: console messages:\n%s", url, strings.Join(m, "\n"))
	}
	_, log = chromium(t, url, "--window-size=1280,2400", "--hide-scrollbars", "--screenshot="+shot)
	if m := consoleError.FindAllString(log, -1); len(m) > 0 {
		t.Errorf("%s: console messages:\n%s", url, strings.Join(m, "\n"))
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10000 {
		t.Errorf("%s: no screenshot (%v)", url, err)
	}
	t.Logf("screenshot of %s: %s", url, shot)
}

// TestBrowser opens the HTML report of the example exports (make demo's)
// and the served page in real headless Chromium. CLICKHUNT_SCREENSHOT=FILE
// also saves the report's screenshot there (how examples/report.png is
// made).
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		citest.Require(t, chromiumPath+" not found: install Debian's chromium package (apt-get install -y chromium) to run the browser test")
	}
	dir, db := demoDB(t)
	clickhunt(t, dir, "", "report", "--db", db, "--out", "report.html").expect(t, 0)
	shots := t.TempDir()
	file := filepath.Join(dir, "report.html")
	checkBrowserPage(t, "file://"+file, 8, filepath.Join(shots, "report.png"))
	if dst := os.Getenv("CLICKHUNT_SCREENSHOT"); dst != "" {
		b, err := os.ReadFile(filepath.Join(shots, "report.png"))
		if err == nil {
			err = os.WriteFile(dst, b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	base := startServe(t, dir, "--db", db)
	checkBrowserPage(t, base+"/?last=30d&source=Email&source=Teams", 8, filepath.Join(shots, "served.png"))
}
