//go:build !unix

package storage

import "io/fs"

// allocatedSize is the disk space a file takes; without Unix stat blocks
// the apparent size is the best guess.
func allocatedSize(info fs.FileInfo) int64 { return info.Size() }
