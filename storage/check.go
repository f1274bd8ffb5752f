package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"

	badger "github.com/dgraph-io/badger/v4"

	"clickhunt/column"
)

// maxProblems bounds the problems a CheckReport lists; the rest are only
// counted.
const maxProblems = 200

// CheckReport is what DB.Check found.
type CheckReport struct {
	// Format is the database's format version; Checksums is set when its
	// values carry checksums (version 2 on).
	Format    uint32
	Checksums bool
	// What was read and verified.
	Tables, Columns, Blocks, Values, Files int
	Rows                                   int64
	// DerivedColumns counts the derived columns (derived.go), which
	// Columns, the columns users see, leaves out.
	DerivedColumns int
	// TermFilters counts the term filters verified (terms.go).
	TermFilters int
	// SharedEntries counts the shared dictionary entries verified
	// (shared.go).
	SharedEntries int
	// Orphans counts keys of blocks no commit covers (an interrupted
	// ingest's); they are invisible and a read-write open removes them.
	Orphans int
	// OrphanTables names the table files (.sst) Badger's MANIFEST does
	// not list: a write interrupted before recording them left them
	// (the commit journal shows nothing is missing, or Problems says
	// so). They are no part of the database; the next writer deletes
	// them.
	OrphanTables []string
	// Journal describes the commit journal: how many commits it records
	// and whether it is behind the database (a crash between a commit
	// and its record, or commits by an older clickhunt), or "" when the
	// database is older than the journal.
	Journal string
	// Problems describe damage, each naming the table, block and column
	// or the record affected. A healthy database has none.
	Problems []string
	// More counts problems left out of Problems.
	More int
}

// OK reports whether the check found no damage.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

