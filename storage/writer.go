package storage

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"clickhunt/column"
)

// FileWriter stores one file's rows as blocks.
//
// Commit protocol: WriteBlock writes each block (its column values and its
// meta) under block IDs at or past the table's committed next block ID,
// which no reader looks at. Commit then writes, in one Badger transaction,
// the new columns, the table record with the advanced next block ID and row
// count, and the file record: that transaction is the commit point. Abort
// deletes the blocks; after a crash, Open does.
//
// A FileWriter is not safe for concurrent use. It holds its table's writer
// lock from BeginFile until Commit or Abort, so always finish it: a second
// BeginFile of the same table in the same goroutine would wait forever.
type FileWriter struct {
	db    *DB
	lock  chan struct{} // the table's writer lock, held until done
	table string
	info  FileInfo
	tid   uint32
	isNew bool
	base  tableRecord // the table record at BeginFile

	cols    []ColumnInfo   // catalog columns, then the ones this file adds
	byName  map[string]int // index into cols
	nOld    int            // cols[:nOld] were in the catalog
	nextCol uint32

	next uint64 // ID of the next block to write
	rows int64
	// shared holds the shared dictionaries (shared.go) of the string
	// columns written so far, by column ID; Commit stores what they gained.
	shared map[uint32]*sharedState
	// paging holds, by column ID, whether plain-string columns are paged
	// (pages.go), decided on each one's first block.
	paging  map[uint32]*pagingChoice
	written []writtenBlock
	// inflight are the transactions handed to Badger and not yet known
	// written: a block is written while the next one is encoded.
	inflight []chan error
	err      error // sticky write error
	done     bool
}

// writtenBlock remembers the keys of one block for Abort.
type writtenBlock struct {
	id    uint64
	cols  []uint32
	terms []uint32 // columns with a term filter
}

// BeginFile starts storing one file into table (created on first use). The
// file's rows become visible only when Commit returns nil; Abort (or a crash)
// leaves the database as it was.
//
// BeginFile waits while another FileWriter of the same table is open. It
// fails with ErrReadOnly on a read-only database and ErrDuplicateFile when
// a file with info.SHA256 was already committed (a zero SHA256 is checked
// by Commit, after SetSHA256).
func (db *DB) BeginFile(table string, info FileInfo) (*FileWriter, error) {
	if db.opts.ReadOnly {
		return nil, fmt.Errorf("cannot store %s: %w", info.Path, ErrReadOnly)
	}
	if table == "" {
		return nil, fmt.Errorf("cannot store %s: empty table name", info.Path)
	}
	lock := db.tableLock(table)
	select {
	case lock <- struct{}{}:
	case <-db.closing:
		return nil, fmt.Errorf("cannot store %s: %w", info.Path, ErrClosed)
	}
	w, err := db.beginFile(table, info, lock)
	if err != nil {
		<-lock
		return nil, fmt.Errorf("cannot store %s into table %q: %w", info.Path, table, err)
	}
	return w, nil
}

func (db *DB) beginFile(table string, info FileInfo, lock chan struct{}) (_ *FileWriter, err error) {
	defer recoverBadger(&err)
	if err := db.enter(); err != nil {
		return nil, err
	}
	defer db.leave()
	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()
	if info.SHA256 == ([32]byte{}) {
		// Hashed while stored: Commit checks, after SetSHA256.
	} else if f, ok, err := getFileRecord(txn, info.SHA256, db.sums); err != nil {
		return nil, err
	} else if ok {
		return nil, fmt.Errorf("%w: same SHA-256 as %s, stored in table %q on %s",
			ErrDuplicateFile, f.Path, f.Table, f.Ingested.Format(time.RFC3339))
	}
	cat, err := loadCatalog(txn, db.sums)
	if err != nil {
		return nil, err
	}
	w := &FileWriter{db: db, lock: lock, table: table, info: info, byName: make(map[string]int)}
	for _, t := range cat {
		if t.rec.name == table {
			w.tid, w.base = t.id, t.rec
			w.cols = append(w.cols, t.cols...)
			break
		}
	}
	if w.tid == 0 {
		w.tid, w.isNew = db.allocTableID(), true
		w.base = tableRecord{name: table}
	}
	for i, c := range w.cols {
		w.byName[c.Name] = i
	}
	w.nOld = len(w.cols)
	w.nextCol = w.base.nextCol
	w.next = w.base.nextBlock
	return w, nil
}

