package ingest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// rejectsOut streams one file's bad rows to a temporary file, which
// publish turns into (or appends to) the rejects file and abort removes.
type rejectsOut struct {
	path string    // the rejects file, or "" to copy to w
	w    io.Writer // when path is ""
	f    *os.File  // the temporary file
	bw   *bufio.Writer
	enc  *json.Encoder

	renamed    bool  // published by renaming the temporary file to path
	appendedAt int64 // published by appending to path at this size; -1 not
}

// rejectRecord is one line of a rejects file.
type rejectRecord struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column,omitempty"`
	Reason string `json:"reason"`
	Raw    string `json:"raw"`
}

// newRejectsOut creates the temporary file: beside path, so the rename
// stays on one file system, else in the system's temporary directory.
func newRejectsOut(path string, w io.Writer) (*rejectsOut, error) {
	dir, base := os.TempDir(), "clickhunt-rejects"
	if path != "" {
		dir, base = filepath.Dir(path), filepath.Base(path)
	}
	var f *os.File
	for {
		name := filepath.Join(dir, fmt.Sprintf(".%s.%08x.tmp", base, rand.Uint32()))
		// Not os.CreateTemp: its mode 0600 would become the rejects
		// file's; 0644 less the umask is what creating it would give.
		var err error
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
	}
	r := &rejectsOut{path: path, w: w, f: f, bw: bufio.NewWriterSize(f, 64<<10), appendedAt: -1}
	r.enc = json.NewEncoder(r.bw)
	r.enc.SetEscapeHTML(false)
	return r, nil
}

// write adds one bad row.
func (r *rejectsOut) write(p Problem) error {
	err := r.enc.Encode(rejectRecord{p.File, p.Line, p.Column, p.Msg, p.Raw})
	if err != nil {
		return fmt.Errorf("cannot write the rejects: %w", err)
	}
	return nil
}

// publish puts the rows written into the rejects file before the file is
// committed, so that no failure after the commit can lose them: renamed
// to path when no such file exists, else appended to it, and synced. On
// an error nothing is published (an append is cut back). undo takes them
// out again when the commit then fails. Rows for w wait for done.
func (r *rejectsOut) publish() error {
	if err := r.bw.Flush(); err != nil {
		return err
	}
	if r.path == "" {
		return nil
	}
	if err := r.f.Sync(); err != nil {
		return err
	}
	if _, err := os.Lstat(r.path); errors.Is(err, os.ErrNotExist) {
		tmp := r.f.Name()
		err := r.f.Close()
		r.f = nil
		if err == nil {
			err = os.Rename(tmp, r.path)
		}
		if err != nil {
			os.Remove(tmp)
			return err
		}
		r.renamed = true
		return nil
	}
	if _, err := r.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	out, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	fi, err := out.Stat()
	if err != nil {
		out.Close()
		return err
	}
	r.appendedAt = fi.Size()
	_, err = io.Copy(out, r.f)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cutBack(r.path, r.appendedAt)
		r.appendedAt = -1
		return err
	}
	return r.abort()
}

// cutBack truncates a rejects file to the size it had, if it is a file:
// /dev/full, or a pipe, has nothing to take back.
func cutBack(path string, size int64) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		os.Truncate(path, size)
	}
}

// undo takes published rows back out of the rejects file, after a failed
// commit.
func (r *rejectsOut) undo() {
	switch {
	case r.renamed:
		os.Remove(r.path)
	case r.appendedAt >= 0:
		cutBack(r.path, r.appendedAt)
	}
	r.renamed, r.appendedAt = false, -1
}

// done finishes after the commit: rows for w are copied to it (on a
// failure the temporary file is kept, and the error names it).
func (r *rejectsOut) done() error {
	if r.path != "" || r.f == nil {
		return r.abort()
	}
	_, err := r.f.Seek(0, io.SeekStart)
	if err == nil {
		_, err = io.Copy(r.w, r.f)
	}
	if err != nil {
		name := r.f.Name()
		r.f.Close()
		r.f = nil // kept
		return fmt.Errorf("%w (they are kept in %s)", err, name)
	}
	return r.abort()
}

// abort removes the temporary file.
func (r *rejectsOut) abort() error {
	if r.f == nil {
		return nil
	}
	r.f.Close()
	err := os.Remove(r.f.Name())
	r.f = nil
	return err
}
