package exec

import (
	"context"
	"fmt"
	"testing"

	"clickhunt/column"
	"clickhunt/query/plan"
	"clickhunt/query/syntax"
)

// TestJoinStreamsProbeSide: a join hands its pairs on a left batch at a
// time, so a count over a join of 2.25M pairs runs within a budget that
// holds its right side but not its output, and outer joins still add the
// right rows nothing matched, after the rest.
func TestJoinStreamsProbeSide(t *testing.T) {
	const n = 1500
	var rows [][]any
	for i := range n {
		rows = append(rows, []any{"k", int64(i)})
	}
	rows = append(rows, []any{"lonely", int64(n)})
	m := newMemStore("T", column.Schema{{Name: "K", Type: column.String}, {Name: "N", Type: column.Long}}, rows, []int{300})
	run := func(q string, limit int64) (string, error) {
		t.Helper()
		s, err := syntax.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Build(s, m, plan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := RunWith(context.Background(), p, m, Options{MaxMemory: limit})
		if err != nil {
			return "", err
		}
		var out string
		for i := 0; i < res.Len; i++ {
			for c := range res.Cols {
				out += fmt.Sprintf("%v ", res.Cols[c].Value(i))
			}
			out += "\n"
		}
		return out, nil
	}
	// The output's row pairs alone (2.25M x 24 bytes) are over 16 MiB.
	got, err := run(`T | join kind=inner (T | project K, M = N) on K | count`, 16<<20)
	if err != nil || got != fmt.Sprintf("%d \n", n*n+1) {
		t.Fatalf("inner join count: %q, %v; want %d", got, err, n*n+1)
	}
	got, err = run(`T | join kind=inner (T | project K, M = N) on K | summarize s = sum(M), c = count() by K | order by K asc`, 16<<20)
	if want := fmt.Sprintf("k %d %d \nlonely %d 1 \n", n*(n-1)/2*n, n*n, n); err != nil || got != want {
		t.Fatalf("summarize after join: %q, %v; want %q", got, err, want)
	}
	// Right rows no left row matched come last.
	got, err = run(`T | where N < 2 | join kind=rightouter (T | where N >= 1499 | project K, M = N) on K | project N, M`, 0)
	if want := "0 1499 \n1 1499 \n<nil> 1500 \n"; err != nil || got != want {
		t.Fatalf("rightouter: %q, %v; want %q", got, err, want)
	}
	got, err = run(`T | where N < 2 | join kind=rightanti (T | where N >= 1499) on K | project N`, 0)
	if want := "1500 \n"; err != nil || got != want {
		t.Fatalf("rightanti: %q, %v; want %q", got, err, want)
	}
}