// WriteBlock stores one block of at most BlockRows rows. schema names and
// types b's columns; unknown names become new columns of the table; a known
// name with another type fails with ErrTypeConflict.
//
// A block of zero rows stores nothing but still adds its columns. Vectors
// may be in any representation (dictionary or plain strings, constants);
// WriteBlock does not keep them.
func (w *FileWriter) WriteBlock(schema column.Schema, b *column.Batch) error {
	return w.WriteBlockHashes(schema, b, nil)
}

// WriteBlockHashes is WriteBlock that also stores hashes, one per row of
// b (nil: none), as the block's row hashes (rowhash.go), in the same
// transaction as its values.
func (w *FileWriter) WriteBlockHashes(schema column.Schema, b *column.Batch, hashes []uint64) error {
	if w.done {
		return errors.New("storage: WriteBlock after Commit or Abort")
	}
	if w.err != nil {
		return w.err
	}
	if hashes != nil && b != nil && len(hashes) != b.Len {
		return fmt.Errorf("cannot store %s into table %q: %d row hashes for %d rows", w.info.Path, w.table, len(hashes), b.Len)
	}
	for _, f := range schema {
		if isDerivedName(f.Name) {
			return fmt.Errorf("cannot store %s into table %q: column name %q holds a NUL character", w.info.Path, w.table, f.Name)
		}
	}
	if b != nil {
		schema, b = withDerived(schema, b, w.db.version)
	}
	ids, added, err := w.resolve(schema, b)
	if err != nil {
		return fmt.Errorf("cannot store %s into table %q: %w", w.info.Path, w.table, err)
	}
	for _, c := range added {
		w.byName[c.Name] = len(w.cols)
		w.cols = append(w.cols, c)
	}
	w.nextCol += uint32(len(added))
	if b.Len == 0 {
		return nil
	}
	if err := w.writeBlock(ids, schema, b, hashes); err != nil {
		w.err = fmt.Errorf("cannot store %s into table %q: %w", w.info.Path, w.table, err)
		return w.err
	}
	return nil
}

// resolve maps schema onto column IDs, checking it against b and the
// table, and returns the columns it would add. It changes nothing, so a
// failed WriteBlock leaves the writer as it was.
func (w *FileWriter) resolve(schema column.Schema, b *column.Batch) (ids []uint32, added []ColumnInfo, err error) {
	if b == nil {
		return nil, nil, errors.New("nil batch")
	}
	if len(schema) != len(b.Cols) {
		return nil, nil, fmt.Errorf("schema has %d columns, batch %d", len(schema), len(b.Cols))
	}
	if b.Len < 0 || b.Len > BlockRows {
		return nil, nil, fmt.Errorf("block of %d rows (at most %d)", b.Len, BlockRows)
	}
	ids = make([]uint32, len(schema))
	seen := make(map[string]bool, len(schema))
	for i, f := range schema {
		if seen[f.Name] {
			return nil, nil, fmt.Errorf("column %q appears twice", f.Name)
		}
		seen[f.Name] = true
		if !validType(f.Type) {
			return nil, nil, fmt.Errorf("column %q has unstorable type %s", f.Name, f.Type)
		}
		v := b.Cols[i]
		switch {
		case v == nil:
			return nil, nil, fmt.Errorf("column %q has no vector", f.Name)
		case v.Type != f.Type:
			return nil, nil, fmt.Errorf("column %q is %s in the schema but its vector is %s", f.Name, f.Type, v.Type)
		case v.Len != b.Len:
			return nil, nil, fmt.Errorf("column %q has %d rows, batch %d", f.Name, v.Len, b.Len)
		}
		if j, ok := w.byName[f.Name]; ok {
			c := w.cols[j]
			if c.Type != f.Type {
				return nil, nil, fmt.Errorf("%w: column %q is %s in table %q but %s in %s",
					ErrTypeConflict, f.Name, c.Type, w.table, f.Type, w.info.Path)
			}
			ids[i] = c.ID
			continue
		}
		c := ColumnInfo{ID: w.nextCol + uint32(len(added)), Name: f.Name, Type: f.Type}
		added = append(added, c)
		ids[i] = c.ID
	}
	return ids, added, nil
}

