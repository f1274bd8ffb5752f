package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"clickhunt/column"
)

// readRejects decodes a rejects file's JSON lines.
func readRejects(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var got []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	return got
}

// reject is one expected line of a rejects file (column 0: none).
func reject(file string, line, col int, reason, raw string) map[string]any {
	m := map[string]any{"file": file, "line": float64(line), "reason": reason, "raw": raw}
	if col > 0 {
		m["column"] = float64(col)
	}
	return m
}

const maybeBool = `cannot parse "maybe" as a bool (expected True, False, true, false, 1 or 0)`

// TestJSONRejects: plain JSON arrays and JSON lines (no embedded schema)
// skip bad rows with --rejects, leaving no trace of them in the table.
func TestJSONRejects(t *testing.T) {
	type tc struct {
		file             string
		in, stored, rejs int64
		rejects          []map[string]any
		types            map[string]column.Type
		want             []map[string]any
		stop             string // the error without --rejects
	}
	jl := filepath.Join("testdata", "rejects.jsonl")
	ja := filepath.Join("testdata", "rejects.json")
	jb := filepath.Join("testdata", "rejects_bom_crlf.jsonl")
	jd := filepath.Join("testdata", "defender_bad.json")
	cases := []tc{
		{file: jl, in: 11, stored: 3, rejs: 8,
			rejects: []map[string]any{
				reject(jl, 2, 88, "column IsClickedThrough: "+maybeBool, `{"Timestamp": "2024-01-01T00:00:01Z", "Url": "https://b.example/", "IsClickedThrough": "maybe", "OnlyInABadRow": "x"}`),
				reject(jl, 3, 1, "expected a JSON object for each row, found array [1, 2]", `[1, 2]`),
				reject(jl, 4, 44, `key "Url" appears twice in one row`, `{"Url": "https://c.example/", "Port": 8.5, "Url": "again"}`),
				reject(jl, 5, 30, "bad JSON: invalid character ',' looking for beginning of object key string", `{"Url": "https://d.example/",, "Port": 1}`),
				reject(jl, 7, 86, `column IsClickedThrough: cannot parse "nope" as a bool (expected True, False, true, false, 1 or 0)`, `{"Url": "https://f.example/", "Port": 9.5, "UrlChain": {"x": 1}, "IsClickedThrough": "nope"}`),
				reject(jl, 8, 44, `column Timestamp: cannot parse "yesterday" as a datetime (expected ISO 8601 such as 2023-12-21T19:04:59.0109752Z)`, `{"Url": "https://g.example/", "Timestamp": "yesterday"}`),
				// The error shows on the next line, which is a good row.
				reject(jl, 9, 0, "bad JSON: invalid character '{' after object key:value pair", `{"Url": "https://i.example/"`),
				reject(jl, 11, 0, "bad JSON: unexpected end of file", `{"Url": "https://k.example/`),
			},
			// Port stays long: the fractions were in rejected rows.
			types: map[string]column.Type{"Port": column.Long, "IsClickedThrough": column.Bool, "UrlChain": column.String},
			want: []map[string]any{
				{"Url": "https://a.example/", "AccountUpn": "alice@contoso.com", "IsClickedThrough": false, "Port": int64(443), "Timestamp": tsUTC("2024-01-01T00:00:00Z")},
				{"Url": "https://e.example/", "Port": int64(80), "UrlChain": `["https://e.example/","https://e2.example/"]`, "IsClickedThrough": nil},
				{"Url": "https://j.example/", "AccountUpn": "erin@contoso.com", "Port": nil},
			},
			stop: jl + ":2:88: column IsClickedThrough: " + maybeBool},
		{file: ja, in: 5, stored: 2, rejs: 3,
			rejects: []map[string]any{
				reject(ja, 3, 78, `column Port: expected a number, found string "443"`, `{"Timestamp": "2024-01-01T00:00:01Z", "Url": "https://b.example/", "Port": "443"}`),
				reject(ja, 4, 3, `expected a JSON object for each row, found string "not a row"`, `"not a row"`),
				reject(ja, 6, 53, "column IsClickedThrough: expected a bool, found number 2", "{\"Timestamp\": \"2024-01-01T00:00:02Z\",\n   \"Url\": \"https://c.example/\", \"IsClickedThrough\": 2}"),
			},
			types: map[string]column.Type{"Port": column.Long},
			want: []map[string]any{
				{"Url": "https://a.example/", "Port": int64(443), "IsClickedThrough": nil},
				{"Url": "https://d.example/", "Port": int64(8080), "IsClickedThrough": true, "Timestamp": tsUTC("2024-01-01T00:00:03Z")},
			},
			stop: ja + `:3:78: column Port: expected a number, found string "443"`},
		// Defender API JSON, already able to reject, now with columns.
		{file: jd, in: 4, stored: 2, rejs: 2,
			rejects: []map[string]any{
				reject(jd, 4, 43, `column Clicks: cannot parse "three" as a whole number`, `{"Url": "https://b.example/", "Clicks": "three", "Timestamp": "2024-09-24T19:35:00Z"}`),
				reject(jd, 5, 3, "expected a JSON object for each row, found number", `42`),
			},
			types: map[string]column.Type{"Clicks": column.Long},
			want:  []map[string]any{{"Clicks": int64(3)}, {"Clicks": int64(4), "Url": "https://c.example/"}},
			stop:  jd + `:4:43: column Clicks: cannot parse "three" as a whole number`},
		// A byte order mark is not counted in columns; CRLF line ends are
		// not part of a bad line.
		{file: jb, in: 4, stored: 2, rejs: 2,
			rejects: []map[string]any{
				reject(jb, 1, 22, "column IsClickedThrough: "+maybeBool, `{"IsClickedThrough": "maybe"}`),
				// {"Url": {"Url": "b"} is valid as far as it goes.
				reject(jb, 3, 0, "bad JSON: incomplete value (the next line starts a new row)", `{"Url": `),
			},
			want: []map[string]any{{"Url": "a"}, {"Url": "b"}},
			stop: jb + ":1:22: column IsClickedThrough: " + maybeBool},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			db := openTestDB(t)
			var buf bytes.Buffer
			sum, err := File(context.Background(), db, c.file, Options{Rejects: &buf})
			if err != nil {
				t.Fatal(err)
			}
			if sum.RowsIn != c.in || sum.Rows != c.stored || sum.Rejected != c.rejs || sum.RowsIn != sum.Rows+sum.Rejected+sum.Duplicates {
				t.Errorf("in %d, stored %d, rejected %d, duplicates %d; want %d = %d + %d", sum.RowsIn, sum.Rows, sum.Rejected, sum.Duplicates, c.in, c.stored, c.rejs)
			}
			if diff := cmp.Diff(c.rejects, readRejects(t, buf.Bytes())); diff != "" {
				t.Errorf("rejects (-want +got):\n%s", diff)
			}
			rows, ti := storedRows(t, db, "UrlClickEvents")
			if len(rows) != len(c.want) {
				t.Fatalf("stored %v", rows)
			}
			for i, w := range c.want {
				checkRow(t, c.file, rows[i], w)
			}
			checkTypes(t, c.file, ti, c.types)
			if _, ok := ti.Column("OnlyInABadRow"); ok {
				t.Error("a column seen only in a rejected row was stored")
			}
			// Without --rejects the first bad row stops the file.
			db2 := openTestDB(t)
			if _, err := File(context.Background(), db2, c.file, Options{}); err == nil || err.Error() != c.stop {
				t.Errorf("without rejects:\ngot  %v\nwant %s", err, c.stop)
			}
			if n := tableRows(t, db2, "UrlClickEvents"); n != 0 {
				t.Errorf("a failed file stored %d rows", n)
			}
			// A dry run finds the same problems.
			dry, err := File(context.Background(), db2, c.file, Options{DryRun: true})
			if err != nil || dry.Rejected != c.rejs || int64(len(dry.Problems)) != c.rejs || dry.Rows != c.stored {
				t.Errorf("dry run: %+v %v", dry, err)
			}
		})
	}
}

