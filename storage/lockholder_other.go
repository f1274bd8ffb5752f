//go:build !linux

package storage

// flockHolder is known only on Linux (/proc/locks).
func flockHolder(string) int { return 0 }
