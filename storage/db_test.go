package storage

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"clickhunt/column"
)

// openTestDB opens (creating) the database in dir, or in a fresh temporary
// directory when dir is "", sized small; the test closes it at the end.
// Every storage test opens its databases through here.
func openTestDB(t *testing.T, dir string, opts ...func(*Options)) *DB {
	t.Helper()
	db, err := openTestDBErr(t, dir, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

// openTestDBErr is openTestDB for tests that expect Open to fail.
func openTestDBErr(t *testing.T, dir string, opts ...func(*Options)) (*DB, error) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	o := Options{Small: true}
	for _, f := range opts {
		f(&o)
	}
	db, err := Open(dir, o)
	if err == nil {
		t.Cleanup(func() { db.Close() })
	}
	return db, err
}

func readOnly(o *Options) { o.ReadOnly = true }

// testFile is one file's worth of blocks.
type testFile struct {
	info   FileInfo
	schema column.Schema
	blocks []*column.Batch
}

var clickSchema = column.Schema{
	{Name: "Timestamp", Type: column.Datetime},
	{Name: "Url", Type: column.String},
	{Name: "UserId", Type: column.String},
	{Name: "ActionType", Type: column.String},
	{Name: "Workload", Type: column.String},
	{Name: "Count", Type: column.Long},
	{Name: "Score", Type: column.Real},
	{Name: "IsClicked", Type: column.Bool},
	{Name: "Duration", Type: column.Timespan},
	{Name: "Level", Type: column.Int},
}

// makeFile generates a file of blocks of the given sizes with schema.
func makeFile(name string, seed uint64, schema column.Schema, sizes ...int) testFile {
	r := rand.New(rand.NewPCG(seed, 99))
	f := testFile{info: FileInfo{Path: name, SHA256: sha256.Sum256([]byte(name))}, schema: schema}
	ts := int64(17e15) + int64(seed)*column.Day
	for _, n := range sizes {
		b := &column.Batch{Len: n}
		for _, fld := range schema {
			bl := column.NewBuilder(fld.Type, n)
			for i := range n {
				null := r.IntN(10) == 0
				switch fld.Type {
				case column.Datetime:
					ts += r.Int64N(column.Second)
					bl.AppendInt(ts)
				case column.String:
					switch fld.Name {
					case "Url":
						bl.AppendString(fmt.Sprintf("https://site%d.example/p?id=%d", r.IntN(50), r.IntN(1000)))
					case "ActionType":
						bl.AppendString([]string{"Click", "ClickBlocked", "ClickAllowed"}[r.IntN(3)])
					case "Workload":
						bl.AppendString("Email")
					default:
						bl.AppendString(fmt.Sprintf("user%d@%s", r.IntN(200), name))
					}
				default:
					if null {
						bl.AppendNull()
						continue
					}
					switch fld.Type {
					case column.Real:
						bl.AppendFloat(r.NormFloat64() * 100)
					case column.Bool:
						bl.AppendBool(r.IntN(2) == 0)
					case column.Long:
						bl.AppendInt(r.Int64() - math.MaxInt64/2)
					default:
						bl.AppendInt(int64(r.IntN(100000)) - 50000 + int64(i))
					}
				}
			}
			b.Cols = append(b.Cols, bl.Build())
		}
		f.blocks = append(f.blocks, b)
	}
	return f
}

// store writes f into table and commits it.
func store(t *testing.T, db *DB, table string, f testFile) {
	t.Helper()
	w := begin(t, db, table, f)
	rows, err := w.Commit()
	if err != nil {
		t.Fatalf("Commit %s: %v", f.info.Path, err)
	}
	if want := f.rows(); rows != want {
		t.Fatalf("Commit %s stored %d rows, want %d", f.info.Path, rows, want)
	}
}

// begin starts f and writes all its blocks (flushed: on disk, not
// visible) without committing.
func begin(t *testing.T, db *DB, table string, f testFile) *FileWriter {
	t.Helper()
	w, err := db.BeginFile(table, f.info)
	if err != nil {
		t.Fatalf("BeginFile %s: %v", f.info.Path, err)
	}
	for i, b := range f.blocks {
		if err := w.WriteBlock(f.schema, b); err != nil {
			t.Fatalf("WriteBlock %s #%d: %v", f.info.Path, i, err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatalf("Flush %s: %v", f.info.Path, err)
	}
	return w
}

func (f testFile) rows() int64 {
	var n int64
	for _, b := range f.blocks {
		n += int64(b.Len)
	}
	return n
}

// wantStats computes a column's block stats the slow, obvious way.
func wantStats(v *column.Vector) ColStats {
	var st ColStats
	distinct := map[string]bool{}
	long := false
	for i := range v.Len {
		x := v.Value(i)
		if isStringType(v.Type) {
			s, _ := x.(string)
			distinct[s] = true
			long = long || len(s) > maxStrBytesForStats
			if !st.HasMinMax {
				st.HasMinMax, st.MinStr, st.MaxStr = true, s, s
			}
			st.MinStr, st.MaxStr = min(st.MinStr, s), max(st.MaxStr, s)
			continue
		}
		if x == nil {
			st.Nulls++
			continue
		}
		switch x := x.(type) {
		case float64:
			if math.IsNaN(x) {
				continue
			}
			if !st.HasMinMax {
				st.HasMinMax, st.MinFloat, st.MaxFloat = true, x, x
			}
			st.MinFloat, st.MaxFloat = min(st.MinFloat, x), max(st.MaxFloat, x)
		case bool, int64:
			n, ok := x.(int64)
			if !ok && x.(bool) {
				n = 1
			}
			if !st.HasMinMax {
				st.HasMinMax, st.MinInt, st.MaxInt = true, n, n
			}
			st.MinInt, st.MaxInt = min(st.MinInt, n), max(st.MaxInt, n)
		}
	}
	if isStringType(v.Type) {
		st.Distinct = len(distinct)
		if long {
			st.HasMinMax, st.MinStr, st.MaxStr = false, "", ""
		}
	}
	return st
}

// checkTable reads every column of every block of table and compares it
// with files, committed in that order.
func checkTable(t *testing.T, s *Snapshot, table string, files ...testFile) {
	t.Helper()
	ti, err := s.Table(table)
	if err != nil {
		t.Fatal(err)
	}
	var wantBlocks []*column.Batch
	var wantSchemas []column.Schema
	var rows int64
	for _, f := range files {
		for _, b := range f.blocks {
			if b.Len > 0 {
				wantBlocks = append(wantBlocks, b)
				wantSchemas = append(wantSchemas, f.schema)
			}
		}
		rows += f.rows()
	}
	if ti.Rows != rows || ti.Blocks != len(wantBlocks) {
		t.Fatalf("table %s: %d rows in %d blocks, want %d in %d", table, ti.Rows, ti.Blocks, rows, len(wantBlocks))
	}
	blocks, err := s.Blocks(ti)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != len(wantBlocks) {
		t.Fatalf("Blocks: %d, want %d", len(blocks), len(wantBlocks))
	}
	for bi, bm := range blocks {
		if bi > 0 && bm.ID <= blocks[bi-1].ID {
			t.Fatalf("block IDs out of order: %d after %d", bm.ID, blocks[bi-1].ID)
		}
		want := wantBlocks[bi]
		if bm.Rows != want.Len {
			t.Fatalf("block %d: %d rows, want %d", bm.ID, bm.Rows, want.Len)
		}
		for _, c := range ti.Columns {
			got, err := s.ReadColumn(ti, &bm, c)
			if err != nil {
				t.Fatalf("ReadColumn %s of block %d: %v", c.Name, bm.ID, err)
			}
			j := wantSchemas[bi].Index(c.Name)
			if j < 0 {
				// Not in this file: nulls ("" for strings), no stats.
				if bm.Stats.Has(c.ID) {
					t.Fatalf("block %d has stats for absent column %s", bm.ID, c.Name)
				}
				wantNulls := column.NewNulls(c.Type, bm.Rows)
				if got.Type != c.Type || got.Len != bm.Rows || !got.Const || !sameValue(got.Value(0), wantNulls.Value(0)) {
					t.Fatalf("absent column %s of block %d: got %+v", c.Name, bm.ID, got)
				}
				continue
			}
			checkVector(t, want.Cols[j], got)
			st, ok := bm.Stats.Get(c.ID)
			if !ok {
				t.Fatalf("block %d has no stats for %s", bm.ID, c.Name)
			}
			if st.Bytes <= 0 {
				t.Fatalf("block %d column %s: Bytes = %d", bm.ID, c.Name, st.Bytes)
			}
			st.Bytes = 0
			if w := wantStats(want.Cols[j]); !sameStats(st, w) {
				t.Fatalf("block %d column %s: stats %+v, want %+v", bm.ID, c.Name, st, w)
			}
		}
	}
}

// countKeys counts the keys of a kind, straight from Badger.
func countKeys(t *testing.T, db *DB, kind byte) int {
	t.Helper()
	n := 0
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{kind}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// tableBlocks returns the named table of s and its blocks.
func tableBlocks(t testing.TB, s *Snapshot, name string) (*TableInfo, []BlockMeta) {
	t.Helper()
	ti, err := s.Table(name)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := s.Blocks(ti)
	if err != nil {
		t.Fatal(err)
	}
	return ti, blocks
}

func snapshot(t *testing.T, db *DB) *Snapshot {
	t.Helper()
	s, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestWriteReopenRead(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	if db.Dir() != dir {
		t.Errorf("Dir() = %q, want %q", db.Dir(), dir)
	}

	a := makeFile("a.csv", 1, clickSchema, 1000, 1, 0, 2500)
	store(t, db, "clicks", a)

	// b drops Score and adds two columns, and one column sits in a new place.
	schemaB := slices.Clone(clickSchema[:6])
	schemaB = append(schemaB, column.Field{Name: "Extra", Type: column.String}, column.Field{Name: "Level", Type: column.Int},
		column.Field{Name: "Extra2", Type: column.Long}, column.Field{Name: "IsClicked", Type: column.Bool})
	b := makeFile("b.csv", 2, schemaB, 700, 3000)

	before := snapshot(t, db) // taken before b commits
	wb := begin(t, db, "clicks", b)
	during := snapshot(t, db) // blocks written, not committed
	if _, err := wb.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Snapshot{before, during} {
		checkTable(t, s, "clicks", a)
		ti, _ := s.Table("clicks")
		if _, ok := ti.Column("Extra"); ok {
			t.Errorf("old snapshot sees a column of an uncommitted file")
		}
		if files, _ := s.Files(); len(files) != 1 {
			t.Errorf("old snapshot sees %d files, want 1", len(files))
		}
	}
	checkTable(t, snapshot(t, db), "clicks", a, b)

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openTestDB(t, dir)
	s := snapshot(t, db)
	checkTable(t, s, "clicks", a, b)

	tables := s.Tables()
	if len(tables) != 1 || tables[0].Name != "clicks" {
		t.Fatalf("Tables() = %+v", tables)
	}
	// IDs in creation order: the Url's head (derived.go) was created
	// right after the first file's columns, before Extra.
	var names []string
	for i, c := range tables[0].Columns {
		want := uint32(i)
		if i >= len(clickSchema) {
			want++
		}
		if c.ID != want {
			t.Errorf("column %s has ID %d, want %d", c.Name, c.ID, want)
		}
		names = append(names, c.Name+":"+c.Type.String())
	}
	if d := tables[0].Derived; len(d) != 1 || d[0].Name != "Url\x00head" || d[0].ID != uint32(len(clickSchema)) {
		t.Errorf("derived columns %+v, want the Url's head with ID %d", d, len(clickSchema))
	}
	want := "Timestamp:datetime Url:string UserId:string ActionType:string Workload:string Count:long Score:real IsClicked:bool Duration:timespan Level:int Extra:string Extra2:long"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("columns:\n got %s\nwant %s", got, want)
	}
	if _, err := s.Table("Clicks"); !errors.Is(err, ErrNoTable) {
		t.Errorf("Table(Clicks) = %v, want ErrNoTable (names are case-sensitive)", err)
	}

	files, err := s.Files()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Path != "a.csv" || files[1].Path != "b.csv" ||
		files[0].Rows != a.rows() || files[1].Rows != b.rows() || files[0].Table != "clicks" ||
		files[0].SHA256 != a.info.SHA256 || time.Since(files[1].Ingested) > time.Minute {
		t.Errorf("Files() = %+v", files)
	}
	if f, ok, err := db.LookupFile(b.info.SHA256); err != nil || !ok || f.Path != "b.csv" || f.Rows != b.rows() {
		t.Errorf("LookupFile(b) = %+v, %v, %v", f, ok, err)
	}
	if _, ok, err := db.LookupFile(sha256.Sum256([]byte("nope"))); err != nil || ok {
		t.Errorf("LookupFile(unknown) = %v, %v", ok, err)
	}
	if n, err := db.DiskUsage(); err != nil || n <= 0 {
		t.Errorf("DiskUsage() = %d, %v", n, err)
	}
}

func TestTypeConflict(t *testing.T) {
	db := openTestDB(t, "")
	store(t, db, "clicks", makeFile("a.csv", 1, clickSchema, 10))

	bad := slices.Clone(clickSchema)
	bad[5].Type = column.String // Count
	f := makeFile("b.csv", 2, bad, 10)
	w, err := db.BeginFile("clicks", f.info)
	if err != nil {
		t.Fatal(err)
	}
	err = w.WriteBlock(f.schema, f.blocks[0])
	if !errors.Is(err, ErrTypeConflict) {
		t.Fatalf("WriteBlock = %v, want ErrTypeConflict", err)
	}
	for _, s := range []string{`"Count"`, "long", "string", "b.csv"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %s", err, s)
		}
	}
	// The writer is unchanged and still usable with a consistent schema.
	good := makeFile("b.csv", 2, clickSchema, 10)
	if err := w.WriteBlock(good.schema, good.blocks[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}

	// A conflict inside one file, on a new table.
	w, err = db.BeginFile("other", FileInfo{Path: "c.csv"})
	if err != nil {
		t.Fatal(err)
	}
	one := &column.Batch{Len: 1, Cols: []*column.Vector{vec(column.Long, int64(1))}}
	if err := w.WriteBlock(column.Schema{{Name: "X", Type: column.Long}}, one); err != nil {
		t.Fatal(err)
	}
	two := &column.Batch{Len: 1, Cols: []*column.Vector{vec(column.String, "1")}}
	if err := w.WriteBlock(column.Schema{{Name: "X", Type: column.String}}, two); !errors.Is(err, ErrTypeConflict) {
		t.Fatalf("second block: %v, want ErrTypeConflict", err)
	}
	w.Abort()
}

func TestWriteBlockRejects(t *testing.T) {
	db := openTestDB(t, "")
	w, err := db.BeginFile("t", FileInfo{Path: "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	s := column.Schema{{Name: "A", Type: column.Long}}
	for name, b := range map[string]*column.Batch{
		"too many rows":  {Len: BlockRows + 1, Cols: []*column.Vector{column.NewNulls(column.Long, BlockRows+1)}},
		"length differs": {Len: 2, Cols: []*column.Vector{vec(column.Long, int64(1))}},
		"type differs":   {Len: 1, Cols: []*column.Vector{vec(column.Real, 1.0)}},
		"no vector":      {Len: 1, Cols: []*column.Vector{nil}},
		"column count":   {Len: 1},
	} {
		if err := w.WriteBlock(s, b); err == nil {
			t.Errorf("%s: WriteBlock succeeded", name)
		}
	}
	dup := column.Schema{{Name: "A", Type: column.Long}, {Name: "A", Type: column.Long}}
	if err := w.WriteBlock(dup, &column.Batch{Len: 1, Cols: []*column.Vector{vec(column.Long, int64(1)), vec(column.Long, int64(1))}}); err == nil {
		t.Errorf("duplicate column accepted")
	}
}

func TestAbort(t *testing.T) {
	db := openTestDB(t, "")
	a := makeFile("a.csv", 1, clickSchema, 100, 200)
	store(t, db, "clicks", a)
	metas, datas := countKeys(t, db, kindMeta), countKeys(t, db, kindData)

	extra := append(slices.Clone(clickSchema), column.Field{Name: "New", Type: column.String})
	b := makeFile("b.csv", 2, extra, 300, 400)
	w := begin(t, db, "clicks", b)
	if countKeys(t, db, kindMeta) != metas+2 {
		t.Fatalf("blocks of b not written before commit")
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("second Abort: %v", err)
	}
	if _, err := w.Commit(); err == nil {
		t.Errorf("Commit after Abort succeeded")
	}
	// A new table aborted likewise leaves nothing.
	w = begin(t, db, "fresh", makeFile("c.csv", 3, clickSchema, 50))
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}

	if m, d := countKeys(t, db, kindMeta), countKeys(t, db, kindData); m != metas || d != datas {
		t.Errorf("after Abort: %d metas and %d data keys, want %d and %d", m, d, metas, datas)
	}
	s := snapshot(t, db)
	checkTable(t, s, "clicks", a)
	if ti, _ := s.Table("clicks"); len(ti.Columns) != len(clickSchema) {
		t.Errorf("aborted file added columns: %+v", ti.Columns)
	}
	if _, err := s.Table("fresh"); !errors.Is(err, ErrNoTable) {
		t.Errorf("aborted new table exists: %v", err)
	}
	if _, ok, _ := db.LookupFile(b.info.SHA256); ok {
		t.Errorf("aborted file recorded")
	}
	// The freed block IDs are reused by the next file.
	store(t, db, "clicks", b)
	checkTable(t, snapshot(t, db), "clicks", a, b)
}

// TestAbandonedWriter closes the DB under an open FileWriter, as a crash
// would leave it: nothing is visible, and reopening removes the orphans.
func TestAbandonedWriter(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	a := makeFile("a.csv", 1, clickSchema, 100)
	store(t, db, "clicks", a)
	metas, datas := countKeys(t, db, kindMeta), countKeys(t, db, kindData)

	begin(t, db, "clicks", makeFile("b.csv", 2, clickSchema, 300, 20))
	begin(t, db, "newtable", makeFile("c.csv", 3, clickSchema, 30))
	s := snapshot(t, db)
	checkTable(t, s, "clicks", a)
	if len(s.Tables()) != 1 {
		t.Errorf("uncommitted table visible: %+v", s.Tables())
	}
	if countKeys(t, db, kindMeta) != metas+3 {
		t.Fatalf("uncommitted blocks not on disk")
	}
	s.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openTestDB(t, dir)
	if m, d := countKeys(t, db, kindMeta), countKeys(t, db, kindData); m != metas || d != datas {
		t.Errorf("after reopen: %d metas and %d data keys, want %d and %d", m, d, metas, datas)
	}
	s = snapshot(t, db)
	checkTable(t, s, "clicks", a)
	if len(s.Tables()) != 1 {
		t.Errorf("uncommitted table visible: %+v", s.Tables())
	}
	if _, ok, _ := db.LookupFile(sha256.Sum256([]byte("b.csv"))); ok {
		t.Errorf("abandoned file recorded")
	}
	// The same file can now be stored for real.
	b := makeFile("b.csv", 2, clickSchema, 300, 20)
	store(t, db, "clicks", b)
	checkTable(t, snapshot(t, db), "clicks", a, b)
}

// TestCrashRecovery kills a writer process half way through a file.
func TestCrashRecovery(t *testing.T) {
	const env = "CLICKHUNT_STORAGE_CRASH_DIR"
	if dir := os.Getenv(env); dir != "" {
		// The child: commit a, write half of b, die without closing.
		db, err := Open(dir, Options{Small: true})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		a := makeFile("a.csv", 1, clickSchema, 500)
		w, _ := db.BeginFile("clicks", a.info)
		for _, b := range a.blocks {
			w.WriteBlock(a.schema, b)
		}
		if _, err := w.Commit(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		b := makeFile("b.csv", 2, clickSchema, 400, 400)
		w, _ = db.BeginFile("clicks", b.info)
		for _, blk := range b.blocks {
			w.WriteBlock(b.schema, blk)
		}
		w.Flush()
		fmt.Printf("metas=%d\n", countKeys(t, db, kindMeta))
		os.Exit(3)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashRecovery$")
	cmd.Env = append(os.Environ(), env+"="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "metas=3\n") {
		t.Fatalf("child did not leave 1 committed and 2 orphan blocks:\n%s", out)
	}
	// The child died with its log unflushed. A reader reads the log as
	// it is (the committed file, not the half-written one) and changes
	// no file.
	before := dirDigest(t, dir)
	ro := openTestDB(t, dir, readOnly)
	checkTable(t, snapshot(t, ro), "clicks", makeFile("a.csv", 1, clickSchema, 500))
	if r := mustCheck(t, ro); !r.OK() || r.Orphans == 0 {
		t.Errorf("check of the crashed database: %+v, want healthy with the orphans counted", r)
	}
	ro.Close()
	if after := dirDigest(t, dir); after != before {
		t.Errorf("a read-only open changed the files:\n%s\nbecame\n%s", before, after)
	}

	// The next writer replays the log and removes the orphans.
	db := openTestDB(t, dir)
	if rec := db.Recovery(); !rec.Replayed || rec.OrphanKeys == 0 {
		t.Errorf("recovery report %+v, want the log replayed and orphans removed", rec)
	}
	checkTable(t, snapshot(t, db), "clicks", makeFile("a.csv", 1, clickSchema, 500))
	if m := countKeys(t, db, kindMeta); m != 1 {
		t.Errorf("%d block metas after recovery, want 1", m)
	}
	if d := countKeys(t, db, kindData); d != len(clickSchema)+1 { // and the Url's head
		t.Errorf("%d column values after recovery, want %d", d, len(clickSchema)+1)
	}
}

func TestEmptyFile(t *testing.T) {
	db := openTestDB(t, "")
	f := makeFile("empty.csv", 1, clickSchema, 0)
	store(t, db, "clicks", f)
	s := snapshot(t, db)
	ti, err := s.Table("clicks")
	if err != nil {
		t.Fatal(err)
	}
	if ti.Rows != 0 || ti.Blocks != 0 || len(ti.Columns) != len(clickSchema) {
		t.Errorf("empty file made %+v", ti)
	}
	if blocks, err := s.Blocks(ti); err != nil || len(blocks) != 0 {
		t.Errorf("Blocks = %v, %v", blocks, err)
	}
}

func TestDuplicateFile(t *testing.T) {
	db := openTestDB(t, "")
	a := makeFile("a.csv", 1, clickSchema, 10)
	store(t, db, "clicks", a)
	if _, err := db.BeginFile("clicks", a.info); !errors.Is(err, ErrDuplicateFile) || !strings.Contains(err.Error(), "a.csv") {
		t.Errorf("BeginFile of a stored file: %v, want ErrDuplicateFile", err)
	}
	// Two writers of the same content into different tables: one wins.
	b := makeFile("b.csv", 2, clickSchema, 10)
	w1 := begin(t, db, "t1", b)
	w2 := begin(t, db, "t2", b)
	if _, err := w1.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := w2.Commit(); !errors.Is(err, ErrDuplicateFile) {
		t.Errorf("second Commit: %v, want ErrDuplicateFile", err)
	}
	if _, err := snapshot(t, db).Table("t2"); !errors.Is(err, ErrNoTable) {
		t.Errorf("losing writer created its table: %v", err)
	}
}

// TestLateSHA256 stores files whose hash is known only once they are
// written (ingest hashes while it parses): Commit refuses one without a
// hash and one whose hash was stored meanwhile, and leaves nothing.
func TestLateSHA256(t *testing.T) {
	db := openTestDB(t, "")
	a := makeFile("a.csv", 1, clickSchema, 10)
	store(t, db, "clicks", a)

	late := func(f testFile) testFile {
		f.info.SHA256 = [32]byte{}
		return f
	}
	// No hash given: refused.
	b := makeFile("b.csv", 2, clickSchema, 10)
	if _, err := begin(t, db, "clicks", late(b)).Commit(); err == nil || !strings.Contains(err.Error(), "without its SHA-256") {
		t.Errorf("Commit without a hash: %v", err)
	}
	// The hash of a stored file: refused at Commit, not at BeginFile.
	w := begin(t, db, "clicks", late(b))
	w.SetSHA256(a.info.SHA256)
	if _, err := w.Commit(); !errors.Is(err, ErrDuplicateFile) || !strings.Contains(err.Error(), "a.csv") {
		t.Errorf("Commit with a stored file's hash: %v, want ErrDuplicateFile", err)
	}
	checkTable(t, snapshot(t, db), "clicks", a)
	// A new hash: stored and found under it.
	w = begin(t, db, "clicks", late(b))
	w.SetSHA256(b.info.SHA256)
	if rows, err := w.Commit(); err != nil || rows != b.rows() {
		t.Fatalf("Commit with a late hash: %d rows, %v", rows, err)
	}
	if f, ok, err := db.LookupFile(b.info.SHA256); err != nil || !ok || f.Path != "b.csv" {
		t.Errorf("LookupFile after a late hash: %+v %v %v", f, ok, err)
	}
	checkTable(t, snapshot(t, db), "clicks", a, b)
}

// TestWritersSerialise checks a second writer of a table waits for the
// first, and that both files end up whole with distinct blocks.
func TestWritersSerialise(t *testing.T) {
	db := openTestDB(t, "")
	a := makeFile("a.csv", 1, clickSchema, 100, 100)
	b := makeFile("b.csv", 2, clickSchema, 50)
	w := begin(t, db, "clicks", a)

	started := make(chan *FileWriter)
	go func() {
		w2, err := db.BeginFile("clicks", b.info)
		if err != nil {
			t.Error(err)
		}
		started <- w2
	}()
	// Another table is not blocked.
	other := begin(t, db, "other", makeFile("c.csv", 3, clickSchema, 5))
	if _, err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
		t.Fatal("second writer of a table started while the first is open")
	case <-time.After(100 * time.Millisecond):
	}
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	w2 := <-started
	for _, blk := range b.blocks {
		if err := w2.WriteBlock(b.schema, blk); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w2.Commit(); err != nil {
		t.Fatal(err)
	}
	checkTable(t, snapshot(t, db), "clicks", a, b)
}

func TestFormatVersion(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	err := db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set(formatKey(), appendFormatVersion(nil, formatVersion+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, ro := range []bool{false, true} {
		_, err = openTestDBErr(t, dir, func(o *Options) { o.ReadOnly = ro })
		if !errors.Is(err, ErrFormatVersion) || !strings.Contains(err.Error(), dir) ||
			!strings.Contains(err.Error(), fmt.Sprint(formatVersion+1)) {
			t.Errorf("Open (read-only %v) of a newer format: %v", ro, err)
		}
	}
}

func TestLocked(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	for _, ro := range []bool{false, true} {
		_, err := openTestDBErr(t, dir, func(o *Options) { o.ReadOnly = ro })
		if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), dir) {
			t.Errorf("second Open (read-only %v): %v, want ErrLocked naming %s", ro, err, dir)
		}
	}
	db.Close()
	openTestDB(t, dir) // the lock goes with Close
}

func TestReadOnly(t *testing.T) {
	dir := t.TempDir()
	if _, err := openTestDBErr(t, dir, readOnly); !errors.Is(err, ErrNotDatabase) {
		t.Errorf("read-only Open of an empty dir: %v, want ErrNotDatabase", err)
	}
	db := openTestDB(t, dir)
	a := makeFile("a.csv", 1, clickSchema, 100)
	store(t, db, "clicks", a)
	db.Close()

	r1 := openTestDB(t, dir, readOnly)
	r2 := openTestDB(t, dir, readOnly) // readers share the directory
	checkTable(t, snapshot(t, r1), "clicks", a)
	checkTable(t, snapshot(t, r2), "clicks", a)
	if _, err := r1.BeginFile("clicks", FileInfo{Path: "b"}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("BeginFile on a read-only DB: %v", err)
	}
	if _, err := openTestDBErr(t, dir); !errors.Is(err, ErrLocked) {
		t.Errorf("read-write Open beside readers: %v, want ErrLocked", err)
	}
}

func TestNotDatabase(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := openTestDBErr(t, dir); !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("Open of a foreign directory: %v, want ErrNotDatabase", err)
	}
}

func TestClosed(t *testing.T) {
	db := openTestDB(t, "")
	store(t, db, "clicks", makeFile("a.csv", 1, clickSchema, 10))
	s := snapshot(t, db)
	db.Close()
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := db.Snapshot(); !errors.Is(err, ErrClosed) {
		t.Errorf("Snapshot after Close: %v", err)
	}
	if _, err := db.BeginFile("clicks", FileInfo{Path: "b"}); !errors.Is(err, ErrClosed) {
		t.Errorf("BeginFile after Close: %v", err)
	}
	ti, _ := s.Table("clicks")
	if _, err := s.Blocks(ti); !errors.Is(err, ErrClosed) {
		t.Errorf("Blocks after Close: %v", err)
	}
}

// TestLargeBlock stores a full block of long unique strings, whose value
// exceeds Badger's 1 MB value threshold and lands in the value log.
func TestLargeBlock(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	r := rand.New(rand.NewPCG(8, 9))
	urls := column.NewBuilder(column.String, BlockRows)
	times := column.NewBuilder(column.Datetime, BlockRows)
	ts := int64(17e15)
	buf := make([]byte, 40)
	for range BlockRows {
		for i := range buf {
			buf[i] = byte('a' + r.IntN(26))
		}
		urls.AppendString("https://example.com/" + string(buf))
		ts += r.Int64N(column.Second)
		times.AppendInt(ts)
	}
	f := testFile{
		info:   FileInfo{Path: "big.csv", SHA256: sha256.Sum256([]byte("big"))},
		schema: column.Schema{{Name: "Url", Type: column.String}, {Name: "Timestamp", Type: column.Datetime}},
		blocks: []*column.Batch{{Len: BlockRows, Cols: []*column.Vector{urls.Build(), times.Build()}}},
	}
	store(t, db, "big", f)
	db.Close()
	db = openTestDB(t, dir)
	s := snapshot(t, db)
	checkTable(t, s, "big", f)
	ti, _ := s.Table("big")
	blocks, _ := s.Blocks(ti)
	if st, _ := blocks[0].Stats.Get(0); st.Bytes <= 1<<20 {
		t.Errorf("url column is %d bytes, under the 1 MB value threshold: the value log goes untested", st.Bytes)
	}
	if err := db.CollectGarbage(); err != nil {
		t.Errorf("CollectGarbage: %v", err)
	}
}

// TestSnapshotIsolation checks one snapshot keeps reading the same data
// while files commit around it.
func TestSnapshotIsolation(t *testing.T) {
	db := openTestDB(t, "")
	a := makeFile("a.csv", 1, clickSchema, 100)
	store(t, db, "clicks", a)
	s := snapshot(t, db)
	ti, _ := s.Table("clicks")
	blocks, _ := s.Blocks(ti)
	for i := range 3 {
		store(t, db, "clicks", makeFile(fmt.Sprintf("n%d.csv", i), uint64(10+i), clickSchema, 10))
	}
	store(t, db, "later", makeFile("l.csv", 20, clickSchema, 10))
	checkTable(t, s, "clicks", a)
	if again, _ := s.Blocks(ti); len(again) != len(blocks) {
		t.Errorf("snapshot sees %d blocks, had %d", len(again), len(blocks))
	}
	// The snapshot keeps its list; what a caller does to its copy stays
	// in that copy.
	rows := blocks[0].Rows
	blocks[0].Rows = -1
	if again, _ := s.Blocks(ti); again[0].Rows != rows {
		t.Errorf("a caller's change to the block list reached the snapshot: %d rows", again[0].Rows)
	}
	blocks[0].Rows = rows
	if len(s.Tables()) != 1 {
		t.Errorf("snapshot sees a later table")
	}
	// A BlockMeta past the snapshot's commit point is refused.
	late := BlockMeta{ID: blocks[len(blocks)-1].ID + 1, Rows: 10}
	late.Stats.Set(0, ColStats{})
	if _, err := s.ReadColumn(ti, &late, ti.Columns[0]); err == nil {
		t.Errorf("ReadColumn of an uncommitted block succeeded")
	}
}

// TestConcurrentReads reads one snapshot from several goroutines (run
// with -race).
func TestConcurrentReads(t *testing.T) {
	db := openTestDB(t, "")
	a := makeFile("a.csv", 1, clickSchema, 300, 300, 300)
	store(t, db, "clicks", a)
	s := snapshot(t, db)
	ti, _ := s.Table("clicks")
	blocks, err := snapshot(t, db).Blocks(ti) // another snapshot's list
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			// The block list, read once per snapshot, is the same for all.
			if mine, err := s.Blocks(ti); err != nil || len(mine) != len(blocks) || mine[1].ID != blocks[1].ID {
				errs <- fmt.Errorf("block list %v, %v", mine, err)
				return
			}
			for i := range 50 {
				bm := blocks[(g+i)%len(blocks)]
				c := ti.Columns[(g*7+i)%len(ti.Columns)]
				v, err := s.ReadColumn(ti, &bm, c)
				if err == nil && v.Len != bm.Rows {
					err = fmt.Errorf("%d rows, want %d", v.Len, bm.Rows)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestAbortReclaimsSpace checks an aborted file gives its value-log space
// back: column values live in the value log, which only a collection
// shrinks, and a failed 10M-row ingest must not leave gigabytes behind.
func TestAbortReclaimsSpace(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	store(t, db, "clicks", makeFile("keep.csv", 1, clickSchema, 1000))
	before, err := db.DiskUsage()
	if err != nil {
		t.Fatal(err)
	}
	// Random letters barely compress: 14 blocks of ~2.6 MB fill several
	// 16 MB value-log files (Small), of which only the last is still open.
	r := rand.New(rand.NewPCG(3, 4))
	schema := column.Schema{{Name: "Url", Type: column.String}}
	var blocks []*column.Batch
	buf := make([]byte, 40)
	for range 14 {
		urls := column.NewBuilder(column.String, BlockRows)
		for range BlockRows {
			for i := range buf {
				buf[i] = byte('a' + r.IntN(26))
			}
			urls.AppendString(string(buf))
		}
		blocks = append(blocks, &column.Batch{Len: BlockRows, Cols: []*column.Vector{urls.Build()}})
	}
	f := testFile{info: FileInfo{Path: "big.csv", SHA256: sha256.Sum256([]byte("big"))}, schema: schema, blocks: blocks}
	w := begin(t, db, "clicks", f)
	during, err := db.DiskUsage()
	if err != nil {
		t.Fatal(err)
	}
	if during-before < 20<<20 {
		t.Fatalf("the file took %d bytes on disk, want over 20 MB for the test to mean anything", during-before)
	}
	if err := w.Abort(); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	after, err := db.DiskUsage()
	if err != nil {
		t.Fatal(err)
	}
	// The value-log file being written when the abort came is ended
	// first, so it is reclaimed too (16 KB stayed here: tables and
	// tombstones).
	t.Logf("the file took %d KB while written; %d KB stay after the abort", (during-before)>>10, (after-before)>>10)
	if after-before > 2<<20 {
		t.Errorf("after the abort the database holds %d MB more than before (%d MB while writing)", (after-before)>>20, (during-before)>>20)
	}
	s := snapshot(t, db)
	checkTable(t, s, "clicks", makeFile("keep.csv", 1, clickSchema, 1000))
}

// A process killed while Badger creates a memtable leaves an empty *.mem
// file, which Badger cannot open. A read-only open asks for recovery; a
// read-write open removes the empty file (only while it can hold the
// directory lock itself) and opens with nothing lost.
func TestEmptyMemtableAfterKill(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	f := makeFile("a.csv", 1, clickSchema, 500)
	store(t, db, "Clicks", f)
	db.Close()
	mem := filepath.Join(dir, "00007.mem")
	if err := os.WriteFile(mem, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A reader skips it and leaves it.
	ro := openTestDB(t, dir, readOnly)
	checkTable(t, snapshot(t, ro), "Clicks", f)
	ro.Close()
	if _, err := os.Stat(mem); err != nil {
		t.Fatalf("a read-only open removed the empty memtable: %v", err)
	}
	db = openTestDB(t, dir)
	if _, err := os.Stat(mem); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the empty memtable is still there: %v", err)
	}
	checkTable(t, snapshot(t, db), "Clicks", f)

	// While the database is open, an empty memtable is not removed: a
	// second writer cannot get past the lock.
	if err := os.WriteFile(mem, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := openTestDBErr(t, dir); !errors.Is(err, ErrLocked) {
		t.Errorf("second writer: %v, want ErrLocked", err)
	}
	if _, err := os.Stat(mem); err != nil {
		t.Errorf("a live database's file was removed: %v", err)
	}
	os.Remove(mem)
}

// A table file whose index length was damaged made Badger panic on one of
// its own goroutines while opening, killing the process; Open now finds
// it first and reports ErrCorrupt.
func TestDamagedTableIndex(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t, dir)
	store(t, db, "Clicks", makeFile("a.csv", 1, clickSchema, 500))
	db.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if len(files) == 0 {
		t.Fatal("no table file")
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	// The file ends with index | index length u32 | checksum | checksum
	// length u32 (big-endian).
	n := len(data)
	sumLen := int(data[n-4])<<24 | int(data[n-3])<<16 | int(data[n-2])<<8 | int(data[n-1])
	at := n - 4 - sumLen - 4
	data[at] ^= 0x40 // an index length far past the file's start
	if err := os.WriteFile(files[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{true, false} {
		_, err := openTestDBErr(t, dir, func(o *Options) { o.ReadOnly = ro })
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("read-only %v: Open: %v, want ErrCorrupt", ro, err)
		}
	}
}

// TestWriteBlockHashes stores row hashes with their blocks: a snapshot
// gives them back per block (nil for a block stored without), and a count
// that does not match the rows is refused.
func TestWriteBlockHashes(t *testing.T) {
	db := openTestDB(t, "")
	f := makeFile("h.csv", 1, clickSchema, 100, 50)
	w, err := db.BeginFile("clicks", f.info)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]uint64, 100)
	for i := range want {
		want[i] = uint64(i)*0x9E3779B97F4A7C15 | 1
	}
	if err := w.WriteBlockHashes(f.schema, f.blocks[0], want[:99]); err == nil {
		t.Fatal("99 hashes for 100 rows accepted")
	}
	w.Abort()
	w, err = db.BeginFile("clicks", f.info)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteBlockHashes(f.schema, f.blocks[0], want); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteBlock(f.schema, f.blocks[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	s := snapshot(t, db)
	ti, err := s.Table("clicks")
	if err != nil {
		t.Fatal(err)
	}
	var got [][]uint64
	if err := s.RowHashes(ti, func(_ *BlockMeta, h []uint64) error {
		got = append(got, h)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !slices.Equal(got[0], want) || got[1] != nil {
		t.Errorf("row hashes per block: %d blocks, first %v, second %v", len(got), len(got[0]) == 100 && slices.Equal(got[0], want), got[1])
	}
	checkTable(t, s, "clicks", f)
}

// dirDigest lists dir's files with their sizes and SHA-256s, one a line:
// what a read-only open must leave as it found.
func dirDigest(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %x\n", e.Name(), len(data), sha256.Sum256(data))
	}
	return b.String()
}
