//go:build !windows

package main

// Ingest of what a file system or a hostile sender may hand over: pipes,
// FIFOs and standard input read once, inputs past the limits, names that
// carry terminal escapes, through the built binary.

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }

// clickRows is an export of n distinct clicks (rows of ~130 bytes).
func clickRows(n int, seed string) string {
	var b strings.Builder
	b.WriteString(clicksHeader)
	for i := range n {
		fmt.Fprintf(&b, "2024-03-01T10:%02d:%02dZ,https://%s.example/p%d,ClickAllowed,u%d@contoso.com,Email,m%d,10.0.0.1,,,false,,r%s%d\n",
			i/60%60, i%60, seed, i, i%97, i, seed, i)
	}
	return b.String()
}

// csvQuery runs a query and returns its CSV output, failing on an error.
func csvQuery(t *testing.T, dir, db, q string) string {
	t.Helper()
	r := clickhunt(t, dir, "", "query", "--db", db, "--format", "csv", q)
	r.expect(t, 0)
	return r.stdout
}

// TestIngestStreams: a pipe, /dev/stdin, "-" and a FIFO are read once:
// sniffed from a buffer (no byte lost to format or compression
// detection), hashed while parsed (the same content again, piped or as a
// file, is recognised; different content is not).
func TestIngestStreams(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")

	r := clickhunt(t, dir, clicksCSV, "ingest", "--db", db, "/dev/stdin")
	r.expect(t, 0)
	matches(t, "/dev/stdin", r.stdout, `^/dev/stdin: 3 rows into UrlClickEvents in `)
	checkText(t, "schema", csvQuery(t, dir, db, "UrlClickEvents | getschema | project ColumnName, ColumnType | take 2"),
		"ColumnName,ColumnType\nTimestamp,datetime\nUrl,string\n")

	// The same content again, by "-" and as a file: known.
	r = clickhunt(t, dir, clicksCSV, "ingest", "--db", db, "-")
	r.expect(t, 0)
	matches(t, "same content on -", r.stdout, `^<stdin>: already ingested \(same content as /dev/stdin, .*\): nothing stored\n$`)
	os.WriteFile(filepath.Join(dir, "clicks.csv"), []byte(clicksCSV), 0o644)
	r = clickhunt(t, dir, "", "ingest", "--db", db, "clicks.csv")
	r.expect(t, 0)
	matches(t, "same content as a file", r.stdout, `^clicks\.csv: already ingested \(same content as /dev/stdin, `)

	// Other content, larger than a pipe's buffer and than a block: stored
	// whole, then known in its turn.
	big := clickRows(70_000, "b")
	r = clickhunt(t, dir, big, "ingest", "--db", db, "-")
	r.expect(t, 0)
	matches(t, "big pipe", r.stdout, `^<stdin>: 70000 rows into UrlClickEvents in `)
	r = clickhunt(t, dir, big, "ingest", "--db", db, "/dev/stdin")
	r.expect(t, 0)
	matches(t, "big pipe again", r.stdout, `^/dev/stdin: already ingested \(same content as <stdin>, `)
	checkText(t, "count", csvQuery(t, dir, db, "UrlClickEvents | count"), "Count\n70003\n")

	// gzip through a FIFO: the magic bytes are peeked, not eaten.
	fifo := filepath.Join(dir, "clicks.fifo")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(clickRows(10, "f")))
	zw.Close()
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return // the test fails on the ingest's side
		}
		f.Write(gz.Bytes())
		f.Close()
	}()
	r = clickhunt(t, dir, "", "ingest", "--db", db, fifo)
	r.expect(t, 0)
	matches(t, "fifo", r.stdout, `clicks\.fifo: 10 rows into UrlClickEvents in .*; gzip\n$`)

	// A zip archive needs its end first: refused, naming what to do.
	var zb bytes.Buffer
	w := zip.NewWriter(&zb)
	fw, _ := w.Create("a.csv")
	fw.Write([]byte(clicksCSV))
	w.Close()
	r = clickhunt(t, dir, zb.String(), "ingest", "--db", db, "-")
	r.expect(t, 1)
	checkText(t, "zip on stdin", r.stderr, "<stdin>: a zip archive cannot be read from a pipe or device (its index is at its end): save it to a file and ingest that\n")

	r = clickhunt(t, dir, clicksCSV, "ingest", "--db", db, "-", "clicks.csv", "-")
	r.expect(t, 1)
	checkText(t, "- twice", r.stderr, "error: - (standard input) is given twice: it can be read only once\n")
	checkText(t, "count at the end", csvQuery(t, dir, db, "UrlClickEvents | count"), "Count\n70013\n")
}