// writeBlock encodes b's columns (in parallel: a block's columns are
// independent) and writes them with the block meta.
func (w *FileWriter) writeBlock(ids []uint32, schema column.Schema, b *column.Batch, hashes []uint64) error {
	n := len(schema)
	shared, err := w.sharedStates(ids, schema)
	if err != nil {
		return err
	}
	// Paging choices for the columns that may be paged, made before the
	// goroutines start (one column per goroutine).
	paging := make([]*pagingChoice, n)
	for i, v := range b.Cols {
		if pagedEligible(v, w.db.version) {
			if w.paging == nil {
				w.paging = make(map[uint32]*pagingChoice)
			}
			if w.paging[ids[i]] == nil {
				w.paging[ids[i]] = new(pagingChoice)
			}
			paging[i] = w.paging[ids[i]]
		}
	}
	vals := make([][]byte, n)
	filters := make([][]byte, n) // term filters (terms.go), nil for none
	cols := make([]blockCol, n)
	filter := func(i int, terms *column.Vector) {
		if f, ok := appendTermFilter(nil, terms, w.db.version); ok {
			filters[i] = f
		}
	}
	// encode stores column i's value; it returns what its term filter is
	// built from.
	encode := func(i int) (terms *column.Vector) {
		var st ColStats
		terms = b.Cols[i]
		if d := shared[i]; d != nil {
			if codes, ok := d.assign(b.Cols[i]); ok {
				used := usedEntries(codes, d.entries)
				vals[i], st = appendSharedColumnValue(nil, schema[i].Type, codes, len(d.entries), used)
				// The same filter from each value once, not from every row.
				terms = valuesOf(used)
			}
		}
		if vals[i] == nil && paging[i] != nil {
			vals[i], st = paging[i].encode(b.Cols[i], w.db.version)
		}
		if vals[i] == nil {
			vals[i], st = appendColumnValueFormat(nil, b.Cols[i], w.db.version)
		}
		st.Bytes = len(vals[i])
		cols[i] = blockCol{id: ids[i], typ: schema[i].Type, stats: st}
		return terms
	}
	// A column's value and its term filter are separate tasks (unless a
	// shared dictionary decides what the filter is built from), taken
	// biggest first, so that the cores finish a block together instead of
	// one encoding the URLs while the other waits.
	type task struct {
		size int64 // the values' bytes (cache.go): what the work grows with
		run  func()
	}
	tasks := make([]task, 0, 2*n)
	for i := range n {
		size := vectorBytes(b.Cols[i])
		switch {
		case !indexesTerms(schema[i].Type) || isDerivedName(schema[i].Name):
			// A derived column is read only in place of its source,
			// never searched for terms.
			tasks = append(tasks, task{size, func() { encode(i) }})
		case shared[i] != nil:
			tasks = append(tasks, task{2 * size, func() { filter(i, encode(i)) }})
		default:
			tasks = append(tasks, task{size, func() { encode(i) }}, task{size, func() { filter(i, b.Cols[i]) }})
		}
	}
	slices.SortStableFunc(tasks, func(a, b task) int { return cmp.Compare(b.size, a.size) })
	parallelFor(len(tasks), func(k int) { tasks[k].run() })
	bid := w.next
	meta := appendBlockMeta(nil, b.Len, cols)
	size := int64(len(meta))
	var termCols []uint32
	for i, v := range vals {
		size += int64(len(v)) + int64(len(filters[i]))
		if filters[i] != nil {
			termCols = append(termCols, ids[i])
		}
	}
	// Each value is written twice: into the log, then into a table.
	if err := checkSpace(w.db.dir, w.db.opts, 2*size); err != nil {
		return err
	}

	if err := w.db.enter(); err != nil {
		return err
	}
	defer w.db.leave()
	// Remember the block before writing: if the write fails half way,
	// Abort still knows what to delete.
	w.next++
	w.written = append(w.written, writtenBlock{id: bid, cols: ids, terms: termCols})
	keys := make([][]byte, 0, 2*len(vals)+1)
	values := make([][]byte, 0, cap(keys))
	for i := range vals {
		key := dataKey(w.tid, bid, ids[i])
		keys, values = append(keys, key), append(values, seal(w.db.sums, key, vals[i]))
		if filters[i] != nil {
			tkey := termsKey(w.tid, bid, ids[i])
			keys, values = append(keys, tkey), append(values, seal(w.db.sums, tkey, filters[i]))
		}
	}
	mkey := metaKey(w.tid, bid)
	keys, values = append(keys, mkey), append(values, seal(w.db.sums, mkey, meta))
	if hashes != nil {
		keys, values = append(keys, rowHashKey(w.tid, bid)), append(values, appendRowHashes(nil, hashes))
	}
	if err := injected("block"); err != nil {
		return err
	}
	// The block before is written by now (at most one block is in
	// flight); this one is written while the caller encodes the next.
	if err := w.Flush(); err != nil {
		return err
	}
	if err := w.send(keys, values); err != nil {
		return err
	}
	w.rows += int64(b.Len)
	if w.next%pageOutEvery == 0 {
		pageOutMapped(w.db.dir)
	}
	return nil
}

