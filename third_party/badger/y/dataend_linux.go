//go:build linux

package y

import (
	"os"

	"golang.org/x/sys/unix"
)

// dataExtentEnd returns the bounds [lo, hi) of the last extent of f below
// size that holds data, skipping holes (SEEK_DATA, SEEK_HOLE); 0, size
// when the file system cannot tell.
func dataExtentEnd(f *os.File, size int64) (lo, hi int64) {
	fd := int(f.Fd())
	var off int64
	lo, hi = -1, -1
	for off < size {
		d, err := unix.Seek(fd, off, unix.SEEK_DATA)
		if err != nil || d >= size {
			break
		}
		h, err := unix.Seek(fd, d, unix.SEEK_HOLE)
		if err != nil {
			return 0, size
		}
		lo, hi = d, min(h, size)
		off = h
	}
	if lo < 0 {
		if off == 0 {
			// No data at all, or SEEK_DATA unsupported: scan it all.
			return 0, size
		}
		return 0, 0
	}
	return lo, hi
}