// TestIngestLimits: each limit stops a hostile input while it is read,
// with file:line and the flag that raises it; the flag does.
func TestIngestLimits(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")

	// A gzip of a few KB holding one 20 MiB value.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("Timestamp,Url\n2024-03-01T10:00:00Z,"))
	zw.Write(bytes.Repeat([]byte("A"), 20<<20))
	zw.Write([]byte("\n"))
	zw.Close()
	os.WriteFile(filepath.Join(dir, "bomb.csv.gz"), gz.Bytes(), 0o644)
	r := clickhunt(t, dir, "", "ingest", "--db", db, "bomb.csv.gz")
	r.expect(t, 1)
	checkText(t, "field", r.stderr, "bomb.csv.gz:2:22: column Url: value of 20 MiB, more than 16 MiB (raise --max-field-size to read it)\n")
	r = clickhunt(t, dir, "", "ingest", "--db", db, "--max-field-size", "32MiB", "bomb.csv.gz")
	r.expect(t, 0)
	matches(t, "field raised", r.stdout, `^bomb\.csv\.gz: 1 rows into UrlClickEvents `)
	checkText(t, "the value", csvQuery(t, dir, db, "UrlClickEvents | project n = strlen(Url)"), fmt.Sprintf("n\n%d\n", 20<<20))

	// A line without end: /dev/zero.
	r = clickhunt(t, dir, "", "ingest", "--db", db, "--max-line-size", "1MiB", "/dev/zero")
	r.expect(t, 1)
	checkText(t, "line", r.stderr, "/dev/zero:1: line longer than 1 MiB (a row, or a value left open, that big is refused; raise --max-line-size to read it)\n")
	r = clickhunt(t, dir, "", "ingest", "--db", db, "--max-line-size", "4MiB", "--max-input-size", "1MiB", "/dev/zero")
	r.expect(t, 1)
	checkText(t, "input", r.stderr, "/dev/zero:1: input larger than 1 MiB after decompression (raise --max-input-size to read it)\n")
	os.WriteFile(filepath.Join(dir, "many.csv"), []byte(clickRows(2000, "m")), 0o644)
	r = clickhunt(t, dir, "", "ingest", "--db", db, "--max-input-size", "64KiB", "many.csv")
	r.expect(t, 1)
	matches(t, "input of a file", r.stderr, `^many\.csv:\d+: input larger than 64 KiB after decompression \(raise --max-input-size to read it\)\n$`)

	// A row spanning lines: a quoted value left open, short lines.
	open := "Timestamp,Url\n2024-03-01T10:00:00Z,\"" + strings.Repeat("https://a.example/\n", 4000)
	for _, tail := range []string{"\"\n", ""} { // closed (the row read whole) or never
		os.WriteFile(filepath.Join(dir, "open.csv"), []byte(open+tail), 0o644)
		r = clickhunt(t, dir, "", "ingest", "--db", db, "--max-line-size", "64KiB", "open.csv")
		r.expect(t, 1)
		matches(t, "row", r.stderr, `^open\.csv:\d+: row longer than 64 KiB \(a quoted value or a JSON object left open\? raise --max-line-size to read it\)\n$`)
	}

	// Columns: a header, a JSON row, a Defender API schema.
	var hdr strings.Builder
	hdr.WriteString("Timestamp")
	for i := range 10_000 {
		fmt.Fprintf(&hdr, ",c%d", i)
	}
	os.WriteFile(filepath.Join(dir, "wide.csv"), []byte(hdr.String()+"\n"), 0o644)
	r = clickhunt(t, dir, "", "ingest", "--db", db, "wide.csv")
	r.expect(t, 1)
	checkText(t, "columns", r.stderr, "wide.csv:1: header: 10001 columns, more than 10000 columns (raise --max-columns to read them)\n")
	var obj strings.Builder
	obj.WriteString(`{"Timestamp":"2024-03-01T10:00:00Z"`)
	for i := range 60 {
		fmt.Fprintf(&obj, `,"k%d":%d`, i, i)
	}
	obj.WriteString("}\n")
	os.WriteFile(filepath.Join(dir, "keys.jsonl"), []byte("{\"Url\":\"x\"}\n"+obj.String()), 0o644)
	r = clickhunt(t, dir, "", "ingest", "--db", db, "--max-columns", "50", "keys.jsonl")
	r.expect(t, 1)
	checkText(t, "JSON columns", r.stderr, "keys.jsonl:2:449: more than 50 columns (raise --max-columns to read them)\n")
	r = clickhunt(t, dir, "", "ingest", "--db", db, "--max-columns", "62", "keys.jsonl")
	r.expect(t, 0)
	matches(t, "columns raised", r.stdout, `^keys\.jsonl: 2 rows into UrlClickEvents `)

	// Bad sizes are usage errors.
	r = clickhunt(t, dir, "", "ingest", "--db", db, "--max-line-size", "lots", "keys.jsonl")
	r.expect(t, 2)
	matches(t, "bad size", r.stderr, `--max-line-size: bad size "lots"`)
}

