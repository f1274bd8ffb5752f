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
		if pid, _ = readLockFile(dir); pid == 0 {
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

// The LOCK file is Badger's PID file, which clickhunt writes itself: the
// writer's PID, then (from this build on) what it is doing, for readers
// that find the directory locked:
//
//	1234
//	recovering
//
// writerRecovering is written while a writer replays a crashed writer's
// log, removes unfinished ingests and checks the commit journal (and for
// the whole run of `clickhunt recover`): readers wait for it to finish
// instead of failing. Older builds write the PID alone.
const writerRecovering = "recovering"

// writerWriting is a writer's state once it is open.
const writerWriting = "writing"

func lockFilePath(dir string) string { return filepath.Join(dir, "LOCK") }

// writeLockFile records this process as dir's writer, doing state.
func writeLockFile(dir, state string) error {
	return os.WriteFile(lockFilePath(dir), fmt.Appendf(nil, "%d\n%s\n", os.Getpid(), state), 0o644)
}

// readLockFile returns the PID and state in dir's LOCK file (0 and ""
// when there is none or it does not parse).
func readLockFile(dir string) (pid int, state string) {
	b, err := os.ReadFile(lockFilePath(dir))
	if err != nil {
		return 0, ""
	}
	first, rest, _ := strings.Cut(string(b), "\n")
	pid, err = strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return 0, ""
	}
	return pid, strings.TrimSpace(rest)
}
