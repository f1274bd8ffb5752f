package exec

import (
	"fmt"
	"math"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"clickhunt/column"
)

var sortSchema = column.Schema{
	{Name: "id", Type: column.Long},
	{Name: "n", Type: column.Long},
	{Name: "r", Type: column.Real},
	{Name: "s", Type: column.String},
	{Name: "b", Type: column.Bool},
}

// sortRows makes rows with many ties, nulls and NaNs, so that every key
// matters and ties reach the cut.
func sortRows(rng *rand.Rand, n int) [][]any {
	rows := make([][]any, n)
	words := []string{"", "a", "b", "B", "ab", "zz", "é"}
	for i := range rows {
		var nv, rv, bv any
		if rng.Intn(8) > 0 {
			nv = int64(rng.Intn(5) - 2)
		}
		switch rng.Intn(8) {
		case 0:
		case 1:
			rv = math.NaN()
		default:
			rv = float64(rng.Intn(4)) / 2
		}
		if rng.Intn(6) > 0 {
			bv = rng.Intn(2) == 0
		}
		rows[i] = []any{int64(i), nv, rv, words[rng.Intn(len(words))], bv}
	}
	return rows
}

type refKey struct {
	col              int
	desc, nullsFirst bool
}

// refSort is the expected order: a stable sort by the keys, nulls and NaN
// placed as the key says whatever the direction.
func refSort(rows [][]any, keys []refKey) [][]any {
	out := append([][]any(nil), rows...)
	nullish := func(v any) bool {
		f, ok := v.(float64)
		return v == nil || ok && math.IsNaN(f)
	}
	sort.SliceStable(out, func(x, y int) bool {
		for _, k := range keys {
			a, b := out[x][k.col], out[y][k.col]
			na, nb := nullish(a), nullish(b)
			if na || nb {
				if na == nb {
					continue
				}
				return na == k.nullsFirst
			}
			c := 0
			switch a := a.(type) {
			case int64:
				c = cmpInt(a, b.(int64))
			case float64:
				c = cmpFloat(a, b.(float64))
			case string:
				c = strings.Compare(a, b.(string))
			case bool:
				c = cmpBool(a, b.(bool))
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
	return out
}

// A top-N (sort | take, top) over any keys gives the first N rows of the
// stable sort, whatever the block sizes; so does a whole sort.
func TestTopNMatchesStableSort(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	rows := sortRows(rng, 700)
	names := []string{"id", "n", "r", "s", "b"}
	for trial := 0; trial < 60; trial++ {
		var keys []refKey
		var text []string
		for _, c := range rng.Perm(4)[:1+rng.Intn(3)] {
			k := refKey{col: c + 1, desc: rng.Intn(2) == 0}
			k.nullsFirst = !k.desc
			dir := "asc"
			if k.desc {
				dir = "desc"
			}
			nulls := ""
			if rng.Intn(3) == 0 {
				k.nullsFirst = !k.nullsFirst
				nulls = " nulls last"
				if k.nullsFirst {
					nulls = " nulls first"
				}
			}
			keys = append(keys, k)
			text = append(text, names[k.col]+" "+dir+nulls)
		}
		limit := []int{0, 1, 3, 17, 250, 699, 700, 5000}[rng.Intn(8)]
		want := refSort(rows, keys)
		var wb strings.Builder
		wb.WriteString("id:long\n")
		for i, r := range want {
			if i == limit {
				break
			}
			fmt.Fprintf(&wb, "%d\n", r[0])
		}
		sizes := []int{1 + rng.Intn(300), 1 + rng.Intn(50)}
		m := newMemStore("T", sortSchema, rows, sizes)
		for _, q := range []string{
			fmt.Sprintf("T | sort by %s | take %d | project id", strings.Join(text, ", "), limit),
			fmt.Sprintf("T | extend s = strcat(s, '') | sort by %s | project id | take %d", strings.Join(text, ", "), limit),
		} {
			got, _, err := runQuery(t, m, q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if got != wb.String() {
				t.Fatalf("%s (blocks %v):\ngot:\n%s\nwant:\n%s", q, sizes, got, wb.String())
			}
		}
		got, _, err := runQuery(t, m, fmt.Sprintf("T | sort by %s | project id", strings.Join(text, ", ")))
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		all.WriteString("id:long\n")
		for _, r := range want {
			fmt.Fprintf(&all, "%d\n", r[0])
		}
		if got != all.String() {
			t.Fatalf("whole sort by %s:\ngot:\n%s\nwant:\n%s", strings.Join(text, ", "), got, all.String())
		}
	}
}
