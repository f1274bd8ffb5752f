package main

import (
	"strings"
	"testing"
	"time"
)

// clickhunt query --repeat N --timing: N run lines and a median line on
// stderr, the result once on stdout.
func TestCLIQueryRepeatTiming(t *testing.T) {
	dir, db := newDB(t)
	r := clickhunt(t, dir, "", "query", "--db", db, "--repeat", "3", "--timing", "UrlClickEvents | where AccountUpn has 'alice' | count")
	r.expect(t, 0)
	checkText(t, "stdout", r.stdout, "Count\n1\n")
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("stderr: %d lines, want 3 runs + median + cache:\n%s", len(lines), r.stderr)
	}
	for i, l := range lines[:3] {
		matches(t, "run line", l, `^run `+string(rune('1'+i))+`/3: \d+\.\d{3} ms, 3 rows read, 1 of 1 blocks$`)
	}
	matches(t, "median line", lines[3], `^median of 3 runs: \d+\.\d{3} ms \(min \d+\.\d{3} ms, max \d+\.\d{3} ms\); warm median \(runs 2-3\): \d+\.\d{3} ms$`)
	// The first run decodes the AccountUpn block, the next two reuse it.
	matches(t, "cache line", lines[4], `^block cache: 2 hits, 1 misses; \d+ B held in 1 blocks$`)
	// CLICKHUNT_CACHE=0 turns the cache off; a bad size is an error.
	q := "UrlClickEvents | where AccountUpn has 'alice' | count"
	r = clickhuntEnv(t, dir, "", []string{"CLICKHUNT_CACHE=0"}, "query", "--db", db, "--repeat", "3", "--timing", q)
	r.expect(t, 0)
	checkText(t, "stdout", r.stdout, "Count\n1\n")
	if strings.Contains(r.stderr, "block cache") {
		t.Errorf("CLICKHUNT_CACHE=0 still cached:\n%s", r.stderr)
	}
	r = clickhuntEnv(t, dir, "", []string{"CLICKHUNT_CACHE=lots"}, "query", "--db", db, "--repeat", "3", q)
	r.expect(t, 1)
	matches(t, "bad CLICKHUNT_CACHE", r.stderr, `CLICKHUNT_CACHE: bad size "lots" \(expected e\.g\. 512MB or 2GiB\)`)

	// --repeat alone is silent; --timing alone times the one run.
	r = clickhunt(t, dir, "", "query", "--db", db, "--repeat", "2", "UrlClickEvents | count")
	r.expect(t, 0)
	checkText(t, "stdout", r.stdout, "Count\n3\n")
	if r.stderr != "" {
		t.Errorf("--repeat without --timing wrote to stderr: %q", r.stderr)
	}
	r = clickhunt(t, dir, "", "query", "--db", db, "--timing", "UrlClickEvents | count")
	r.expect(t, 0)
	matches(t, "stderr", r.stderr, `^run 1/1: .*\nmedian of 1 runs: [^;]*\n$`)

	// A batch: each query repeated, lines prefixed with the query number;
	// each result written once.
	r = clickhunt(t, dir, "UrlClickEvents | count\n\nUrlClickEvents | take 1 | project ReportId\n", "query", "--db", db, "--repeat", "2", "--timing")
	r.expect(t, 0)
	checkText(t, "batch", r.stdout, "Count\n3\n\nReportId\nr1\n")
	matches(t, "batch stderr", r.stderr, `^query 1 run 1/2: .*\nquery 1 run 2/2: .*\nquery 1 median of 2 runs: .*\nquery 2 run 1/2: .*\nquery 2 run 2/2: .*\nquery 2 median of 2 runs: .*\nquery 2 block cache: 1 hits, 1 misses; .*\n$`)

	// A failing query fails once, with its usual message.
	r = clickhunt(t, dir, "", "query", "--db", db, "--repeat", "3", "--timing", "UrlClickEvents | where Foo == 1")
	r.expect(t, 1)
	if strings.Contains(r.stderr, "run 1/3") || strings.Count(r.stderr, "Foo") != 2 {
		t.Errorf("failing query stderr:\n%s", r.stderr)
	}

	r = clickhunt(t, dir, "", "query", "--db", db, "--repeat", "0", "UrlClickEvents | count")
	r.expect(t, 2)
	matches(t, "--repeat 0", r.stderr, `--repeat must be at least 1`)
}

func TestMedianLine(t *testing.T) {
	ms := time.Millisecond
	got := medianLine([]time.Duration{9 * ms, 2 * ms, 4 * ms, 3 * ms})
	want := "median of 4 runs: 3.000 ms (min 2.000 ms, max 9.000 ms); warm median (runs 2-4): 3.000 ms"
	if got != want {
		t.Errorf("medianLine:\n got %s\nwant %s", got, want)
	}
}