// TestJSONArraySyntaxStops: in a JSON array a row that is not JSON has no
// knowable end, so it stops the file even with --rejects.
func TestJSONArraySyntaxStops(t *testing.T) {
	db := openTestDB(t)
	var buf bytes.Buffer
	_, err := File(context.Background(), db, filepath.Join("testdata", "trailing.json"), Options{Rejects: &buf})
	if err == nil || !strings.Contains(err.Error(), "trailing.json:4:1: bad JSON") {
		t.Fatalf("got %v", err)
	}
	if buf.Len() != 0 || tableRows(t, db, "UrlClickEvents") != 0 {
		t.Errorf("rejects %q, rows %d", buf.String(), tableRows(t, db, "UrlClickEvents"))
	}
}

// tempFiles lists the temporary rejects files left in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRejectsPath: rejects stream to a temporary file beside the target,
// renamed (or appended) once the file is stored, removed when it is not.
func TestRejectsPath(t *testing.T) {
	db := openTestDB(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "rejects.jsonl")
	sawTemp := false
	opts := Options{RejectsPath: target, Progress: func(_, _, _ int64) {
		sawTemp = sawTemp || len(tempFiles(t, dir)) == 1
	}}
	if _, err := File(context.Background(), db, filepath.Join("testdata", "sources", "mixed_bad.csv"), opts); err != nil {
		t.Fatal(err)
	}
	if !sawTemp {
		t.Error("no temporary file beside the target while reading")
	}
	b, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if got := readRejects(t, b); len(got) != 3 || got[0]["line"] != 4.0 {
		t.Errorf("rejects %v", got)
	}
	if tmp := tempFiles(t, dir); len(tmp) != 0 {
		t.Errorf("left behind: %v", tmp)
	}
	// A second file's rejects are appended.
	if _, err := File(context.Background(), db, filepath.Join("testdata", "rejects.jsonl"), opts); err != nil {
		t.Fatal(err)
	}
	b2, _ := os.ReadFile(target)
	if !bytes.HasPrefix(b2, b) || len(readRejects(t, b2)) != 3+8 {
		t.Errorf("after a second file:\n%s", b2)
	}
	// A file that fails leaves the rejects as they were, and no temporary file.
	if _, err := File(context.Background(), db, filepath.Join("testdata", "trailing.json"), opts); err == nil {
		t.Fatal("trailing.json loaded")
	}
	b3, _ := os.ReadFile(target)
	if !bytes.Equal(b2, b3) {
		t.Errorf("a failed file changed the rejects:\n%s", b3)
	}
	if tmp := tempFiles(t, dir); len(tmp) != 0 {
		t.Errorf("left behind: %v", tmp)
	}
	// So does a dry run.
	if _, err := File(context.Background(), openTestDB(t), filepath.Join("testdata", "rejects.json"), Options{RejectsPath: target, DryRun: true}); err != nil {
		t.Fatal(err)
	}
	b4, _ := os.ReadFile(target)
	if !bytes.Equal(b2, b4) || len(tempFiles(t, dir)) != 0 {
		t.Errorf("a dry run wrote rejects:\n%s", b4)
	}
	// A file with no bad rows still creates the (empty) rejects file.
	empty := filepath.Join(dir, "none.jsonl")
	if _, err := File(context.Background(), db, filepath.Join("testdata", "sources", "safelinks_detail.csv"), Options{RejectsPath: empty}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("%v %v", fi, err)
	}
	// A directory that does not exist fails the file before it is read.
	if _, err := File(context.Background(), db, filepath.Join("testdata", "rejects.json"), Options{RejectsPath: filepath.Join(dir, "no", "such.jsonl")}); err == nil {
		t.Error("rejects into a missing directory")
	}
}

