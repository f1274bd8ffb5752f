package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"clickhunt/ingest"
	"clickhunt/query"
	"clickhunt/storage"
)

// TestTermIndex runs `has` searches over a generated export of several
// blocks: a search reads only the blocks whose term filters may hold the
// needle's terms, and counts what an unindexed search (has on an
// expression, which is never pruned) counts.
func TestTermIndex(t *testing.T) {
	dir := t.TempDir()
	csvPath := genFile(t, dir, "clicks.csv", 300_000, 11)
	// The cache counts column reads (hits and misses).
	db, err := storage.Open(filepath.Join(dir, "db"), storage.Options{Small: true, CacheBytes: 256 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := ingest.File(context.Background(), db, csvPath, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()

	// The Url terms of each block, and one Url value per term.
	ti, err := snap.Table("UrlClickEvents")
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := snap.Blocks(ti)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) < 4 {
		t.Fatalf("%d blocks, want several", len(blocks))
	}
	urlCol, _ := ti.Column("Url")
	blockTerms := make([]map[string]bool, len(blocks))
	termRows := make([]map[string]int, len(blocks)) // rows holding each term
	example := map[string]string{}
	for i := range blocks {
		v, err := snap.ReadColumn(ti, &blocks[i], urlCol)
		if err != nil {
			t.Fatal(err)
		}
		blockTerms[i] = map[string]bool{}
		termRows[i] = map[string]int{}
		for r := range v.Len {
			u := v.Str(r)
			for term := range terms(u) {
				blockTerms[i][term] = true
				termRows[i][term]++
				example[term] = u
			}
		}
	}
	inBlocks := func(term string) (n int) {
		for _, bt := range blockTerms {
			if bt[term] {
				n++
			}
		}
		return n
	}
	// Rare terms: in one block only, long enough to index, not numbers.
	var rare []string
	for term := range example {
		if len(term) >= 6 && strings.Trim(term, "0123456789") != "" && inBlocks(term) == 1 {
			rare = append(rare, term)
		}
	}
	slices.Sort(rare)
	if len(rare) < 10 {
		t.Fatalf("only %d rare terms", len(rare))
	}
	r1, r2 := rare[0], rare[len(rare)/2]
	// A needle with punctuation: the Url from its host up to a rare term.
	u := example[r1]
	lower := strings.ToLower(u)
	needle := u[strings.Index(u, "://")+3 : strings.Index(lower, r1)+len(r1)]
	t.Logf("rare terms %q, %q; needle %q", r1, r2, needle)
	// A report ID (unique per click) for an equality lookup.
	idCol, _ := ti.Column("ReportId")
	ids, err := snap.ReadColumn(ti, &blocks[2], idCol)
	if err != nil {
		t.Fatal(err)
	}
	id := ids.Str(ids.Len / 2)

	// want blocks: those holding every term of every needle in one of sets.
	blocksFor := func(sets ...[]string) (n int) {
		for _, bt := range blockTerms {
			for _, set := range sets {
				all := true
				for _, term := range set {
					all = all && bt[strings.ToLower(term)]
				}
				if all {
					n++
					break
				}
			}
		}
		return n
	}
	all := len(blocks)
	cases := []struct {
		where string
		read  int // blocks holding the terms; a false positive may add one
	}{
		{fmt.Sprintf(`Url has %q`, r1), 1},
		{fmt.Sprintf(`Url has %q`, strings.ToUpper(r2)), 1},
		{fmt.Sprintf(`Url has %q`, needle), blocksFor(storage.Terms(needle))},
		{fmt.Sprintf(`Url has_any (%q, %q)`, r1, r2), blocksFor([]string{r1}, []string{r2})},
		{fmt.Sprintf(`Url has_all (%q, "https")`, r2), blocksFor([]string{r2, "https"})},
		{fmt.Sprintf(`Url has %q or Url has %q`, r1, r2), blocksFor([]string{r1}, []string{r2})},
		{fmt.Sprintf(`Url has %q and ActionType != ""`, r2), 1},
		{`Url has "nosuchterm42"`, 0},
		{fmt.Sprintf(`ReportId == %q`, id), 1},
		{fmt.Sprintf(`ReportId in (%q, "x")`, id), all}, // "x" cannot be decided
		{`Url has "https"`, all},
		{fmt.Sprintf(`Url has %q`, r1[:2]), all}, // too short to index
		{fmt.Sprintf(`Url !has %q`, r1), all},
		{fmt.Sprintf(`not(Url has %q)`, r1), all},
	}
	for _, c := range cases {
		q := `UrlClickEvents | where ` + c.where + ` | count`
		res, err := query.Run(context.Background(), snap, q, query.Options{})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		// The same search on an expression reads every block.
		ref := strings.Replace(c.where, "Url", `strcat(Url, "")`, -1)
		ref = strings.Replace(ref, "ReportId", `strcat(ReportId, "")`, -1)
		want, err := query.Run(context.Background(), snap, `UrlClickEvents | where `+ref+` | count`, query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if want.Stats.BlocksRead != all {
			t.Fatalf("%s: the reference read %d of %d blocks", ref, want.Stats.BlocksRead, all)
		}
		got, exp := res.Batch.Cols[0].Int(0), want.Batch.Cols[0].Int(0)
		if got != exp {
			t.Errorf("%s: count %d, unindexed %d", c.where, got, exp)
		}
		if c.read > 0 && c.read < all && got == 0 {
			t.Errorf("%s: no rows in the %d blocks holding the terms", c.where, c.read)
		}
		if n := res.Stats.BlocksRead; n < c.read || n > c.read+1 || res.Stats.BlocksTotal != all {
			t.Errorf("%s: read %d of %d blocks, want %d", c.where, n, res.Stats.BlocksTotal, c.read)
		}
	}

	// Terms in every block, in a few percent of its rows: the postings
	// answer `Url has` for them without reading a column.
	var mid []string
	for term := range termRows[0] {
		inAll := len(term) >= storage.MinTermLen
		for i, tr := range termRows {
			n := tr[term]
			inAll = inAll && n >= 8 && n <= blocks[i].Rows/16
		}
		if inAll {
			mid = append(mid, term)
		}
	}
	slices.Sort(mid)
	if len(mid) < 3 {
		t.Fatalf("only %d terms in a few percent of every block's rows", len(mid))
	}
	for _, term := range []string{mid[0], strings.ToUpper(mid[len(mid)/2]), mid[len(mid)-1]} {
		before := db.CacheStats()
		res, err := query.Run(context.Background(), snap, fmt.Sprintf(`UrlClickEvents | where Url has %q | count`, term), query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		after := db.CacheStats()
		if reads := after.Hits + after.Misses - before.Hits - before.Misses; reads != 0 {
			t.Errorf("Url has %q: read %d column blocks, want none (postings)", term, reads)
		}
		want := 0
		for _, tr := range termRows {
			want += tr[strings.ToLower(term)]
		}
		if got := res.Batch.Cols[0].Int(0); got != int64(want) {
			t.Errorf("Url has %q: count %d, rows holding it %d", term, got, want)
		}
		// With columns to return, the rows listed are the rows kept.
		rows, err := query.Run(context.Background(), snap, fmt.Sprintf(`UrlClickEvents | where Url has %q | project Url`, term), query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rows.Batch.Len != want {
			t.Fatalf("Url has %q | project Url: %d rows, want %d", term, rows.Batch.Len, want)
		}
		for i := range rows.Batch.Len {
			if _, ok := terms(rows.Batch.Cols[0].Str(i))[strings.ToLower(term)]; !ok {
				t.Fatalf("Url has %q returned %q", term, rows.Batch.Cols[0].Str(i))
			}
		}
	}

	r, err := db.Check(context.Background())
	if err != nil || !r.OK() || r.TermFilters == 0 || r.TermFilters%len(blocks) != 0 {
		t.Errorf("check: %+v, %v", r, err)
	}
}

// TestSparseReadsMatchWholeReads: a one-shot query (no block cache) reads
// the rows a selective filter or a term's postings kept from the pages
// that hold them; the same query with the cache reads whole blocks, and
// an unindexed filter scans. All three give the same rows.
func TestSparseReadsMatchWholeReads(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	run(t, "ingest", "--db", db, genFile(t, dir, "a.csv", 150_000, 21))
	user := strings.TrimSpace(strings.Split(run(t, "query", "--db", db, "--format", "csv",
		`UrlClickEvents | where AccountUpn != "" | summarize n = count() by AccountUpn | where n between (10 .. 500) | top 1 by AccountUpn asc | project AccountUpn`), "\n")[1])
	// check verifies the shared dictionaries (user names among them) and
	// says how many entries it read.
	users, _ := strconv.Atoi(strings.TrimSpace(strings.Split(run(t, "query", "--db", db, "--format", "csv", `UrlClickEvents | distinct AccountUpn | count`), "\n")[1]))
	check := run(t, "check", "--db", db)
	var entries int
	for _, line := range strings.Split(check, "\n") {
		if strings.HasSuffix(line, " shared dictionary entries") {
			fmt.Sscanf(line, "checked %d", &entries)
		}
	}
	if !strings.Contains(check, "\nhealthy\n") || entries < users || users < 100 {
		t.Fatalf("check verified %d shared entries for %d users:\n%s", entries, users, check)
	}
	// The URL heads (format 6) are counted apart from the 12 columns
	// users see, and the domain report read from them answers as the
	// same report over whole URLs.
	if !strings.Contains(check, " 12 columns (and 1 derived: URL heads), ") {
		t.Errorf("check does not count the URL heads apart:\n%s", check)
	}
	domains := `UrlClickEvents | where ThreatTypes != "" | summarize n = count() by D = tostring(split(%s, "/")[2]) | order by n desc, D asc`
	if got, want := run(t, "query", "--db", db, "--format", "csv", fmt.Sprintf(domains, "Url")),
		run(t, "query", "--db", db, "--format", "csv", fmt.Sprintf(domains, `strcat(Url, "")`)); got != want || strings.Count(got, "\n") < 5 {
		t.Errorf("domains from the heads:\n%s\nfrom whole URLs:\n%s", got, want)
	}
	cols := `project Timestamp, Url, UrlChain, ReportId, NetworkMessageId, AccountUpn, ActionType | order by ReportId asc, Timestamp asc`
	for _, c := range []struct{ where, ref string }{
		{`Url has "pastebin"`, `strcat(Url, "") has "pastebin"`},
		{fmt.Sprintf(`AccountUpn == %q`, user), fmt.Sprintf(`strcat(AccountUpn, "") == %q`, user)},
		{`ActionType == "ClickBlocked"`, `strcat(ActionType, "") == "ClickBlocked"`},
	} {
		q := "UrlClickEvents | where " + c.where + " | " + cols
		oneShot := run(t, "query", "--db", db, "--format", "csv", q)
		cached := run(t, "query", "--db", db, "--format", "csv", "--repeat", "2", q)
		scanned := run(t, "query", "--db", db, "--format", "csv", "UrlClickEvents | where "+c.ref+" | "+cols)
		if n := strings.Count(oneShot, "\n"); n < 3 {
			t.Fatalf("%s: %d lines out", c.where, n)
		}
		if oneShot != cached || oneShot != scanned {
			t.Errorf("%s: one-shot, cached and scanned results differ (%d, %d, %d bytes)", c.where, len(oneShot), len(cached), len(scanned))
		}
	}
}