// send hands entries to Badger in as many transactions as its size limit
// needs, without waiting for them to be written (Flush waits). Atomicity
// comes from Commit, not from here.
func (w *FileWriter) send(keys, values [][]byte) error {
	txn := w.db.bdb.NewTransaction(true)
	for i := range keys {
		err := txn.Set(keys[i], values[i])
		if errors.Is(err, badger.ErrTxnTooBig) {
			w.commitAsync(txn)
			txn = w.db.bdb.NewTransaction(true)
			err = txn.Set(keys[i], values[i])
		}
		if err != nil {
			txn.Discard()
			return ioError(err)
		}
	}
	w.commitAsync(txn)
	return nil
}

func (w *FileWriter) commitAsync(txn *badger.Txn) {
	done := make(chan error, 1)
	txn.CommitWith(func(err error) { done <- err })
	w.inflight = append(w.inflight, done)
}

// Flush waits until the blocks handed over so far are written (not yet
// visible: that takes Commit). WriteBlock leaves its block to be written
// while the caller prepares the next; Commit and Abort flush first.
func (w *FileWriter) Flush() error {
	var first error
	for _, done := range w.inflight {
		if err := <-done; err != nil && first == nil {
			first = err
		}
	}
	w.inflight = w.inflight[:0]
	return ioError(first)
}

// sharedStates returns the shared-dictionary state of each string column
// of schema (nil for other columns, and for all in databases older than
// format 5), reading a column's committed dictionary on its first block.
// Columns are handed to the encoding goroutines one each, so a state is
// never used by two at once.
func (w *FileWriter) sharedStates(ids []uint32, schema column.Schema) (_ []*sharedState, err error) {
	if w.db.version < firstSharedDictFormat {
		return make([]*sharedState, len(ids)), nil
	}
	defer recoverBadger(&err)
	out := make([]*sharedState, len(ids))
	for i, f := range schema {
		if f.Type != column.String {
			continue
		}
		d, ok := w.shared[ids[i]]
		if !ok {
			var entries []string
			var closed bool
			if !w.isNew && ids[i] < w.base.nextCol {
				if err := w.db.enter(); err != nil {
					return nil, err
				}
				err := w.db.bdb.View(func(txn *badger.Txn) error {
					var err error
					entries, closed, err = loadSharedDict(txn, w.db.sums, w.tid, ids[i])
					return err
				})
				w.db.leave()
				if err != nil {
					return nil, err
				}
			}
			if w.shared == nil {
				w.shared = make(map[uint32]*sharedState)
			}
			d = newSharedState(entries, closed)
			w.shared[ids[i]] = d
		}
		out[i] = d
	}
	return out, nil
}

// putSharedDicts writes, in the commit transaction, the entries each
// shared dictionary gained and the markers of newly closed columns.
func (w *FileWriter) putSharedDicts(txn *badger.Txn) error {
	for cid, d := range w.shared {
		for start := d.committed; start < len(d.entries); start += dictChunkMax {
			end := min(start+dictChunkMax, len(d.entries))
			key := dictKey(w.tid, cid, uint32(start))
			if err := txn.Set(key, seal(w.db.sums, key, appendDictChunk(nil, d.entries[start:end]))); err != nil {
				return err
			}
		}
		if d.closed && !d.wasClosed {
			key := dictKey(w.tid, cid, dictClosed)
			if err := txn.Set(key, seal(w.db.sums, key, appendDictChunk(nil, nil))); err != nil {
				return err
			}
		}
	}
	return nil
}

