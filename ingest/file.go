package ingest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"clickhunt/column"
	"clickhunt/storage"
)

// sampleRows is how many rows a dry run shows.
const sampleRows = 5

func ingestFile(ctx context.Context, db *storage.DB, path string, opts Options) (Summary, error) {
	ctx, cancel := context.WithCancel(ctx) // ends a stream's reader
	defer cancel()
	units, err := openUnits(ctx, path)
	if err != nil {
		return Summary{Path: path, Table: opts.Table}, err
	}
	return ingestUnits(ctx, db, path, units, opts)
}

// ingestStream ingests r, a stream read once (standard input).
func ingestStream(ctx context.Context, db *storage.DB, name string, r io.Reader, opts Options) (Summary, error) {
	ctx, cancel := context.WithCancel(ctx) // ends the stream's reader
	defer cancel()
	u, err := streamUnit(ctx, name, r, func() error { return nil })
	if err != nil {
		return Summary{Path: name, Table: opts.Table}, err
	}
	return ingestUnits(ctx, db, name, []unit{u}, opts)
}

func ingestUnits(ctx context.Context, db *storage.DB, path string, units []unit, opts Options) (Summary, error) {
	start := time.Now()
	if len(units) == 1 && units[0].compression != "zip" {
		sum, err := ingestUnit(ctx, db, units[0], opts)
		sum.Elapsed = time.Since(start)
		return sum, err
	}
	// A zip archive: each member is a file of its own, whole or not at all.
	sum := Summary{Path: path, Table: opts.Table, Compression: "zip", DryRun: opts.DryRun}
	for _, u := range units {
		part, err := ingestUnit(ctx, db, u, opts)
		part.Elapsed = time.Since(start)
		sum.Parts = append(sum.Parts, part)
		if err != nil {
			sum.Elapsed = time.Since(start)
			return sum, err
		}
		sum.Rows += part.Rows
		sum.RowsIn += part.RowsIn
		sum.Rejected += part.Rejected
		sum.Duplicates += part.Duplicates
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// ingestUnit stores one stream whole or not at all.
func ingestUnit(ctx context.Context, db *storage.DB, u unit, opts Options) (sum Summary, err error) {
	start := time.Now()
	sum = Summary{Path: u.name, Table: opts.Table, Compression: u.compression, DryRun: opts.DryRun}
	defer func() { sum.Elapsed = time.Since(start) }()

	// The SHA-256 of the (decompressed) content names the file. For a
	// file it is computed on a goroutine of its own, reading the content
	// a second time, while this one parses: on two cores the hash (2 s
	// for a 3 GB file) then costs no time of its own. A file stored
	// before stops the parse as soon as its hash is known; Commit checks
	// again. A stream (a pipe, FIFO or device) can be read only once: it
	// is hashed as it is parsed, and a known one is dropped at the end.
	lim := newLimits(opts)
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	var known fileHash
	hashed := make(chan struct{})
	if u.stream {
		close(hashed)
	} else {
		go func() {
			defer close(hashed)
			known = hashUnit(ctx, db, u, lim.input)
			if known.err != nil || (known.found && !opts.DryRun) {
				cancel()
			}
		}()
	}
	defer func() {
		cancel()
		<-hashed // the hash stops at its next read
	}()

	rc, raw, err := u.open()
	if err != nil {
		return sum, err
	}
	defer rc.Close()
	var content io.Reader = &capReader{r: rc, limit: lim.input}
	var streamHash hash.Hash
	if u.stream {
		streamHash = sha256.New()
		content = io.TeeReader(content, streamHash)
	}
	text, enc := decodeText(content)
	sum.Encoding = enc

	var problems []Problem
	var rejects *rejectsOut
	switch {
	case opts.DryRun:
		opts.problem = func(p Problem) error {
			if len(problems) < MaxProblems {
				p.Raw = "" // never shown; up to a line's limit each
				problems = append(problems, p)
			}
			return nil
		}
	case opts.RejectsPath != "" || opts.Rejects != nil:
		// Bad rows go to a temporary file as they are found, so their
		// number costs no memory; it becomes (or is appended to) the
		// rejects file just before the file is committed, or is copied
		// to Rejects once it is.
		rejects, err = newRejectsOut(opts.RejectsPath, opts.Rejects)
		if err != nil {
			return sum, fmt.Errorf("cannot write the rejects of %s: %w", u.name, err)
		}
		defer rejects.abort()
		opts.problem = rejects.write
	}
	sink := &fileSink{db: db, info: storage.FileInfo{Path: u.name}, dryRun: opts.DryRun, dedup: !opts.NoDedup}
	defer sink.abort()
	if progress := opts.Progress; progress != nil {
		opts.Progress = func(_, _, rows int64) { progress(raw.n.Load(), u.size, rows) }
	}
	sink.rowsHint = func(rows int) int {
		// The bytes read so far (some read ahead) held rows rows. An
		// estimate reserves at most 2^25 rows (a 512 MB set); a bigger
		// file grows the set as it goes.
		read := raw.n.Load()
		if read <= 0 || u.size <= read {
			return rows
		}
		return int(min(float64(u.size)/float64(read)*float64(rows), 1<<25))
	}
	info, err := read(ctx, text, u.name, sink, opts)
	if derr := sink.drain(); err == nil {
		err = derr
	}
	if info.limited {
		// A limit met: the file is refused whatever its hash, which
		// need not be read to the end of what may be a bomb.
		cancel()
		<-hashed
		known = fileHash{}
	}
	<-hashed
	if u.stream && err == nil {
		// What the parser left unread (after a JSON document) is part
		// of the content all the same.
		if _, err = io.Copy(io.Discard, content); err != nil {
			var le *limitError
			if errors.As(err, &le) {
				return sum, &Error{File: u.name, Line: info.lines, Msg: le.msg}
			}
			return sum, fmt.Errorf("cannot read %s: %w", u.name, err)
		}
		streamHash.Sum(known.sha[:0])
		if db != nil {
			known.prev, known.found, known.err = db.LookupFile(known.sha)
		}
	}
	switch {
	case known.found && !opts.DryRun:
		sum = Summary{Path: u.name, Table: known.prev.Table, Compression: u.compression, AlreadyIngested: true,
			Previous: known.prev, Rows: known.prev.Rows}
		return sum, nil
	case known.err != nil && (err == nil || parent.Err() == nil):
		// Unreadable: the parse stopped because the hash did, or met
		// the same fault.
		return sum, known.err
	}
	sink.setSHA256(known.sha)
	sum.Source, sum.Format, sum.Mapping, sum.Notes = info.source, info.format, info.mapping, info.notes
	if info.table != "" {
		sum.Table = info.table
	}
	sum.Rejected = info.rejected
	sum.Duplicates = sink.dups
	sum.RowsIn = info.rows + info.rejected
	sum.Sample, sum.SampleOf = sink.sample, sink.sampleOf
	if err != nil {
		return sum, err
	}
	if opts.DryRun {
		sum.Problems = problems
		sum.Rows = sink.stored
		if known.found {
			sum.Notes = append(sum.Notes, fmt.Sprintf("identical content was ingested before (%s, %s): a real ingest stores nothing",
				known.prev.Path, known.prev.Ingested.UTC().Format(time.RFC3339)))
		}
		if sink.dups > 0 {
			sum.Notes = append(sum.Notes, fmt.Sprintf("%d rows would be skipped as duplicates: %d equal to rows already stored, %d repeating an earlier row of the file",
				sink.dups, sink.dupStored, sink.dups-sink.dupStored))
		}
		return sum, nil
	}
	if sink.w == nil { // no rows: still remember the file
		if err := sink.setTable(sum.Table); err != nil {
			return sum, err
		}
	}
	if err := sink.drain(); err != nil {
		return sum, err
	}
	if rejects != nil {
		if err := rejects.publish(); err != nil {
			return sum, fmt.Errorf("cannot write the rejects of %s to %s: %w: nothing stored", u.name, opts.RejectsPath, err)
		}
	}
	stored, err := sink.w.Commit()
	if err != nil {
		if rejects != nil {
			rejects.undo()
		}
		sink.w = nil
		forgetHashes(db, sink.table)
		if errors.Is(err, badger.ErrTxnTooBig) {
			// The commit records every column of the table at once.
			return sum, fmt.Errorf("cannot commit %s: its %d columns are more than one commit can record (about 20,000 with short names; fewer with long ones): nothing stored", u.name, sink.columns)
		}
		return sum, fmt.Errorf("cannot commit %s: %w", u.name, err)
	}
	if stored != sink.stored {
		panic(fmt.Sprintf("BUG: ingest stored %d rows of %s but storage committed %d", sink.stored, u.name, stored))
	}
	if sink.hashes != nil {
		sink.hashes.rows += stored
		storeHashes(db, sink.table, sink.hashes)
	}
	sink.w = nil
	sum.Rows = stored
	if rejects != nil {
		if err := rejects.done(); err != nil {
			return sum, fmt.Errorf("%s is stored, but its rejects could not be copied: %w", u.name, err)
		}
	}
	if opts.Progress != nil {
		opts.Progress(raw.n.Load(), u.size, stored)
	}
	return sum, nil
}

// fileSink stores blocks through a FileWriter opened once the table is
// known, skipping rows equal to stored ones. In a dry run it stores
// nothing and keeps the first rows.
type fileSink struct {
	db     *storage.DB
	info   storage.FileInfo
	dryRun bool
	dedup  bool
	table  string
	w      *storage.FileWriter
	hashes *tableHashes
	stored int64
	dups   int64

	// A dry run checks rows against the stored set without changing it
	// (stored, nil without a database) and against the file's own rows.
	dryStored *hashSet
	dryFile   *hashSet
	dupStored int64

	sample   [][]string
	sampleOf []string
	columns  int // the most columns of a block

	// Blocks go to the writer goroutine (started with the FileWriter) so
	// that parsing the next block overlaps encoding and storing this one.
	// Only the writer touches w, hashes, stored and dups until drain.
	blocks chan pendingBlock
	done   chan struct{}
	// rowsHint estimates the file's rows from the first block's (nil:
	// unknown), so that the table's hash set is sized once.
	rowsHint  func(firstRows int) int
	firstRows int
	werr      error       // the writer's first error, read once failed is set or after done
	failed    atomic.Bool // werr is set
}

type pendingBlock struct {
	schema column.Schema
	b      *column.Batch
	hashes []uint64 // b's row hashes, computed on the parsing side
}

func (s *fileSink) setTable(table string) error {
	if table == "" {
		table = DefaultTable
	}
	s.table = table
	if s.dryRun {
		if !s.dedup {
			return nil
		}
		s.dryFile = newHashSet(0)
		if s.db != nil {
			th, err := loadHashes(s.db, table)
			if err != nil {
				return fmt.Errorf("cannot read the row hashes of %s: %w", table, err)
			}
			s.dryStored = th.set // read only: it may be the cached set
		}
		return nil
	}
	if s.dedup {
		th, err := loadHashes(s.db, table)
		if err != nil {
			return fmt.Errorf("cannot read the row hashes of %s: %w", table, err)
		}
		s.hashes = th
		if s.rowsHint != nil && s.firstRows > 0 {
			th.set.reserve(s.rowsHint(s.firstRows))
		}
	}
	w, err := s.db.BeginFile(table, s.info)
	if err != nil {
		return err
	}
	s.w = w
	s.blocks = make(chan pendingBlock, 1)
	s.done = make(chan struct{})
	go s.writer()
	return nil
}

// writer stores the blocks handed to it in order. After its first error
// it only drains the channel so that the reader never blocks.
func (s *fileSink) writer() {
	defer close(s.done)
	for pb := range s.blocks {
		if s.werr != nil {
			continue
		}
		if err := s.store(pb.schema, pb.b, pb.hashes); err != nil {
			s.werr = err
			s.failed.Store(true)
		}
	}
}

// drain waits for the writer to store every block handed over so far and
// returns its error. The sink takes no more blocks afterwards.
func (s *fileSink) drain() error {
	if s.blocks == nil {
		return s.werr
	}
	close(s.blocks)
	<-s.done
	s.blocks = nil
	return s.werr
}

func (s *fileSink) WriteBlock(schema column.Schema, b *column.Batch) error {
	return s.writeHashedBlock(schema, b, nil)
}

// writeHashedBlock is WriteBlock with b's row hashes (nil: computed here).
func (s *fileSink) writeHashedBlock(schema column.Schema, b *column.Batch, hashes []uint64) error {
	s.columns = max(s.columns, len(schema))
	if s.w == nil && !s.dryRun {
		s.firstRows = b.Len
		if err := s.setTable(s.table); err != nil {
			return err
		}
	}
	if len(s.sample) < sampleRows {
		if s.sampleOf == nil {
			for _, f := range schema {
				s.sampleOf = append(s.sampleOf, f.Name)
			}
		}
		for i := 0; i < b.Len && len(s.sample) < sampleRows; i++ {
			row := make([]string, len(schema))
			for ci := range schema {
				row[ci] = column.FormatValue(b.Cols[ci], i)
			}
			s.sample = append(s.sample, row)
		}
	}
	if s.dryRun {
		if s.dryFile == nil {
			s.stored += int64(b.Len)
			return nil
		}
		if hashes == nil {
			hashes = rowHashes(schema, b)
		}
		for _, h := range hashes {
			switch {
			case s.dryStored != nil && s.dryStored.has(h):
				s.dups++
				s.dupStored++
			case !s.dryFile.add(h):
				s.dups++
			default:
				s.stored++
			}
		}
		return nil
	}
	if s.failed.Load() {
		return s.drain()
	}
	if s.blocks == nil { // drained: the writer has failed before
		if s.werr != nil {
			return s.werr
		}
		return s.store(schema, b, hashes)
	}
	if hashes == nil {
		// On the parsing goroutine, which has time to spare while the
		// writer encodes and stores the block before.
		hashes = rowHashes(schema, b)
	}
	s.blocks <- pendingBlock{schema, b, hashes}
	return nil
}

// store de-duplicates b against the table's rows and writes what is new;
// hs are b's row hashes (nil: computed here).
func (s *fileSink) store(schema column.Schema, b *column.Batch, hs []uint64) error {
	if hs == nil {
		hs = rowHashes(schema, b)
	}
	if s.hashes != nil {
		keep := make([]uint32, 0, b.Len)
		for i, h := range hs {
			if s.hashes.set.add(h) {
				keep = append(keep, uint32(i))
			}
		}
		if len(keep) < b.Len {
			s.dups += int64(b.Len - len(keep))
			b = b.Gather(keep)
			kept := make([]uint64, len(keep))
			for j, i := range keep {
				kept[j] = hs[i]
			}
			hs = kept
		}
	}
	if b.Len == 0 {
		return nil
	}
	if err := s.w.WriteBlockHashes(schema, b, hs); err != nil {
		return err
	}
	s.stored += int64(b.Len)
	return nil
}

// abort discards an uncommitted file.
func (s *fileSink) abort() {
	s.drain()
	if s.w != nil {
		s.w.Abort()
		s.w = nil
		if s.hashes != nil {
			forgetHashes(s.db, s.table)
		}
	}
}

// fileHash is what hashUnit found: the content's SHA-256 and, with a
// database, whether a file with that content was stored before.
type fileHash struct {
	sha   [32]byte
	found bool
	prev  storage.FileRecord
	err   error
}

// hashUnit reads u in full (on its own, from a second open) and looks its
// hash up in db (when not nil). It stops with ctx, and when the content
// passes limit bytes: the parse meets that limit too and says where.
func hashUnit(ctx context.Context, db *storage.DB, u unit, limit int64) (r fileHash) {
	rc, _, err := u.open()
	if err != nil {
		r.err = err
		return r
	}
	h := sha256.New()
	_, err = io.Copy(h, &capReader{r: ctxReader{ctx, rc}, limit: limit})
	rc.Close()
	var le *limitError
	if errors.As(err, &le) {
		return r
	}
	if err != nil {
		r.err = fmt.Errorf("cannot read %s: %w", u.name, err)
		return r
	}
	h.Sum(r.sha[:0])
	if hashedHook != nil {
		hashedHook()
	}
	if db != nil {
		r.prev, r.found, r.err = db.LookupFile(r.sha)
	}
	return r
}

// setSHA256 gives the file's hash, known once it is parsed, to the writer
// (or to the one setTable opens for a file without rows).
func (s *fileSink) setSHA256(sha [32]byte) {
	s.info.SHA256 = sha
	if s.w != nil {
		s.w.SetSHA256(sha)
	}
}

// hashedHook, when set (by tests), runs once a hash is computed, before it
// is looked up: holding it back lets the parse store blocks first.
var hashedHook func()

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
