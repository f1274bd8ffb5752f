//go:build unix

package e2e

import (
	"path/filepath"
	"syscall"
	"testing"
)

// vlogBytes is the disk space the value-log files of db take: allocated
// blocks, not apparent size (Badger's value log is sparse).
func vlogBytes(t *testing.T, db string) int64 {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(db, "*.vlog"))
	var n int64
	for _, f := range files {
		var st syscall.Stat_t
		if err := syscall.Stat(f, &st); err == nil {
			n += st.Blocks * 512
		}
	}
	return n
}
