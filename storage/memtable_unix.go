//go:build unix

package storage

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// removeEmptyMemtables deletes the zero-length memtable files (*.mem) a
// process killed while creating one leaves behind: Badger cannot open
// them ("Create a new file"), and a file with no bytes holds no writes.
// It does so only while holding Badger's directory lock itself, so no
// live writer's new memtable is touched. It returns how many it removed.
func removeEmptyMemtables(dir string) (int, error) {
	lock, err := os.Open(dir) // Badger flocks the directory itself
	if err != nil {
		return 0, err
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return 0, err // someone holds the database: leave it alone
	}
	defer unix.Flock(int(lock.Fd()), unix.LOCK_UN)
	mems, err := filepath.Glob(filepath.Join(dir, "*.mem"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range mems {
		if fi, err := os.Stat(m); err == nil && fi.Size() == 0 {
			if err := os.Remove(m); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
