package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"
)

// The text encodings Read recognises, as Summary.Encoding names them.
const (
	EncUTF8    = "UTF-8"
	EncUTF8BOM = "UTF-8 with BOM"
	EncUTF16LE = "UTF-16 LE"
	EncUTF16BE = "UTF-16 BE"
)

// decodeText looks at the start of r for a byte order mark (or, without one,
// the NUL bytes of UTF-16 ASCII text) and returns a reader of UTF-8 with any
// BOM removed, and the encoding's name.
func decodeText(r io.Reader) (io.Reader, string) {
	br := bufio.NewReaderSize(r, 64<<10)
	b, _ := br.Peek(4)
	switch {
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		br.Discard(3)
		return br, EncUTF8BOM
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		br.Discard(2)
		return &utf16Reader{r: br, le: true}, EncUTF16LE
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		br.Discard(2)
		return &utf16Reader{r: br, le: false}, EncUTF16BE
	case len(b) == 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return &utf16Reader{r: br, le: true}, EncUTF16LE
	case len(b) == 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		return &utf16Reader{r: br, le: false}, EncUTF16BE
	}
	return br, EncUTF8
}

// utf16Reader transcodes UTF-16 to UTF-8. Unpaired surrogates become
// U+FFFD, as Windows tools do when they read such text.
type utf16Reader struct {
	r    *bufio.Reader
	le   bool
	out  []byte
	hi   uint16 // a high surrogate waiting for its pair
	in   [16 << 10]byte
	odd  []byte // a trailing odd byte from the last read
	err  error
	done bool
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.done {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

func (u *utf16Reader) fill() {
	buf := append(u.in[:0], u.odd...)
	n, err := u.r.Read(u.in[len(buf):])
	buf = u.in[:len(buf)+n]
	out := make([]byte, 0, len(buf)*3/2+4)
	i := 0
	for ; i+1 < len(buf); i += 2 {
		var c uint16
		if u.le {
			c = uint16(buf[i]) | uint16(buf[i+1])<<8
		} else {
			c = uint16(buf[i])<<8 | uint16(buf[i+1])
		}
		switch {
		case u.hi != 0 && c >= 0xDC00 && c <= 0xDFFF:
			out = utf8.AppendRune(out, utf16.DecodeRune(rune(u.hi), rune(c)))
			u.hi = 0
			continue
		case u.hi != 0:
			out = utf8.AppendRune(out, utf8.RuneError)
			u.hi = 0
		}
		if c >= 0xD800 && c <= 0xDBFF {
			u.hi = c
			continue
		}
		if c >= 0xDC00 && c <= 0xDFFF {
			out = utf8.AppendRune(out, utf8.RuneError)
			continue
		}
		out = utf8.AppendRune(out, rune(c))
	}
	u.odd = append([]byte(nil), buf[i:]...)
	if err != nil {
		u.done = true
		u.err = err
		if u.hi != 0 || len(u.odd) > 0 {
			out = utf8.AppendRune(out, utf8.RuneError)
		}
	}
	u.out = out
}

// unit is one ingestible stream: a plain file, a gzip file's content or one
// zip member. Each unit is stored whole or not at all.
type unit struct {
	name        string // path, or "archive.zip!member"
	compression string // "", "gzip" or "zip"
	size        int64  // bytes of the underlying file (for progress), 0 if unknown
	// stream is set for a pipe, FIFO or device: it can be opened (read)
	// once only, so it is hashed while it is parsed.
	stream bool
	open   func() (io.ReadCloser, *countReader, error)
}

// countReader counts the bytes read through it. The count is read by
// progress reports while another goroutine reads (csvpar.go).
type countReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

// openUnits returns the units of path: gzip and zip are recognised by their
// magic bytes, not their names. A path that is not a regular file (a pipe,
// FIFO, /dev/stdin, process substitution, a device) is one stream, read
// once; ctx ends its reading.
func openUnits(ctx context.Context, path string) ([]unit, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	if !st.Mode().IsRegular() {
		f, err := openCancellable(ctx, path, st.Mode()&os.ModeNamedPipe != 0)
		if err != nil {
			return nil, err
		}
		u, err := streamUnit(ctx, path, f, f.Close)
		if err != nil {
			f.Close()
			return nil, err
		}
		return []unit{u}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	f.Close()
	switch {
	case n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		return []unit{{name: path, compression: "gzip", size: st.Size(), open: func() (io.ReadCloser, *countReader, error) {
			f, err := os.Open(path)
			if err != nil {
				return nil, nil, err
			}
			cr := &countReader{r: f}
			zr, err := gzip.NewReader(bufio.NewReader(cr))
			if err != nil {
				f.Close()
				return nil, nil, fmt.Errorf("cannot read %s: %w", path, err)
			}
			return readCloser{zr, func() error { zr.Close(); return f.Close() }}, cr, nil
		}}}, nil
	case n == 4 && bytes.Equal(magic[:], []byte("PK\x03\x04")):
		zr, err := zip.OpenReader(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", path, err)
		}
		var files []*zip.File
		for _, zf := range zr.File {
			if zf.FileInfo().IsDir() || strings.HasPrefix(filepath.Base(zf.Name), ".") || strings.HasPrefix(zf.Name, "__MACOSX/") {
				continue
			}
			files = append(files, zf)
		}
		sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
		var us []unit
		for _, zf := range files {
			zf := zf
			us = append(us, unit{name: path + "!" + zf.Name, compression: "zip", size: int64(zf.UncompressedSize64), open: func() (io.ReadCloser, *countReader, error) {
				rc, err := zf.Open()
				if err != nil {
					return nil, nil, fmt.Errorf("cannot read %s!%s: %w", path, zf.Name, err)
				}
				cr := &countReader{r: rc}
				return readCloser{cr, rc.Close}, cr, nil
			}})
		}
		// The archive stays open for the units; it is small to keep.
		if len(us) == 0 {
			zr.Close()
			return nil, fmt.Errorf("%s: the zip archive holds no files", path)
		}
		return us, nil
	}
	return []unit{{name: path, size: st.Size(), open: func() (io.ReadCloser, *countReader, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		cr := &countReader{r: f}
		return readCloser{cr, f.Close}, cr, nil
	}}}, nil
}

// openCancellable opens path; for a FIFO, whose open waits for a writer,
// it gives up when ctx ends (the open is then left to finish, or to end
// with the process).
func openCancellable(ctx context.Context, path string, fifo bool) (*os.File, error) {
	if !fifo {
		return os.Open(path)
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		return o.f, o.err
	case <-ctx.Done():
		go func() {
			if o := <-done; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// streamUnit makes the one unit of a stream, read from r (then closed
// with close) on a goroutine that ctx ends: its first bytes are looked at
// for gzip and zip, without being lost.
func streamUnit(ctx context.Context, name string, r io.Reader, close func() error) (unit, error) {
	cr := &countReader{r: newStreamReader(ctx, r)}
	br := bufio.NewReaderSize(cr, 64<<10)
	magic, _ := br.Peek(4)
	u := unit{name: name, stream: true}
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		u.compression = "gzip"
	case bytes.Equal(magic, []byte("PK\x03\x04")):
		return u, fmt.Errorf("%s: a zip archive cannot be read from a pipe or device (its index is at its end): save it to a file and ingest that", name)
	}
	opened := false
	u.open = func() (io.ReadCloser, *countReader, error) {
		if opened {
			panic("BUG: a stream opened twice")
		}
		opened = true
		if u.compression == "gzip" {
			zr, err := gzip.NewReader(br)
			if err != nil {
				close()
				return nil, nil, fmt.Errorf("cannot read %s: %w", name, err)
			}
			return readCloser{zr, func() error { zr.Close(); return close() }}, cr, nil
		}
		return readCloser{br, close}, cr, nil
	}
	return u, nil
}

// ExpandPaths turns command-line arguments into files: a directory gives
// every regular file under it (hidden ones left out), a pattern with * ? or
// [ gives its matches, both in name order; anything else is kept as is.
func ExpandPaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if st, err := os.Stat(a); err == nil && st.IsDir() {
			var files []string
			err := filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if p != a && strings.HasPrefix(d.Name(), ".") {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if d.Type().IsRegular() {
					files = append(files, p)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("%s: no files in the directory", a)
			}
			out = append(out, files...)
			continue
		} else if err == nil || !strings.ContainsAny(a, "*?[") {
			out = append(out, a)
			continue
		}
		m, err := filepath.Glob(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("%s: no files match", a)
		}
		sort.Strings(m)
		out = append(out, m...)
	}
	return out, nil
}
