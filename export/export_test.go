package export

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"clickhunt/column"
)

func TestQuoteName(t *testing.T) {
	f := func(name, want string) {
		t.Helper()
		if got := QuoteName(name); got != want {
			t.Errorf("QuoteName(%q) = %s, want %s", name, got, want)
		}
	}
	f("Url", "Url")
	f("recipient_status", "recipient_status")
	f("_x1", "_x1")
	f("Message Subject", "['Message Subject']")
	f("1st", "['1st']")
	f("where", "['where']")
	f("Project", "Project")
	f("Count", "Count")
	f("count", "['count']")
	f("it's", `['it\'s']`)
	f(`a\b`, `['a\\b']`)
	f("Name [UTC]", "['Name [UTC]']")
}

func TestTableOfPart(t *testing.T) {
	for _, table := range []string{"UrlClickEvents", "My Table", "a.b", "x/y", "50%"} {
		for _, format := range []string{FormatCSV, FormatParquet} {
			name := partName(table, 12, format)
			got, ok := TableOfPart(filepath.Join("some", "dir", name))
			if !ok || got != table {
				t.Errorf("TableOfPart(%q) = %q, %v; want %q", name, got, ok, table)
			}
		}
	}
	for _, name := range []string{"clicks.csv", "UrlClickEvents.csv.gz", "UrlClickEvents.12.parquet", "UrlClickEvents.0001x.csv", ".00001.parquet", "a.00001.json"} {
		if got, ok := TableOfPart(name); ok {
			t.Errorf("TableOfPart(%q) = %q, want not a part", name, got)
		}
	}
}

// sample is a batch of every type, nulls included: what a query result
// may hold.
func sample() (column.Schema, *column.Batch) { return sampleN(0) }

// sampleN is sample with a string made distinct by n (0: none), so that
// many batches do not compress to nothing.
func sampleN(n int) (column.Schema, *column.Batch) {
	schema := column.Schema{
		{Name: "Timestamp", Type: column.Datetime},
		{Name: "Message Subject", Type: column.String},
		{Name: "Count", Type: column.Long},
		{Name: "Small", Type: column.Int},
		{Name: "Score", Type: column.Real},
		{Name: "Through", Type: column.Bool},
		{Name: "Took", Type: column.Timespan},
		{Name: "Bag", Type: column.Dynamic},
		{Name: "Id", Type: column.Guid},
	}
	ts := column.NewBuilder(column.Datetime, 3)
	for _, s := range []string{"2023-12-21T19:04:59.0109752Z", "1999-01-01T00:00:00Z"} {
		t, err := column.ParseDatetime(s)
		if err != nil {
			panic(err)
		}
		ts.AppendInt(t)
	}
	ts.AppendNull()
	subj := column.NewBuilder(column.String, 3)
	for _, s := range []string{"Re: \"invoice\", urgent", "", "line1\nline2"} {
		if n > 0 {
			s += fmt.Sprintf(" %x", uint64(n)*0x9e3779b97f4a7c15)
		}
		subj.AppendString(s)
	}
	cnt := column.NewBuilder(column.Long, 3)
	cnt.AppendInt(-9007199254740993)
	cnt.AppendNull()
	cnt.AppendInt(0)
	small := column.NewBuilder(column.Int, 3)
	small.AppendInt(42)
	small.AppendInt(-1)
	small.AppendNull()
	score := column.NewBuilder(column.Real, 3)
	score.AppendFloat(0.1)
	score.AppendNull()
	score.AppendFloat(-2.5e10)
	through := column.NewBuilder(column.Bool, 3)
	through.AppendBool(true)
	through.AppendBool(false)
	through.AppendNull()
	took := column.NewBuilder(column.Timespan, 3)
	took.AppendInt(column.Day + 2*column.Hour + 3*column.Second + 4)
	took.AppendNull()
	took.AppendInt(-column.Minute)
	bag := column.NewDynamicBuilder(3)
	bag.AppendDynamic(map[string]any{"a": []any{int64(1), "x"}, "b": nil})
	bag.AppendDynamic("text")
	bag.AppendNull()
	id := column.NewBuilder(column.Guid, 3)
	id.AppendString("0aeb1a42-c28e-45f8-95c6-f1b60d922d13")
	id.AppendNull()
	id.AppendString("00000000-0000-0000-0000-0000000000ff")
	b := &column.Batch{Len: 3, Cols: []*column.Vector{ts.Build(), subj.Build(), cnt.Build(), small.Build(), score.Build(), through.Build(), took.Build(), bag.Build(), id.Build()}}
	return schema, b
}

