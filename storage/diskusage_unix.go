//go:build unix

package storage

import (
	"io/fs"
	"syscall"
)

// allocatedSize is the disk space a file takes (its allocated blocks).
func allocatedSize(info fs.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return int64(st.Blocks) * 512
	}
	return info.Size()
}
