//go:build !linux

package storage

// pageOutMapped is a no-op where MADV_PAGEOUT does not exist.
func pageOutMapped(string) {}
