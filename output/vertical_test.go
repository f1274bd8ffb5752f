package output

import (
	"bytes"
	"strings"
	"testing"

	"clickhunt/column"
)

func wideResult() (column.Schema, *column.Batch) {
	u := column.NewBuilder(column.String, 2)
	n := column.NewBuilder(column.Long, 2)
	u.AppendString("https://a.example/" + strings.Repeat("x", 50))
	n.AppendInt(3)
	u.AppendString("b\tc")
	n.AppendInt(12)
	return column.Schema{{Name: "Url", Type: column.String}, {Name: "Clicks", Type: column.Long}},
		&column.Batch{Len: 2, Cols: []*column.Vector{u.Build(), n.Build()}}
}

func TestWriteVertical(t *testing.T) {
	schema, b := wideResult()
	var buf bytes.Buffer
	if err := Write(&buf, "vertical", schema, b, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "-[ RECORD 1 ]-------------\n" +
		"Url    | https://a.example/" + strings.Repeat("x", 50) + "\n" +
		"Clicks | 3\n" +
		"-[ RECORD 2 ]-------------\n" +
		"Url    | b\\tc\n" +
		"Clicks | 12\n" +
		"(2 rows)\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestFitTable(t *testing.T) {
	schema, b := wideResult()
	natural := TableWidth(schema, b, Options{})
	if natural != 60+3+6 {
		t.Errorf("TableWidth = %d", natural)
	}
	if opts, vertical := FitTable(schema, b, 200); vertical || opts.MaxWidth != 0 {
		t.Errorf("fits in 200: %+v %v", opts, vertical)
	}
	opts, vertical := FitTable(schema, b, 40)
	if vertical || TableWidth(schema, b, opts) > 40 {
		t.Errorf("in 40 columns: %+v %v (width %d)", opts, vertical, TableWidth(schema, b, opts))
	}
	var buf bytes.Buffer
	WriteTable(&buf, schema, b, opts)
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if TextWidth(line) > 40 {
			t.Errorf("line wider than 40: %q", line)
		}
	}
	if !strings.Contains(buf.String(), "…") {
		t.Error("no ellipsis in a cut table")
	}
	if _, vertical := FitTable(schema, b, 15); !vertical {
		t.Error("15 columns should switch to vertical")
	}
}
