package ingest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"clickhunt/column"
	"clickhunt/storage"
)

// collect is a Sink that keeps every block.
type collect struct {
	schemas []column.Schema
	batches []*column.Batch
}

func (c *collect) WriteBlock(schema column.Schema, b *column.Batch) error {
	for _, v := range b.Cols {
		if v.Len != b.Len {
			panic("vector length differs from batch length")
		}
	}
	if len(schema) != len(b.Cols) {
		panic("schema and batch disagree")
	}
	c.schemas = append(c.schemas, schema)
	c.batches = append(c.batches, b)
	return nil
}

// rows returns every row as column name => value (nil for null), leaving
// out columns a block does not have.
func (c *collect) rows() []map[string]any {
	var out []map[string]any
	for bi, b := range c.batches {
		for i := 0; i < b.Len; i++ {
			row := map[string]any{}
			for ci, f := range c.schemas[bi] {
				row[f.Name] = b.Cols[ci].Value(i)
			}
			out = append(out, row)
		}
	}
	return out
}

func readTestFile(t *testing.T, name string, opts Options) (*collect, int64, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	c := &collect{}
	n, err := Read(context.Background(), bytes.NewReader(data), name, c, opts)
	return c, n, err
}

func ts(s string) int64 {
	t, err := column.ParseDatetime(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCSV(t *testing.T) {
	c, n, err := readTestFile(t, "clicks.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 9 || len(c.batches) != 1 {
		t.Fatalf("got %d rows in %d blocks, want 9 in 1", n, len(c.batches))
	}
	wantSchema := column.Schema{
		{Name: "Timestamp", Type: column.Datetime},
		{Name: "Url", Type: column.String},
		{Name: "ActionType", Type: column.String},
		{Name: "AccountUpn", Type: column.String},
		{Name: "DetectionMethods", Type: column.String},
		{Name: "IsClickedThrough", Type: column.Bool},
		{Name: "UrlChain", Type: column.String},
		{Name: "ReportId", Type: column.String},
		{Name: "Extra Col", Type: column.String},
	}
	if diff := cmp.Diff(wantSchema, c.schemas[0]); diff != "" {
		t.Fatalf("schema (-want +got):\n%s", diff)
	}
	base := ts("2023-12-21T19:05:00Z")
	row := func(id string, tsv any, url, extra string, clicked any, action, chain, det, upn string) map[string]any {
		return map[string]any{"ReportId": id, "Timestamp": tsv, "Url": url, "Extra Col": extra,
			"IsClickedThrough": clicked, "ActionType": action, "UrlChain": chain, "DetectionMethods": det, "AccountUpn": upn}
	}
	want := []map[string]any{
		row("r1", base-column.Second+109752, "https://a.example/x?y=1", "e1", true, "ClickAllowed",
			`["https://a.example/x?y=1","https://b.example/"]`, `{"Phish":["URL detonation reputation"]}`, "alice@contoso.com"),
		row("r2", base, "https://b.example/", "", false, "ClickBlocked", `["https://b.example/"]`, "", "bob@contoso.com"),
		row("r3", base+1000000, "https://c.example/", "quoted, with comma", true, "ClickAllowed", "[]", "", "carol@contoso.com"),
		row("r4", base+1200000, "https://d.example/", `say "hi"`, false, "UrlScanInProgress", "", "", "dave@contoso.com"),
		row("r5", base+1230000, "https://e.example/", "x", true, "ClickAllowed", "", "", "eve@contoso.com"),
		row("r6", base+1234000, "https://f.example/", "x", false, "ClickAllowed", "", "", "frank@contoso.com"),
		row("r7", base+1234500, "https://g.example/", "x", nil, "ClickAllowed", "", "", "grace@contoso.com"),
		row("r8", base+1234560, "https://h.example/", "multi\nline", true, "ClickAllowed", "", "", "heidi@contoso.com"),
		row("r9", nil, "https://i.example/", "x", false, "ClickAllowed", "", "", "ivan@contoso.com"),
	}
	if diff := cmp.Diff(want, c.rows()); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
	// Strings are dictionary-encoded per block.
	if v := c.batches[0].Cols[2]; !v.IsDict() || len(v.Dict) != 3 {
		t.Errorf("ActionType: want a dictionary of 3 values, got %+v", v)
	}
}

// TestCSVTimeZone checks datetimes do not depend on the machine's zone.
func TestCSVTimeZone(t *testing.T) {
	old := time.Local
	time.Local = time.FixedZone("UTC+5", 5*3600)
	defer func() { time.Local = old }()
	c, _, err := readTestFile(t, "clicks.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := c.rows()[1]["Timestamp"].(int64)
	if want := time.Date(2023, 12, 21, 19, 5, 0, 0, time.UTC); column.TimeFromTicks(got) != want {
		t.Errorf("got %v, want %v", column.TimeFromTicks(got), want)
	}
}

func TestCSVUnknownTable(t *testing.T) {
	c, _, err := readTestFile(t, "clicks.csv", Options{Table: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.schemas[0] {
		if f.Type != column.String {
			t.Errorf("column %s is %s, want string", f.Name, f.Type)
		}
	}
	if got := c.schemas[0][0].Name; got != "ReportId" {
		t.Errorf("first column %s, want ReportId (file order)", got)
	}
	if got := c.rows()[0]["Timestamp"]; got != "2023-12-21T19:04:59.0109752Z" {
		t.Errorf("Timestamp %q, want the text verbatim", got)
	}
}

func TestJSONArray(t *testing.T) {
	c, n, err := readTestFile(t, "clicks.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Fatalf("got %d rows, want 4", n)
	}
	wantSchema := column.Schema{
		{Name: "Timestamp", Type: column.Datetime},
		{Name: "Url", Type: column.String},
		{Name: "IsClickedThrough", Type: column.Bool},
		{Name: "UrlChain", Type: column.String},
		{Name: "Count", Type: column.Long},
		{Name: "Score", Type: column.Real},
		{Name: "Flag", Type: column.Bool},
		{Name: "Extra", Type: column.String},
		{Name: "Note", Type: column.String},
		{Name: "Empty", Type: column.String},
		{Name: "Late", Type: column.String},
	}
	if diff := cmp.Diff(wantSchema, c.schemas[0]); diff != "" {
		t.Fatalf("schema (-want +got):\n%s", diff)
	}
	want := []map[string]any{
		{"Timestamp": ts("2023-12-21T19:04:59.0109752Z"), "Url": "https://a.example/", "IsClickedThrough": true,
			"UrlChain": `["https://a.example/","https://b.example/"]`, "Count": int64(3), "Score": 1.0, "Flag": false,
			"Extra": `{"k":"v","n":[1,2]}`, "Note": "tab\tand \"quote\"", "Empty": "", "Late": ""},
		{"Timestamp": ts("2023-12-21T19:05:00Z"), "Url": "https://b.example/", "IsClickedThrough": false,
			"UrlChain": `["https://b.example/"]`, "Count": int64(4), "Score": 2.5, "Flag": true,
			"Extra": "plain", "Note": "7", "Empty": "", "Late": ""},
		{"Timestamp": nil, "Url": "https://c.example/", "IsClickedThrough": true, "UrlChain": "", "Count": nil,
			"Score": nil, "Flag": nil, "Extra": "", "Note": "", "Empty": "", "Late": ""},
		{"Timestamp": nil, "Url": "", "IsClickedThrough": false, "UrlChain": "", "Count": nil,
			"Score": nil, "Flag": nil, "Extra": "", "Note": "", "Empty": "", "Late": "new column"},
	}
	if diff := cmp.Diff(want, c.rows()); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
}

func TestJSONLines(t *testing.T) {
	c, n, err := readTestFile(t, "clicks.jsonl", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("got %d rows, want 3", n)
	}
	want := []map[string]any{
		{"ReportId": "r1", "Timestamp": ts("2023-12-21T19:04:59.0109752Z"), "IsClickedThrough": true, "ActionType": "ClickAllowed", "Port": nil},
		{"ReportId": "r2", "Timestamp": ts("2023-12-21T19:05:00.5Z"), "IsClickedThrough": false, "ActionType": "ClickBlocked", "Port": int64(443)},
		{"ReportId": "r3", "Timestamp": nil, "IsClickedThrough": nil, "ActionType": "ClickAllowed", "Port": int64(8080)},
	}
	if diff := cmp.Diff(want, c.rows()); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
}

func TestDetectFormat(t *testing.T) {
	f := func(name, format string, wantRows int64, wantFirst string) {
		t.Helper()
		c, n, err := readTestFile(t, name, Options{Format: format})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n != wantRows {
			t.Fatalf("%s: got %d rows, want %d", name, n, wantRows)
		}
		if got := c.schemas[0][0].Name; got != wantFirst {
			t.Errorf("%s: first column %s, want %s", name, got, wantFirst)
		}
	}
	f("array_noext", "", 4, "Timestamp")
	f("lines_noext", "auto", 3, "Timestamp")
	f("bom_lines_noext", "", 3, "Timestamp")
	f("csv_noext", "", 1, "Url")
	f("csv_noext", "csv", 1, "Url")
	f("lines_noext", "ndjson", 3, "Timestamp")
	f("clicks.jsonl", "jsonl", 3, "Timestamp")
	f("lines.json", "", 3, "Timestamp") // JSON lines in a .json file

	_, _, err := readTestFile(t, "csv_noext", Options{Format: "xml"})
	if err == nil || err.Error() != `unknown format "xml" (want auto, csv, json, jsonl or parquet)` {
		t.Errorf("got %v", err)
	}
}

func TestBadInput(t *testing.T) {
	f := func(name, want string) {
		t.Helper()
		opts := Options{}
		if name == "object.json" {
			opts.Format = "json" // by content it would be JSON lines
		}
		_, _, err := readTestFile(t, name, opts)
		var ie *Error
		if !errors.As(err, &ie) {
			t.Fatalf("%s: got %v (%T), want an *Error", name, err, err)
		}
		if err.Error() != want {
			t.Errorf("%s:\ngot  %s\nwant %s", name, err, want)
		}
	}
	f("bad_timestamp.csv", `bad_timestamp.csv:3:1: column Timestamp: cannot parse "2023-13-45" as a datetime (expected ISO 8601 such as 2023-12-21T19:04:59.0109752Z)`)
	f("bad_bool.csv", `bad_bool.csv:3:3: column IsClickedThrough: cannot parse "yes" as a bool (expected True, False, true, false, 1 or 0)`)
	f("field_count.csv", `field_count.csv:3: wrong number of fields: got 3, the header has 2`)
	f("bare_quote.csv", `bare_quote.csv:3:2: broken quoting: a " in an unquoted field (quote the whole field and double the quotes inside: "a ""b"" c")`)
	f("extra_quote.csv", `extra_quote.csv:3:3: broken quoting: extraneous or missing " in a quoted field`)
	f("unterminated.csv", `unterminated.csv:4:5: broken quoting: extraneous or missing " in a quoted field (the record starts on line 3)`)
	f("dup_header.csv", `dup_header.csv:1: header: column Url appears twice`)
	f("empty.csv", `empty.csv:1: empty file: expected a header row of column names`)
	f("bad_syntax.jsonl", `bad_syntax.jsonl:2:13: bad JSON: invalid character '}' looking for beginning of object key string`)
	f("truncated.jsonl", `truncated.jsonl:2: bad JSON: unexpected end of file`)
	f("not_object.jsonl", `not_object.jsonl:2:1: expected a JSON object for each row, found array [1, 2]`)
	f("bad_timestamp.json", `bad_timestamp.json:3:29: column Timestamp: cannot parse "yesterday" as a datetime (expected ISO 8601 such as 2023-12-21T19:04:59.0109752Z)`)
	f("type_change.json", `type_change.json:3:21: column N: expected a number, found string "two"`)
	f("bad_bool.json", `bad_bool.json:2:36: column IsClickedThrough: cannot parse "maybe" as a bool (expected True, False, true, false, 1 or 0)`)
	f("dup_key.json", `dup_key.json:2:16: key "Url" appears twice in one row`)
	f("trailing.json", `trailing.json:4:1: bad JSON: invalid character ']' looking for beginning of value`)
	f("object.json", `object.json:1: expected a JSON array of row objects, found "{"`)
	f("number.json", `number.json:1: expected a JSON array of row objects, found number 42`)
}

// bigCSV returns a CSV export of n rows whose values derive from the row
// number, so every block's content can be checked.
func bigCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Timestamp,Url,IsClickedThrough,ReportId\n")
	base := time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		b.WriteString(base.Add(time.Duration(i) * time.Second).Format("2006-01-02T15:04:05.0000000Z"))
		b.WriteString(",https://x.example/")
		b.WriteString(strconv.Itoa(i % 100))
		if i%3 == 0 {
			b.WriteString(",True,r")
		} else {
			b.WriteString(",False,r")
		}
		b.WriteString(strconv.Itoa(i))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func bigJSONL(n int) []byte {
	var b bytes.Buffer
	base := time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		b.WriteString(`{"Timestamp":"`)
		b.WriteString(base.Add(time.Duration(i) * time.Second).Format("2006-01-02T15:04:05.0000000Z"))
		b.WriteString(`","Url":"https://x.example/`)
		b.WriteString(strconv.Itoa(i % 100))
		if i%3 == 0 {
			b.WriteString(`","IsClickedThrough":true,"ReportId":"r`)
		} else {
			b.WriteString(`","IsClickedThrough":false,"ReportId":"r`)
		}
		b.WriteString(strconv.Itoa(i))
		b.WriteString("\"}\n")
	}
	return b.Bytes()
}

func TestBlockSplitting(t *testing.T) {
	const n = storage.BlockRows*2 + 5
	base := ts("2023-12-01T00:00:00Z")
	for _, tc := range []struct {
		name string
		data []byte
	}{{"big.csv", bigCSV(n)}, {"big.jsonl", bigJSONL(n)}} {
		t.Run(tc.name, func(t *testing.T) {
			c := &collect{}
			var progress []int64
			rows, err := Read(context.Background(), bytes.NewReader(tc.data), tc.name, c, Options{
				Progress: func(_, _, rows int64) { progress = append(progress, rows) },
			})
			if err != nil {
				t.Fatal(err)
			}
			if rows != n {
				t.Fatalf("got %d rows, want %d", rows, n)
			}
			var lens []int
			for _, b := range c.batches {
				lens = append(lens, b.Len)
			}
			if diff := cmp.Diff([]int{storage.BlockRows, storage.BlockRows, 5}, lens); diff != "" {
				t.Fatalf("block sizes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int64{storage.BlockRows, 2 * storage.BlockRows, n}, progress); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
			if tc.name == "big.csv" {
				// Mostly distinct values go plain; the rest stay dictionaries.
				for bi, b := range c.batches {
					id, url := b.Cols[c.schemas[bi].Index("ReportId")], b.Cols[c.schemas[bi].Index("Url")]
					if id.Strs == nil || id.Codes != nil || !url.IsDict() || len(url.Dict) != min(100, b.Len) {
						t.Errorf("block %d: ReportId plain %v, Url dictionary of %d", bi, id.Strs != nil, len(url.Dict))
					}
				}
			}
			for i, r := range c.rows() {
				want := map[string]any{
					"Timestamp":        base + int64(i)*column.Second,
					"Url":              "https://x.example/" + strconv.Itoa(i%100),
					"IsClickedThrough": i%3 == 0,
					"ReportId":         "r" + strconv.Itoa(i),
				}
				if diff := cmp.Diff(want, r); diff != "" {
					t.Fatalf("row %d (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

// TestLateError checks line numbers stay right after blocks went by.
func TestLateError(t *testing.T) {
	const n = storage.BlockRows + 10
	f := func(name string, data []byte, want string) {
		t.Helper()
		c := &collect{}
		_, err := Read(context.Background(), bytes.NewReader(data), name, c, Options{})
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
	f("late.csv", append(bigCSV(n), "2023-12-01T00:00:00Z,u,maybe,r\n"...),
		`late.csv:65548:24: column IsClickedThrough: cannot parse "maybe" as a bool (expected True, False, true, false, 1 or 0)`)
	f("late.jsonl", append(bigJSONL(n), `{"IsClickedThrough": "maybe"}`+"\n"...),
		`late.jsonl:65547:22: column IsClickedThrough: cannot parse "maybe" as a bool (expected True, False, true, false, 1 or 0)`)
	f("late.jsonl", append(bigJSONL(n), `{"Url": "a" "b"}`+"\n"...),
		`late.jsonl:65547:13: bad JSON: invalid character '"' after object key:value pair`)
	f("late.json", []byte("[\n"+strings.Repeat(`{"Url": "a"},`+"\n", n)+`{"Url": "a"}`+"\n"+`{"Url": "b"}`+"\n]\n"),
		`late.json:65549:1: bad JSON: expected comma after array element`)
}

// failSink fails its second block.
type failSink struct{ n int }

var errSink = errors.New("sink full")

func (s *failSink) WriteBlock(column.Schema, *column.Batch) error {
	s.n++
	if s.n == 2 {
		return errSink
	}
	return nil
}

func TestSinkErrorAndCancel(t *testing.T) {
	data := bigCSV(storage.BlockRows*3 + 1)
	if _, err := Read(context.Background(), bytes.NewReader(data), "big.csv", &failSink{}, Options{}); err != errSink {
		t.Errorf("got %v, want %v", err, errSink)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &collect{}
	_, err := Read(ctx, bytes.NewReader(data), "big.csv", c, Options{
		Progress: func(_, _, _ int64) { cancel() },
	})
	if err != context.Canceled || len(c.batches) != 1 {
		t.Errorf("got %v after %d blocks, want %v after 1", err, len(c.batches), context.Canceled)
	}
	// Cancelled before the first block is full: caught within a block.
	_, err = Read(ctx, bytes.NewReader(data), "big.csv", c, Options{})
	if err != context.Canceled {
		t.Errorf("got %v, want %v", err, context.Canceled)
	}
}

func TestLongTurnsReal(t *testing.T) {
	in := `[{"N": 1}, {"N": null}, {"N": 2.5}]`
	c := &collect{}
	if _, err := Read(context.Background(), strings.NewReader(in), "n.json", c, Options{}); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"N": 1.0}, {"N": nil}, {"N": 2.5}}
	if diff := cmp.Diff(want, c.rows()); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
}
