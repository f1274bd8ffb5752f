package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// lockHolder names the process that holds dir's Badger lock, as
// "process 1234 (clickhunt ingest big.csv)", or "" when it cannot tell.
// On Linux /proc/locks lists every flock holder, readers included;
// elsewhere only a writer is known, from the PID Badger writes into its
// LOCK file.
func lockHolder(dir string) string {
	pid := flockHolder(dir)
	if pid == 0 {
		b, err := os.ReadFile(filepath.Join(dir, "LOCK"))
		if err != nil {
			return ""
		}
		if pid, err = strconv.Atoi(strings.TrimSpace(string(b))); err != nil || pid <= 0 {
			return ""
		}
	}
	if pid == os.Getpid() {
		return fmt.Sprintf("this process, %d", pid)
	}
	desc := fmt.Sprintf("process %d", pid)
	if cmd := cmdline(pid); cmd != "" {
		desc += ": " + cmd
	}
	return desc
}

// cmdline is the command line of process pid, shortened, or "".
func cmdline(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || len(b) == 0 {
		return ""
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	args[0] = filepath.Base(args[0])
	s := strings.Join(args, " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}