func exportSample(t *testing.T, format string, partSize int64, batches int) *Export {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	e, err := New(Options{Format: format, Dir: dir, PartSize: partSize})
	if err != nil {
		t.Fatal(err)
	}
	schema, _ := sample()
	tbl, err := e.Begin("My Table", schema)
	if err != nil {
		t.Fatal(err)
	}
	for i := range batches {
		_, b := sampleN(i)
		if err := tbl.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tbl.Close(); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestCSVValues(t *testing.T) {
	e := exportSample(t, FormatCSV, 0, 1)
	parts := e.Tables()[0].Parts
	if len(parts) != 1 || parts[0].Rows != 3 || filepath.Base(parts[0].Path) != "My%20Table.00001.csv.gz" {
		t.Fatalf("parts = %+v", parts)
	}
	recs := readCSVPart(t, parts[0].Path)
	want := [][]string{
		{"Timestamp:datetime", "['Message Subject']:string", "Count:long", "Small:int", "Score:real", "Through:bool", "Took:timespan", "Bag:dynamic", "Id:guid"},
		// 100-ns ticks kept; quotes and line breaks survive CSV quoting;
		// dynamic values are JSON (a string with its quotes).
		{"2023-12-21T19:04:59.0109752Z", `Re: "invoice", urgent`, "-9007199254740993", "42", "0.1", "true", "1.02:00:03.0000004", `{"a":[1,"x"],"b":null}`, "0aeb1a42-c28e-45f8-95c6-f1b60d922d13"},
		{"1999-01-01T00:00:00Z", "", "", "-1", "", "false", "", `"text"`, ""},
		{"", "line1\nline2", "0", "", "-2.5e+10", "", "-00:01:00", "", "00000000-0000-0000-0000-0000000000ff"},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d: %q", len(recs), len(want), recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d:\n got %q\nwant %q", i, recs[i], want[i])
		}
	}
}