func (r *CheckReport) problem(format string, args ...any) {
	if len(r.Problems) >= maxProblems {
		r.More++
		return
	}
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// Check reads and verifies everything in the database: Badger's own
// table checksums, then every catalog record, block meta, column value
// and file record against its checksum and decoder, and the counts that
// tie them together (columns per table, blocks and rows per table, rows
// per file). Damage goes into the report; the error is for a check that
// could not run (cancelled, database closed).
func (db *DB) Check(ctx context.Context) (*CheckReport, error) {
	if err := db.enter(); err != nil {
		return nil, err
	}
	defer db.leave()
	r := &CheckReport{Format: db.version, Checksums: db.sums}
	for _, d := range db.damage {
		r.problem("%s", d)
	}
	if db.st != nil && (!db.st.torn() || len(db.damage) == 0) {
		for _, id := range db.st.unlisted {
			r.OrphanTables = append(r.OrphanTables, tableFiles([]uint64{id}))
		}
	}
	if err := db.verifyBadger(); err != nil {
		r.problem("storage file corrupt: %v", err)
	}
	db.checkJournal(r)
	txn := db.bdb.NewTransaction(false)
	defer txn.Discard()

	cat := db.checkCatalog(txn, r)
	for _, t := range cat {
		if err := db.checkTable(ctx, txn, t, r); err != nil {
			return r, err
		}
	}
	db.checkFiles(txn, cat, r)
	db.checkStrays(txn, cat, r)
	return r, ctx.Err()
}

// verifyBadger checks the CRC of every block of Badger's table files.
func (db *DB) verifyBadger() (err error) {
	defer func() {
		// Badger dereferences the nil block when it reports a bad one.
		if recover() != nil {
			err = errors.New("a block of a Badger table file (.sst) fails its checksum")
		}
	}()
	return db.bdb.VerifyChecksum()
}

// checkCatalog reads the table and column records one by one, reporting
// each bad one, and returns the tables that can be checked further.
func (db *DB) checkCatalog(txn *badger.Txn, r *CheckReport) map[uint32]*tableState {
	cat := make(map[uint32]*tableState)
	scanItems(txn, tablePrefix(), r, func(k, v []byte) {
		tid, err := parseTableKey(k)
		if err == nil {
			v, err = unseal(db.sums, k, v)
		}
		var rec tableRecord
		if err == nil {
			rec, err = decodeTableRecord(v)
		}
		if err != nil {
			r.problem("catalog: table record %x: %v", k, err)
			return
		}
		cat[tid] = &tableState{id: tid, rec: rec, byID: make(map[uint32]ColumnInfo)}
	})
	scanItems(txn, []byte{kindColumn}, r, func(k, v []byte) {
		tid, cid, err := parseColumnKey(k)
		if err == nil {
			v, err = unseal(db.sums, k, v)
		}
		var c ColumnInfo
		if err == nil {
			c, err = decodeColumnRecord(v, cid)
		}
		if err != nil {
			r.problem("catalog: column %d of table %d: %v", cid, tid, err)
			return
		}
		t, ok := cat[tid]
		if !ok {
			r.problem("catalog: column %q (ID %d) belongs to table %d, which has no record", c.Name, cid, tid)
			return
		}
		t.cols = append(t.cols, c)
		t.byID[cid] = c
		if isDerivedName(c.Name) {
			r.DerivedColumns++
		} else {
			r.Columns++
		}
	})
	for _, t := range cat {
		if len(t.cols) != int(t.rec.nextCol) {
			r.problem("catalog: table %q has %d column records, its record counts %d", t.rec.name, len(t.cols), t.rec.nextCol)
		}
	}
	r.Tables = len(cat)
	return cat
}

// checkTable verifies every committed block of t: its meta, then each
// column value the meta names.
func (db *DB) checkTable(ctx context.Context, txn *badger.Txn, t *tableState, r *CheckReport) error {
	name := t.rec.name
	metas := make(map[uint64]BlockMeta)
	var rows int64
	scanItems(txn, metaPrefix(t.id), r, func(k, v []byte) {
		_, bid, err := parseMetaKey(k)
		if err != nil {
			r.problem("table %q: %v", name, err)
			return
		}
		if bid >= t.rec.nextBlock {
			r.Orphans++
			return
		}
		v, err = unseal(db.sums, k, v)
		var m BlockMeta
		if err == nil {
			m, err = decodeBlockMeta(v, bid)
		}
		if err != nil {
			r.problem("table %q block %d: meta: %v", name, bid, err)
			return
		}
		for _, cid := range m.Stats.IDs() {
			if _, ok := t.byID[cid]; !ok {
				r.problem("table %q block %d: meta names column ID %d, which the catalog lacks", name, bid, cid)
			}
		}
		metas[bid] = m
		rows += int64(m.Rows)
	})
	r.Blocks += len(metas)
	r.Rows += rows
	if uint64(len(metas)) != t.rec.blocks || rows != t.rec.rows {
		r.problem("table %q: found %d readable blocks of %d rows, the catalog records %d blocks of %d rows",
			name, len(metas), rows, t.rec.blocks, t.rec.rows)
	}

	// Walk the table's column values in key order, checking each against
	// the meta of its block; what a meta names but the walk never meets
	// is missing.
	seen := make(map[[2]uint64]bool)
	// Shared dictionaries, read on a column's first shared block: the
	// entries there are (-1 when unreadable, reported once).
	shared := make(map[uint32]int)
	sharedLen := func(c ColumnInfo) int {
		n, ok := shared[c.ID]
		if !ok {
			entries, _, err := loadSharedDict(txn, db.sums, t.id, c.ID)
			n = len(entries)
			if err != nil {
				r.problem("table %q column %q: %v", name, c.Name, err)
				n = -1
			}
			r.SharedEntries += max(n, 0)
			shared[c.ID] = n
		}
		return n
	}
	err := scanBlockValues(ctx, txn, dataPrefix(t.id), parseDataKey, t, metas, r, func(k, v []byte, bid uint64, cid uint32, m BlockMeta) {
		st, ok := m.Stats.Get(cid)
		c, known := t.byID[cid]
		if !ok || !known {
			return
		}
		seen[[2]uint64{bid, uint64(cid)}] = true
		r.Values++
		if perr := checkValue(db.sums, k, v, c.Type, m.Rows, st, func() int { return sharedLen(c) }); perr != nil {
			r.problem("table %q block %d column %q: %v", name, bid, c.Name, perr)
		}
	})
	if err != nil {
		return err
	}
	for bid, m := range metas {
		for _, cid := range m.Stats.IDs() {
			if c, ok := t.byID[cid]; ok && !seen[[2]uint64{bid, uint64(cid)}] {
				r.problem("table %q block %d column %q: column value missing", name, bid, c.Name)
			}
		}
	}
	return db.checkTermFilters(ctx, txn, t, metas, r)
}

// checkTermFilters verifies t's term filters: each against its checksum
// and decoder, and against the block and column it names. Filters are
// optional (older blocks have none), so none is ever missing.
func (db *DB) checkTermFilters(ctx context.Context, txn *badger.Txn, t *tableState, metas map[uint64]BlockMeta, r *CheckReport) error {
	name := t.rec.name
	return scanBlockValues(ctx, txn, termsPrefix(t.id), parseTermsKey, t, metas, r, func(k, v []byte, bid uint64, cid uint32, m BlockMeta) {
		c, known := t.byID[cid]
		if !m.Stats.Has(cid) || !known || !indexesTerms(c.Type) {
			r.problem("table %q block %d: term filter of column ID %d, which the block has no string column for", name, bid, cid)
			return
		}
		r.TermFilters++
		if perr := checkTermFilter(db.sums, k, v); perr != nil {
			r.problem("table %q block %d column %q: term filter: %v", name, bid, c.Name, perr)
		}
	})
}

// scanBlockValues walks the per-(block, column) values of t under prefix:
// a key that does not parse is a problem, one past the committed blocks an
// orphan, one whose block meta is missing is skipped (that meta is reported
// already, or it is a stray, see checkStrays); fn sees the rest. It stops
// when ctx is cancelled.
func scanBlockValues(ctx context.Context, txn *badger.Txn, prefix []byte,
	parse func([]byte) (uint32, uint64, uint32, error), t *tableState, metas map[uint64]BlockMeta, r *CheckReport,
	fn func(k, v []byte, bid uint64, cid uint32, m BlockMeta)) error {
	var err error
	scanItems(txn, prefix, r, func(k, v []byte) {
		if err != nil {
			return
		}
		if err = ctx.Err(); err != nil {
			return
		}
		_, bid, cid, perr := parse(k)
		if perr != nil {
			r.problem("table %q: %v", t.rec.name, perr)
			return
		}
		if bid >= t.rec.nextBlock {
			r.Orphans++
			return
		}
		m, ok := metas[bid]
		if !ok {
			return
		}
		fn(k, v, bid, cid, m)
	})
	return err
}

// checkValue verifies one stored column value against its checksum, its
// decoder and its block meta.
func checkValue(sums bool, key, v []byte, t column.Type, rows int, st ColStats, sharedLen func() int) error {
	v, err := unseal(sums, key, v)
	if err != nil {
		return err
	}
	if len(v) != st.Bytes {
		return fmt.Errorf("%w: %d bytes stored, the block meta says %d", errCorrupt, len(v), st.Bytes)
	}
	vec, need, err := decodeColumnValueShared(v, t)
	if err != nil {
		return err
	}
	if need > 0 {
		switch n := sharedLen(); {
		case n < 0:
			return fmt.Errorf("%w: its shared dictionary is unreadable", errCorrupt)
		case n < need:
			return fmt.Errorf("%w: codes into %d entries of a shared dictionary of %d", errCorrupt, need, n)
		}
	}
	if vec.Len != rows {
		return fmt.Errorf("%w: %d rows, the block has %d", errCorrupt, vec.Len, rows)
	}
	nulls := 0
	for _, n := range vec.Nulls {
		if n {
			nulls++
		}
	}
	if !isStringType(t) && nulls != st.Nulls {
		return fmt.Errorf("%w: %d nulls, the block meta says %d", errCorrupt, nulls, st.Nulls)
	}
	return nil
}

// checkFiles verifies the file records and that each table's files add
// up to its rows.
func (db *DB) checkFiles(txn *badger.Txn, cat map[uint32]*tableState, r *CheckReport) {
	byName := make(map[string]int64)
	scanItems(txn, filePrefix(), r, func(k, v []byte) {
		sha, err := parseFileKey(k)
		if err == nil {
			v, err = unseal(db.sums, k, v)
		}
		var f FileRecord
		if err == nil {
			f, err = decodeFileRecord(v, sha)
		}
		if err != nil {
			r.problem("file record %x: %v", k, err)
			return
		}
		r.Files++
		byName[f.Table] += f.Rows
	})
	names := make(map[string]bool)
	for _, t := range cat {
		names[t.rec.name] = true
		if got := byName[t.rec.name]; got != t.rec.rows {
			r.problem("table %q: its file records add up to %d rows, the catalog records %d", t.rec.name, got, t.rec.rows)
		}
	}
	for name, rows := range byName {
		if !names[name] {
			r.problem("file records name table %q (%d rows), which the catalog lacks", name, rows)
		}
	}
}

// checkStrays counts block keys of tables that have no record: an
// interrupted first ingest into a new table leaves those.
func (db *DB) checkStrays(txn *badger.Txn, cat map[uint32]*tableState, r *CheckReport) {
	for _, kind := range []byte{kindMeta, kindData, kindTerms, kindDict} {
		prefix := []byte{kind}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		for it.Seek(prefix); it.ValidForPrefix(prefix); {
			k := it.Item().Key()
			if len(k) < 5 {
				r.problem("malformed key %x", k)
				it.Next()
				continue
			}
			tid := beUint32(k[1:])
			if _, ok := cat[tid]; ok {
				// Checked with its table: jump past it.
				it.Seek(kindTablePrefix(kind, tid+1))
				if tid == ^uint32(0) {
					break
				}
				continue
			}
			r.Orphans++
			it.Next()
		}
		it.Close()
	}
}

// scanItems calls fn with each key and value under prefix. A value Badger
// cannot read is reported and skipped.
func scanItems(txn *badger.Txn, prefix []byte, r *CheckReport, fn func(k, v []byte)) {
	var err error
	defer func() {
		if err != nil {
			r.problem("cannot scan keys %x...: %v", prefix, err)
		}
	}()
	defer recoverBadger(&err)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		k := item.KeyCopy(nil)
		err := item.Value(func(v []byte) error {
			fn(k, v)
			return nil
		})
		if err != nil {
			r.problem("cannot read the value of key %x: %v", k, errors.Join(ErrCorrupt, err))
		}
	}
}

// checkJournal compares the commit journal with the database, file
// record by file record.
func (db *DB) checkJournal(r *CheckReport) {
	c, err := db.compareJournal(true)
	if err != nil {
		r.problem("cannot compare the commit journal with the database: %v", err)
		return
	}
	for _, p := range c.problems {
		r.problem("%s", p)
	}
	if len(db.damage) == 0 {
		// Snapshots already report what a read-only open found lost.
		for _, l := range c.lost {
			r.problem("%s", l)
		}
	} else {
		for _, l := range c.lost {
			if !slices.Contains(db.damage, l) {
				r.problem("%s", l)
			}
		}
	}
	switch {
	case c.none:
	case db.journal == nil:
		r.Journal = "missing"
	default:
		r.Journal = fmt.Sprintf("%d commits", db.journal.seq)
		if c.behind > 0 {
			r.Journal += fmt.Sprintf(" (the database holds %d more: the next ingest records them)", c.behind)
		}
	}
}
