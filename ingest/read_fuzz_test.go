package ingest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"clickhunt/column"
	"clickhunt/export"
)

// checkSink is a Sink that checks every block is well formed and counts
// rows.
type checkSink struct {
	t    *testing.T
	rows int64
}

func (s *checkSink) WriteBlock(schema column.Schema, b *column.Batch) error {
	if len(schema) != len(b.Cols) {
		s.t.Fatalf("schema of %d columns, batch of %d", len(schema), len(b.Cols))
	}
	if b.Len < 0 || b.Len > 64*1024 {
		s.t.Fatalf("block of %d rows", b.Len)
	}
	for i, v := range b.Cols {
		if v == nil || v.Len != b.Len || v.Type != schema[i].Type {
			s.t.Fatalf("column %q: %+v in a block of %d rows", schema[i].Name, v, b.Len)
		}
	}
	s.rows += int64(b.Len)
	return nil
}

var fuzzFormats = []string{"auto", "csv", "json", "jsonl", "parquet"}

// FuzzRead feeds arbitrary bytes to every reader: it must never panic,
// blocks must be well formed, the row count it returns must be what it
// wrote, and a failure must be an *Error naming the file.
//
//	go test -run '^$' -fuzz FuzzRead -fuzztime 60s ./ingest/
func FuzzRead(f *testing.F) {
	seeds := []string{
		"Timestamp,Url,ActionType,AccountUpn,Workload,NetworkMessageId,IPAddress,ThreatTypes,DetectionMethods,IsClickedThrough,UrlChain,ReportId\n" +
			"2023-12-21T19:04:59.0109752Z,https://a.example/,ClickAllowed,a@b.c,Email,m1,10.0.0.1,Phish,URL detonation,True,\"[\"\"https://a.example/\"\"]\",r1\n",
		"\ufeffTimestamp,Url\n2023-12-21T19:04:59Z,x\n",
		"a,b\n1,\"unterminated\n",
		`[{"Timestamp":"2023-12-21T19:04:59Z","Url":"https://x","IsClickedThrough":true,"Extra":{"a":[1,2]}}]`,
		`{"Timestamp":"2023-12-21T19:04:59Z","Url":"u"}` + "\n" + `{"Url":null}` + "\n",
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		"Url\n\x00\xff\xfe=cmd|' /C calc'!A0\n",
		`{"Url":"\ud800"}`,
	}
	if b, err := os.ReadFile("../examples/clicks.csv"); err == nil {
		seeds = append(seeds, string(b[:min(len(b), 4000)]))
	}
	seeds = append(seeds, string(parquetSeed(f)))
	for _, s := range seeds {
		for i := range fuzzFormats {
			f.Add([]byte(s), uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		opts := Options{Format: fuzzFormats[int(format)%len(fuzzFormats)]}
		s := &checkSink{t: t}
		n, err := Read(context.Background(), bytes.NewReader(data), "fuzz.csv", s, opts)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			fuzzRejects(t, data, opts)
			return
		}
		if n != s.rows {
			t.Fatalf("Read returned %d rows, wrote %d", n, s.rows)
		}
		// With rejects, bad rows are skipped and counted, each with its
		// place; the good rows are the same or more.
		var problems []Problem
		opts.problem = func(p Problem) error {
			problems = append(problems, p)
			return nil
		}
		rs := &checkSink{t: t}
		info, err := read(context.Background(), bytes.NewReader(data), "fuzz.csv", rs, opts)
		if err != nil {
			t.Fatalf("failed with rejects, not without: %v", err)
		}
		if info.rows != rs.rows || info.rejected != int64(len(problems)) || len(problems) != 0 || rs.rows != n {
			t.Fatalf("with rejects: %d rows (sink %d), %d rejected, %d problems; without: %d rows", info.rows, rs.rows, info.rejected, len(problems), n)
		}
	})
}

// FuzzDetect checks format detection (by name and by content) and source
// detection (by header) never panic and give known answers.
func FuzzDetect(f *testing.F) {
	f.Add([]byte("Timestamp,Url\n"), "x.csv")
	f.Add([]byte("  \n[{}]"), "x")
	f.Add([]byte("{}"), "x.json")
	f.Add([]byte("\xef\xbb\xbf{"), "x.ndjson")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		got, err := detectFormat(bufio.NewReader(bytes.NewReader(data)), name, "auto")
		if err == nil && got != FormatCSV && got != FormatJSON && got != FormatJSONL && got != FormatParquet {
			t.Fatalf("detectFormat = %q", got)
		}
		header := strings.Split(string(data), ",")
		_ = detectSource(header)
	})
}