// pageOutEvery is how many blocks a writer stores between giving the
// pages it wrote through Badger's file maps back (pageOutMapped).
const pageOutEvery = 8

// parallelFor runs fn(0..n-1) on up to GOMAXPROCS goroutines.
func parallelFor(n int, fn func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// Commit makes every block written so far visible at once, with the file's
// record, in one transaction. It returns the rows stored. If Commit fails,
// the file's blocks are discarded as by Abort.
func (w *FileWriter) Commit() (int64, error) {
	if w.done {
		return 0, errors.New("storage: Commit after Commit or Abort")
	}
	if w.err != nil {
		err := w.err
		w.Abort()
		return 0, err
	}
	if w.info.SHA256 == ([32]byte{}) {
		w.Abort()
		return 0, fmt.Errorf("storage: Commit of %s without its SHA-256", w.info.Path)
	}
	committed, err := w.commit()
	if err != nil && !committed {
		w.Abort()
		return 0, fmt.Errorf("cannot commit %s into table %q: %w", w.info.Path, w.table, err)
	}
	w.finish()
	if err != nil {
		return w.rows, fmt.Errorf("committed %s into table %q but cannot sync it to disk: %w", w.info.Path, w.table, err)
	}
	return w.rows, nil
}

// commit runs the commit transaction; committed reports whether it landed.
func (w *FileWriter) commit() (committed bool, err error) {
	if err := w.db.enter(); err != nil {
		return false, err
	}
	defer w.db.leave()
	// One commit at a time takes the next sequence number and journals
	// it (commits.go).
	w.db.commitMu.Lock()
	defer w.db.commitMu.Unlock()
	bdb := w.db.bdb
	// Make the blocks durable before the record that names them.
	if err := injected("sync"); err != nil {
		return false, err
	}
	if err := w.Flush(); err != nil {
		return false, err
	}
	if err := bdb.Sync(); err != nil {
		return false, ioError(err)
	}
	rec := w.base
	rec.nextCol = w.nextCol
	rec.nextBlock = w.next
	rec.blocks += uint64(len(w.written))
	rec.rows += w.rows
	file := FileRecord{SHA256: w.info.SHA256, Path: w.info.Path, Table: w.table, Rows: w.rows, Ingested: time.Now().UTC()}
	var seq uint64
	err = bdb.Update(func(txn *badger.Txn) error {
		if f, ok, err := getFileRecord(txn, w.info.SHA256, w.db.sums); err != nil {
			return err
		} else if ok {
			return fmt.Errorf("%w: same SHA-256 as %s, stored in table %q", ErrDuplicateFile, f.Path, f.Table)
		}
		// The table lock makes us the only writer of this table; check
		// the catalog anyway, since a mismatch would lose data.
		item, err := txn.Get(tableKey(w.tid))
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
			if !w.isNew {
				return fmt.Errorf("BUG: table %q (ID %d) vanished during the write", w.table, w.tid)
			}
		case err != nil:
			return err
		default:
			var cur tableRecord
			if err := item.Value(func(v []byte) error {
				if v, err = unseal(w.db.sums, item.Key(), v); err != nil {
					return err
				}
				cur, err = decodeTableRecord(v)
				return err
			}); err != nil {
				return err
			}
			if w.isNew || cur != w.base {
				return fmt.Errorf("BUG: table %q (ID %d) changed during the write", w.table, w.tid)
			}
		}
		for _, c := range w.cols[w.nOld:] {
			key := columnKey(w.tid, c.ID)
			if err := txn.Set(key, seal(w.db.sums, key, appendColumnRecord(nil, c))); err != nil {
				return err
			}
		}
		if err := w.putSharedDicts(txn); err != nil {
			return err
		}
		tkey, fkey := tableKey(w.tid), fileKey(w.info.SHA256)
		if err := txn.Set(tkey, seal(w.db.sums, tkey, appendTableRecord(nil, rec))); err != nil {
			return err
		}
		if err := txn.Set(fkey, seal(w.db.sums, fkey, appendFileRecord(nil, file))); err != nil {
			return err
		}
		if seq, err = readCommitSeq(txn, w.db.sums); err != nil {
			return err
		}
		seq++
		ckey := commitKey()
		if err := txn.Set(ckey, seal(w.db.sums, ckey, binary.AppendUvarint(nil, seq))); err != nil {
			return err
		}
		return injected("commit")
	})
	if err != nil {
		return false, ioError(err)
	}
	if err := bdb.Sync(); err != nil {
		return true, ioError(err)
	}
	w.db.journalCommit(seq, file.Ingested, w.table, rec, file)
	return true, nil
}

