//go:build linux

package y

import (
	"errors"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// noFallocate is set once the file system says it has no fallocate.
var noFallocate atomic.Bool

// Allocate makes the file system back bytes [off, off+n) of f with disk
// blocks (clickhunt). Badger writes its logs and tables through shared
// memory maps of sparse files; a write into a page the file system cannot
// back kills the process with SIGBUS instead of returning ENOSPC.
// Allocating first turns a full disk into this function's error. Where
// the file system cannot allocate (EOPNOTSUPP), it does nothing.
func Allocate(f *os.File, off, n int64) error {
	if n <= 0 {
		return nil
	}
	if hook := AllocateFault; hook != nil {
		if err := hook(f.Name()); err != nil {
			return &os.PathError{Op: "fallocate", Path: f.Name(), Err: err}
		}
	}
	if noFallocate.Load() {
		return nil
	}
	for {
		err := unix.Fallocate(int(f.Fd()), 0, off, n)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.ENOSYS):
			noFallocate.Store(true)
			return nil
		}
		return &os.PathError{Op: "fallocate", Path: f.Name(), Err: err}
	}
}
