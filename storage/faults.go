package storage

import (
	"fmt"
	"syscall"
)

// faultHook, when set (only by tests), is called before each write step
// of a FileWriter: "block" (a block's WriteBatch flush), "sync" (the sync
// before the commit), "commit" (inside the commit transaction, after its
// writes) and "abort" (deleting a failed file's blocks). An error it
// returns stands for that step's I/O failing, e.g. ENOSPC, so tests walk
// every failure path a full or read-only disk takes without needing one.
var faultHook func(step string) error

// injected returns the fault the hook injects at step, if any.
func injected(step string) error {
	if faultHook == nil {
		return nil
	}
	return faultHook(step)
}

// ioError adds what to do to errors a user can fix: a full disk, a
// read-only file system, missing permissions.
func ioError(err error) error {
	switch {
	case err == nil:
		return nil
	case isNoSpace(err):
		return fmt.Errorf("%w (the disk is full: free some space and try again)", err)
	case isReadOnlyFS(err):
		return fmt.Errorf("%w (the database's file system is read-only)", err)
	}
	return err
}

// freeSpace is diskFree; tests replace it to simulate a full disk.
var freeSpace = diskFree

// spaceReserve is the free space kept back for Badger: its write-ahead
// log and value log are memory-mapped, and a write into a mapped page the
// file system cannot back kills the process with SIGBUS instead of
// returning ENOSPC. Keeping a memtable's worth (plus slack) free before
// every block turns a filling disk into a clean error on our side.
func spaceReserve(o Options) int64 {
	if o.Small {
		return 8<<20 + 8<<20
	}
	return 64<<20 + 8<<20
}

// checkSpace fails with an ENOSPC error when writing about n more bytes
// would eat into the reserve.
func checkSpace(dir string, o Options, n int64) error {
	free, ok := freeSpace(dir)
	if !ok {
		return nil
	}
	need := n + spaceReserve(o)
	if free >= need {
		return nil
	}
	return ioError(fmt.Errorf("only %d MB free on the disk of %s, and writing needs %d MB: %w",
		free>>20, dir, (need+1<<20-1)>>20, syscall.ENOSPC))
}
