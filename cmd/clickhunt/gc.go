package main

import (
	"os"
	"runtime/debug"
)

// oneShotGCPercent is the collector's target for a process that runs one
// query and exits. A cold query allocates every block it decodes and keeps
// little: at Go's default (100) the collector runs every few blocks. At
// 200 a fresh `clickhunt query` at 10M rows took 0.74-0.90x the time
// (q0-q4, q9; medians of 5) for 5-20% more peak memory; 400 and 800 bought
// little more time for much more memory.
const oneShotGCPercent = 200

// oneShotGC tunes the collector for a one-shot query, unless the user set
// GOGC. A soft limit of half the machine's memory (unless GOMEMLIMIT is
// set) makes the collector work harder before a large query outgrows it.
func oneShotGC() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(oneShotGCPercent)
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		if total := physicalMemory(); total > 0 {
			debug.SetMemoryLimit(total / 2)
		}
	}
}
