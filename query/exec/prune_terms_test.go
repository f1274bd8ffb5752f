package exec

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"clickhunt/column"
	"clickhunt/query/plan"
	"clickhunt/query/syntax"
	"clickhunt/storage"
)

// termStore is a memStore with an exact term index: a block may hold terms
// when some value of the column has all of them (storage's filters answer
// the same, give or take false positives).
type termStore struct {
	*memStore
	calls int
}

func (m *termStore) MayHaveAnyTerms(t *storage.TableInfo, b *storage.BlockMeta, c storage.ColumnInfo, sets [][]string) (bool, error) {
	m.calls++
	v := m.tables[t.Name].data[b.ID].Cols[c.ID]
	have := map[string]bool{}
	for i := range v.Len {
		for _, term := range storage.Terms(v.Str(i)) {
			have[strings.ToLower(term)] = true
		}
	}
	for _, set := range sets {
		all := true
		for _, term := range set {
			all = all && have[strings.ToLower(term)]
		}
		if all {
			return true, nil
		}
	}
	return false, nil
}

func TestTermPruning(t *testing.T) {
	cases := []struct {
		where string
		count int
		read  int // of 7 one-row blocks
	}{
		{`Url has "fabrikam"`, 2, 2},
		{`Url has "FABRIKAM"`, 2, 2},
		{`Url has "contoso.com"`, 3, 3},
		{`Url has "www.contoso.com/a"`, 2, 2}, // "a" is too short, the rest decide
		{`Url has "ab"`, 0, 7},                // too short: scanned
		{`Url has "..."`, 0, 7},               // no terms at all
		{`Url has "fabrikäm"`, 0, 7},          // non-ASCII: scanned
		{`Url has_cs "Phishing"`, 1, 1},
		{`Url has_cs "phishing"`, 0, 1}, // the index folds case; the filter does not
		{`Url has_any ("fabrikam", "amer")`, 3, 3},
		{`Url has_any ("fabrikam", "x")`, 4, 7}, // "x" cannot be decided
		{`Url has_all ("contoso", "login")`, 1, 1},
		{`Url has_all ("contoso", "a")`, 2, 3}, // only "contoso" decides
		{`Url has "fabrikam" or Url has "amer"`, 3, 3},
		{`Url has "fabrikam" or ActionType has "ClickBlocked"`, 4, 7},
		{`Url has "fabrikam" and ActionType == "ClickAllowed"`, 1, 1},
		{`Url has "fabrikam" and ActionType has "UrlScanInProgress"`, 1, 1},
		{`Url !has "fabrikam"`, 5, 7},
		{`not(Url has "fabrikam")`, 5, 7},
		{`tolower(Url) has "fabrikam"`, 2, 7},
		{`Url has "nothere"`, 0, 0},
		{`Url == "https://fabrikam.net/"`, 1, 2},
		{`"https://fabrikam.net/" == Url`, 1, 2},
		{`Url == "https://fabrikam.net"`, 0, 2},
		{`Url == ""`, 1, 7},
		{`Url in ("https://fabrikam.net/", "http://North-America.example/amer")`, 2, 3},
		{`Url in ("https://fabrikam.net/", "")`, 2, 7},
		{`Url =~ "HTTPS://FABRIKAM.NET/"`, 1, 7},
		{`Url in~ ("HTTPS://FABRIKAM.NET/")`, 1, 7},
		{`Url != "https://fabrikam.net/"`, 6, 7},
		{`Url !in ("https://fabrikam.net/")`, 6, 7},
		{`"a" == "b"`, 0, 7},
	}
	for _, c := range cases {
		t.Run(c.where, func(t *testing.T) {
			q := `UrlClickEvents | where ` + c.where + ` | count`
			want := fmt.Sprintf("Count:long\n%d\n", c.count)
			ts := &termStore{memStore: newMemStore("UrlClickEvents", clickSchema, clickRows(), []int{1})}
			got, st, err := runQuery(t, ts.memStore, q)
			if err != nil || got != want || st.BlocksRead != 7 {
				t.Fatalf("without a term index: %q, %d blocks read, %v; want %q, 7", got, st.BlocksRead, err, want)
			}
			got, st, err = runQueryOn(t, ts, q)
			if err != nil || got != want || st.BlocksRead != c.read {
				t.Fatalf("with a term index: %q, %d blocks read, %v; want %q, %d", got, st.BlocksRead, err, want, c.read)
			}
		})
	}
}

// A store whose index fails is read as if it had none.
type failingTermStore struct{ *memStore }

func (failingTermStore) MayHaveAnyTerms(*storage.TableInfo, *storage.BlockMeta, storage.ColumnInfo, [][]string) (bool, error) {
	return false, fmt.Errorf("damaged")
}

func TestTermPruningError(t *testing.T) {
	m := failingTermStore{newMemStore("UrlClickEvents", clickSchema, clickRows(), []int{1})}
	got, st, err := runQueryOn(t, m, `UrlClickEvents | where Url has "fabrikam" | count`)
	if err != nil || got != "Count:long\n2\n" || st.BlocksRead != 7 {
		t.Fatalf("%q, %d blocks read, %v", got, st.BlocksRead, err)
	}
}

// runQueryOn is runQuery over any store with a catalog.
func runQueryOn(t *testing.T, m interface {
	Store
	plan.Catalog
}, q string) (string, Stats, error) {
	t.Helper()
	s, err := syntax.Parse(q)
	if err != nil {
		return "", Stats{}, err
	}
	p, err := plan.Build(s, m, plan.Options{Now: column.TicksFromTime(testNow), Materialize: Materializer(context.Background(), m, Options{})})
	if err != nil {
		return "", Stats{}, err
	}
	b, st, err := Run(context.Background(), p, m)
	if err != nil {
		return "", st, err
	}
	return render(p.Out(), b), st, nil
}
