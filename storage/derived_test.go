package storage

import (
	"math/rand/v2"
	"strings"
	"testing"

	"clickhunt/column"
)

func TestURLHead(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://evil.example/login/x?y=1", "https://evil.example"},
		{"https://evil.example/", "https://evil.example"},
		{"https://evil.example", "https://evil.example"},
		{"http://a/b/c/d", "http://a"},
		{"a/b/c/d", "a/b/c"},
		{"a/b", "a/b"},
		{"///", "//"},
		{"", ""},
		{"no slashes at all", "no slashes at all"},
	} {
		if got := URLHead(tt.in); got != tt.want {
			t.Errorf("URLHead(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// The promise the planner relies on: split(s, "/")[i] is the same for
	// s and its head, for i up to 2.
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteByte("ab/:."[r.IntN(5)])
		}
		s := b.String()
		full, head := strings.Split(s, "/"), strings.Split(URLHead(s), "/")
		for i := range 3 {
			if (i < len(full)) != (i < len(head)) || i < len(full) && full[i] != head[i] {
				t.Fatalf("split(%q, \"/\")[%d]: %q, of its head %q: %q", s, i, full, URLHead(s), head)
			}
		}
	}
}

// TestDerivedHeads stores URLs as plain strings, as a dictionary and as a
// constant, and reads back their heads from the derived column, which a
// table's user-visible columns do not list.
func TestDerivedHeads(t *testing.T) {
	db := openTestDB(t, "")
	schema := column.Schema{{Name: "Url", Type: column.String}, {Name: "Other", Type: column.String}}
	urls := []string{"https://a.example/x", "https://b.example/y/z", "https://a.example/q", "", "relative/path/x/y", "https://a.example"}
	plain := &column.Vector{Type: column.String, Len: len(urls), Strs: urls}
	dict := &column.Vector{Type: column.String, Len: len(urls), Dict: []string{urls[1], urls[0]}, Codes: []uint32{0, 1, 1, 0, 1, 0}}
	konst := column.NewConst(column.String, "https://c.example/only", len(urls))
	other := column.NewConst(column.String, "x", len(urls))
	f := testFile{info: FileInfo{Path: "heads.csv", SHA256: [32]byte{1}}, schema: schema}
	for _, v := range []*column.Vector{plain, dict, konst} {
		f.blocks = append(f.blocks, &column.Batch{Len: len(urls), Cols: []*column.Vector{v, other}})
	}
	store(t, db, "clicks", f)

	s := snapshot(t, db)
	ti, blocks := tableBlocks(t, s, "clicks")
	var names []string
	for _, c := range ti.Columns {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "Url,Other" {
		t.Errorf("columns %v, want Url,Other", names)
	}
	head, ok := ti.DerivedColumn("Url", HeadKind)
	if !ok || len(ti.Derived) != 1 {
		t.Fatalf("derived columns %+v: no head of Url", ti.Derived)
	}
	if _, ok := ti.Column(head.Name); ok {
		t.Errorf("Column(%q) finds the derived column", head.Name)
	}
	if _, ok := ti.DerivedColumn("Other", HeadKind); ok {
		t.Error("Other has a head")
	}
	for i, want := range []*column.Vector{plain, dict, konst} {
		got, err := s.ReadColumn(ti, &blocks[i], head)
		if err != nil {
			t.Fatal(err)
		}
		for r := range want.Len {
			if g, w := got.Str(r), URLHead(want.Str(r)); g != w {
				t.Errorf("block %d row %d: head %q, want %q (of %q)", i, r, g, w, want.Str(r))
			}
		}
		rows, err := s.ReadColumnRows(ti, &blocks[i], head, []uint32{1, 4})
		if err != nil {
			t.Fatal(err)
		}
		if rows.Str(0) != URLHead(want.Str(1)) || rows.Str(1) != URLHead(want.Str(4)) {
			t.Errorf("block %d rows 1 and 4: %q %q", i, rows.Str(0), rows.Str(1))
		}
	}
	if r := mustCheck(t, db); !r.OK() {
		t.Fatalf("Check: %+v", r)
	}
}

func TestDerivedNameRefused(t *testing.T) {
	db := openTestDB(t, "")
	w, err := db.BeginFile("clicks", FileInfo{Path: "nul.csv", SHA256: [32]byte{2}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	schema := column.Schema{{Name: "Url\x00head", Type: column.String}}
	b := &column.Batch{Len: 1, Cols: []*column.Vector{column.NewConst(column.String, "x", 1)}}
	if err := w.WriteBlock(schema, b); err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Fatalf("WriteBlock of a column named with a NUL: %v", err)
	}
}
