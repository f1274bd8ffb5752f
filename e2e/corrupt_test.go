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
			if !strings.Contains(r.stderr, "database is corrupt: ") || strings.Contains(r.stderr, "runtime error") {
				t.Errorf("%s: query error does not say `database is corrupt: ...` naming the damage: %s", where, r.stderr)
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

// TestCorruptionNamed damages a database in each way a disk or a hand
// can, one copy each, and wants every command that meets the damage to
// fail with `database is corrupt: ...` naming what (a table file, a
// column of a block, the MANIFEST), never a Go runtime error (a table
// block failing its checksum used to be reported as a nil-pointer
// dereference), and check to exit 1; nothing a reader does changes a file.
func TestCorruptionNamed(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	run(t, "ingest", "--db", src, genFile(t, dir, "a.csv", 3000, 50))
	run(t, "ingest", "--db", src, genFile(t, dir, "b.csv", 3000, 51))
	more := genFile(t, dir, "c.csv", 1000, 52)
	edit := func(name string, f func([]byte) []byte) func(db string) error {
		return func(db string) error {
			p := filepath.Join(db, name)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(p, f(b), 0o644)
		}
	}
	flip := func(at func(n int) int) func([]byte) []byte {
		return func(b []byte) []byte { b[at(len(b))] ^= 0x55; return b }
	}
	for _, c := range []struct {
		name   string
		damage func(db string) error
		names  string // what the error must name
	}{
		{"a table block fails its checksum", edit("000001.sst", flip(func(int) int { return 10 })), "000001.sst"},
		{"a table file cut short", edit("000002.sst", func(b []byte) []byte { return b[:len(b)-100] }), "000002.sst"},
		{"a column value flipped", edit("000002.vlog", func(b []byte) []byte {
			// One byte in every 512 of the middle half: the log also holds
			// values a later write replaced (where one flip may land
			// unseen), but no live column block is that small, so some
			// flips are in a value a query reads (Badger reads a value
			// without checking its entry; our block checksum must).
			for i := len(b) / 4; i < 3*len(b)/4; i += 512 {
				b[i] ^= 0x55
			}
			return b
		}), "column"},
		{"the value log cut short", edit("000002.vlog", func(b []byte) []byte { return b[:len(b)/2] }), "column"},
		{"the MANIFEST's last record cut", edit("MANIFEST", func(b []byte) []byte {
			// Whole records only: length u32 | crc u32 | body, after an
			// 8-byte header; drop the last.
			off, last := 8, 8
			for off+8 <= len(b) {
				last = off
				off += 8 + int(b[off])<<24 | int(b[off+1])<<16 | int(b[off+2])<<8 | int(b[off+3])
			}
			return b[:last]
		}), "rows"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "db")
			copyFiles(t, src, db)
			if err := c.damage(db); err != nil {
				t.Fatal(err)
			}
			before := digestDir(t, db)
			for _, args := range [][]string{
				{"query", "--db", db, "--format", "csv", "UrlClickEvents"},
				{"check", "--db", db},
			} {
				r := runCode(t, args...)
				out := r.stdout + r.stderr
				if r.code != 1 {
					t.Errorf("%s: exit %d, want 1\n%s", args[0], r.code, out)
				}
				for _, bad := range []string{"runtime error", "nil pointer", "index out of range", "goroutine"} {
					if strings.Contains(out, bad) {
						t.Errorf("%s reports a Go runtime error: %s", args[0], out)
					}
				}
				switch {
				case args[0] == "check" && strings.Contains(r.stdout, "problem: ") && strings.Contains(r.stdout, "\ndamaged"):
					// Check lists the problems it found.
				case !strings.Contains(r.stderr, "database is corrupt: ") || !strings.Contains(r.stderr, c.names):
					t.Errorf("%s: the error does not say `database is corrupt: ...` naming %q:\n%s", args[0], c.names, out)
				}
				t.Logf("%s: %.300s", args[0], strings.TrimSpace(lastLine(r.stderr+r.stdout)))
			}
			if after := digestDir(t, db); after != before {
				t.Errorf("reading the damaged database changed its files:\n%s\nbecame\n%s", before, after)
			}
			// A writer's open does not cut off what follows the damage
			// (it used to cut a value log at its first unreadable entry).
			checked := runCode(t, "check", "--db", db).stdout
			ing := runCode(t, "ingest", "--db", db, more)
			for _, f := range strings.Split(strings.TrimSpace(before), "\n") {
				name, size, _ := strings.Cut(f, " ")
				size, _, _ = strings.Cut(size, " ")
				if fi, err := os.Stat(filepath.Join(db, name)); (strings.HasSuffix(name, ".vlog") || strings.HasSuffix(name, ".sst")) &&
					(err != nil || fmt.Sprint(fi.Size()) != size) {
					t.Errorf("ingest (exit %d: %.200s) changed %s from %s bytes: %v", ing.code, ing.stderr, name, size, err)
				}
			}
			if again := runCode(t, "check", "--db", db).stdout; strings.Count(again, "problem: ") != strings.Count(checked, "problem: ") {
				t.Errorf("after an ingest check finds other problems:\n%s\nbefore:\n%s", again, checked)
			}
		})
	}
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