// SetSHA256 gives the file's hash when BeginFile had none (the content
// was hashed while it was stored). Commit refuses a file without one.
func (w *FileWriter) SetSHA256(sha [32]byte) { w.info.SHA256 = sha }

// Abort discards what was written; the database is as before BeginFile.
// It is a no-op after Commit or Abort, so it can be deferred.
func (w *FileWriter) Abort() error {
	if w.done {
		return nil
	}
	// Dropping the blocks first gives their space back; deleting them
	// (abort) then only writes tombstones over nothing, but still does
	// the job if the drop failed. Blocks still being written land first.
	w.Flush()
	rerr := w.reclaim()
	if errors.Is(rerr, errNoRoom) {
		// Deleting the blocks would write to a full disk too. They are
		// invisible (past the commit point), and the next writer's open
		// removes them and reclaims their space.
		w.finish()
		return rerr
	}
	if err := w.abort(); err != nil {
		return err
	}
	return rerr
}

// errNoRoom marks a clean-up left to the next writer for want of space.
var errNoRoom = errors.New("no room to clean up")

// abort deletes the written blocks and releases the table. If the
// deletion fails the blocks stay invisible, and the next Open removes them.
func (w *FileWriter) abort() error {
	defer w.finish()
	if len(w.written) == 0 {
		return nil
	}
	if err := w.db.enter(); err != nil {
		return err
	}
	defer w.db.leave()
	wb := w.db.bdb.NewWriteBatch()
	for _, b := range w.written {
		for _, cid := range b.cols {
			if err := wb.Delete(dataKey(w.tid, b.id, cid)); err != nil {
				wb.Cancel()
				return fmt.Errorf("cannot discard %s: %w", w.info.Path, err)
			}
		}
		for _, cid := range b.terms {
			if err := wb.Delete(termsKey(w.tid, b.id, cid)); err != nil {
				wb.Cancel()
				return fmt.Errorf("cannot discard %s: %w", w.info.Path, err)
			}
		}
		if err := wb.Delete(metaKey(w.tid, b.id)); err != nil {
			wb.Cancel()
			return fmt.Errorf("cannot discard %s: %w", w.info.Path, err)
		}
	}
	if err := injected("abort"); err != nil {
		wb.Cancel()
		return fmt.Errorf("cannot discard %s: %w", w.info.Path, err)
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("cannot discard %s: %w", w.info.Path, ioError(err))
	}
	return nil
}

// reclaim drops the aborted blocks' keys and gives their value-log space
// back (deleted values would stay in the log). Abort runs it before abort,
// whose deletes still hide the blocks if it fails; a failure only leaves
// the space to a later collection.
//
// Reclaiming writes too (a memtable flush, compacted tables, the live
// values of rewritten value-log files), so on a disk without the reserve
// free (the usual reason to abort) it is left to the next writer, whose
// open removes the blocks and reclaims their space; `clickhunt recover`
// does it at once.
func (w *FileWriter) reclaim() error {
	if len(w.written) == 0 {
		return nil
	}
	if err := injected("abort"); err != nil {
		return err
	}
	if err := checkSpace(w.db.dir, w.db.opts, 0); err != nil {
		return fmt.Errorf("%w: discarded %s but cannot reclaim its space now (%w); the next ingest or `clickhunt recover` does", errNoRoom, w.info.Path, err)
	}
	var prefixes [][]byte
	for _, b := range w.written {
		for _, kind := range []byte{kindMeta, kindData, kindTerms, kindRowHash} {
			prefixes = append(prefixes, kindBlockKey(kind, w.tid, b.id))
		}
	}
	if err := w.db.dropKeys(prefixes); err != nil {
		return fmt.Errorf("discarded %s but cannot reclaim its space yet: %w", w.info.Path, err)
	}
	return nil
}

// finish releases the table's writer lock.
func (w *FileWriter) finish() {
	if !w.done {
		w.done = true
		<-w.lock
	}
}
