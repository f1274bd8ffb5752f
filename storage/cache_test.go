package storage

import (
	"slices"
	"strings"
	"testing"

	"clickhunt/column"
)

// With a cache, a block column read twice is decoded once: later
// snapshots get the same vector, and its values are those stored.
func TestBlockCacheReads(t *testing.T) {
	dir := t.TempDir()
	f := makeFile("a.csv", 1, clickSchema, 3000, 500)
	db := openTestDB(t, dir)
	store(t, db, "Clicks", f)
	db.Close()

	db = openTestDB(t, dir, readOnly, func(o *Options) { o.CacheBytes = 64 << 20 })
	s1 := snapshot(t, db)
	checkTable(t, s1, "Clicks", f) // every column of every block: misses
	st := db.CacheStats()
	cols := len(clickSchema) * 2
	if st.Misses != int64(cols) || st.Hits != 0 || st.Entries != cols || st.Bytes <= 0 {
		t.Fatalf("after the first read: %+v, want %d misses and entries", st, cols)
	}
	ti, blocks := tableBlocks(t, s1, "Clicks")
	first, err := s1.ReadColumn(ti, &blocks[0], ti.Columns[1])
	if err != nil {
		t.Fatal(err)
	}
	s1.Close()

	s2 := snapshot(t, db)
	checkTable(t, s2, "Clicks", f) // the same values, from the cache
	again, err := s2.ReadColumn(ti, &blocks[0], ti.Columns[1])
	if err != nil {
		t.Fatal(err)
	}
	checkVector(t, first, again)
	st = db.CacheStats()
	if st.Misses != int64(cols) || st.Hits != int64(cols+2) {
		t.Errorf("after the second read: %+v, want %d misses, %d hits", st, cols, cols+2)
	}

	// Without CacheBytes nothing is kept.
	db.Close()
	db = openTestDB(t, dir, readOnly)
	checkTable(t, snapshot(t, db), "Clicks", f)
	if st := db.CacheStats(); st != (CacheStats{}) {
		t.Errorf("no cache asked for, stats %+v", st)
	}
}

// textVec is a plain string vector of n bytes of text, for sizing entries.
func textVec(n int) *column.Vector {
	return &column.Vector{Type: column.String, Len: 1, Strs: []string{strings.Repeat("x", n)}}
}

// The cache stays within its budget; a snapshot never evicts what it used
// itself (a scan bigger than the cache keeps its first blocks for its next
// run), while a later snapshot evicts the least recently used blocks of
// earlier ones.
func TestBlockCacheEviction(t *testing.T) {
	entry := vectorBytes(textVec(1000))
	c := newBlockCache(9*entry + entry/2) // room for nine
	key := func(b uint64) cacheKey { return cacheKey{table: 1, block: b, col: 2} }
	has := func(b uint64) bool { _, ok := c.m[key(b)]; return ok }

	// Snapshot 1 scans blocks 0..11: 0..8 are kept, 9..11 skipped.
	for b := range uint64(12) {
		if cachedVec(c, key(b), 1) != nil {
			t.Fatalf("block %d cached before it was read", b)
		}
		c.put(key(b), textVec(1000), 1, false)
	}
	for b := range uint64(12) {
		if has(b) != (b < 9) {
			t.Fatalf("after scan 1: block %d cached = %v", b, has(b))
		}
	}
	if st := c.snapshotStats(); st.Skipped != 3 || st.Entries != 9 || st.Bytes != 9*entry || st.Bytes > c.limit {
		t.Fatalf("after scan 1: %+v", st)
	}

	// Snapshot 2 repeats the scan: 0..8 hit, 9..11 still skipped (they
	// would only evict blocks this scan has just used).
	hits := 0
	for b := range uint64(12) {
		if cachedVec(c, key(b), 2) != nil {
			hits++
		} else {
			c.put(key(b), textVec(1000), 2, false)
		}
	}
	if hits != 9 || has(9) {
		t.Fatalf("scan 2: %d hits, want 9; block 9 cached = %v", hits, has(9))
	}

	// Snapshot 3 reads block 1, then new blocks 10 and 11: they evict the
	// least recently used of snapshot 2's blocks, 0 then 2; block 1,
	// used by snapshot 3, stays.
	if cachedVec(c, key(1), 3) == nil {
		t.Fatal("block 1 not cached")
	}
	c.put(key(10), textVec(1000), 3, false)
	c.put(key(11), textVec(1000), 3, false)
	for b, want := range map[uint64]bool{0: false, 1: true, 2: false, 10: true, 11: true} {
		if has(b) != want {
			t.Errorf("scan 3: block %d cached = %v, want %v", b, has(b), want)
		}
	}

	// A block larger than an eighth of the cache is never kept.
	c.put(key(20), textVec(int(c.limit/4)), 4, false)
	if has(20) {
		t.Error("an oversized block was cached")
	}
	if st := c.snapshotStats(); st.Bytes > c.limit || st.Entries != 9 {
		t.Errorf("final stats %+v, limit %d", st, c.limit)
	}
}

