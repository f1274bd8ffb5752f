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
// commit turns into (or appends to) the rejects file and abort removes.
type rejectsOut struct {
	path string    // the rejects file, or "" to copy to w
	w    io.Writer // when path is ""
	f    *os.File  // the temporary file
	bw   *bufio.Writer
	enc  *json.Encoder
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
	r := &rejectsOut{path: path, w: w, f: f, bw: bufio.NewWriterSize(f, 64<<10)}
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

// commit hands the rows written over: renamed to path when no such file
// exists, else appended to it (or copied to w).
func (r *rejectsOut) commit() error {
	if err := r.bw.Flush(); err != nil {
		return err
	}
	if r.path != "" {
		if _, err := os.Lstat(r.path); errors.Is(err, os.ErrNotExist) {
			tmp := r.f.Name()
			err := r.f.Close()
			r.f = nil
			if err == nil {
				err = os.Rename(tmp, r.path)
			}
			if err != nil {
				os.Remove(tmp)
			}
			return err
		}
	}
	if _, err := r.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if r.path == "" {
		if _, err := io.Copy(r.w, r.f); err != nil {
			return err
		}
		return r.abort()
	}
	out, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r.f); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
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
