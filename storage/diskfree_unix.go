//go:build unix

package storage

import "syscall"

// diskFree returns the bytes an unprivileged writer may still use on the
// file system holding dir; ok is false when that is unknown.
func diskFree(dir string) (free int64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}