func TestVectorBytes(t *testing.T) {
	v := &column.Vector{Type: column.String, Len: 4, Dict: []string{"abc", "defgh"}, Codes: []uint32{0, 1, 1, 0}}
	base := vectorBytes(&column.Vector{})
	if got, want := vectorBytes(v)-base, int64(2*16+3+5+4*4); got != want {
		t.Errorf("dictionary vector: %d bytes beyond the header, want %d", got, want)
	}
	w := &column.Vector{Type: column.Long, Len: 3, Ints: make([]int64, 3), Nulls: make([]bool, 3)}
	if got, want := vectorBytes(w)-base, int64(3*8+3); got != want {
		t.Errorf("long vector: %d bytes beyond the header, want %d", got, want)
	}
}

// Block lists are cached per commit point: a snapshot taken after another
// file's commit sees its blocks, one taken before does not.
func TestBlockCacheMetas(t *testing.T) {
	db := openTestDB(t, "", func(o *Options) { o.CacheBytes = 64 << 20 })
	f1 := makeFile("one.csv", 1, clickSchema, 1000, 200)
	f2 := makeFile("two.csv", 2, clickSchema, 700)
	store(t, db, "Clicks", f1)
	before := snapshot(t, db)
	checkTable(t, before, "Clicks", f1)
	checkTable(t, before, "Clicks", f1) // the cached list
	store(t, db, "Clicks", f2)
	after := snapshot(t, db)
	checkTable(t, after, "Clicks", f1, f2)
	checkTable(t, before, "Clicks", f1) // the older commit point
	checkTable(t, after, "Clicks", f1, f2)
	ti, err := after.Table("Clicks")
	if err != nil {
		t.Fatal(err)
	}
	a, err := after.Blocks(ti)
	if err != nil {
		t.Fatal(err)
	}
	a[0].Rows = -1 // a caller's copy: the cache keeps its own
	b, err := after.Blocks(ti)
	if err != nil || b[0].Rows != 1000 {
		t.Fatalf("cached block list changed through a caller's copy: %d rows, %v", b[0].Rows, err)
	}
}

// cachedVec is c.get's vector (blocks here have dictionaries of their own).
func cachedVec(c *blockCache, k cacheKey, epoch uint64) *column.Vector {
	v, _ := c.get(k, epoch)
	return v
}

