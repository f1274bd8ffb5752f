package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCorruptFiles flips bytes in the Badger files of a database (each
// trial on a fresh copy) and runs a query and check through the binary:
// the query either gives the right answer or fails naming the damage,
// check reports it, and nothing ever panics.
func TestCorruptFiles(t *testing.T) {
	trials := 40
	if testing.Short() {
		trials = 10
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	run(t, "ingest", "--db", src, genFile(t, dir, "a.csv", 100_000, 5))
	run(t, "ingest", "--db", src, genFile(t, dir, "b.csv", 30_000, 6))
	const q = "UrlClickEvents | summarize count(), dcount(AccountUpn), max(Timestamp) by ActionType | order by ActionType asc"
	want := run(t, "query", "--db", src, "--format", "csv", q)

	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CLICKHUNT_CORRUPT_SEED"); s != "" { // to replay a failure
		fmt.Sscan(s, &seed)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	var right, refused, checkFound, openFailed int
	for trial := range trials {
		db := filepath.Join(dir, fmt.Sprintf("t%d", trial))
		copyFiles(t, src, db)
		files, _ := filepath.Glob(filepath.Join(db, "*.sst"))
		vlogs, _ := filepath.Glob(filepath.Join(db, "*.vlog"))
		for _, v := range vlogs {
			if fi, _ := os.Stat(v); fi.Size() > 1024 {
				files = append(files, v)
			}
		}
		if trial%10 == 9 {
			files = []string{filepath.Join(db, "MANIFEST")}
		}
		name := files[rng.IntN(len(files))]
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var at []int
		for range 1 + rng.IntN(8) {
			i := rng.IntN(len(data))
			data[i] ^= byte(1 + rng.IntN(255))
			at = append(at, i)
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		where := fmt.Sprintf("seed %d trial %d: %s bytes %v", seed, trial, filepath.Base(name), at)

		r := runCode(t, "query", "--db", db, "--format", "csv", q)
		c := runCode(t, "check", "--db", db)
		switch {
		case r.code == 0 && r.stdout != want:
			t.Errorf("%s: the query answered wrongly:\n%s", where, r.stdout)
		case r.code == 0:
			right++
		default:
			refused++
			if !strings.Contains(r.stderr, "corrupt") && !strings.Contains(r.stderr, "damaged") {
				t.Errorf("%s: query error does not say the database is damaged: %s", where, r.stderr)
			}
			if c.code == 0 {
				t.Errorf("%s: the query fails (%s) but check says healthy", where, r.stderr)
			}
		}
		if c.code != 0 {
			checkFound++
			if strings.Contains(c.stderr, "cannot open") {
				openFailed++
			} else if !strings.Contains(c.stdout, "problem: ") || !strings.Contains(c.stdout, "damaged") {
				t.Errorf("%s: check exit %d without naming problems:\n%s%s", where, c.code, c.stdout, c.stderr)
			}
		}
		if trial < 3 || r.code != 0 && refused <= 3 {
			t.Logf("%s: query exit %d %.200s| check: %.300s", where, r.code, r.stderr, c.stdout+c.stderr)
		}
	}
	t.Logf("%d corruptions: %d queries answered rightly, %d refused with an error, check found %d (%d could not open)",
		trials, right, refused, checkFound, openFailed)
}

func copyFiles(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "LOCK" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
