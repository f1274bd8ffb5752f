//go:build linux

package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// mountTmpfs mounts a tmpfs of size bytes on a new directory, unmounted
// when the test ends, or skips the test where mounting is not allowed.
func mountTmpfs(t *testing.T, size int64) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); storage's TestWriteFaults and TestDiskFullGuard inject the same failures", err)
	}
	// Cleanups run last-registered first: this one before TempDir's.
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}

// fillDisk takes every free byte of the file system holding dir, as
// another process filling the disk would, and returns the filler file.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var off int64
	for chunk := int64(64 << 20); chunk >= 4096; {
		err := unix.Fallocate(int(f.Fd()), 0, off, chunk)
		switch {
		case err == nil:
			off += chunk
		case errors.Is(err, unix.ENOSPC):
			chunk /= 2
		default:
			t.Fatalf("filling the disk: %v", err)
		}
	}
	return path
}

// duBytes is the disk space the files under dir take.
func duBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var st syscall.Stat_t
		if err := syscall.Stat(path, &st); err == nil && !d.IsDir() {
			n += st.Blocks * 512
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDiskFilledByAnotherProcess fills the disk (a small tmpfs) while an
// ingest writes, as another process would. It used to die of SIGBUS in
// its clean-up (Badger writes through memory maps; a page the disk cannot
// back kills the process) and to leave an all-zero table file that kept
// the database from opening. Now the ingest ends with a clear disk-full
// error, the database opens and answers as before the ingest, and once
// space is back `clickhunt recover` gives the failed file's space back, so
// a file that fits is stored.
func TestDiskFilledByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	fs := mountTmpfs(t, 192<<20)
	const base = 3000
	small := genFile(t, dir, "small.csv", base, 40)
	// Four blocks (storage.BlockRows each, the last shorter): values
	// reach the log a block at a time, so a trial fills the disk after
	// the first block (at 3 MB) or after the second (at 8 MB), and at
	// least two whole blocks are still to write when the disk is full,
	// however late a busy machine lets this loop see the size.
	const bigRows = 260_000
	big := genFile(t, dir, "big.csv", bigRows, 41)

	var stored int64 // the disk space storing big takes
	for trial, at := range []int64{3 << 20, 8 << 20} {
		db := filepath.Join(fs, fmt.Sprintf("db%d", trial))
		run(t, "ingest", "--db", db, small)
		before := duBytes(t, db)

		cmd := exec.Command(binary, "ingest", "--db", db, big)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		waitForLock(t, cmd.Process.Pid, done)
		filled := false
		var err error
	wait:
		for {
			select {
			case err = <-done:
				break wait
			default:
			}
			if !filled && vlogBytes(t, db) >= at {
				// Freeze the ingest while the disk fills, so that on a
				// busy machine it cannot write the rest of its values
				// between seeing the size and taking the space.
				if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
					t.Fatal(err)
				}
				fillDisk(t, fs)
				filled = true
				if err := cmd.Process.Signal(syscall.SIGCONT); err != nil {
					t.Fatal(err)
				}
			}
		}
		where := fmt.Sprintf("trial %d (disk filled after %d MB of values)", trial, at>>20)
		r := result{stderr: stderr.String()}
		noTrace(t, r, "ingest", big)
		if !filled {
			t.Fatalf("%s: the ingest ended before the disk was filled: %v %s", where, err, r.stderr)
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(r.stderr, "disk is full") {
			t.Fatalf("%s: ingest %v, want exit 1 saying the disk is full:\n%s", where, err, r.stderr)
		}
		t.Logf("%s: %s", where, strings.TrimSpace(r.stderr))

		// The full disk's database opens and answers as before.
		if n, msg := countRows(t, db); n != base {
			t.Fatalf("%s: %d rows on the full disk (%s), want %d", where, n, msg, base)
		}
		wantHealthy(t, db, where+", disk full")

		// Space back: recover (first trial) or the next ingest (second)
		// gives the failed file's space back.
		if err := os.Remove(filepath.Join(fs, "filler")); err != nil {
			t.Fatal(err)
		}
		if trial == 0 {
			rec := runCode(t, "recover", "--db", db)
			if rec.code != 0 || !strings.Contains(rec.stdout, "healthy") {
				t.Fatalf("%s: recover: exit %d\n%s%s", where, rec.code, rec.stdout, rec.stderr)
			}
			t.Logf("%s: recover said: %s", where, strings.SplitN(rec.stdout, "\n", 2)[0])
			if after := duBytes(t, db); after-before > 4<<20 {
				t.Errorf("%s: the database takes %d MB after recover, %d MB before the failed ingest", where, after>>20, before>>20)
			}
			before = duBytes(t, db)
		}
		r2 := runCode(t, "ingest", "--db", db, big)
		if r2.code != 0 {
			t.Fatalf("%s: ingest once space is back: %s", where, r2.stderr)
		}
		if n, msg := countRows(t, db); n != base+bigRows {
			t.Fatalf("%s: %d rows (%s), want %d", where, n, msg, base+bigRows)
		}
		wantHealthy(t, db, where+", at the end")
		grew := duBytes(t, db) - before
		if trial == 0 {
			stored = grew
			t.Logf("%s: storing the file took %d MB", where, grew>>20)
		} else if grew > stored+4<<20 {
			t.Errorf("%s: storing the file after the failed attempt took %d MB, %d MB the first time: the failed attempt's space stayed",
				where, grew>>20, stored>>20)
		}
		if err := os.RemoveAll(db); err != nil {
			t.Fatal(err)
		}
	}
}
