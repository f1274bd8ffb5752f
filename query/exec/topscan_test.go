package exec

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"clickhunt/column"
)

// A top-N sort straight over a table reads blocks best first by their
// min/max and stops early; its result must be the plain sort's, row for
// row (ties in ingest order), whatever the direction, nulls, ties, filter
// or later keys. The plain sort runs on the same key plus zero, which the
// top-N scan does not take.
func TestTopScanMatchesSort(t *testing.T) {
	schema := column.Schema{
		{Name: "Timestamp", Type: column.Datetime},
		{Name: "i", Type: column.Long},
		{Name: "u", Type: column.String},
	}
	var rows [][]any
	base := ts("2024-01-01T00:00:00Z")
	rnd := rand.New(rand.NewSource(7))
	for r := range 3000 {
		// Keys with ties, rising over the blocks with jitter (so block
		// ranges overlap) and a few outliers; scattered nulls and whole
		// blocks of them.
		var iv any = int64(r/10 + rnd.Intn(120))
		if rnd.Intn(50) == 0 {
			iv = int64(rnd.Intn(400))
		}
		if r%11 == 0 || (r >= 1200 && r < 1500) {
			iv = nil
		}
		when := base + int64(r)*column.Minute + int64(rnd.Intn(300)-150)*column.Minute
		rows = append(rows, []any{when, iv, fmt.Sprintf("user%d", rnd.Intn(13))})
	}
	m := newMemStore("T", schema, rows, []int{300, 100, 200})
	for _, q := range []string{
		"T | where u == 'user3' | sort by %s desc | take 10",
		"T | sort by %s asc | take 25",
		"T | sort by %s desc nulls first | take 40",
		"T | sort by %s asc nulls last | take 40",
		"T | sort by %s asc nulls first | take 700",
		"T | top 7 by %s",
		"T | top 500 by %s asc",
		"T | where u has 'user1' | sort by %s desc, u asc | take 30",
		"T | where u == 'nobody' | sort by %s desc | take 5",
		"T | where i == 5 or isnull(i) | sort by %s asc | take 5000",
	} {
		for _, key := range []string{"i", "Timestamp"} {
			zero := map[string]string{"i": "i + 0", "Timestamp": "Timestamp + 0d"}[key]
			top, st, err := runQuery(t, m, fmt.Sprintf(q, key))
			if err != nil {
				t.Fatalf("%s: %v", fmt.Sprintf(q, key), err)
			}
			plain, pst, err := runQuery(t, m, fmt.Sprintf(q, zero))
			if err != nil {
				t.Fatalf("%s: %v", fmt.Sprintf(q, zero), err)
			}
			// Same rows; the plain query's key column is named by its
			// expression, so compare without the header.
			_, topRows, _ := strings.Cut(top, "\n")
			_, plainRows, _ := strings.Cut(plain, "\n")
			if topRows != plainRows {
				t.Errorf("%s:\n%s\nplain sort:\n%s", fmt.Sprintf(q, key), top, plain)
			}
			if st.BlocksRead > pst.BlocksRead {
				t.Errorf("%s: top-N read %d blocks, the plain sort %d", fmt.Sprintf(q, key), st.BlocksRead, pst.BlocksRead)
			}
		}
	}
	// One user's latest: the newest blocks only.
	_, st, err := runQuery(t, m, "T | where u == 'user3' | sort by Timestamp desc | take 10")
	if err != nil || st.BlocksRead >= st.BlocksTotal/2 {
		t.Errorf("latest 10 of one user read %d of %d blocks (%v)", st.BlocksRead, st.BlocksTotal, err)
	}
}
