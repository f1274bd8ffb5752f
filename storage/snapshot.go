package storage

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	badger "github.com/dgraph-io/badger/v4"

	"clickhunt/column"
)

// tableState is a table as a catalog read found it.
type tableState struct {
	id   uint32
	rec  tableRecord
	cols []ColumnInfo // in ID (creation) order
	byID map[uint32]ColumnInfo
}

// commitPoint identifies the table as of its last commit, for caches.
func (t *tableState) commitPoint() metaCacheKey {
	return metaCacheKey{table: t.id, nextBlock: t.rec.nextBlock, blocks: t.rec.blocks, rows: t.rec.rows}
}

func (t *tableState) info() TableInfo {
	ti := TableInfo{
		Name:    t.rec.name,
		Columns: t.cols,
		Rows:    t.rec.rows,
		Blocks:  int(t.rec.blocks),
	}
	for i, c := range t.cols {
		if isDerivedName(c.Name) {
			if ti.Derived == nil {
				ti.Columns = slices.Clone(t.cols[:i])
			}
			ti.Derived = append(ti.Derived, c)
		} else if ti.Derived != nil {
			ti.Columns = append(ti.Columns, c)
		}
	}
	return ti
}

// declare adds the columns of schema the table lacks, as columns no block
// holds (Options.Declared). Their IDs follow the stored ones: the table
// record's next column ID onwards, which no committed block uses, so
// every read of them yields nulls. A later commit may give one of these
// IDs to a stored column; a snapshot then sees that one instead (its
// catalog is read afresh), and nothing of a declared column is cached.
func (t *tableState) declare(schema column.Schema) {
	next := t.rec.nextCol
	for _, f := range schema {
		if slices.ContainsFunc(t.cols, func(c ColumnInfo) bool { return c.Name == f.Name }) {
			continue
		}
		c := ColumnInfo{ID: next, Name: f.Name, Type: f.Type}
		next++
		t.cols = append(t.cols, c)
		t.byID[c.ID] = c
	}
}

