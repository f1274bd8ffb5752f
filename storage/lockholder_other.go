//go:build !linux

package storage

import (
	"os"
	"syscall"
)

// flockHolder is known only on Linux (/proc/locks).
func flockHolder(string) int { return 0 }

// holdsLock reports whether process pid is alive: who holds a lock is
// known only on Linux.
func holdsLock(dir string, pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}