// TestDryRunDuplicates: a dry run counts the rows a real ingest would skip
// as duplicates, stored before or earlier in the file, storing nothing.
func TestDryRunDuplicates(t *testing.T) {
	db := openTestDB(t)
	a, b := filepath.Join("testdata", "dedup_a.csv"), filepath.Join("testdata", "dedup_b.csv")
	if _, err := File(context.Background(), db, a, Options{}); err != nil {
		t.Fatal(err)
	}
	dry, err := File(context.Background(), db, b, Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.RowsIn != 4 || dry.Rows != 2 || dry.Duplicates != 2 || dry.Rejected != 0 {
		t.Errorf("dry run: in %d, stored %d, duplicates %d, rejected %d", dry.RowsIn, dry.Rows, dry.Duplicates, dry.Rejected)
	}
	note := "2 rows would be skipped as duplicates: 1 equal to rows already stored, 1 repeating an earlier row of the file"
	if !slicesContains(dry.Notes, note) {
		t.Errorf("notes %q", dry.Notes)
	}
	if n := tableRows(t, db, "UrlClickEvents"); n != 2 {
		t.Errorf("dry run stored: %d rows", n)
	}
	// The real ingest agrees, and the dry run left the stored set alone.
	sum, err := File(context.Background(), db, b, Options{})
	if err != nil || sum.Rows != dry.Rows || sum.Duplicates != dry.Duplicates {
		t.Fatalf("ingest %+v %v", sum, err)
	}
	// Identical content: every row a duplicate, and a note saying so.
	dry, err = File(context.Background(), db, a, Options{DryRun: true})
	if err != nil || dry.Rows != 0 || dry.Duplicates != 2 || len(dry.Notes) != 2 || !strings.HasPrefix(dry.Notes[0], "identical content was ingested before ("+a+", ") {
		t.Errorf("%+v %v", dry, err)
	}
	// --no-dedup counts none; without a database only the file's own.
	if dry, _ := File(context.Background(), db, b, Options{DryRun: true, NoDedup: true}); dry.Duplicates != 0 || dry.Rows != 4 {
		t.Errorf("no-dedup: %+v", dry)
	}
	if dry, err := File(context.Background(), nil, b, Options{DryRun: true}); err != nil || dry.Duplicates != 1 || dry.Rows != 3 {
		t.Errorf("no database: %+v %v", dry, err)
	}
}

// TestUrlTraceMapping: the dry run says AppName gives Workload.
func TestUrlTraceMapping(t *testing.T) {
	for _, f := range []string{"urltrace_de.csv", "urltrace_appfirst.csv"} {
		sum, err := File(context.Background(), nil, filepath.Join("testdata", "sources", f), Options{DryRun: true, Culture: map[bool]string{true: "de-DE", false: "en-US"}[f == "urltrace_de.csv"]})
		if err != nil {
			t.Fatal(err)
		}
		var got []MappingEntry
		for _, m := range sum.Mapping {
			if m.Source == "AppName" || m.Source == "Workload" {
				got = append(got, m)
			}
		}
		want := []MappingEntry{
			{Source: "Workload", Column: "Workload", Type: column.String, Note: "Mail as Email, OfficeClient as Office"},
			{Source: "AppName", Column: "AppName", Type: column.String, Note: "kept; gives Workload where that is empty or Other"},
		}
		if f == "urltrace_appfirst.csv" {
			want[0], want[1] = want[1], want[0]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", f, diff)
		}
	}
}

func slicesContains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
