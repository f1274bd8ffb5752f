//go:build !unix

package e2e

import (
	"os"
	"path/filepath"
	"testing"
)

// vlogBytes is the size of the value-log files of db (apparent size: this
// OS has no allocated-block count in os.Stat).
func vlogBytes(t *testing.T, db string) int64 {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(db, "*.vlog"))
	var n int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}
