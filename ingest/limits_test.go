package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"clickhunt/storage"
)

// TestBlocksStayBounded: a block is cut early when its rows are wide
// (maxBlockCells) or heavy (maxBlockBytes), so a parse holds a bounded
// amount whatever the rows; rows of a narrow export fill whole blocks.
func TestBlocksStayBounded(t *testing.T) {
	read := func(name string, data []byte, opts Options) *collect {
		t.Helper()
		c := &collect{}
		if _, err := Read(context.Background(), bytes.NewReader(data), name, c, opts); err != nil {
			t.Fatal(err)
		}
		return c
	}

	// A narrow export fills whole blocks.
	c := read("narrow.csv", bigCSV(storage.BlockRows+10), Options{})
	if len(c.batches) != 2 || c.batches[0].Len != storage.BlockRows {
		t.Errorf("narrow: %d blocks, the first of %d rows", len(c.batches), c.batches[0].Len)
	}

	// 100 columns: blocks of maxBlockCells/100 rows, in CSV and JSON
	// (the limit lowered, so that a few blocks are quick to read).
	defer func(cells int) { maxBlockCells = cells }(maxBlockCells)
	maxBlockCells = 100_000
	const ncols, rows = 100, 2500
	var csv, jsonl strings.Builder
	csv.WriteString("Timestamp")
	for i := range ncols - 1 {
		fmt.Fprintf(&csv, ",c%d", i)
	}
	csv.WriteString("\n")
	row := "2024-03-01T10:00:00Z" + strings.Repeat(",v", ncols-1) + "\n"
	var obj strings.Builder
	obj.WriteString(`{"Timestamp":"2024-03-01T10:00:00Z"`)
	for i := range ncols - 1 {
		fmt.Fprintf(&obj, `,"c%d":"v"`, i)
	}
	obj.WriteString("}\n")
	for range rows {
		csv.WriteString(row)
		jsonl.WriteString(obj.String())
	}
	want := blockRowsFor(ncols)
	if want >= storage.BlockRows || want < 1 {
		t.Fatalf("blockRowsFor(%d) = %d", ncols, want)
	}
	for name, data := range map[string]string{"wide.csv": csv.String(), "wide.jsonl": jsonl.String()} {
		c := read(name, []byte(data), Options{})
		total := 0
		for i, b := range c.batches {
			total += b.Len
			if b.Len > want || i < len(c.batches)-1 && b.Len != want {
				t.Errorf("%s: block %d of %d rows, want %d", name, i, b.Len, want)
			}
		}
		if total != rows {
			t.Errorf("%s: %d rows", name, total)
		}
	}

	// Rows of 100 KiB: a block is cut once it holds maxBlockBytes.
	defer func(bytes int64) { maxBlockBytes = bytes }(maxBlockBytes)
	maxBlockBytes = 1 << 20
	big := "2024-03-01T10:00:00Z," + strings.Repeat("u", 100<<10) + "\n"
	data := "Timestamp,Url\n" + strings.Repeat(big, 100)
	c = read("heavy.csv", []byte(data), Options{})
	perBlock := (int(maxBlockBytes) + len(big) - 1) / len(big)
	if len(c.batches) != (100+perBlock-1)/perBlock || c.batches[0].Len != perBlock {
		t.Errorf("heavy rows: %d blocks, the first of %d rows; want blocks of %d", len(c.batches), c.batches[0].Len, perBlock)
	}

}

