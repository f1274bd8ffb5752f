package storage

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// flockHolder finds dir's inode in /proc/locks; it returns 0 when no
// process is listed.
func flockHolder(dir string) int {
	pids := flockHolders(dir)
	if len(pids) == 0 {
		return 0
	}
	return pids[0]
}

// holdsLock reports whether process pid holds an flock on dir.
func holdsLock(dir string, pid int) bool {
	return pid > 0 && slices.Contains(flockHolders(dir), pid)
}

// flockHolders lists the processes /proc/locks shows holding an flock on
// dir, the writer (or first reader) first.
func flockHolders(dir string) []int {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	dev := uint64(st.Dev)
	major := (dev>>8)&0xfff | (dev>>32)&^0xfff
	minor := dev&0xff | (dev>>12)&^0xff
	want := fmt.Sprintf("%02x:%02x:%d", major, minor, st.Ino)
	f, err := os.Open("/proc/locks")
	if err != nil {
		return nil
	}
	defer f.Close()
	var pids []int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// 1: FLOCK  ADVISORY  WRITE 10076 fe:00:10027074 0 EOF
		// Waiters show as "1: -> FLOCK ..."; they hold nothing.
		fs := strings.Fields(sc.Text())
		if len(fs) < 6 || fs[1] != "FLOCK" || fs[5] != want {
			continue
		}
		if pid, err := strconv.Atoi(fs[4]); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	return pids
}
