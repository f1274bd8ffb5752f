//go:build !unix

package storage

// diskFree is not known on this platform.
func diskFree(string) (int64, bool) { return 0, false }
