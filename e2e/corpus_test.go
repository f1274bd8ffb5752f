package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The hunting queries in examples/hunting (public ones and our own) are
// the compatibility target: each must pass --check, or fail only because
// it names a table we do not hold; each whose tables we hold must run over
// the example data.
func TestHuntingCorpus(t *testing.T) {
	files, err := filepath.Glob("../examples/hunting/*.kql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no hunting queries in examples/hunting (%v)", err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	run(t, "ingest", "--db", db, "../examples/clicks.csv", "../examples/messagetrace.csv")
	unknownTable := regexp.MustCompile(`^[^\n]*:\d+:\d+: unknown table '(\w+)'`)
	ran, missing := 0, 0
	for _, f := range files {
		name := filepath.Base(f)
		// Against the known schemas (no database).
		out, err := exec.Command(binary, "query", "--check", "--db", filepath.Join(dir, "none"), "-f", f).CombinedOutput()
		if err != nil && !unknownTable.Match(out) {
			t.Errorf("%s: --check failed with something other than an unknown table:\n%s", name, out)
			continue
		}
		// Run it on the example database.
		cmd := exec.Command(binary, "query", "--db", db, "--now", "2024-01-01T00:00:00Z", "--format", "csv", "-f", f)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		once, err := cmd.Output()
		if err != nil {
			if m := unknownTable.FindStringSubmatch(stderr.String()); m != nil {
				missing++
				continue
			}
			t.Errorf("%s: does not run: %s", name, stderr.String())
			continue
		}
		ran++
		// Run three times in one process, the last two over column
		// blocks from the decoded-block cache: the same result, so no
		// operator changed a vector it read.
		cmd = exec.Command(binary, "query", "--db", db, "--now", "2024-01-01T00:00:00Z", "--format", "csv", "--repeat", "3", "-f", f)
		cmd.Stderr = &stderr
		thrice, err := cmd.Output()
		if err != nil {
			t.Errorf("%s: does not run with --repeat 3: %s", name, stderr.String())
		} else if string(thrice) != string(once) {
			t.Errorf("%s: the third run in one process differs from a run alone:\n%s\nalone:\n%s", name, thrice, once)
		}
	}
	t.Logf("%d corpus queries ran, %d need tables the example data does not hold", ran, missing)
	if ran < len(files)/2 {
		t.Errorf("only %d of %d corpus queries ran", ran, len(files))
	}
}

// --check: valid batches exit 0, an invalid query exits 1 pointing at it.
func TestCheckFlag(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.kql")
	os.WriteFile(good, []byte("UrlClickEvents | take 1\n\nUrlClickEvents\n| summarize count() by AccountUpn\n"), 0o644)
	out := run(t, "query", "--check", "--db", filepath.Join(dir, "none"), "-f", good)
	if !strings.Contains(out, "2 queries checked: all valid") {
		t.Fatalf("--check of a valid batch said %q", out)
	}
	bad := filepath.Join(dir, "bad.kql")
	os.WriteFile(bad, []byte("UrlClickEvents | take 1\n\nUrlClickEvents\n| where Acountupn == 1\n"), 0o644)
	cmd := exec.Command(binary, "query", "--check", "--db", filepath.Join(dir, "none"), "-f", bad)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("--check of an invalid batch: %v, want exit 1", err)
	}
	if !strings.Contains(string(stdout), "2 queries checked: 1 invalid") {
		t.Fatalf("summary %q", stdout)
	}
	want := "bad.kql:4:9: unknown column 'Acountupn' (did you mean 'AccountUpn'?)"
	if !strings.Contains(stderr.String(), want) {
		t.Fatalf("stderr %q, want it to contain %q", stderr.String(), want)
	}
}
