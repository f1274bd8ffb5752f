//go:build !linux

package y

import "os"

// Allocate is a no-op where clickhunt has no fallocate: writes through
// memory maps then rely on clickhunt's free-space guard alone.
func Allocate(f *os.File, off, n int64) error {
	if n <= 0 || AllocateFault == nil {
		return nil
	}
	if err := AllocateFault(f.Name()); err != nil {
		return &os.PathError{Op: "fallocate", Path: f.Name(), Err: err}
	}
	return nil
}