// TestHostileInput tries on purpose what an attacker (or a broken
// export) may send: a 100 MB cell (refused by the limits unless they are
// raised), 10,000 columns, deeply nested JSON, invalid UTF-8 and NUL
// bytes. Each must be read or refused with an error; none may panic.
func TestHostileInput(t *testing.T) {
	header := "Timestamp,Url,AccountUpn\n"
	try := func(name, format string, data []byte) (int64, error) {
		t.Helper()
		s := &checkSink{t: t}
		n, err := Read(context.Background(), bytes.NewReader(data), name, s, Options{Format: format})
		t.Logf("%s (%d bytes): %d rows, error %.200v", name, len(data), n, err)
		return n, err
	}
	huge := make([]byte, 0, 100<<20+200)
	huge = append(huge, header...)
	huge = append(huge, "2023-12-21T19:04:59Z,"...)
	huge = append(huge, bytes.Repeat([]byte("A"), 100<<20)...)
	huge = append(huge, ",u@x\n"...)
	// Past the line limit while it is read: encoding/csv never holds it.
	if _, err := try("100MB-cell.csv", "csv", huge); err == nil || err.Error() != "100MB-cell.csv:2: line longer than 64 MiB (a row, or a value left open, that big is refused; raise --max-line-size to read it)" {
		t.Errorf("100 MB cell: %v", err)
	}
	// Within a raised line limit, past the field limit: a bad row.
	_, err := Read(context.Background(), bytes.NewReader(huge), "100MB-cell.csv", &checkSink{t: t}, Options{Format: "csv", MaxLineSize: 200 << 20})
	if err == nil || err.Error() != "100MB-cell.csv:2:22: column Url: value of 100 MiB, more than 16 MiB (raise --max-field-size to read it)" {
		t.Errorf("100 MB cell, line limit raised: %v", err)
	}
	if n, err := Read(context.Background(), bytes.NewReader(huge), "100MB-cell.csv", &checkSink{t: t}, Options{Format: "csv", MaxLineSize: 200 << 20, MaxFieldSize: 200 << 20}); err != nil || n != 1 {
		t.Errorf("100 MB cell, limits raised: %d rows, %v", n, err)
	}
	huge = nil

	var wide strings.Builder
	for i := range DefaultMaxColumns - 1 {
		fmt.Fprintf(&wide, "c%d,", i)
	}
	wide.WriteString("Timestamp\n")
	for range 3 {
		wide.WriteString(strings.Repeat("v,", DefaultMaxColumns-1) + "2023-12-21T19:04:59Z\n")
	}
	if n, err := try("10000-columns.csv", "csv", []byte(wide.String())); n != 3 || err != nil {
		t.Errorf("10,000 columns (the limit): %d rows, %v", n, err)
	}

	deep := `[{"Url":` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}]`
	try("deep.json", "json", []byte(deep))
	try("deep.jsonl", "jsonl", []byte(`{"Url":`+strings.Repeat(`{"a":`, 50_000)+"1"+strings.Repeat("}", 50_000)+"}\n"))

	if _, err := try("utf8.csv", "csv", []byte(header+"2023-12-21T19:04:59Z,\xff\xfe\x00bad\x00,\xc3\x28\n")); err != nil {
		t.Logf("invalid UTF-8 / NUL refused: %v", err)
	}
	try("nul.jsonl", "jsonl", []byte("{\"Url\":\"a\\u0000b\"}\n\x00\x00\n"))
}

// fuzzRejects reads data that failed again with rejects: it may still
// fail (a broken header or JSON array), but every row is either stored or
// rejected with its place, never lost.
func fuzzRejects(t *testing.T, data []byte, opts Options) {
	var problems []Problem
	opts.problem = func(p Problem) error {
		if p.File != "fuzz.csv" || p.Line < 1 || p.Column < 0 {
			t.Fatalf("problem at %+v", p.Error)
		}
		problems = append(problems, p)
		return nil
	}
	s := &checkSink{t: t}
	info, err := read(context.Background(), bytes.NewReader(data), "fuzz.csv", s, opts)
	if err != nil && !strings.HasPrefix(err.Error(), "fuzz.csv") {
		t.Fatalf("error does not name the file: %v", err)
	}
	if info.rows != s.rows || info.rejected != int64(len(problems)) {
		t.Fatalf("with rejects: %d rows (sink %d), %d rejected, %d problems", info.rows, s.rows, info.rejected, len(problems))
	}
}

// parquetSeed is a small Parquet file as export writes one: every type,
// nulls included.
func parquetSeed(f *testing.F) []byte {
	dir := filepath.Join(f.TempDir(), "out")
	e, err := export.New(export.Options{Format: export.FormatParquet, Dir: dir})
	if err != nil {
		f.Fatal(err)
	}
	tbl, _ := e.Begin("UrlClickEvents", column.Schema{{Name: "Timestamp", Type: column.Datetime}, {Name: "Url", Type: column.String},
		{Name: "IsClickedThrough", Type: column.Bool}, {Name: "Size", Type: column.Long}, {Name: "Score", Type: column.Real}})
	b := &column.Batch{Len: 2, Cols: []*column.Vector{
		{Type: column.Datetime, Len: 2, Ints: []int64{1, 2}, Nulls: []bool{false, true}},
		{Type: column.String, Len: 2, Strs: []string{"https://a.example/", ""}},
		{Type: column.Bool, Len: 2, Bools: []bool{true, false}},
		{Type: column.Long, Len: 2, Ints: []int64{7, 0}, Nulls: []bool{false, true}},
		{Type: column.Real, Len: 2, Floats: []float64{0.5, 1}},
	}}
	if err := tbl.Write(b); err != nil {
		f.Fatal(err)
	}
	if err := tbl.Close(); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(tbl.Parts[0].Path)
	if err != nil {
		f.Fatal(err)
	}
	return data
}
