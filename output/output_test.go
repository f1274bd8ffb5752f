package output

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"clickhunt/column"
)

// newBatch builds a batch from rows of Go values (nil = null) typed by schema.
func newBatch(t *testing.T, schema column.Schema, rows ...[]any) *column.Batch {
	t.Helper()
	b := &column.Batch{Len: len(rows)}
	for i, f := range schema {
		bld := column.NewBuilder(f.Type, len(rows))
		for _, row := range rows {
			bld.AppendValue(row[i])
		}
		b.Cols = append(b.Cols, bld.Build())
	}
	return b
}

func ts(t *testing.T, s string) int64 {
	t.Helper()
	v, err := column.ParseDatetime(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var mixedSchema = column.Schema{
	{Name: "Timestamp", Type: column.Datetime},
	{Name: "Url", Type: column.String},
	{Name: "Clicks", Type: column.Long},
	{Name: "Score", Type: column.Real},
	{Name: "IsClickedThrough", Type: column.Bool},
	{Name: "Gap", Type: column.Timespan},
}

func mixedRows(t *testing.T) *column.Batch {
	return newBatch(t, mixedSchema,
		[]any{ts(t, "2024-03-01T10:00:00Z"), "https://a.example/x?q=1,2", int64(3), 0.5, true, 90 * column.Minute},
		[]any{ts(t, "2024-03-01T10:00:00.1234567Z"), "say \"hi\"\nbye", int64(-12), math.NaN(), false, nil},
		[]any{nil, "", nil, nil, nil, 2*column.Day + 3*column.Second},
	)
}

func write(t *testing.T, format string, schema column.Schema, b *column.Batch, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, schema, b, opts); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.String()
}

func check(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("output mismatch (-want +got):\n%s\ngot:\n%s", cmp.Diff(want, got), got)
	}
}

func TestCSV(t *testing.T) {
	got := write(t, "csv", mixedSchema, mixedRows(t), Options{})
	want := `Timestamp,Url,Clicks,Score,IsClickedThrough,Gap
2024-03-01T10:00:00Z,"https://a.example/x?q=1,2",3,0.5,true,01:30:00
2024-03-01T10:00:00.1234567Z,"say ""hi""
bye",-12,NaN,false,
,,,,,2.00:00:03
`
	check(t, got, want)
}

func TestCSVEmpty(t *testing.T) {
	check(t, write(t, "csv", mixedSchema, nil, Options{}), "Timestamp,Url,Clicks,Score,IsClickedThrough,Gap\n")
}

func TestJSON(t *testing.T) {
	got := write(t, "json", mixedSchema, mixedRows(t), Options{})
	want := `[
{"Timestamp":"2024-03-01T10:00:00Z","Url":"https://a.example/x?q=1,2","Clicks":3,"Score":0.5,"IsClickedThrough":true,"Gap":"01:30:00"},
{"Timestamp":"2024-03-01T10:00:00.1234567Z","Url":"say \"hi\"\nbye","Clicks":-12,"Score":"NaN","IsClickedThrough":false,"Gap":null},
{"Timestamp":null,"Url":"","Clicks":null,"Score":null,"IsClickedThrough":null,"Gap":"2.00:00:03"}
]
`
	check(t, got, want)
}

func TestJSONEmpty(t *testing.T) {
	check(t, write(t, "json", mixedSchema, &column.Batch{}, Options{}), "[]\n")
	check(t, write(t, "jsonl", mixedSchema, &column.Batch{}, Options{}), "")
}

func TestJSONL(t *testing.T) {
	schema := column.Schema{{Name: "k\"ey", Type: column.String}, {Name: "n", Type: column.Int}}
	b := newBatch(t, schema, []any{"a", int64(1)}, []any{"b", int64(2)})
	check(t, write(t, "jsonl", schema, b, Options{}), "{\"k\\\"ey\":\"a\",\"n\":1}\n{\"k\\\"ey\":\"b\",\"n\":2}\n")
}

func TestJSONStrings(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := string(appendJSONString(nil, in)); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", in, got, want)
		}
	}
	f("", `""`)
	f("plain", `"plain"`)
	f(`a"b\c`, `"a\"b\\c"`)
	f("tab\there\r\n", `"tab\there\r\n"`)
	f("\x00\x1b\b\f", `"\u0000\u001b\b\f"`)
	f("<a href='x'>&</a>", `"<a href='x'>&</a>"`)
	f("héllo 世界 🙂", `"héllo 世界 🙂"`)
	f("line\u2028sep\u2029", `"line\u2028sep\u2029"`)
	f("bad\xffbyte", `"bad\ufffdbyte"`)
}

func TestJSONFloats(t *testing.T) {
	f := func(in float64, want string) {
		t.Helper()
		if got := string(appendJSONFloat(nil, in)); got != want {
			t.Errorf("appendJSONFloat(%v) = %s, want %s", in, got, want)
		}
	}
	f(0, "0")
	f(1.5, "1.5")
	f(-2, "-2")
	f(1e6, "1000000")
	f(1e21, "1e+21")
	f(1e-7, "1e-7")
	f(0.000001, "0.000001")
	f(math.Inf(1), `"Infinity"`)
	f(math.Inf(-1), `"-Infinity"`)
	f(math.NaN(), `"NaN"`)
}

