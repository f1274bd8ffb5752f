package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"clickhunt/column"
	"clickhunt/query"
	"clickhunt/storage"
)

// fakeEngine stands in for the database in loop tests: a query mentioning
// Foo fails at Foo's position; one mentioning count returns one count row;
// anything else returns two rows of (Url, Clicks).
type fakeEngine struct {
	ran []string
	now []time.Time
}

func (f *fakeEngine) Tables() ([]storage.TableInfo, error) {
	return []storage.TableInfo{{Name: "UrlClickEvents", Rows: 42, Columns: []storage.ColumnInfo{
		{ID: 1, Name: "Timestamp", Type: column.Datetime}, {ID: 2, Name: "Url", Type: column.String},
	}}}, nil
}

func (f *fakeEngine) Table(name string) (*storage.TableInfo, error) {
	ts, _ := f.Tables()
	for _, t := range ts {
		if t.Name == name {
			return &t, nil
		}
	}
	return nil, storage.ErrNoTable
}

func (f *fakeEngine) Run(ctx context.Context, text string, now time.Time) (*query.Result, error) {
	f.ran = append(f.ran, text)
	f.now = append(f.now, now)
	for i, line := range strings.Split(text, "\n") {
		if c := strings.Index(line, "Foo"); c >= 0 {
			e := &query.Error{Msg: "unknown column 'Foo'"}
			e.Pos.Line, e.Pos.Col = i+1, len([]rune(line[:c]))+1
			return nil, e
		}
	}
	if strings.Contains(text, "count") {
		b := column.NewBuilder(column.Long, 1)
		b.AppendInt(int64(len(f.ran)))
		return &query.Result{Schema: column.Schema{{Name: "Count", Type: column.Long}}, Batch: &column.Batch{Len: 1, Cols: []*column.Vector{b.Build()}}}, nil
	}
	u := column.NewBuilder(column.String, 2)
	n := column.NewBuilder(column.Long, 2)
	u.AppendString("https://a.example")
	n.AppendInt(3)
	u.AppendString("https://b.example, \"x\"")
	n.AppendInt(1)
	return &query.Result{
		Schema: column.Schema{{Name: "Url", Type: column.String}, {Name: "Clicks", Type: column.Long}},
		Batch:  &column.Batch{Len: 2, Cols: []*column.Vector{u.Build(), n.Build()}},
	}, nil
}

// scriptReader feeds fixed lines, recording prompts and history.
type scriptReader struct {
	lines   []string
	prompts []string
	history []string
	prompt  string
}

func (r *scriptReader) Readline() (string, error) {
	r.prompts = append(r.prompts, r.prompt)
	if len(r.lines) == 0 {
		return "", io.EOF
	}
	l := r.lines[0]
	r.lines = r.lines[1:]
	if l == "^C" {
		return "", errInterrupted
	}
	return l, nil
}
func (r *scriptReader) SetPrompt(p string)  { r.prompt = p }
func (r *scriptReader) AddHistory(e string) { r.history = append(r.history, e) }
func (r *scriptReader) Close() error        { return nil }

func newTestSession(format, source string) (*session, *fakeEngine, *bytes.Buffer, *bytes.Buffer) {
	eng := &fakeEngine{}
	var out, errb bytes.Buffer
	s := &session{eng: eng, stdout: &out, stderr: &errb, format: format, source: source, batch: source != ""}
	return s, eng, &out, &errb
}

func checkText(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s differs (-want +got):\n%s\ngot:\n%s", what, cmp.Diff(want, got), got)
	}
}

const hunts = `// Hunts for the weekly review.

// 1: everything
UrlClickEvents

// 2: a typo
UrlClickEvents
| where Timestamp > ago(1d)
| where Foo == 1

UrlClickEvents
| count
`

func TestBatchTable(t *testing.T) {
	s, eng, out, errb := newTestSession("table", "hunts.kql")
	s.keepGoing = true
	if st := s.runBatch(context.Background(), newTextReader(strings.NewReader(hunts))); st != 1 {
		t.Errorf("status = %d, want 1", st)
	}
	checkText(t, "stdout", out.String(), `-- query 1 (line 3) --
Url                    | Clicks
-----------------------+-------
https://a.example      |      3
https://b.example, "x" |      1
(2 rows)

-- query 3 (line 11) --
Count
-----
    3
(1 row)
`)
	checkText(t, "stderr", errb.String(), `hunts.kql:9:9: unknown column 'Foo'
| where Foo == 1
        ^
`)
	if len(eng.ran) != 3 || eng.ran[0] != "// 1: everything\nUrlClickEvents" {
		t.Errorf("ran %q", eng.ran)
	}
}