func readCSVPart(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestParquetValues(t *testing.T) {
	e := exportSample(t, FormatParquet, 0, 1)
	parts := e.Tables()[0].Parts
	if len(parts) != 1 || filepath.Base(parts[0].Path) != "My%20Table.00001.parquet" {
		t.Fatalf("parts = %+v", parts)
	}
	f := openParquet(t, parts[0].Path)
	if v, _ := f.Lookup(MetaTable); v != "My Table" {
		t.Errorf("table metadata %q", v)
	}
	var cols []ColumnMeta
	meta, _ := f.Lookup(MetaColumns)
	if err := json.Unmarshal([]byte(meta), &cols); err != nil {
		t.Fatal(err)
	}
	schema, b := sample()
	for i, c := range cols {
		if c.Name != schema[i].Name || c.Type != schema[i].Type.String() {
			t.Errorf("column metadata %d = %+v, want %s:%s", i, c, schema[i].Name, schema[i].Type)
		}
	}
	// Parquet's own types, as Kusto's Parquet mapping reads them.
	wantTypes := map[string]string{
		"Timestamp": "TIMESTAMP(isAdjustedToUTC=true,unit=NANOS)", "Message Subject": "STRING",
		"Count": "INT(64,true)", "Small": "INT(32,true)", "Score": "DOUBLE", "Through": "BOOLEAN",
		"Took": "INT(64,true)", "Bag": "JSON", "Id": "UUID",
	}
	got := map[string]map[int]parquet.Value{}
	rows := make([]parquet.Row, 10)
	paths := f.Schema().Columns()
	for _, p := range paths {
		leaf, _ := f.Schema().Lookup(p...)
		if typ := leaf.Node.Type().String(); typ != wantTypes[p[0]] {
			t.Errorf("column %s is %s, want %s", p[0], typ, wantTypes[p[0]])
		}
		if !leaf.Node.Optional() {
			t.Errorf("column %s is not optional", p[0])
		}
	}
	for _, rg := range f.RowGroups() {
		r := rg.Rows()
		n, _ := r.ReadRows(rows)
		r.Close()
		for i, row := range rows[:n] {
			for _, v := range row {
				name := paths[v.Column()][0]
				if got[name] == nil {
					got[name] = map[int]parquet.Value{}
				}
				got[name][i] = v.Clone()
			}
		}
	}
	for c, f := range schema {
		v := b.Cols[c]
		for r := 0; r < b.Len; r++ {
			pv := got[f.Name][r]
			if isNull(v, r) != pv.IsNull() {
				t.Errorf("%s row %d: null %v, parquet %v", f.Name, r, isNull(v, r), pv)
				continue
			}
			if isNull(v, r) {
				continue
			}
			var ok bool
			switch f.Type {
			case column.Datetime:
				ok = pv.Int64() == v.Int(r)*100 // ticks to nanoseconds, nothing rounded
			case column.Long, column.Timespan:
				ok = pv.Int64() == v.Int(r)
			case column.Int:
				ok = int64(pv.Int32()) == v.Int(r)
			case column.Real:
				ok = pv.Double() == v.Float(r)
			case column.Bool:
				ok = pv.Boolean() == v.Bool(r)
			case column.String:
				ok = string(pv.ByteArray()) == v.Str(r)
			case column.Dynamic:
				ok = string(pv.ByteArray()) == string(column.AppendDynamicJSON(nil, v.Anys[r]))
			case column.Guid:
				u, _ := parseGUID(v.Str(r))
				ok = bytes.Equal(pv.ByteArray(), u[:])
			}
			if !ok {
				t.Errorf("%s row %d: parquet %v for %s", f.Name, r, pv, column.FormatValue(v, r))
			}
		}
	}
}

func openParquet(t *testing.T, path string) *parquet.File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Parts end once they pass the part size, at a chunk boundary; together
// they hold every row once.
func TestPartSize(t *testing.T) {
	for _, format := range []string{FormatCSV, FormatParquet} {
		e := exportSample(t, format, 4<<10, 2000) // 6,000 rows
		tbl := e.Tables()[0]
		if tbl.Rows != 6000 {
			t.Fatalf("%s: %d rows", format, tbl.Rows)
		}
		if len(tbl.Parts) < 2 {
			t.Fatalf("%s: %d parts of 4 KB for 6,000 rows", format, len(tbl.Parts))
		}
		var sum int64
		for i, p := range tbl.Parts {
			st, err := os.Stat(p.Path)
			if err != nil || st.Size() != p.Bytes {
				t.Errorf("%s part %d: %d bytes recorded, file %v %v", format, i, p.Bytes, st.Size(), err)
			}
			sum += p.Rows
			var rows int64
			if format == FormatCSV {
				rows = int64(len(readCSVPart(t, p.Path)) - 1)
			} else {
				rows = openParquet(t, p.Path).NumRows()
			}
			if rows != p.Rows {
				t.Errorf("%s part %d: %d rows recorded, %d in the file", format, i, p.Rows, rows)
			}
			if i < len(tbl.Parts)-1 && p.Bytes < 4<<10 {
				t.Errorf("%s part %d closed at %d bytes, before the part size", format, i, p.Bytes)
			}
		}
		if sum != 6000 {
			t.Errorf("%s: parts hold %d rows", format, sum)
		}
	}
}

func TestScript(t *testing.T) {
	e := exportSample(t, FormatCSV, 4<<10, 2000)
	var sb strings.Builder
	if err := e.WriteScript(&sb, ScriptOptions{Source: "a test", IngestFrom: "https://acct.blob.core.windows.net/c?sv=1&sig=x"}); err != nil {
		t.Fatal(err)
	}
	s := sb.String()
	create := ".create-merge table ['My Table'] (Timestamp:datetime, ['Message Subject']:string, Count:long, Small:int, Score:real, Through:bool, Took:timespan, Bag:dynamic, Id:guid)\n"
	if !strings.Contains(s, create) {
		t.Errorf("script lacks %q:\n%s", create, s)
	}
	m := regexp.MustCompile(`(?m)^\.create-or-alter table \['My Table'\] ingestion csv mapping 'My Table_csv' '(.*)'$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no csv mapping in:\n%s", s)
	}
	var mapping []struct {
		Column, DataType string
		Properties       map[string]string
	}
	if err := json.Unmarshal([]byte(m[1]), &mapping); err != nil {
		t.Fatalf("mapping %s: %v", m[1], err)
	}
	schema, _ := sample()
	for i, f := range schema {
		if mapping[i].Column != f.Name || mapping[i].DataType != f.Type.String() || mapping[i].Properties["Ordinal"] != strconv.Itoa(i) {
			t.Errorf("mapping %d = %+v", i, mapping[i])
		}
	}
	ingests := regexp.MustCompile(`(?m)^\.ingest into table \['My Table'\] \(h'([^']*)'\) with \(format='csv', ingestionMappingReference='My Table_csv', ignoreFirstRecord=true\)$`).FindAllStringSubmatch(s, -1)
	parts := e.Tables()[0].Parts
	if len(ingests) != len(parts) {
		t.Fatalf("%d .ingest commands for %d parts", len(ingests), len(parts))
	}
	for i, p := range parts {
		want := "https://acct.blob.core.windows.net/c/" + p.Name + "?sv=1&sig=x"
		if ingests[i][1] != want {
			t.Errorf(".ingest %d reads %s, want %s", i, ingests[i][1], want)
		}
	}
	if !strings.Contains(s, `-table:"My Table" -source:"`+filepath.Dir(parts[0].Path)+`" -pattern:"My%20Table.*.csv.gz" -format:csv -mappingRef:My Table_csv -ignoreFirstRow:true`) {
		t.Errorf("no LightIngest line in:\n%s", s)
	}
}

func TestNewRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x"), nil, 0o644)
	if _, err := New(Options{Format: FormatCSV, Dir: dir}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("New on a non-empty dir: %v", err)
	}
}