func TestJSONDynamic(t *testing.T) {
	schema := column.Schema{{Name: "d", Type: column.Dynamic}}
	b := newBatch(t, schema, []any{`{"a":[1,2]}`}, []any{"not json"}, []any{""})
	check(t, write(t, "jsonl", schema, b, Options{}), "{\"d\":{\"a\":[1,2]}}\n{\"d\":\"not json\"}\n{\"d\":\"\"}\n")
}

func TestTable(t *testing.T) {
	got := write(t, "table", mixedSchema, mixedRows(t), Options{})
	want := strings.Join([]string{
		"Timestamp                    | Url                       | Clicks | Score | IsClickedThrough | Gap",
		"-----------------------------+---------------------------+--------+-------+------------------+-----------",
		"2024-03-01T10:00:00Z         | https://a.example/x?q=1,2 |      3 |   0.5 | true             | 01:30:00",
		`2024-03-01T10:00:00.1234567Z | say "hi"\nbye             |    -12 |   NaN | false            |`,
		"                             |                           |        |       |                  | 2.00:00:03",
		"(3 rows)",
		"",
	}, "\n")
	check(t, got, want)
}

func TestTableEmpty(t *testing.T) {
	schema := column.Schema{{Name: "Url", Type: column.String}, {Name: "count_", Type: column.Long}}
	check(t, write(t, "table", schema, nil, Options{}), "Url | count_\n----+-------\n(0 rows)\n")
}

func TestTableOneRow(t *testing.T) {
	schema := column.Schema{{Name: "Count", Type: column.Long}}
	b := newBatch(t, schema, []any{int64(1234567)})
	check(t, write(t, "table", schema, b, Options{}), "  Count\n-------\n1234567\n(1 row)\n")
}

func TestTableTruncateAndEscape(t *testing.T) {
	schema := column.Schema{{Name: "s", Type: column.String}, {Name: "n", Type: column.Long}}
	b := newBatch(t, schema,
		[]any{"abcdefghijklmnop", int64(1)},
		[]any{"tab\tnl\nesc\x1b", int64(22)},
		[]any{"世界世界世界", int64(3)},
	)
	got := write(t, "table", schema, b, Options{MaxWidth: 10})
	want := strings.Join([]string{
		"s          |  n",
		"-----------+---",
		"abcdefghi… |  1",
		`tab\tnl\n… | 22`,
		"世界世界…  |  3",
		"(3 rows)",
		"",
	}, "\n")
	check(t, got, want)

	// No limit.
	got = write(t, "table", schema, b, Options{MaxWidth: -1})
	if !strings.Contains(got, "abcdefghijklmnop |") || !strings.Contains(got, `tab\tnl\nesc\x1b |`) {
		t.Errorf("MaxWidth -1 cut cells:\n%s", got)
	}
}

func TestTableUnicodeWidth(t *testing.T) {
	schema := column.Schema{{Name: "name", Type: column.String}, {Name: "x", Type: column.Long}}
	b := newBatch(t, schema,
		[]any{"café", int64(1)},
		[]any{"cafe\u0301", int64(2)}, // e + combining acute
		[]any{"日本", int64(3)},
		[]any{"ab", int64(4)},
	)
	got := write(t, "table", schema, b, Options{})
	want := strings.Join([]string{
		"name | x",
		"-----+--",
		"café | 1",
		"cafe\u0301 | 2",
		"日本 | 3",
		"ab   | 4",
		"(4 rows)",
		"",
	}, "\n")
	check(t, got, want)
}

func TestConstVectors(t *testing.T) {
	schema := column.Schema{{Name: "c", Type: column.String}, {Name: "n", Type: column.Long}}
	b := &column.Batch{Len: 2, Cols: []*column.Vector{
		column.NewConst(column.String, "x", 2),
		column.NewNulls(column.Long, 2),
	}}
	check(t, write(t, "csv", schema, b, Options{}), "c,n\nx,\nx,\n")
	check(t, write(t, "jsonl", schema, b, Options{}), "{\"c\":\"x\",\"n\":null}\n{\"c\":\"x\",\"n\":null}\n")
}

func TestUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	err := Write(&buf, "xml", mixedSchema, nil, Options{})
	if err == nil || err.Error() != `unknown output format "xml" (want table, csv, json, jsonl or vertical)` {
		t.Errorf("err = %v", err)
	}
	for _, f := range Formats {
		if !Valid(f) {
			t.Errorf("Valid(%q) = false", f)
		}
	}
	if Valid("xml") {
		t.Error(`Valid("xml") = true`)
	}
}

func TestEscapeCell(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := escapeCell(in); got != want {
			t.Errorf("escapeCell(%q) = %q, want %q", in, got, want)
		}
	}
	f("plain", "plain")
	f("a\nb", `a\nb`)
	f("a\r\n", `a\r\n`)
	f("\x7f\x00", `\x7f\x00`)
	f("\u0085x", `\u0085x`)
	f("bad\xfe", `bad\xfe`)
	f("ünï", "ünï")
}