func TestBatchStopsAtFirstError(t *testing.T) {
	s, eng, out, errb := newTestSession("csv", "hunts.kql")
	if st := s.runBatch(context.Background(), newTextReader(strings.NewReader(hunts))); st != 1 {
		t.Errorf("status = %d, want 1", st)
	}
	if len(eng.ran) != 2 {
		t.Errorf("ran %d queries, want 2", len(eng.ran))
	}
	checkText(t, "stdout", out.String(), "Url,Clicks\nhttps://a.example,3\n\"https://b.example, \"\"x\"\"\",1\n")
	if !strings.HasPrefix(errb.String(), "hunts.kql:9:9: unknown column 'Foo'\n") {
		t.Errorf("stderr = %q", errb.String())
	}
}

func TestBatchCSVSections(t *testing.T) {
	s, _, out, _ := newTestSession("csv", "<stdin>")
	if st := s.runBatch(context.Background(), newTextReader(strings.NewReader("A\n\nB | count\n"))); st != 0 {
		t.Errorf("status = %d", st)
	}
	checkText(t, "stdout", out.String(), "Url,Clicks\nhttps://a.example,3\n\"https://b.example, \"\"x\"\"\",1\n\nCount\n2\n")
}

func TestBatchJSONStream(t *testing.T) {
	s, _, out, _ := newTestSession("json", "<stdin>")
	s.runBatch(context.Background(), newTextReader(strings.NewReader("A | count\n\nB | count\n")))
	checkText(t, "stdout", out.String(), "[\n{\"Count\":1}\n]\n[\n{\"Count\":2}\n]\n")
}

func TestSingleQueryError(t *testing.T) {
	s, _, _, errb := newTestSession("table", "")
	if s.runQuery(context.Background(), statement{Text: "UrlClickEvents\n| where Foo == 1", Line: 1}) {
		t.Fatal("query succeeded")
	}
	checkText(t, "stderr", errb.String(), "error: 2:9: unknown column 'Foo'\n| where Foo == 1\n        ^\n")
}

func TestCaretPrefix(t *testing.T) {
	f := func(line string, col int, want string) {
		t.Helper()
		if got := caretPrefix(line, col); got != want {
			t.Errorf("caretPrefix(%q, %d) = %q, want %q", line, col, got, want)
		}
	}
	f("abc", 1, "")
	f("abc", 3, "  ")
	f("\tx", 2, "\t")
	f("é x", 3, "  ")
	f("日本 x", 4, "     ")
	f("ab", 4, "   ") // past the end
}

func TestREPLLoop(t *testing.T) {
	s, eng, out, errb := newTestSession("table", "")
	lr := &scriptReader{lines: []string{
		".help",
		"UrlClickEvents",
		"| count",
		"",
		"T | where Foo == 1",
		"",
		"half typed",
		"^C",
		".format csv",
		"let n = 3;",
		"T | take n;",
		".now 2024-03-01T12:00:00Z",
		"T | count",
		"",
		".now off",
		".schema UrlClickEvents",
		".tables",
		".schema Nope",
		".bogus",
		".quit",
		"T",
		"",
	}}
	if st := s.repl(context.Background(), lr); st != 0 {
		t.Errorf("status = %d", st)
	}
	wantRan := []string{"UrlClickEvents\n| count", "T | where Foo == 1", "let n = 3;\nT | take n", "T | count"}
	if diff := cmp.Diff(wantRan, eng.ran); diff != "" {
		t.Errorf("queries run (-want +got):\n%s", diff)
	}
	if want := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC); !eng.now[3].Equal(want) || !eng.now[0].IsZero() {
		t.Errorf("now = %v", eng.now)
	}
	wantHist := []string{".help", "UrlClickEvents\n| count", "T | where Foo == 1", ".format csv", "let n = 3;\nT | take n;",
		".now 2024-03-01T12:00:00Z", "T | count", ".now off", ".schema UrlClickEvents", ".tables", ".schema Nope", ".bogus", ".quit"}
	if diff := cmp.Diff(wantHist, lr.history); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	wantPrompts := []string{mainPrompt, mainPrompt, contPrompt, contPrompt, mainPrompt, contPrompt, mainPrompt, contPrompt, mainPrompt}
	if diff := cmp.Diff(wantPrompts, lr.prompts[:len(wantPrompts)]); diff != "" {
		t.Errorf("prompts (-want +got):\n%s", diff)
	}
	o := out.String()
	for _, want := range []string{".tables", ".schema TABLE", "Count\n-----\n    1\n(1 row)\n",
		"Url,Clicks\nhttps://a.example,3\n", "Count\n4\n",
		"Column,Type\nTimestamp,datetime\nUrl,string\n", "Table,Rows,Columns\nUrlClickEvents,42,2\n"} {
		if !strings.Contains(o, want) {
			t.Errorf("stdout lacks %q:\n%s", want, o)
		}
	}
	checkText(t, "stderr", errb.String(), `error: 1:11: unknown column 'Foo'
T | where Foo == 1
          ^
error: table Nope: no such table
error: unknown command .bogus (try .help)
`)
}