// loadCatalog reads every table and column record in txn. The catalog is a
// few records per table and column, so it is read whole.
func loadCatalog(txn *badger.Txn, sums bool) (map[uint32]*tableState, error) {
	cat := make(map[uint32]*tableState)
	err := scanPrefix(txn, tablePrefix(), func(k, v []byte) error {
		tid, err := parseTableKey(k)
		if err != nil {
			return err
		}
		v, err = unseal(sums, k, v)
		if err != nil {
			return fmt.Errorf("table %d: %w", tid, err)
		}
		rec, err := decodeTableRecord(v)
		if err != nil {
			return fmt.Errorf("table %d: %w", tid, err)
		}
		cat[tid] = &tableState{id: tid, rec: rec, byID: make(map[uint32]ColumnInfo)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read the catalog: %w", err)
	}
	err = scanPrefix(txn, []byte{kindColumn}, func(k, v []byte) error {
		tid, cid, err := parseColumnKey(k)
		if err != nil {
			return err
		}
		v, err = unseal(sums, k, v)
		if err != nil {
			return fmt.Errorf("column %d of table %d: %w", cid, tid, err)
		}
		c, err := decodeColumnRecord(v, cid)
		if err != nil {
			return fmt.Errorf("column %d of table %d: %w", cid, tid, err)
		}
		t, ok := cat[tid]
		if !ok {
			return fmt.Errorf("%w: column %q of missing table %d", errCorruptRecord, c.Name, tid)
		}
		t.cols = append(t.cols, c) // keys come in column ID order
		t.byID[cid] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read the catalog: %w", err)
	}
	// Badger's iterators skip a table file block they cannot read, and
	// show the older version of a key from another file instead: a
	// damaged block holding the newest table record would pass for the
	// table as it was before its last files. Each commit writes the file
	// records and the table record together, so the rows of a table's
	// files must add up to the rows of its record.
	fileRows := make(map[string]int64)
	err = scanPrefix(txn, filePrefix(), func(k, v []byte) error {
		if len(k) != fileKeyLen {
			return nil // not ours to judge
		}
		v, err := unseal(sums, k, v)
		if err != nil {
			return fmt.Errorf("file record: %w", err)
		}
		f, err := decodeFileRecord(v, [32]byte(k[1:]))
		if err != nil {
			return fmt.Errorf("file record: %w", err)
		}
		fileRows[f.Table] += f.Rows
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot read the catalog: %w", err)
	}
	for _, t := range cat {
		if got := fileRows[t.rec.name]; got != int64(t.rec.rows) {
			return nil, fmt.Errorf("cannot read the catalog: %w: table %q records %d rows, its files %d",
				errCorruptRecord, t.rec.name, t.rec.rows, got)
		}
	}
	// Column IDs are handed out one after another and committed with the
	// table record that counts them, so a gap means a lost record.
	for _, t := range cat {
		if len(t.cols) != int(t.rec.nextCol) {
			return nil, fmt.Errorf("cannot read the catalog: %w: table %q has %d column records, its record counts %d",
				errCorruptRecord, t.rec.name, len(t.cols), t.rec.nextCol)
		}
	}
	return cat, nil
}

// scanPrefix calls fn with every key and value under prefix, in key order.
// Both slices are valid only during the call.
func scanPrefix(txn *badger.Txn, prefix []byte, fn func(k, v []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		k := item.Key()
		if err := item.Value(func(v []byte) error { return fn(k, v) }); err != nil {
			return err
		}
	}
	return nil
}

// Snapshot is a consistent read view of the database: one Badger read
// transaction serves the catalog, block metas and column data, so
// everything read through it reflects the same set of committed files.
//
// Its methods are safe for concurrent use; Close must not race with them.
// TableInfo and BlockMeta values it returns share slices and maps with
// the snapshot and must not be modified.
type Snapshot struct {
	db     *DB
	txn    *badger.Txn
	tables []TableInfo // sorted by name
	byName map[string]*tableState
	epoch  uint64 // this snapshot's number, for the block cache
	// passing: blocks read are not added to the block cache (PassThrough).
	passing bool

	dictMu sync.Mutex
	dicts  map[[2]uint32]*snapDict // shared dictionaries read so far

	blocksMu sync.Mutex
	blocks   map[uint32]*snapBlocks // block lists read so far, by table ID
}

// snapBlocks is one table's block list as a snapshot sees it.
type snapBlocks struct {
	once   sync.Once
	blocks []BlockMeta
	err    error
}

// snapDict is one column's shared dictionary as a snapshot sees it.
type snapDict struct {
	once    sync.Once
	entries []string
	err     error
}

// Snapshot returns a consistent read view; Close it when done. Everything
// read through one snapshot reflects the same set of committed files.
func (db *DB) Snapshot() (_ *Snapshot, err error) {
	defer recoverBadger(&err)
	if err := db.enter(); err != nil {
		return nil, err
	}
	defer db.leave()
	if len(db.damage) > 0 {
		// The files show less than was committed: answering from them
		// would pass an older database off as this one.
		return nil, fmt.Errorf("%w: %s: %s (run `clickhunt check` for the full report)", ErrCorrupt, db.dir, strings.Join(db.damage, "; "))
	}
	txn := db.bdb.NewTransaction(false)
	cat, err := loadCatalog(txn, db.sums)
	if err != nil {
		txn.Discard()
		return nil, err
	}
	s := &Snapshot{db: db, txn: txn, byName: make(map[string]*tableState, len(cat)), epoch: db.epochs.Add(1)}
	for _, t := range cat {
		t.declare(db.opts.Declared[t.rec.name])
		s.byName[t.rec.name] = t
		s.tables = append(s.tables, t.info())
	}
	slices.SortFunc(s.tables, func(a, b TableInfo) int { return strings.Compare(a.Name, b.Name) })
	return s, nil
}

// Close releases the snapshot. It is idempotent.
func (s *Snapshot) Close() {
	if s.txn != nil {
		s.txn.Discard()
		s.txn = nil
	}
}

// Tables lists the tables, sorted by name.
func (s *Snapshot) Tables() []TableInfo { return slices.Clone(s.tables) }

// Table returns the named table (case-sensitive) or ErrNoTable.
func (s *Snapshot) Table(name string) (*TableInfo, error) {
	t, ok := s.byName[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoTable, name)
	}
	info := t.info()
	return &info, nil
}

// table resolves a TableInfo (possibly from another snapshot) by name
// against this snapshot's catalog.
func (s *Snapshot) table(table *TableInfo) (*tableState, error) {
	if s.txn == nil {
		return nil, errors.New("snapshot is closed")
	}
	if table == nil {
		return nil, fmt.Errorf("%w: nil table", ErrNoTable)
	}
	t, ok := s.byName[table.Name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoTable, table.Name)
	}
	return t, nil
}

// Blocks returns the committed blocks of table in ID order (which is
// ingest order). A snapshot reads each table's list once (several scans of
// a table, and a list read ahead while the query is parsed, share it).
func (s *Snapshot) Blocks(table *TableInfo) ([]BlockMeta, error) {
	t, err := s.table(table)
	if err != nil {
		return nil, err
	}
	s.blocksMu.Lock()
	if s.blocks == nil {
		s.blocks = map[uint32]*snapBlocks{}
	}
	sb := s.blocks[t.id]
	if sb == nil {
		sb = &snapBlocks{}
		s.blocks[t.id] = sb
	}
	s.blocksMu.Unlock()
	sb.once.Do(func() { sb.blocks, sb.err = s.readBlocks(t) })
	if sb.err != nil {
		return nil, sb.err
	}
	return slices.Clone(sb.blocks), nil
}

// readBlocks reads the block list of t (or takes it from the block cache).
func (s *Snapshot) readBlocks(t *tableState) (_ []BlockMeta, err error) {
	defer recoverBadger(&err)
	ck := t.commitPoint()
	if s.db.cache != nil {
		if b, ok := s.db.cache.metas.get(t.id, ck); ok {
			return slices.Clone(b), nil
		}
	}
	if err := s.db.enter(); err != nil {
		return nil, err
	}
	defer s.db.leave()
	blocks := make([]BlockMeta, 0, min(t.rec.blocks, 1<<20))
	var rows int64
	prefix := metaPrefix(t.id)
	it := s.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		_, bid, err := parseMetaKey(item.Key())
		if err != nil {
			return nil, err
		}
		if bid >= t.rec.nextBlock {
			break // written by a file not committed in this snapshot
		}
		var m BlockMeta
		err = item.Value(func(v []byte) error {
			if v, err = unseal(s.db.sums, item.Key(), v); err != nil {
				return err
			}
			m, err = decodeBlockMeta(v, bid)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("cannot read block %d of table %q: %w", bid, t.rec.name, err)
		}
		if len(blocks) > 0 && blocks[len(blocks)-1].ID == bid {
			return nil, fmt.Errorf("BUG: block %d of table %q listed twice", bid, t.rec.name)
		}
		blocks = append(blocks, m)
		rows += int64(m.Rows)
	}
	// A meta that Badger cannot read (a damaged table file it skips)
	// must not pass for a smaller table: the counts in the table record
	// say what a whole table holds.
	if uint64(len(blocks)) != t.rec.blocks || rows != t.rec.rows {
		return nil, fmt.Errorf("cannot read the blocks of table %q: %w: found %d blocks of %d rows, the catalog records %d blocks of %d rows",
			t.rec.name, ErrCorrupt, len(blocks), rows, t.rec.blocks, t.rec.rows)
	}
	if s.db.cache != nil {
		s.db.cache.metas.keep(t.id, ck, slices.Clone(blocks))
	}
	return blocks, nil
}

// ReadColumn decodes one column of one block. A column with no data in the
// block yields a vector of nulls ("" for strings) of block.Rows rows.
//
// Strings come back dictionary-encoded (Dict and Codes, never Strs),
// integer-backed types in Ints, reals in Floats, bools in Bools; Nulls is
// nil when no row is null. The vector shares no memory with Badger; it may
// be shared with other readers through the database's block cache, so it
// must not be modified.
func (s *Snapshot) ReadColumn(table *TableInfo, block *BlockMeta, col ColumnInfo) (_ *column.Vector, err error) {
	defer recoverBadger(&err)
	t, c, err := s.locate(table, block, col)
	if err != nil {
		return nil, err
	}
	if !block.Stats.Has(c.ID) {
		return column.NewNulls(c.Type, block.Rows), nil
	}
	ck := cacheKey{table: t.id, block: block.ID, col: c.ID}
	if s.db.cache != nil {
		if v, shared := s.db.cache.get(ck, s.epoch); v != nil {
			if shared {
				// The cache keeps the codes; the dictionary is the
				// snapshot's (a later commit only appends to it).
				dict, err := s.sharedDict(t, c.ID)
				if err != nil {
					return nil, fmt.Errorf("cannot read column %q of block %d of table %q: %w", c.Name, block.ID, t.rec.name, err)
				}
				v.Dict = dict
			}
			return v, nil
		}
	}
	if err := s.db.enter(); err != nil {
		return nil, err
	}
	defer s.db.leave()
	var v *column.Vector
	var shared int
	err = s.value(t, block, c, func(val []byte) (err error) {
		v, shared, err = decodeColumnValueShared(val, c.Type)
		return err
	})
	if err == nil && v.Len != block.Rows {
		err = fmt.Errorf("%w: %d rows, block has %d", errCorrupt, v.Len, block.Rows)
	}
	if err == nil && shared > 0 {
		err = s.attachDict(t, c.ID, v, shared)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read column %q of block %d of table %q: %w", c.Name, block.ID, t.rec.name, err)
	}
	if s.db.cache != nil && !s.passing {
		s.db.cache.put(ck, v, s.epoch, shared > 0)
	}
	return v, nil
}

// PassThrough makes the column blocks this snapshot reads from now on
// pass by the block cache: taken from it when there, never added. A read
// of every block once, such as an export, would otherwise fill the cache
// (and the process's memory) in proportion to the rows, and evict what
// the analyst's queries keep there. Call it before the snapshot is
// shared between goroutines.
func (s *Snapshot) PassThrough() { s.passing = true }

// ReadColumnRows is ReadColumn for some rows of the block: rows are
// ascending row numbers within it, and the result has len(rows) rows.
// Without a block cache, a paged column (pages.go) decodes only the pages
// that hold those rows: a filter that keeps a few rows of a block no
// longer pays for decompressing its URLs and ids whole. With a cache, the
// whole column is read (and kept for the next query) and gathered.
func (s *Snapshot) ReadColumnRows(table *TableInfo, block *BlockMeta, col ColumnInfo, rows []uint32) (_ *column.Vector, err error) {
	if s.db.cache != nil {
		if v, ok, err := s.cachedRows(table, block, col, rows); ok {
			return v, err
		}
		if !s.passing {
			v, err := s.ReadColumn(table, block, col)
			if err != nil {
				return nil, err
			}
			return v.Gather(rows), nil
		}
	}
	defer recoverBadger(&err)
	t, c, err := s.locate(table, block, col)
	if err != nil {
		return nil, err
	}
	if !block.Stats.Has(c.ID) {
		return column.NewNulls(c.Type, len(rows)), nil
	}
	if err := s.db.enter(); err != nil {
		return nil, err
	}
	defer s.db.leave()
	var v *column.Vector
	var shared int
	if rows == nil {
		rows = []uint32{} // no rows, not all of them
	}
	err = s.value(t, block, c, func(val []byte) (err error) {
		if len(val) > 0 && val[0] == valuePaged {
			v, err = decodePagedRows(val, c.Type, block.Rows, rows)
			return err
		}
		v, shared, err = decodeColumnValueRows(val, c.Type, rows, block.Rows)
		return err
	})
	if err == nil && shared > 0 {
		err = s.attachDict(t, c.ID, v, shared)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read column %q of block %d of table %q: %w", c.Name, block.ID, t.rec.name, err)
	}
	return v, nil
}

// cachedRows serves ReadColumnRows from the block cache; ok is false when
// the block is not cached (ReadColumn then reads and caches it whole).
func (s *Snapshot) cachedRows(table *TableInfo, block *BlockMeta, col ColumnInfo, rows []uint32) (_ *column.Vector, ok bool, _ error) {
	t, c, err := s.locate(table, block, col)
	if err != nil || !block.Stats.Has(c.ID) {
		return nil, false, nil
	}
	v, shared := s.db.cache.getRows(cacheKey{table: t.id, block: block.ID, col: c.ID}, s.epoch, rows)
	if v == nil {
		return nil, false, nil
	}
	if shared {
		dict, err := s.sharedDict(t, c.ID)
		if err != nil {
			return nil, true, fmt.Errorf("cannot read column %q of block %d of table %q: %w", c.Name, block.ID, t.rec.name, err)
		}
		v.Dict = dict
	}
	return v, true, nil
}

// locate resolves a column of a block against this snapshot.
func (s *Snapshot) locate(table *TableInfo, block *BlockMeta, col ColumnInfo) (*tableState, ColumnInfo, error) {
	t, err := s.table(table)
	if err != nil {
		return nil, ColumnInfo{}, err
	}
	c, ok := t.byID[col.ID]
	if !ok || c.Name != col.Name {
		return nil, ColumnInfo{}, fmt.Errorf("table %q has no column %q with ID %d", t.rec.name, col.Name, col.ID)
	}
	if block.ID >= t.rec.nextBlock {
		return nil, ColumnInfo{}, fmt.Errorf("block %d of table %q is not committed in this snapshot", block.ID, t.rec.name)
	}
	return t, c, nil
}

// value passes the stored value of column c of block (its checksum
// verified and stripped) to fn, which must not keep it. The caller holds
// db.enter.
func (s *Snapshot) value(t *tableState, block *BlockMeta, c ColumnInfo, fn func(val []byte) error) error {
	key := dataKey(t.id, block.ID, c.ID)
	item, err := s.txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		// The block meta says the column was written: its value is lost.
		err = fmt.Errorf("%w: column value missing or unreadable (a damaged storage file?)", ErrCorrupt)
	}
	if err != nil {
		return err
	}
	return item.Value(func(val []byte) error {
		val, err := unseal(s.db.sums, key, val)
		if err != nil {
			return err
		}
		return fn(val)
	})
}

// attachDict gives v, a block coded into column cid's shared dictionary
// (its codes use the first need entries), the whole dictionary as this
// snapshot sees it: every block of the column then shares one Dict, so
// per-value work (predicates, group lookups) can be done once per query.
func (s *Snapshot) attachDict(t *tableState, cid uint32, v *column.Vector, need int) error {
	dict, err := s.sharedDict(t, cid)
	if err != nil {
		return err
	}
	if len(dict) < need {
		return fmt.Errorf("%w: codes into %d entries of a shared dictionary of %d", errCorrupt, need, len(dict))
	}
	v.Dict = dict
	return nil
}

// sharedDict reads column cid's shared dictionary once per snapshot (and,
// with a block cache, once per commit of the table).
func (s *Snapshot) sharedDict(t *tableState, cid uint32) ([]string, error) {
	s.dictMu.Lock()
	if s.dicts == nil {
		s.dicts = map[[2]uint32]*snapDict{}
	}
	d, ok := s.dicts[[2]uint32{t.id, cid}]
	if !ok {
		d = &snapDict{}
		s.dicts[[2]uint32{t.id, cid}] = d
	}
	s.dictMu.Unlock()
	d.once.Do(func() {
		slot, ck := [2]uint32{t.id, cid}, t.commitPoint()
		if s.db.cache != nil {
			if e, ok := s.db.cache.dicts.get(slot, ck); ok {
				d.entries = e
				return
			}
		}
		if d.err = s.db.enter(); d.err != nil {
			return
		}
		defer s.db.leave()
		d.entries, _, d.err = loadSharedDict(s.txn, s.db.sums, t.id, cid)
		if d.err == nil && s.db.cache != nil {
			s.db.cache.dicts.keep(slot, ck, d.entries)
		}
	})
	return d.entries, d.err
}

// Files lists the ingested files, oldest first.
func (s *Snapshot) Files() (_ []FileRecord, err error) {
	defer recoverBadger(&err)
	if s.txn == nil {
		return nil, errors.New("snapshot is closed")
	}
	if err := s.db.enter(); err != nil {
		return nil, err
	}
	defer s.db.leave()
	type versioned struct {
		f       FileRecord
		version uint64
	}
	var files []versioned
	prefix := filePrefix()
	it := s.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		sha, err := parseFileKey(item.Key())
		if err != nil {
			return nil, err
		}
		var f FileRecord
		err = item.Value(func(v []byte) error {
			if v, err = unseal(s.db.sums, item.Key(), v); err != nil {
				return err
			}
			f, err = decodeFileRecord(v, sha)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("cannot read file record %x: %w", sha, err)
		}
		// The commit timestamp orders files committed in the same instant.
		files = append(files, versioned{f, item.Version()})
	}
	slices.SortFunc(files, func(a, b versioned) int {
		if c := a.f.Ingested.Compare(b.f.Ingested); c != 0 {
			return c
		}
		return cmp.Compare(a.version, b.version)
	})
	out := make([]FileRecord, len(files))
	for i, f := range files {
		out[i] = f.f
	}
	return out, nil
}
