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
	// The budget is named in a unit it fills: 16 KiB, not "0 MiB".
	if !strings.Contains(stderr.String(), "needs more than the 16 KiB allowed") {
		t.Fatalf("message %q does not name the 16 KiB budget", stderr.String())
	}
	if out := run(t, "query", "--db", db, "--max-memory", "64MB", "UrlClickEvents | summarize count() by ReportId | count"); !strings.HasPrefix(out, "Count\n") {
		t.Fatalf("within budget: %q", out)
	}
	err = exec.Command(binary, "query", "--db", db, "--max-memory", "lots", "UrlClickEvents | count").Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("bad size: %v, want exit 2", err)
	}
}

// Datetime and timespan values that would leave Kusto's range (years 1 to
// 9999, a 64-bit tick count) come out null, never a wrapped-around date
// (issue 17, finding 8: these printed -14888-03-11 and the like).
func TestDatetimeOutOfRangeIsNull(t *testing.T) {
	db := filepath.Join(t.TempDir(), "db")
	run(t, "ingest", "--db", db, "../examples/clicks.csv")
	out := run(t, "query", "--db", db, "--format", "json", `print a = datetime_add('year', 100000, datetime(2023-01-01)),
		b = make_datetime(99999, 1, 1), c = unixtime_seconds_todatetime(1e20), d = 1d * 9223372036854775807,
		e = datetime(9999-12-31T23:59:59.9999999Z) + 1d, f = datetime(9999-12-31) + (1d - 1tick)`)
	want := `{"a":null,"b":null,"c":null,"d":null,"e":null,"f":"9999-12-31T23:59:59.9999999Z"}`
	if !strings.Contains(out, want) {
		t.Fatalf("got %s, want the row %s", out, want)
	}
}
