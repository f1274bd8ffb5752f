package storage

import (
	"os"
	"path/filepath"
)

// removeEmptyMemtables deletes the zero-length memtable files (*.mem) a
// process killed while creating one leaves behind: Badger cannot open
// them read-write ("Create a new file"), and a file with no bytes holds no
// writes. Only a writer holding the directory lock calls it, so no live
// writer's new memtable is touched. It returns how many it removed.
func removeEmptyMemtables(dir string) (int, error) {
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