// TestLimits: each limit, in each reader, with its position; a value too
// long is a bad row (rejected with --rejects), the others stop the file.
func TestLimits(t *testing.T) {
	f := func(name, data string, opts Options, want string) {
		t.Helper()
		_, err := Read(context.Background(), strings.NewReader(data), name, &checkSink{t: t}, opts)
		if err == nil || err.Error() != want {
			t.Errorf("%s: got %v\nwant %s", name, err, want)
		}
	}
	small := Options{MaxFieldSize: 25, MaxLineSize: 100, MaxColumns: 3}
	long := strings.Repeat("x", 26)
	f("a.csv", "Timestamp,Url\n2024-03-01T10:00:00Z,"+long+"\n", small,
		"a.csv:2:22: column Url: value of 26 bytes, more than 25 bytes (raise --max-field-size to read it)")
	f("a.csv", "Timestamp,"+long+"\n", small,
		"a.csv:1:11: header: column 2: value of 26 bytes, more than 25 bytes (raise --max-field-size to read it)")
	f("a.csv", "a,b,c,d\n", small, "a.csv:1: header: 4 columns, more than 3 columns (raise --max-columns to read them)")
	f("a.csv", "Url\n\"a\n"+strings.Repeat("b\n", 60)+"\"\n", small,
		"a.csv:2: row longer than 100 bytes (a quoted value or a JSON object left open? raise --max-line-size to read it)")
	f("a.csv", "Url\n"+strings.Repeat("b", 200)+"\n", small,
		"a.csv:2: line longer than 100 bytes (a row, or a value left open, that big is refused; raise --max-line-size to read it)")
	f("a.jsonl", `{"Url":"`+long+`"}`, small,
		"a.jsonl:1:8: column Url: value of 28 bytes, more than 25 bytes (raise --max-field-size to read it)")
	f("a.jsonl", `{"`+long+`":1}`, small,
		"a.jsonl:1:2: column name: value of 26 bytes, more than 25 bytes (raise --max-field-size to read it)")
	f("a.jsonl", `{"a":1}`+"\n"+`{"b":1,"c":2,"d":3}`, small,
		"a.jsonl:2:14: more than 3 columns (raise --max-columns to read them)")
	f("a.json", "[{\n"+strings.Repeat(`"Url": null,`+"\n", 10)+`"a": 1}]`, small,
		"a.json:1: row longer than 100 bytes (a quoted value or a JSON object left open? raise --max-line-size to read it)")
	wideLine := small
	wideLine.MaxLineSize = 1000
	f("a.json", `{"Schema":[{"Name":"a","Type":"string"},{"Name":"b","Type":"string"},{"Name":"c","Type":"string"},{"Name":"d","Type":"string"}],"Results":[]}`, wideLine,
		"a.json:1: schema: 4 columns, more than 3 columns (raise --max-columns to read them)")
	f("a.json", `{"Schema":[{"Name":"Url","Type":"string"}],"Results":[{"Url":"`+long+`"}]}`, wideLine,
		"a.json:1:62: column Url: value of 26 bytes, more than 25 bytes (raise --max-field-size to read it)")
	f("a.jsonl", strings.Repeat(`{"Url":"a"}`+"\n", 100), Options{MaxInputSize: 500},
		"a.jsonl:42: input larger than 500 bytes after decompression (raise --max-input-size to read it)")

	// A message quoting a huge value is cut.
	_, err := Read(context.Background(), strings.NewReader("IsClickedThrough\n"+strings.Repeat("y", 5000)+"\n"), "b.csv", &checkSink{t: t}, Options{})
	var ie *Error
	if !errors.As(err, &ie) || len(ie.Msg) > maxMsg+30 || !strings.HasPrefix(ie.Msg, `column IsClickedThrough: cannot parse "yyy`) || !strings.HasSuffix(ie.Msg, " more bytes)") {
		t.Errorf("a huge value quoted: %.2000v", err)
	}

	// With rejects a value too long is one bad row; the rest is read.
	var problems []Problem
	opts := small
	opts.problem = func(p Problem) error { problems = append(problems, p); return nil }
	s := &checkSink{t: t}
	if _, err := read(context.Background(), strings.NewReader("Url\n"+long+"\nok\n"), "r.csv", s, opts); err != nil {
		t.Fatal(err)
	}
	if s.rows != 1 || len(problems) != 1 || problems[0].Line != 2 || problems[0].Raw != long+"\n" {
		t.Errorf("rejects: %d rows, problems %+v", s.rows, problems)
	}
}

// BenchmarkWideHeader maps a header of 100,000 columns: linear in the
// columns (it was quadratic: a million took hours).
func BenchmarkWideHeader(b *testing.B) {
	header := make([]string, 100_000)
	for i := range header {
		header[i] = fmt.Sprintf("c%d", i)
	}
	cfg, err := newReadConfig(Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := newPlan(header, nil, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
