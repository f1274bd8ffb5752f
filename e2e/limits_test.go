package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// --max-memory stops a query that would hold too much, with exit 1 and a
// message saying what to do; a bad size is a usage error.
func TestMaxMemory(t *testing.T) {
	db := filepath.Join(t.TempDir(), "db")
	run(t, "ingest", "--db", db, "../examples/clicks.csv")
	cmd := exec.Command(binary, "query", "--db", db, "--max-memory", "16KB", "UrlClickEvents | summarize count() by ReportId")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	_, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("over budget: %v, want exit 1", err)
	}
	if !strings.Contains(stderr.String(), "query exceeds its memory budget: summarize with") || !strings.Contains(stderr.String(), "raise --max-memory") {
		t.Fatalf("message %q", stderr.String())
	}
	if out := run(t, "query", "--db", db, "--max-memory", "64MB", "UrlClickEvents | summarize count() by ReportId | count"); !strings.HasPrefix(out, "Count\n") {
		t.Fatalf("within budget: %q", out)
	}
	err = exec.Command(binary, "query", "--db", db, "--max-memory", "lots", "UrlClickEvents | count").Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("bad size: %v, want exit 2", err)
	}
}
