package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles starts the profiles named by $CLICKHUNT_CPUPROFILE and
// $CLICKHUNT_MEMPROFILE (files for `go tool pprof`): a developer's aid for
// measuring ingests and queries on real exports. The returned function
// writes them; it is a no-op when neither is set.
func startProfiles(stderr io.Writer) func() {
	cpuPath, memPath := os.Getenv("CLICKHUNT_CPUPROFILE"), os.Getenv("CLICKHUNT_MEMPROFILE")
	if cpuPath == "" && memPath == "" {
		return func() {}
	}
	var cpu *os.File
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			fmt.Fprintf(stderr, "clickhunt: cannot write the CPU profile: %v\n", err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "clickhunt: cannot start the CPU profile: %v\n", err)
			f.Close()
		} else {
			cpu = f
		}
	}
	if memPath != "" {
		runtime.MemProfileRate = 64 << 10
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if memPath != "" {
			f, err := os.Create(memPath)
			if err != nil {
				fmt.Fprintf(stderr, "clickhunt: cannot write the memory profile: %v\n", err)
				return
			}
			defer f.Close()
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				fmt.Fprintf(stderr, "clickhunt: cannot write the memory profile: %v\n", err)
			}
		}
	}
}
