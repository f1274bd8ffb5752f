package storage

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2/z"
)

// preflightTables opens each table file the way Badger's Open does, but
// on the caller's goroutine. Badger opens them on goroutines of its own,
// where a damaged index (a length pointing outside the file) makes it
// panic out of reach of recoverBadger and kills the process with a stack
// trace. Here such a panic becomes ErrCorrupt. Errors are left to Badger,
// which reports (or, for checksums, skips) them itself; verifyTables then
// refuses a skipped file.
func preflightTables(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.sst"))
	if err != nil {
		return nil
	}
	for _, f := range files {
		if err := preflightTable(f); err != nil {
			return err
		}
	}
	return nil
}

func preflightTable(path string) (err error) {
	mf, err := z.OpenMmapFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			mf.Close(-1)
			err = fmt.Errorf("%w: the storage file %s is damaged (%v)", ErrCorrupt, filepath.Base(path), r)
		}
	}()
	t, err := table.OpenTable(mf, table.Options{ReadOnly: true, Compression: options.None, ChkMode: options.NoVerification})
	if err != nil {
		return nil
	}
	return t.MmapFile.Close(-1)
}