func TestAbortRemovesFiles(t *testing.T) {
	e := exportSample(t, FormatParquet, 4<<10, 100)
	dir := e.opts.Dir
	e.Abort()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(filepath.Join(dir, DataDir))
		t.Fatalf("after Abort %s still exists (%v, %d parts)", dir, err, len(entries))
	}
}

// A Parquet row group ends once it holds rowGroupBytes of values, before
// its row count, and every row still lands once.
func TestRowGroupBytes(t *testing.T) {
	defer func(old int64) { rowGroupBytes = old }(rowGroupBytes)
	rowGroupBytes = 64 << 10
	e, err := New(Options{Format: FormatParquet, Dir: filepath.Join(t.TempDir(), "out")})
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := e.Begin("Wide", column.Schema{{Name: "Url", Type: column.String}})
	if err != nil {
		t.Fatal(err)
	}
	const rows, width = 5000, 200
	b := column.NewBuilder(column.String, rows)
	for i := range rows {
		b.AppendString(fmt.Sprintf("%0*d", width, i))
	}
	if err := tbl.Write(&column.Batch{Len: rows, Cols: []*column.Vector{b.Build()}}); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Close(); err != nil {
		t.Fatal(err)
	}
	f := openParquet(t, tbl.Parts[0].Path)
	groups := f.RowGroups()
	if len(groups) < 4 || f.NumRows() != rows {
		t.Fatalf("%d row groups, %d rows: want row groups of about %d rows", len(groups), f.NumRows(), rowGroupBytes/width)
	}
	for i, g := range groups {
		// A row group is checked every 1,024 rows: it passes the bound by
		// less than that many rows.
		if held := g.NumRows() * width; held >= rowGroupBytes+1024*width {
			t.Errorf("row group %d holds %d bytes of values", i+1, held)
		}
	}
}
