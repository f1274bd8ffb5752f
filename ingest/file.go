package ingest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"clickhunt/storage"
)

func ingestFile(ctx context.Context, db *storage.DB, path string, opts Options) (sum Summary, err error) {
	start := time.Now()
	sum = Summary{Path: path, Table: opts.Table}
	if sum.Table == "" {
		sum.Table = DefaultTable
	}
	opts.Table = sum.Table
	defer func() { sum.Elapsed = time.Since(start) }()

	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return sum, err
	}
	if st.IsDir() {
		return sum, fmt.Errorf("%s: is a directory", path)
	}
	size := st.Size()

	// The hash names the content, so it is read in full before parsing:
	// a file seen before costs one read and no parse.
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, fmt.Errorf("cannot read %s: %w", path, err)
	}
	var sha [32]byte
	h.Sum(sha[:0])
	prev, found, err := db.LookupFile(sha)
	if err != nil {
		return sum, err
	}
	if found {
		sum.AlreadyIngested, sum.Previous, sum.Rows = true, prev, prev.Rows
		return sum, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return sum, err
	}

	w, err := db.BeginFile(sum.Table, storage.FileInfo{Path: path, SHA256: sha})
	if err != nil {
		return sum, err
	}
	if progress := opts.Progress; progress != nil {
		opts.Progress = func(bytesRead, _, rows int64) { progress(bytesRead, size, rows) }
	}
	rows, err := Read(ctx, f, path, w, opts)
	if err != nil {
		if aerr := w.Abort(); aerr != nil {
			err = errors.Join(err, fmt.Errorf("cannot abort ingest of %s: %w", path, aerr))
		}
		return sum, err
	}
	stored, err := w.Commit()
	if err != nil {
		w.Abort()
		return sum, fmt.Errorf("cannot commit %s: %w", path, err)
	}
	if stored != rows {
		panic(fmt.Sprintf("BUG: ingest parsed %d rows of %s but storage committed %d", rows, path, stored))
	}
	sum.Rows = stored
	if opts.Progress != nil {
		opts.Progress(size, size, stored)
	}
	return sum, nil
}