// TestCacheEntryRows: the rows of a cached block, taken from its packed
// dictionary, read the same as gathering them from the whole vector.
func TestCacheEntryRows(t *testing.T) {
	rows := []uint32{0, 3, 4, 9}
	distinct := &column.Vector{Type: column.String, Len: 10, Dict: []string{"a", "b", "", "d", "e", "f", "g", "h", "i", "j"},
		Codes: []uint32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}
	repeats := &column.Vector{Type: column.String, Len: 10, Dict: []string{"x", "y", "z"},
		Codes: []uint32{2, 0, 1, 2, 2, 1, 0, 0, 1, 2}}
	nulls := &column.Vector{Type: column.String, Len: 10, Dict: []string{"x", "y"},
		Codes: make([]uint32, 10), Nulls: []bool{false, false, false, true, false, false, false, false, false, false}}
	nullsElsewhere := &column.Vector{Type: column.String, Len: 10, Dict: []string{"x", "y"},
		Codes: make([]uint32, 10), Nulls: []bool{false, true, false, false, false, false, false, false, false, false}}
	longs := &column.Vector{Type: column.Long, Len: 10, Ints: []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}
	for name, c := range map[string]struct {
		v        *column.Vector
		shared   bool
		identity bool
	}{
		"distinct": {distinct, false, true}, "repeats": {repeats, false, false},
		"nulls": {nulls, false, false}, "nulls elsewhere": {nullsElsewhere, false, false},
		"numbers": {longs, false, false}, "shared codes": {repeats, true, false},
	} {
		v := c.v
		if c.shared { // put keeps only the codes of a shared block
			shell := *v
			shell.Dict = nil
			v = &shell
		}
		e := packEntry(cacheKey{}, v, 1, c.shared)
		if e.identity != c.identity {
			t.Errorf("%s: identity %v", name, e.identity)
		}
		want := e.vector().Gather(rows)
		got := e.rows(rows)
		if got.Len != len(rows) || (got.Nulls == nil) != (want.Nulls == nil) {
			t.Fatalf("%s: %d rows, nulls %v; want %d, %v", name, got.Len, got.Nulls, len(rows), want.Nulls)
		}
		if c.shared {
			if !slices.Equal(got.Codes, want.Codes) || got.Dict != nil {
				t.Errorf("%s: codes %v dict %v, want codes %v and no dictionary", name, got.Codes, got.Dict, want.Codes)
			}
			continue
		}
		for j := range rows {
			if g, w := column.FormatValue(got, j), column.FormatValue(want, j); g != w || got.IsNull(j) != want.IsNull(j) {
				t.Errorf("%s: row %d = %q (null %v), want %q (null %v)", name, rows[j], g, got.IsNull(j), w, want.IsNull(j))
			}
		}
	}
}

// A snapshot that passes through reads every block with the same values,
// takes what the cache holds, and adds nothing to it: an export of every
// block leaves the cache (and the process's memory) as it found them.
func TestBlockCachePassThrough(t *testing.T) {
	dir := t.TempDir()
	f := makeFile("a.csv", 1, clickSchema, 3000, 500)
	db := openTestDB(t, dir)
	store(t, db, "Clicks", f)
	db.Close()

	db = openTestDB(t, dir, readOnly, func(o *Options) { o.CacheBytes = 64 << 20 })
	s := snapshot(t, db)
	s.PassThrough()
	checkTable(t, s, "Clicks", f)
	ti, blocks := tableBlocks(t, s, "Clicks")
	if _, err := s.ReadColumnRows(ti, &blocks[0], ti.Columns[1], []uint32{1, 7}); err != nil {
		t.Fatal(err)
	}
	if st := db.CacheStats(); st.Entries != 0 || st.Bytes != 0 {
		t.Fatalf("a passing snapshot filled the cache: %+v", st)
	}
	// What another snapshot cached, a passing one takes.
	s2 := snapshot(t, db)
	if _, err := s2.ReadColumn(ti, &blocks[0], ti.Columns[1]); err != nil {
		t.Fatal(err)
	}
	s3 := snapshot(t, db)
	s3.PassThrough()
	before := db.CacheStats()
	if _, err := s3.ReadColumn(ti, &blocks[0], ti.Columns[1]); err != nil {
		t.Fatal(err)
	}
	if st := db.CacheStats(); st.Hits != before.Hits+1 || st.Entries != 1 {
		t.Errorf("a passing snapshot reading a cached block: %+v, before %+v", st, before)
	}
}
