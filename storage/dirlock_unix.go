//go:build unix

package storage

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockSupported says whether lockDir takes a real lock here; where it
// cannot, Badger's own directory lock is used.
const lockSupported = true

// dirLock is clickhunt's hold on a database directory: an flock on the
// directory itself, shared by readers and exclusive for a writer. It is
// the same lock Badger would take (Badger is told to bypass its own), so
// older clickhunt builds and this one exclude each other. Taking it before
// Badger opens lets Open look at the files (inspectDir) while no writer
// can change them.
type dirLock struct {
	f         *os.File
	dir       string
	exclusive bool
}

// errBusy is lockDir's failure when another holder conflicts.
var errBusy = errors.New("directory lock held")

// lockDir takes dir's lock without waiting; errBusy when it is held.
func lockDir(dir string, exclusive bool) (*dirLock, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	if err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, errBusy
		}
		return nil, err
	}
	return &dirLock{f: f, dir: dir, exclusive: exclusive}, nil
}

// release drops the lock (and a writer's LOCK file, as Badger does).
func (l *dirLock) release() {
	if l == nil || l.f == nil {
		return
	}
	if l.exclusive {
		os.Remove(lockFilePath(l.dir))
	}
	unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
	l.f.Close()
	l.f = nil
}
