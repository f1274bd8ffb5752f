package output

import (
	"strings"
	"testing"

	"clickhunt/column"
)

func TestCSVInjection(t *testing.T) {
	strs := []string{"=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "https://ok.example/=x", "", "'already"}
	sb := column.NewBuilder(column.String, len(strs))
	lb := column.NewBuilder(column.Long, len(strs))
	for i, s := range strs {
		sb.AppendString(s)
		lb.AppendInt(int64(-i))
	}
	schema := column.Schema{{Name: "=Url", Type: column.String}, {Name: "n", Type: column.Long}}
	b := &column.Batch{Len: len(strs), Cols: []*column.Vector{sb.Build(), lb.Build()}}
	var out strings.Builder
	if err := Write(&out, "csv", schema, b, Options{SpreadsheetSafe: true}); err != nil {
		t.Fatal(err)
	}
	want := "'=Url,n\n" +
		"'=cmd|' /C calc'!A0,0\n" +
		"'+1+1,-1\n" +
		"'-2+3,-2\n" +
		"'@SUM(A1),-3\n" +
		"'\tx,-4\n" +
		"\"'\rx\",-5\n" +
		"https://ok.example/=x,-6\n" +
		",-7\n" +
		"'already,-8\n"
	if out.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", out.String(), want)
	}
}

// By default CSV holds the values as they are: piped into another tool it
// equals the data.
func TestCSVFaithful(t *testing.T) {
	strs := []string{"--https://bing.com--", "=1+1", "@x", "+y", "\tz", "plain"}
	sb := column.NewBuilder(column.String, len(strs))
	for _, s := range strs {
		sb.AppendString(s)
	}
	schema := column.Schema{{Name: "-Url", Type: column.String}}
	b := &column.Batch{Len: len(strs), Cols: []*column.Vector{sb.Build()}}
	var out strings.Builder
	if err := Write(&out, "csv", schema, b, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "-Url\n--https://bing.com--\n=1+1\n@x\n+y\n\"\tz\"\nplain\n" // encoding/csv quotes a leading tab
	if out.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", out.String(), want)
	}
}
