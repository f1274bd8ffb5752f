package ingest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"clickhunt/column"
	"clickhunt/export"
)

// readBytes reads data named name through Read.
func readBytes(t *testing.T, name string, data []byte, opts Options) (*collect, readInfo, error) {
	t.Helper()
	c := &collect{}
	info, err := read(context.Background(), bytes.NewReader(data), name, c, opts)
	return c, info, err
}

// A clickhunt export part (typed header) keeps its names and types and goes
// to the table its file name names; nothing of another source's mapping
// applies (UrlBlocked would otherwise make it a Get-UrlTrace export).
func TestTypedCSVHeader(t *testing.T) {
	data := "Timestamp:datetime,AccountUpn:string,UrlBlocked:bool,Size:long,['Message Subject']:string,Score:real,Bag:dynamic,Took:timespan\n" +
		"2023-12-21T19:04:59.0109752Z,a@contoso.com,true,12,\"Re: hi, you\",0.5,\"{\"\"a\"\":1}\",01:00:00\n" +
		",b@contoso.com,,,,,,\n"
	c, info, err := readBytes(t, "dir/MessageTrace.00003.csv", []byte(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.table != "MessageTrace" || info.source != "clickhunt export" {
		t.Errorf("table %q, source %q", info.table, info.source)
	}
	types := map[string]column.Type{}
	for _, f := range c.schemas[0] {
		types[f.Name] = f.Type
	}
	for name, want := range map[string]column.Type{"Timestamp": column.Datetime, "UrlBlocked": column.Bool, "Size": column.Long,
		"Message Subject": column.String, "Score": column.Real, "Bag": column.String, "Took": column.String} {
		if types[name] != want {
			t.Errorf("column %s: %s, want %s (schema %v)", name, types[name], want, c.schemas[0])
		}
	}
	rows := c.rows()
	want := map[string]any{"Timestamp": ts("2023-12-21T19:04:59.0109752Z"), "AccountUpn": "a@contoso.com", "UrlBlocked": true, "Size": int64(12),
		"Message Subject": "Re: hi, you", "Score": 0.5, "Bag": `{"a":1}`, "Took": "01:00:00"}
	for k, v := range want {
		if !cmp.Equal(rows[0][k], v) {
			t.Errorf("row 1 %s = %v, want %v", k, rows[0][k], v)
		}
	}
	for _, k := range []string{"Timestamp", "UrlBlocked", "Size", "Score"} {
		if rows[1][k] != nil {
			t.Errorf("row 2 %s = %v, want null", k, rows[1][k])
		}
	}

	// --table wins over the file name; a file not named like a part goes
	// where its columns say.
	_, info, err = readBytes(t, "MessageTrace.00003.csv", []byte(data), Options{Table: "Other"})
	if err != nil || info.table != "Other" {
		t.Errorf("--table Other: table %q, %v", info.table, err)
	}
	_, info, err = readBytes(t, "clicks.csv", []byte(data), Options{})
	if err != nil || info.table != DefaultTable {
		t.Errorf("clicks.csv: table %q, %v", info.table, err)
	}

	// A header that is not all Name:type is an ordinary export's.
	_, info, err = readBytes(t, "x.csv", []byte("Timestamp:datetime,UrlBlocked,ClickId\n2024-01-01T00:00:00Z,true,x\n"), Options{})
	if err != nil || info.source == "clickhunt export" {
		t.Errorf("mixed header read as %q, %v", info.source, err)
	}
	// A bad value names its line and column.
	_, _, err = readBytes(t, "UrlClickEvents.00001.csv", []byte("Timestamp:datetime,N:long\n2024-01-01T00:00:00Z,twelve\n"), Options{})
	if err == nil || err.Error() != "UrlClickEvents.00001.csv:2:22: column N: cannot parse \"twelve\" as a whole number" {
		t.Errorf("bad long: %v", err)
	}
}

func TestSplitTypedName(t *testing.T) {
	f := func(cell, name string, typ column.Type, ok bool) {
		t.Helper()
		n, ty, o := splitTypedName(cell)
		if n != name || ty != typ || o != ok {
			t.Errorf("splitTypedName(%q) = %q, %s, %v; want %q, %s, %v", cell, n, ty, o, name, typ, ok)
		}
	}
	f("Url:string", "Url", column.String, true)
	f("['Message Subject']:string", "Message Subject", column.String, true)
	f(`['it\'s']:long`, "it's", column.Long, true)
	f(`["a:b"]:datetime`, "a:b", column.Datetime, true)
	f("Url:text", "", 0, false)
	f("Message Subject:string", "", 0, false)
	f("Url", "", 0, false)
	f(":string", "", 0, false)
	f("['x':string", "", 0, false)
}

// A Parquet file written by another tool: columns typed from Parquet's
// types, timestamps in any unit, dates, UUIDs; mapped as an Advanced
// Hunting export (its table by its columns).
func TestParquetOtherWriter(t *testing.T) {
	type row struct {
		Timestamp time.Time `parquet:"Timestamp,timestamp(millisecond)"`
		Day       int32     `parquet:"Day,date"`
		Url       string    `parquet:"Url"`
		Clicks    int32     `parquet:"Clicks"`
		Score     float32   `parquet:"Score"`
		Through   *bool     `parquet:"IsClickedThrough,optional"`
		ReportId  [16]byte  `parquet:"ReportId,uuid"`
	}
	yes := true
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[row](&buf)
	if _, err := w.Write([]row{
		{Timestamp: time.Date(2024, 3, 1, 10, 0, 0, 123_000_000, time.UTC), Day: 19783, Url: "https://a.example/", Clicks: 3, Score: 1.5, Through: &yes,
			ReportId: [16]byte{0x0a, 0xeb, 0x1a, 0x42, 0xc2, 0x8e, 0x45, 0xf8, 0x95, 0xc6, 0xf1, 0xb6, 0x0d, 0x92, 0x2d, 0x13}},
		{Timestamp: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC), Url: "https://b.example/"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	c, info, err := readBytes(t, "clicks.parquet", buf.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.table != "UrlClickEvents" || info.format != "parquet" {
		t.Errorf("table %q format %q", info.table, info.format)
	}
	rows := c.rows()
	want := map[string]any{"Timestamp": ts("2024-03-01T10:00:00.123Z"), "Day": ts("2024-03-01T00:00:00Z"), "Url": "https://a.example/",
		"Clicks": int64(3), "Score": 1.5, "IsClickedThrough": true, "ReportId": "0aeb1a42-c28e-45f8-95c6-f1b60d922d13"}
	for k, v := range want {
		if !cmp.Equal(rows[0][k], v) {
			t.Errorf("%s = %#v, want %#v", k, rows[0][k], v)
		}
	}
	if rows[1]["IsClickedThrough"] != nil {
		t.Errorf("null bool read as %v", rows[1]["IsClickedThrough"])
	}

	// Nested columns are refused with the column's name.
	type nested struct {
		Url  string   `parquet:"Url"`
		Tags []string `parquet:"Tags,list"`
	}
	buf.Reset()
	nw := parquet.NewGenericWriter[nested](&buf)
	nw.Write([]nested{{Url: "x", Tags: []string{"a"}}})
	nw.Close()
	_, _, err = readBytes(t, "n.parquet", buf.Bytes(), Options{})
	if err == nil || !strings.Contains(err.Error(), "n.parquet:1: column Tags is a group, list or map") {
		t.Errorf("nested column: %v", err)
	}
	// So is a file that only starts like Parquet.
	_, _, err = readBytes(t, "broken.parquet", []byte("PAR1 and then nothing"), Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "broken.parquet:1: not a readable Parquet file") {
		t.Errorf("broken file: %v", err)
	}
}

// An export's Parquet part reads back with its table, order and types
// from its metadata, even under another file name.
func TestParquetExportPart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	e, err := export.New(export.Options{Format: export.FormatParquet, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	schema := column.Schema{{Name: "Zeta", Type: column.Datetime}, {Name: "Alpha", Type: column.Timespan}, {Name: "Mid", Type: column.Int}, {Name: "UrlBlocked", Type: column.Bool}}
	b := &column.Batch{Len: 1, Cols: []*column.Vector{
		{Type: column.Datetime, Len: 1, Ints: []int64{ts("2023-12-21T19:04:59.0109752Z")}},
		{Type: column.Timespan, Len: 1, Ints: []int64{column.Hour + 7}},
		{Type: column.Int, Len: 1, Ints: []int64{-5}},
		{Type: column.Bool, Len: 1, Bools: []bool{true}},
	}}
	tbl, _ := e.Begin("Audit Log", schema)
	if err := tbl.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(tbl.Parts[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	c, info, err := readBytes(t, "renamed.parquet", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.table != "Audit Log" || info.source != "clickhunt export" {
		t.Errorf("table %q source %q", info.table, info.source)
	}
	if got := c.schemas[0]; !cmp.Equal(got, schema) {
		t.Errorf("schema %v, want %v", got, schema)
	}
	want := map[string]any{"Zeta": ts("2023-12-21T19:04:59.0109752Z"), "Alpha": column.Hour + 7, "Mid": int64(-5), "UrlBlocked": true}
	if got := c.rows()[0]; !cmp.Equal(got, want) {
		t.Errorf("row %v, want %v", got, want)
	}
}

// A file of many row groups and small pages — dictionary and plain
// columns, nulls on different rows in each, row groups that end inside a
// batch — reads back row for row; a page past parquetMaxPage is refused
// with the file, column and row group.
func TestParquetPagesAndRowGroups(t *testing.T) {
	type row struct {
		Url    string  `parquet:"Url,dict,optional"`
		Upn    *string `parquet:"AccountUpn,optional"`
		Clicks *int64  `parquet:"Clicks,optional"`
	}
	const n = 3*parquetBatchRows + 77
	in := make([]row, n)
	for i := range in {
		in[i].Url = fmt.Sprintf("https://site%d.example/%d", i%13, i)
		if i%5 != 0 {
			upn := fmt.Sprintf("user%d@contoso.com", i%97)
			in[i].Upn = &upn
		}
		if i%7 != 0 {
			v := int64(i) * 3
			in[i].Clicks = &v
		}
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[row](&buf, parquet.PageBufferSize(512), parquet.MaxRowsPerRowGroup(parquetBatchRows-1000))
	for from := 0; from < n; from += 500 { // several Write calls, as a writer streams
		if _, err := w.Write(in[from:min(n, from+500)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.RowGroups()) < 4 {
		t.Fatalf("fixture has %d row groups, want several", len(f.RowGroups()))
	}
	c, _, err := readBytes(t, "groups.parquet", buf.Bytes(), Options{Table: "T"})
	if err != nil {
		t.Fatal(err)
	}
	got := c.rows()
	if len(got) != n {
		t.Fatalf("%d rows, want %d", len(got), n)
	}
	for i, r := range in {
		// A null string is Kusto's empty string.
		want := map[string]any{"Url": r.Url, "AccountUpn": "", "Clicks": nil}
		if r.Upn != nil {
			want["AccountUpn"] = *r.Upn
		}
		if r.Clicks != nil {
			want["Clicks"] = *r.Clicks
		}
		if g := got[i]; !cmp.Equal(g, want) {
			t.Fatalf("row %d = %v, want %v", i+1, g, want)
		}
	}

	defer func(old int64) { parquetMaxPage = old }(parquetMaxPage)
	parquetMaxPage = 256
	_, _, err = readBytes(t, "groups.parquet", buf.Bytes(), Options{Table: "T"})
	if err == nil || !strings.HasPrefix(err.Error(), "groups.parquet:1: column ") || !strings.Contains(err.Error(), "row group 1 has a ") ||
		!strings.Contains(err.Error(), "refuses pages over") {
		t.Errorf("page over the limit: %v", err)
	}
}
