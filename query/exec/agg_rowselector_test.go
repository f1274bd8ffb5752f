package exec

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
)

// arg_max and arg_min return, per group, the columns of the first row
// where the compared value is largest (smallest); rows where it is null or
// NaN never win, but a group where it is null on every row returns its
// first row. The same rows fed in any block sizes give the same result,
// also with several arg_max calls over one value and strings compared.
func TestArgMaxMinMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	rows := sortRows(rng, 900) // id, n (long, nulls), r (real, NaN, nulls), s, b
	type want struct {
		row  int
		seen bool
	}
	ref := func(key, cmpCol int, max bool) map[string]int {
		best := map[string]want{}
		var order []string
		for i, r := range rows {
			k := fmtAny(r[key])
			w, ok := best[k]
			if !ok {
				order = append(order, k)
				best[k] = want{row: i, seen: !nullishAny(r[cmpCol])}
				continue
			}
			if nullishAny(r[cmpCol]) {
				continue
			}
			if !w.seen || better(r[cmpCol], rows[w.row][cmpCol], max) {
				best[k] = want{row: i, seen: true}
			}
		}
		out := map[string]int{}
		for _, k := range order {
			out[k] = best[k].row
		}
		return out
	}
	names := []string{"id", "n", "r", "s", "b"}
	for _, max := range []bool{true, false} {
		fn := "arg_min"
		if max {
			fn = "arg_max"
		}
		for _, c := range []struct{ key, cmp int }{{3, 1}, {1, 2}, {4, 3}, {3, 2}, {2, 1}} {
			exp := ref(c.key, c.cmp, max)
			var lines []string
			for k, row := range exp {
				r := rows[row]
				lines = append(lines, fmt.Sprintf("%s | %d | %s", k, r[0], fmtAny(r[3])))
			}
			wantText := sortedLines("k | id | s\n" + strings.Join(lines, "\n") + "\n")
			for _, sizes := range [][]int{{900}, {1}, {7, 64}, {250}} {
				m := newMemStore("T", sortSchema, rows, sizes)
				q := fmt.Sprintf("T | summarize %s(%s, id, s), %s(%s, s) by k = %s | project k = tostring(k), id, s",
					fn, names[c.cmp], fn, names[c.cmp], names[c.key])
				got, _, err := runQuery(t, m, q)
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				got = sortedLines("k | id | s\n" + strings.SplitN(got, "\n", 2)[1])
				if got != wantText {
					t.Fatalf("%s (blocks %v):\ngot:\n%s\nwant:\n%s", q, sizes, got, wantText)
				}
			}
		}
	}
}

func nullishAny(v any) bool {
	f, ok := v.(float64)
	return v == nil || ok && math.IsNaN(f)
}

func better(a, b any, max bool) bool {
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
	if max {
		return c > 0
	}
	return c < 0
}

// fmtAny prints a value as the query's tostring() result does.
func fmtAny(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case bool:
		if v {
			return "true"
		}
		return "false"
	case float64:
		if math.IsNaN(v) {
			return "NaN"
		}
	}
	return fmt.Sprint(v)
}
