package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's current target without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestOneShotGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	beforeLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(before)
		debug.SetMemoryLimit(beforeLimit)
	})

	t.Setenv("GOGC", "150") // restored by t.Setenv's cleanup
	debug.SetGCPercent(150)
	oneShotGC()
	if got := gcPercent(); got != 150 {
		t.Errorf("with GOGC=150 set, the collector target became %d", got)
	}

	os.Unsetenv("GOGC")
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	oneShotGC()
	if got := gcPercent(); got != oneShotGCPercent {
		t.Errorf("without GOGC, the collector target is %d, want %d", got, oneShotGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("with GOMEMLIMIT set, the soft limit became %d", got)
	}

	os.Unsetenv("GOMEMLIMIT")
	oneShotGC()
	if total := physicalMemory(); total > 0 {
		if got := debug.SetMemoryLimit(-1); got != total/2 {
			t.Errorf("soft limit %d, want half of %d", got, total)
		}
	}
}