// TestIngestTooManyColumnsToCommit: columns within --max-columns whose
// names are too long for one commit end in a clear message, not Badger's.
func TestIngestTooManyColumnsToCommit(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	var b strings.Builder
	b.WriteString("Timestamp")
	const n = 9000
	for i := range n {
		fmt.Fprintf(&b, ",c%d_%s", i, strings.Repeat("x", 1000))
	}
	b.WriteString("\n2024-03-01T10:00:00Z" + strings.Repeat(",v", n) + "\n")
	os.WriteFile(filepath.Join(dir, "wide.csv"), []byte(b.String()), 0o644)
	r := clickhunt(t, dir, "", "ingest", "--db", db, "wide.csv")
	r.expect(t, 1)
	checkText(t, "stderr", r.stderr, "wide.csv: cannot commit wide.csv: its 9001 columns are more than one commit can record (about 20,000 with short names; fewer with long ones): nothing stored\n")
	clickhunt(t, dir, "", "check", "--db", db).expect(t, 0)
}

// TestIngestPrintsNoEscapes: names and values of a file (a column, a zip
// member, a bad value) reach the terminal escaped, never as the escape
// sequences they hold.
func TestIngestPrintsNoEscapes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	csv := "Timestamp,Url,\x1b[31mEvil\n" +
		"2024-03-01T10:00:00Z,https://a.example/\x1b]0;pwned\x07,\x9b2J\u202egnp.exe\n" +
		"not a time,https://b.example/,x\n"
	os.WriteFile(filepath.Join(dir, "evil.csv"), []byte(csv), 0o644)
	r := clickhunt(t, dir, "", "ingest", "--db", db, "--dry-run", "evil.csv")
	r.expect(t, 0)
	noEscapes(t, "dry run", r.stdout+r.stderr)
	for _, want := range []string{`\x1b[31mEvil  -> \x1b[31mEvil`, `https://a.example/\x1b]0;pwned\x07`, `\x9b2J\u202egnp.exe`, "evil.csv:3:1: column Timestamp: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, r.stdout)
		}
	}

	var zb bytes.Buffer
	w := zip.NewWriter(&zb)
	fw, _ := w.Create("clicks\x1b[2J.csv")
	fw.Write([]byte(clicksCSV))
	fw, _ = w.Create("z\x1b[2Jbad.csv")
	fw.Write([]byte(clicksHeader + "bad,,,,,,,,,,,\n"))
	w.Close()
	os.WriteFile(filepath.Join(dir, "a.zip"), zb.Bytes(), 0o644)
	r = clickhunt(t, dir, "", "ingest", "--db", db, "a.zip")
	r.expect(t, 1)
	noEscapes(t, "zip", r.stdout+r.stderr)
	matches(t, "zip member", r.stdout, `^a\.zip!clicks\\x1b\[2J\.csv: 3 rows into UrlClickEvents `)
	matches(t, "zip member error", r.stderr, `^a\.zip!z\\x1b\[2Jbad\.csv:2:1: column Timestamp: `)
}

