package storage

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"clickhunt/column"
)

// urlFile is a file of URL-like plain strings (the columns that get
// postings) beside GUID-like ones (too few terms per row), with labels of
// every frequency, mixed case and some null rows.
func urlFile(name string, seed uint64, sizes ...int) testFile {
	r := rand.New(rand.NewPCG(seed, 3))
	schema := column.Schema{{Name: "Url", Type: column.String}, {Name: "Id", Type: column.String}}
	f := testFile{info: FileInfo{Path: name, SHA256: [32]byte{byte(seed), 1}}, schema: schema}
	for _, n := range sizes {
		url := column.NewBuilder(column.String, n)
		id := column.NewBuilder(column.String, n)
		for i := range n {
			// label k of 200 appears in about 1/(k+1) of the picks: a
			// few very common, many in a handful of rows.
			k := int(200 * r.Float64() * r.Float64() * r.Float64())
			host := fmt.Sprintf("label%d", k)
			if r.IntN(7) == 0 {
				host = strings.ToUpper(host)
			}
			s := fmt.Sprintf("https://www.%s.example.com/path/%x/page?id=%d&tok=t%x", host, r.Uint32(), r.IntN(50), r.Uint64())
			if i%97 == 5 {
				url.AppendNull()
			} else {
				url.AppendString(s)
			}
			id.AppendString(fmt.Sprintf("%08x-%04x-%04x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<16)))
		}
		u, g := url.Build(), id.Build()
		// Ingest keeps mostly distinct columns as plain strings.
		for _, v := range []*column.Vector{u, g} {
			strs := make([]string, v.Len)
			for i := range strs {
				strs[i] = v.Str(i)
			}
			v.Strs, v.Dict, v.Codes = strs, nil, nil
		}
		f.blocks = append(f.blocks, &column.Batch{Len: n, Cols: []*column.Vector{u, g}})
	}
	return f
}

// TermRows answers a one-term has exactly, from the postings where it can
// and from the Bloom filter for absent terms; where it answers, the rows
// are those a search of every value finds.
func TestTermRows(t *testing.T) {
	db := openTestDB(t, "")
	f := urlFile("urls.csv", 5, 5000, 3000, 7000)
	store(t, db, "Clicks", f)
	s := snapshot(t, db)
	ti, blocks := tableBlocks(t, s, "Clicks")
	urlCol, _ := ti.Column("Url")
	idCol, _ := ti.Column("Id")
	needles := []string{"label0", "LABEL3", "label17", "label60", "label150", "label199", "nosuchterm", "example", "https", "page", "path"}
	listed, absent, unlisted := 0, 0, 0
	for bi := range blocks {
		bm := &blocks[bi]
		vals := f.blocks[bi].Cols[0]
		for _, needle := range needles {
			rows, ok, err := s.TermRows(ti, bm, urlCol, needle)
			if err != nil {
				t.Fatalf("TermRows %q: %v", needle, err)
			}
			var want []uint32
			for i := range vals.Len {
				if vals.IsNull(i) {
					continue
				}
				if slices.ContainsFunc(Terms(vals.Str(i)), func(x string) bool { return strings.EqualFold(x, needle) }) {
					want = append(want, uint32(i))
				}
			}
			switch {
			case !ok:
				unlisted++
				// Not listed: too rare or too common for the lists.
				if n := len(want); n >= minPostingRows && n <= bm.Rows/maxPostingShare {
					t.Errorf("block %d: %q in %d rows, not answered", bi, needle, n)
				}
			case len(rows) == 0:
				absent++
			default:
				listed++
			}
			if ok && !slices.Equal(rows, want) {
				t.Errorf("block %d: %q: rows %v, a search finds %v", bi, needle, rows, want)
			}
		}
		// GUID-like values have too few terms per row for postings.
		if _, ok, _ := s.TermRows(ti, bm, idCol, "0000"); ok {
			// only a Bloom "no" may answer
			if rows, _, _ := s.TermRows(ti, bm, idCol, "0000"); len(rows) != 0 {
				t.Errorf("block %d: the Id column answered with rows", bi)
			}
		}
	}
	if listed == 0 || absent == 0 || unlisted == 0 {
		t.Errorf("answered from lists %d, absent %d, not answered %d: want some of each", listed, absent, unlisted)
	}
	// Needles the index cannot decide.
	for _, needle := range []string{"ab", "a.b", "label0 ", ""} {
		if _, ok, _ := s.TermRows(ti, &blocks[0], urlCol, needle); ok {
			t.Errorf("%q answered by the index", needle)
		}
	}
}

// A damaged postings section fails Check's decoding, and older formats
// write no postings.
func TestPostingsDamageAndFormat(t *testing.T) {
	v := urlFile("u.csv", 9, 4000).blocks[0].Cols[0]
	val, ok := appendTermFilter(nil, v, formatVersion)
	if !ok || val[0] != termPostingsVersion {
		t.Fatalf("format %d: filter version %d, ok %v; want postings", formatVersion, val[0], ok)
	}
	if err := checkTermFilter(false, nil, val); err != nil {
		t.Fatalf("an intact filter: %v", err)
	}
	_, rest, err := decodeTermFilterRest(val)
	if err != nil || rest == nil {
		t.Fatalf("no postings section: %v", err)
	}
	// Truncations and a flipped byte in the section are caught (a flip
	// inside zstd data or a row delta may still decode: the value's
	// checksum covers those).
	start := len(val) - len(rest)
	for _, cut := range []int{start + 1, start + 3, len(val) - 1} {
		if err := checkTermFilter(false, nil, val[:cut]); err == nil {
			t.Errorf("a filter cut at %d of %d passed", cut, len(val))
		}
	}
	old, ok := appendTermFilter(nil, v, firstPostingsFormat-1)
	if !ok || old[0] != termFilterVersion {
		t.Errorf("format %d wrote filter version %d", firstPostingsFormat-1, old[0])
	}
	if _, rest, err := decodeTermFilterRest(old); err != nil || rest != nil {
		t.Errorf("a version 1 filter: rest %d bytes, %v", len(rest), err)
	}
}
