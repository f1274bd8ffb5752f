package exec

import (
	"context"
	"sync/atomic"
	"testing"

	"clickhunt/query/plan"
	"clickhunt/query/syntax"
)

// Options.Progress counts the rows scanned as the query reads them: after
// a run it equals Stats.RowsRead, over pruned blocks, several scans of a
// join and a subquery alike.
func TestProgressCountsRowsRead(t *testing.T) {
	m := newMemStore("UrlClickEvents", clickSchema, clickRows(), []int{2})
	for _, q := range []string{
		`UrlClickEvents | count`,
		`UrlClickEvents | where Timestamp >= datetime(2024-01-09) and Timestamp < datetime(2024-01-10) | count`,
		`UrlClickEvents | join kind=inner (UrlClickEvents) on ReportId`,
		`UrlClickEvents | where ReportId in ((UrlClickEvents | where ActionType == "ClickBlocked" | project ReportId))`,
	} {
		s, err := syntax.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Build(s, m, plan.Options{})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var progress atomic.Int64
		_, st, err := RunWith(context.Background(), p, m, Options{Progress: &progress})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if st.RowsRead == 0 || progress.Load() != st.RowsRead {
			t.Errorf("%s: progress %d, RowsRead %d; want equal and > 0", q, progress.Load(), st.RowsRead)
		}
	}
	// No counter: nothing to add to, and the run works as before.
	s, _ := syntax.Parse(`UrlClickEvents | count`)
	p, _ := plan.Build(s, m, plan.Options{})
	if _, _, err := RunWith(context.Background(), p, m, Options{}); err != nil {
		t.Fatal(err)
	}
}