func noEscapes(t *testing.T, what, s string) {
	t.Helper()
	for _, c := range []string{"\x1b", "\x07", "\x9b", "\u009b", "\u202e"} {
		if strings.Contains(s, c) {
			t.Errorf("%s prints %q raw:\n%q", what, c, s)
		}
	}
}

// TestIngestEmptyObject: {} is no row (it has no columns): skipped and
// said so, never stored as a row of nulls.
func TestIngestEmptyObject(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	os.WriteFile(filepath.Join(dir, "empty.json"), []byte("{}"), 0o644)
	r := clickhunt(t, dir, "", "ingest", "--db", db, "empty.json")
	r.expect(t, 0)
	matches(t, "{}", r.stdout, `^empty\.json: 0 rows into UrlClickEvents in .*\n  note: 1 empty object \(\{\}\) skipped: no columns, so no row\n$`)
	os.WriteFile(filepath.Join(dir, "some.json"), []byte(`[{}, {"Url": "https://a.example/"}, {}, {"Url": null}]`), 0o644)
	r = clickhunt(t, dir, "", "ingest", "--db", db, "some.json")
	r.expect(t, 0)
	matches(t, "[{}...]", r.stdout, `^some\.json: 2 rows into UrlClickEvents in .*\n  note: 2 empty objects \(\{\}\) skipped: no columns, so no row\n$`)
	checkText(t, "rows", csvQuery(t, dir, db, "UrlClickEvents | project Url"), "Url\nhttps://a.example/\n\n")
}

// TestIngestRejectsWriteFailure: rejects that cannot be written fail the
// file before it is committed, so none are lost; a good target then gets
// them.
func TestIngestRejectsWriteFailure(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	os.WriteFile(filepath.Join(dir, "bad.csv"), []byte(clicksCSV+"not a time,,,,,,,,,,,\n"), 0o644)
	full := filepath.Join(dir, "full.jsonl")
	if err := os.Symlink("/dev/full", full); err != nil {
		t.Fatal(err)
	}
	r := clickhunt(t, dir, "", "ingest", "--db", db, "--rejects", full, "bad.csv")
	r.expect(t, 1)
	checkText(t, "stderr", r.stderr, "bad.csv: cannot write the rejects of bad.csv to "+full+": write "+full+": no space left on device: nothing stored\n")
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(tmp) != 0 {
		t.Errorf("left behind: %v", tmp)
	}
	if r := clickhunt(t, dir, "", "query", "--db", db, "UrlClickEvents | count"); r.code == 0 {
		t.Errorf("the file was stored: %s", r.stdout)
	}
	good := filepath.Join(dir, "rejects.jsonl")
	r = clickhunt(t, dir, "", "ingest", "--db", db, "--rejects", good, "bad.csv")
	r.expect(t, 0)
	b, _ := os.ReadFile(good)
	matches(t, "rejects", string(b), `^\{"file":"bad.csv","line":5,"column":1,"reason":"column Timestamp: (\\"|[^"])+","raw":"not a time,,,,,,,,,,,\\n"\}\n$`)
}

// TestQueryFileLongLine: a batch line longer than any query can be is
// refused with FILE:LINE, not a reader's internal error; long lines
// within that read.
func TestQueryFileLongLine(t *testing.T) {
	dir, db := newDB(t)
	os.WriteFile(filepath.Join(dir, "long.kql"), []byte(`print n = strlen("`+strings.Repeat("a", 100_000)+`")`+"\n"), 0o644)
	r := clickhunt(t, dir, "", "query", "--db", db, "-f", "long.kql")
	r.expect(t, 0)
	checkText(t, "100 KB line", r.stdout, "n\n100000\n")
	os.WriteFile(filepath.Join(dir, "huge.kql"), []byte("UrlClickEvents | count\n\n// "+strings.Repeat("a", 17<<20)+"\n"), 0o644)
	r = clickhunt(t, dir, "", "query", "--db", db, "-f", "huge.kql")
	r.expect(t, 1)
	checkText(t, "17 MB line", r.stdout, "Count\n3\n")
	checkText(t, "17 MB line", r.stderr, "huge.kql:3: line longer than 16 MiB (a query may be at most 1 MiB)\n")
}
