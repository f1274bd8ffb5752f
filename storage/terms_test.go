package storage

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"clickhunt/column"
)

func strVec(vals []string) *column.Vector {
	return &column.Vector{Type: column.String, Len: len(vals), Strs: vals}
}

func TestTerms(t *testing.T) {
	cases := map[string][]string{
		"https://www.Contoso.com/a/b?x=1&id=123": {"https", "www", "Contoso", "com", "123"},
		"":                                       nil,
		"ab cd":                                  nil,
		"abc":                                    {"abc"},
		"é-abc_déf--ghij":                        {"abc", "ghij"},
		"north\u212Aamerica naïve1":              {"north", "america", "ve1"},
	}
	for in, want := range cases {
		if got := Terms(in); !slices.Equal(got, want) {
			t.Errorf("Terms(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTermFilterRate builds filters of random terms: every term is found,
// and other terms only rarely.
func TestTermFilterRate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, 3+r.IntN(10))
		for i := range b {
			b[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[r.IntN(36)]
		}
		return string(b)
	}
	for _, n := range []int{1, 10, 1000, 50000} {
		in := make(map[string]bool)
		var vals []string
		for len(in) < n {
			w := word()
			in[w] = true
			vals = append(vals, "x."+w+"/"+strings.ToUpper(w))
		}
		v := strVec(vals)
		buf, ok := appendTermFilter(nil, v, formatVersion)
		if !ok {
			t.Fatalf("%d terms: no filter", n)
		}
		f, err := decodeTermFilter(buf)
		if err != nil {
			t.Fatal(err)
		}
		for w := range in {
			if !f.mayHave([]string{w}) || !f.mayHave([]string{strings.ToUpper(w)}) {
				t.Fatalf("%d terms: %q not found", n, w)
			}
		}
		fp, tries := 0, 20000
		for range tries {
			w := word()
			if !in[w] && f.mayHave([]string{w}) {
				fp++
			}
		}
		rate := float64(fp) / float64(tries)
		t.Logf("%d terms: %d bytes (%.1f bits/term), %.2f%% false positives", n, len(buf), float64(8*len(buf))/float64(n), 100*rate)
		if rate > 0.03 {
			t.Errorf("%d terms: %.2f%% false positives", n, 100*rate)
		}
	}
	// No terms at all: a filter that rules everything out.
	buf, _ := appendTermFilter(nil, strVec([]string{"", "a.b", "ab"}), formatVersion)
	if f, err := decodeTermFilter(buf); err != nil || f.mayHave([]string{"abc"}) || !f.mayHave([]string{"ab"}) {
		t.Errorf("empty filter: %v %v", f, err)
	}
	// Too many terms: no filter.
	many := make([]string, 0, 600000)
	for i := range cap(many) {
		many = append(many, fmt.Sprintf("t%07d", i))
	}
	if _, ok := appendTermFilter(nil, strVec(many), formatVersion); ok {
		t.Errorf("a filter for %d distinct terms", len(many))
	}
}

// TestTermFilters stores a file and asks its filters.
func TestTermFilters(t *testing.T) {
	db := openTestDB(t, "")
	a := makeFile("a.csv", 1, clickSchema, 500, 300)
	store(t, db, "clicks", a)
	// Four string columns, two blocks.
	if n := countKeys(t, db, kindTerms); n != 8 {
		t.Fatalf("%d term filters, want 8", n)
	}
	s := snapshot(t, db)
	ti, blocks := tableBlocks(t, s, "clicks")
	url, _ := ti.Column("Url")
	may := func(b int, col ColumnInfo, terms ...string) bool {
		t.Helper()
		ok, err := s.MayHaveTerms(ti, &blocks[b], col, terms)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for b, blk := range a.blocks {
		v := blk.Cols[1]
		for i := range v.Len {
			u := v.Str(i)
			if !may(b, url, Terms(u)...) || !may(b, url, Terms(strings.ToUpper(u))...) {
				t.Fatalf("block %d: terms of %q ruled out", b, u)
			}
		}
	}
	// Values are https://siteN.example/p?id=M with N < 50 and M < 1000.
	no := 0
	for _, terms := range [][]string{{"site77"}, {"nothere"}, {"https", "site3", "gopher"}, {"4242"}} {
		for b := range blocks {
			if !may(b, url, terms...) {
				no++
			}
		}
	}
	if no < 7 {
		t.Errorf("only %d of 8 absent-term lookups ruled out", no)
	}
	// Short or non-term needles, non-string columns: cannot tell.
	count, _ := ti.Column("Count")
	for _, c := range []struct {
		col   ColumnInfo
		terms []string
	}{{url, []string{"zz"}}, {url, nil}, {url, []string{"a.b"}}, {count, []string{"zzzzz"}}} {
		if !may(0, c.col, c.terms...) {
			t.Errorf("%s %q ruled out", c.col.Name, c.terms)
		}
	}
	// A disjunction holds when one set may.
	if ok, err := s.MayHaveAnyTerms(ti, &blocks[0], url, [][]string{{"nothere"}, {"example"}}); !ok || err != nil {
		t.Errorf("has_any: %v %v", ok, err)
	}
	if ok, err := s.MayHaveAnyTerms(ti, &blocks[0], url, [][]string{{"nothere"}, {"norhere"}}); ok || err != nil {
		t.Errorf("has_any of absent terms: %v %v", ok, err)
	}

	r := mustCheck(t, db)
	if !r.OK() || r.TermFilters != 8 {
		t.Errorf("check: %+v", r)
	}

	// A damaged filter: Check names it, and the lookup fails (the scan
	// then reads the block).
	key := termsKey(s.byName["clicks"].id, blocks[1].ID, url.ID)
	setRaw(t, db, key, flipByte(7))
	s2 := snapshot(t, db)
	if ok, err := s2.MayHaveTerms(ti, &blocks[1], url, []string{"nothere"}); err == nil || !ok {
		t.Errorf("damaged filter: %v, %v", ok, err)
	}
	wantProblem(t, mustCheck(t, db), "block 1", `"Url"`, "term filter", "checksum")

	// A block without a filter (stored before filters existed) is read.
	setRaw(t, db, key, func([]byte) []byte { return nil })
	s3 := snapshot(t, db)
	if ok, err := s3.MayHaveTerms(ti, &blocks[1], url, []string{"nothere"}); err != nil || !ok {
		t.Errorf("missing filter: %v, %v", ok, err)
	}
	if r := mustCheck(t, db); !r.OK() || r.TermFilters != 7 {
		t.Errorf("check without one filter: %+v", r)
	}
}

// TestTermFiltersCleanedUp: an aborted or abandoned file leaves no filters.
func TestTermFiltersCleanedUp(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	store(t, db, "clicks", makeFile("a.csv", 1, clickSchema, 100))
	want := countKeys(t, db, kindTerms)

	w := begin(t, db, "clicks", makeFile("b.csv", 2, clickSchema, 300, 20))
	if n := countKeys(t, db, kindTerms); n != want+8 {
		t.Fatalf("%d term filters before abort, want %d", n, want+8)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if n := countKeys(t, db, kindTerms); n != want {
		t.Errorf("%d term filters after abort, want %d", n, want)
	}

	begin(t, db, "clicks", makeFile("b.csv", 2, clickSchema, 300, 20))
	begin(t, db, "newtable", makeFile("c.csv", 3, clickSchema, 30))
	// Each abandoned block: its meta, its values and the Url's head's,
	// its 4 term filters.
	if r := mustCheck(t, db); !r.OK() || r.Orphans != 3*(1+len(clickSchema)+1+4) {
		t.Errorf("check with abandoned writers: %+v", r)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openTestDB(t, dir)
	if n := countKeys(t, db, kindTerms); n != want {
		t.Errorf("%d term filters after reopening, want %d", n, want)
	}
	if r := mustCheck(t, db); !r.OK() || r.Orphans != 0 || r.TermFilters != want {
		t.Errorf("check after reopening: %+v", r)
	}
}

// BenchmarkTermFilter builds the filter of a block of URL-like strings.
func BenchmarkTermFilter(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	vals := make([]string, BlockRows)
	hosts := []string{"www.contoso.com", "contoso.sharepoint.com", "teams.microsoft.com", "pastebin.com"}
	for i := range vals {
		vals[i] = fmt.Sprintf("https://%s/l/meetup-join/19%%3ameeting_%x%%40thread.v2/0?id=%d", hosts[r.IntN(len(hosts))], r.Uint64(), r.IntN(1e6))
	}
	v := strVec(vals)
	b.SetBytes(int64(len(vals) * len(vals[0])))
	for b.Loop() {
		appendTermFilter(nil, v, formatVersion)
	}
}
