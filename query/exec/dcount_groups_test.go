package exec

import (
	"fmt"
	"testing"

	"clickhunt/column"
)

// TestDcountManyGroups checks dcount over dictionary strings both while a
// block has few groups (a bitmap of codes per group) and past 64 groups in
// a block (a set of pairs): g = i % 100 meets every v = i % 37 (100 and 37
// are coprime), so each group counts 37 values; i % 3 and i / 1000 too.
func TestDcountManyGroups(t *testing.T) {
	schema := column.Schema{{Name: "i", Type: column.Long}, {Name: "v", Type: column.String}}
	var rows [][]any
	for i := range 10000 {
		rows = append(rows, []any{int64(i), fmt.Sprint(i % 37)})
	}
	m := newMemStore("T", schema, rows, []int{4096})
	for _, by := range []string{"i % 100", "i % 3", "i / 1000"} {
		q := fmt.Sprintf("T | summarize d = dcount(v), n = count() by g = %s | summarize mind = min(d), maxd = max(d), rows = sum(n), groups = count()", by)
		got, _, err := runQuery(t, m, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		groups := map[string]int{"i % 100": 100, "i % 3": 3, "i / 1000": 10}[by]
		want := fmt.Sprintf("mind:long | maxd:long | rows:long | groups:long\n37 | 37 | 10000 | %d\n", groups)
		if got != want {
			t.Errorf("%s:\ngot  %q\nwant %q", by, got, want)
		}
	}
}
