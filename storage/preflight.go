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
//
// Only the tables the MANIFEST lists (ids) are opened, as Badger does: a
// table file an interrupted write left behind (all zeros when the disk
// filled) is no part of the database.
func preflightTables(dir string, ids []uint64) error {
	for _, id := range ids {
		if err := preflightTable(filepath.Join(dir, fmt.Sprintf("%06d.sst", id))); err != nil {
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
			// Badger's panic text is a dump of the file's header fields.
			mf.Close(-1)
			err = fmt.Errorf("%w: the table file %s is damaged: its index does not fit in the file", ErrCorrupt, filepath.Base(path))
		}
	}()
	t, err := table.OpenTable(mf, table.Options{ReadOnly: true, Compression: options.None, ChkMode: options.NoVerification})
	if err != nil {
		return nil
	}
	return t.MmapFile.Close(-1)
}
