package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"

	badger "github.com/dgraph-io/badger/v4"

	"clickhunt/column"
)

// sharedEntries reads the committed shared dictionary of a column straight
// from Badger.
func sharedEntries(t *testing.T, db *DB, table, col string) (entries []string, closed bool) {
	t.Helper()
	s := snapshot(t, db)
	ti, err := s.Table(table)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := ti.Column(col)
	if !ok {
		t.Fatalf("no column %s", col)
	}
	err = db.bdb.View(func(txn *badger.Txn) error {
		entries, closed, err = loadSharedDict(txn, db.sums, s.byName[table].id, c.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return entries, closed
}

// readAll reads column col of every block of table.
func readAll(t *testing.T, s *Snapshot, table, col string) []*column.Vector {
	t.Helper()
	ti, blocks := tableBlocks(t, s, table)
	c, _ := ti.Column(col)
	var out []*column.Vector
	for i := range blocks {
		v, err := s.ReadColumn(ti, &blocks[i], c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func sameDict(a, b *column.Vector) bool {
	return len(a.Dict) > 0 && unsafe.SliceData(a.Dict) == unsafe.SliceData(b.Dict) && len(a.Dict) == len(b.Dict)
}

// TestSharedDictionaries checks which columns get a table-wide dictionary,
// that their blocks read back exactly (through a later file, an aborted
// one, an older snapshot and the block cache), and that Check verifies
// the entries.
func TestSharedDictionaries(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	// UserId: 200 users per file; ActionType: 3 values; Url: 50k
	// mostly distinct values.
	f1 := makeFile("a.csv", 1, clickSchema, 5000, 5000, 300)
	store(t, db, "clicks", f1)
	s1 := snapshot(t, db)
	checkTable(t, s1, "clicks", f1)

	users, closed := sharedEntries(t, db, "clicks", "UserId")
	if len(users) != 200 || closed {
		t.Fatalf("UserId: %d shared entries (closed %v), want the 200 users", len(users), closed)
	}
	if urls, closed := sharedEntries(t, db, "clicks", "Url"); len(urls) != 0 || !closed {
		t.Fatalf("Url: %d shared entries (closed %v), want none and closed", len(urls), closed)
	}
	if acts, _ := sharedEntries(t, db, "clicks", "ActionType"); len(acts) != 3 {
		t.Fatalf("ActionType: %d shared entries, want 3", len(acts))
	}
	// Every block of UserId, the last of 300 rows too, uses the one
	// dictionary; Url blocks have their own.
	v := readAll(t, s1, "clicks", "UserId")
	for i := 1; i < len(v); i++ {
		if !sameDict(v[0], v[i]) {
			t.Fatalf("UserId block %d does not share block 0's dictionary", i)
		}
	}
	if u := readAll(t, s1, "clicks", "Url"); sameDict(u[0], u[1]) {
		t.Fatal("Url blocks share a dictionary")
	}

	// A second file adds its own 200 users; an aborted third adds none.
	f2 := makeFile("b.csv", 2, clickSchema, 4000, 5000)
	store(t, db, "clicks", f2)
	w := begin(t, db, "clicks", makeFile("c.csv", 3, clickSchema, 5000))
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if users, _ := sharedEntries(t, db, "clicks", "UserId"); len(users) != 400 {
		t.Fatalf("UserId after a second file and an aborted one: %d entries, want 400", len(users))
	}
	s2 := snapshot(t, db)
	checkTable(t, s2, "clicks", f1, f2)
	// The older snapshot still sees its own, shorter dictionary.
	if v := readAll(t, s1, "clicks", "UserId"); len(v[0].Dict) != 200 {
		t.Fatalf("old snapshot: dictionary of %d entries, want 200", len(v[0].Dict))
	}
	checkTable(t, s1, "clicks", f1)

	r, err := db.Check(context.Background())
	if err != nil || !r.OK() {
		t.Fatalf("Check: %+v, %v", r, err)
	}
	// Users, action types, the one workload and the heads of the URLs
	// (derived.go: https://siteN.example, N < 50).
	if r.SharedEntries != 400+3+1+50 {
		t.Fatalf("Check verified %d shared entries, want 454", r.SharedEntries)
	}
	db.Close()

	// Read-only with a block cache: the second read of each block comes
	// from the cache, with the dictionary attached again.
	ro := openTestDB(t, dir, readOnly, func(o *Options) { o.CacheBytes = 64 << 20 })
	for range 2 {
		checkTable(t, snapshot(t, ro), "clicks", f1, f2)
	}
	if st := ro.CacheStats(); st.Hits == 0 {
		t.Fatalf("no cache hits: %+v", st)
	}
}

// TestSharedDictionaryLimits: a column stops taking entries once a block
// adds more than half its rows in new values, and tiny blocks never start
// a dictionary.
func TestSharedDictionaryLimits(t *testing.T) {
	db := openTestDB(t, "")
	schema := column.Schema{{Name: "K", Type: column.String}}
	block := func(n int, f func(i int) string) *column.Batch {
		b := column.NewBuilder(column.String, n)
		for i := range n {
			b.AppendString(f(i))
		}
		return &column.Batch{Len: n, Cols: []*column.Vector{b.Build()}}
	}
	file := func(name string, blocks ...*column.Batch) testFile {
		return testFile{info: FileInfo{Path: name, SHA256: [32]byte{byte(len(name)), name[0]}}, schema: schema, blocks: blocks}
	}
	// Too few rows to start one.
	store(t, db, "t", file("a", block(sharedMinRows-1, func(i int) string { return fmt.Sprint(i % 10) })))
	if e, closed := sharedEntries(t, db, "t", "K"); len(e) != 0 || closed {
		t.Fatalf("after a small block: %d entries, closed %v", len(e), closed)
	}
	// 1000 values over 5000 rows: starts it. Then 3000 new of 5000: the
	// block keeps its own dictionary and closes the column.
	f := file("bb",
		block(5000, func(i int) string { return fmt.Sprint("v", i%1000) }),
		block(5000, func(i int) string { return fmt.Sprint("w", i%3000) }),
		block(5000, func(i int) string { return fmt.Sprint("v", i%1000) }))
	store(t, db, "t", f)
	e, closed := sharedEntries(t, db, "t", "K")
	if len(e) != 1000 || !closed {
		t.Fatalf("after the second file: %d entries, closed %v; want 1000, closed", len(e), closed)
	}
	v := readAll(t, snapshot(t, db), "t", "K")
	if len(v[1].Dict) != 1000 || len(v[2].Dict) != 3000 || sameDict(v[1], v[3]) {
		t.Fatalf("dictionaries of %d, %d, %d entries; want shared 1000, own 3000, own", len(v[1].Dict), len(v[2].Dict), len(v[3].Dict))
	}
	checkTable(t, snapshot(t, db), "t", file("a", block(sharedMinRows-1, func(i int) string { return fmt.Sprint(i % 10) })), f)
}

// TestSharedDictionaryDamage: a damaged chunk fails the reads that need
// it, with ErrCorrupt, and Check names the column.
func TestSharedDictionaryDamage(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	store(t, db, "clicks", makeFile("a.csv", 1, clickSchema, 5000))
	s := snapshot(t, db)
	ti, _ := s.Table("clicks")
	c, _ := ti.Column("UserId")
	key := dictKey(s.byName["clicks"].id, c.ID, 0)
	err := db.bdb.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if err != nil {
			return err
		}
		val, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		val[len(val)/2] ^= 0x40
		return txn.Set(key, val)
	})
	if err != nil {
		t.Fatal(err)
	}
	s = snapshot(t, db)
	blocks, _ := s.Blocks(ti)
	if _, err := s.ReadColumn(ti, &blocks[0], c); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("ReadColumn over a damaged dictionary: %v, want ErrCorrupt", err)
	}
	// Other columns still read.
	a, _ := ti.Column("Count")
	if _, err := s.ReadColumn(ti, &blocks[0], a); err != nil {
		t.Fatal(err)
	}
	r, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || !slices.ContainsFunc(r.Problems, func(p string) bool { return strings.Contains(p, `column "UserId"`) }) {
		t.Fatalf("Check over a damaged dictionary: %q", r.Problems)
	}
}

// TestSharedCodesDecode: a shared block decodes only with its dictionary,
// and codes past the entries it names are rejected.
func TestSharedCodesDecode(t *testing.T) {
	entries := []string{"a", "b", "c"}
	codes := []uint32{2, 0, 2, 1}
	val, st := appendSharedColumnValue(nil, column.String, codes, len(entries), usedEntries(codes, entries))
	if st.Distinct != 3 || st.MinStr != "a" || st.MaxStr != "c" {
		t.Fatalf("stats %+v", st)
	}
	if _, err := decodeColumnValue(val, column.String); !errors.Is(err, errNeedsDict) {
		t.Fatalf("decode without the dictionary: %v", err)
	}
	v, need, err := decodeColumnValueShared(val, column.String)
	if err != nil || need != 3 || !slices.Equal(v.Codes, []uint32{2, 0, 2, 1}) || v.Dict != nil {
		t.Fatalf("decode: %+v, need %d, %v", v, need, err)
	}
	badCodes, four := []uint32{2, 0, 3}, []string{"a", "b", "c", "d"}
	bad, _ := appendSharedColumnValue(nil, column.String, badCodes, len(four), usedEntries(badCodes, four))
	// Claim 3 entries while a code is 3: rewrite the size in the payload.
	p, _, _ := decompressPayload(bad)
	i := slices.Index(p, codesShared)
	p[i+1] = 3
	if _, _, err := decodeColumnValueShared(append([]byte{valueRaw}, p...), column.String); err == nil {
		t.Fatal("a code past the shared entries decoded")
	}
}

// TestSharedBlockTermFilter: a shared block's term filter, built from its
// distinct values, is the filter of its rows.
func TestSharedBlockTermFilter(t *testing.T) {
	n := 5000
	v := &column.Vector{Type: column.String, Len: n, Strs: make([]string, n)}
	for i := range v.Strs {
		v.Strs[i] = fmt.Sprintf("user%d.name%d@contoso%d.com", i%300, i%7, i%3)
	}
	d := newSharedState(nil, false)
	codes, ok := d.assign(v)
	if !ok {
		t.Fatal("not shared")
	}
	want, ok1 := appendTermFilter(nil, v, formatVersion)
	got, ok2 := appendTermFilter(nil, valuesOf(usedEntries(codes, d.entries)), formatVersion)
	if !ok1 || !ok2 || !slices.Equal(got, want) {
		t.Fatalf("filter of the distinct values (%v, %d bytes) differs from the rows' (%v, %d bytes)", ok2, len(got), ok1, len(want))
	}
}
