//go:build !unix

package storage

import "errors"

// lockSupported is false here: Badger's own directory lock is used.
const lockSupported = false

// dirLock takes no lock where flock is unavailable.
type dirLock struct {
	dir       string
	exclusive bool
}

var errBusy = errors.New("directory lock held")

func lockDir(dir string, exclusive bool) (*dirLock, error) {
	return &dirLock{dir: dir, exclusive: exclusive}, nil
}

func (l *dirLock) release() {}
