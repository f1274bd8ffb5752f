package storage

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"clickhunt/column"
)

// plainStrings is a plain-string vector of n rows, row i being f(i).
func plainStrings(n int, f func(i int) string) *column.Vector {
	v := &column.Vector{Type: column.String, Len: n, Strs: make([]string, n)}
	for i := range v.Strs {
		v.Strs[i] = f(i)
	}
	return v
}

func randomRows(r *rand.Rand, n, k int) []uint32 {
	set := map[uint32]bool{}
	for len(set) < k {
		set[uint32(r.IntN(n))] = true
	}
	rows := make([]uint32, 0, k)
	for x := range set {
		rows = append(rows, x)
	}
	slices.Sort(rows)
	return rows
}

// TestPagedValues: a paged value decodes whole and by rows to what was
// stored, with the statistics of the unpaged encoding.
func TestPagedValues(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{pageRows + 1, 3*pageRows + 17, BlockRows} {
		v := plainStrings(n, func(i int) string {
			if i%1000 == 7 {
				return "" // an empty value among the rest
			}
			return fmt.Sprintf("https://site%d.example/%x", r.IntN(100), r.Uint64())
		})
		if !pagedEligible(v, formatVersion) || pagedEligible(v, 4) {
			t.Fatalf("%d rows: paged in format %d %v, in format 4 %v", n, formatVersion, pagedEligible(v, formatVersion), pagedEligible(v, 4))
		}
		val, st := appendPagedValue(nil, v, formatVersion)
		if val[0] != valuePaged {
			t.Fatalf("flag %d", val[0])
		}
		_, wst := appendColumnValueFormat(nil, v, formatVersion)
		if !sameStats(st, wst) {
			t.Fatalf("%d rows: paged stats %+v, whole %+v", n, st, wst)
		}
		got, err := decodeColumnValue(val, column.String)
		if err != nil {
			t.Fatal(err)
		}
		checkVector(t, v, got)
		for _, k := range []int{1, 2, 40, n} {
			rows := randomRows(r, n, k)
			got, err := decodePagedRows(val, column.String, n, rows)
			if err != nil {
				t.Fatal(err)
			}
			checkVector(t, v.Gather(rows), got)
		}
		// The last row (alone in its page when n is pageRows+1: a page
		// that is not plain strings), a row twice, the first and last of
		// a page.
		for _, rows := range [][]uint32{{uint32(n - 1)}, {5, 5, pageRows - 1, pageRows, uint32(n - 1)}} {
			got, err := decodePagedRows(val, column.String, n, rows)
			if err != nil {
				t.Fatal(err)
			}
			checkVector(t, v.Gather(rows), got)
		}
		if _, err := decodePagedRows(val, column.String, n+1, []uint32{0}); err == nil {
			t.Fatal("a paged value of another row count decoded")
		}
		// Damage: every truncation fails cleanly.
		for cut := 1; cut < len(val); cut += 1 + len(val)/50 {
			if _, err := decodeColumnValue(val[:cut], column.String); err == nil {
				t.Fatalf("truncated to %d of %d bytes: decoded", cut, len(val))
			}
		}
	}
}

// TestPagingChoice: a column is paged unless its pages compress much
// worse than the whole block (repeats farther apart than a page).
func TestPagingChoice(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	unique := plainStrings(BlockRows, func(int) string { return fmt.Sprintf("%016x-%016x", r.Uint64(), r.Uint64()) })
	ids := make([]string, BlockRows/4)
	for i := range ids {
		ids[i] = fmt.Sprintf("%016x-%016x", r.Uint64(), r.Uint64())
	}
	// Each id four times, a quarter of the block apart: whole, zstd finds
	// the repeats; in pages of 8192 rows it cannot.
	farRepeats := plainStrings(BlockRows, func(i int) string { return ids[i%len(ids)] })
	for _, tt := range []struct {
		name string
		v    *column.Vector
		want pagingChoice
	}{{"unique", unique, pagingYes}, {"far repeats", farRepeats, pagingNo}} {
		var p pagingChoice
		val, _ := p.encode(tt.v, formatVersion)
		if p != tt.want || (val[0] == valuePaged) != (tt.want == pagingYes) {
			t.Errorf("%s: choice %d (value flag %d), want %d", tt.name, p, val[0], tt.want)
		}
		// The choice sticks for the next block.
		again, _ := p.encode(tt.v, formatVersion)
		if again[0] != val[0] {
			t.Errorf("%s: second block flag %d, first %d", tt.name, again[0], val[0])
		}
	}
}

// TestReadColumnRows: reading some rows of stored blocks, paged or not,
// with and without a block cache, gives the rows a whole read gives.
func TestReadColumnRows(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	r := rand.New(rand.NewPCG(5, 6))
	schema := column.Schema{{Name: "Id", Type: column.String}, {Name: "N", Type: column.Long}, {Name: "Kind", Type: column.String}}
	file := testFile{info: FileInfo{Path: "f", SHA256: [32]byte{1}}, schema: schema}
	for _, n := range []int{BlockRows, 20000, 100} {
		ids := plainStrings(n, func(int) string { return fmt.Sprintf("%x", r.Uint64()) })
		nb := column.NewBuilder(column.Long, n)
		kb := column.NewBuilder(column.String, n)
		for i := range n {
			nb.AppendInt(int64(i))
			kb.AppendString([]string{"a", "b"}[i%2])
		}
		file.blocks = append(file.blocks, &column.Batch{Len: n, Cols: []*column.Vector{ids, nb.Build(), kb.Build()}})
	}
	store(t, db, "t", file)
	// The first block's ids are stored paged, the last (small) one not.
	s := snapshot(t, db)
	ti, blocks := tableBlocks(t, s, "t")
	id, _ := ti.Column("Id")
	for bi, want := range map[int]bool{0: true, 2: false} {
		err := s.value(s.byName["t"], &blocks[bi], id, func(val []byte) error {
			if (val[0] == valuePaged) != want {
				t.Errorf("block %d: value flag %d, want paged %v", bi, val[0], want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	db.Close()
	for _, cache := range []int64{0, 64 << 20} {
		ro := openTestDB(t, dir, readOnly, func(o *Options) { o.CacheBytes = cache })
		s := snapshot(t, ro)
		ti, blocks := tableBlocks(t, s, "t")
		for bi := range blocks {
			bm := &blocks[bi]
			for _, c := range ti.Columns {
				whole, err := s.ReadColumn(ti, bm, c)
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range []int{1, 3, bm.Rows} {
					rows := randomRows(r, bm.Rows, k)
					got, err := s.ReadColumnRows(ti, bm, c, rows)
					if err != nil {
						t.Fatalf("cache %d block %d column %s: %v", cache, bi, c.Name, err)
					}
					checkVector(t, whole.Gather(rows), got)
				}
			}
		}
		if r, err := ro.Check(t.Context()); err != nil || !r.OK() {
			t.Fatalf("Check: %+v, %v", r, err)
		}
	}
}
