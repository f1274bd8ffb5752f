package e2e

import (
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The example join hunt runs on the demo's database: every clicked-through
// phish that came by mail is matched to its message's sender and subject.
func TestJoinHuntOnDemoData(t *testing.T) {
	db := filepath.Join(t.TempDir(), "db")
	run(t, "ingest", "--db", db, "../examples/clicks.csv", "../examples/messagetrace.csv")
	out := run(t, "query", "--db", db, "--format", "csv", "-f", "../examples/hunts-join.kql")
	sections := strings.Split(strings.TrimSpace(out), "\n\n")
	if len(sections) != 2 {
		t.Fatalf("want 2 results, got %d:\n%s", len(sections), out)
	}
	recs, err := csv.NewReader(strings.NewReader(sections[0])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "Timestamp,AccountUpn,Url,SenderAddress,Subject,NetworkMessageId" || len(recs) < 2 {
		t.Fatalf("first hunt: %v", recs)
	}
	for _, r := range recs[1:] {
		if r[3] == "" || r[4] == "" {
			t.Fatalf("a joined row lacks its sender or subject: %v", r)
		}
	}
	// Independently: every clicked-through phish with a message id has a row.
	want := run(t, "query", "--db", db, "--format", "csv",
		`UrlClickEvents | where IsClickedThrough == true and ThreatTypes has "Phish" and NetworkMessageId != "" | count`)
	if want != "Count\n"+strconv.Itoa(len(recs)-1)+"\n" {
		t.Fatalf("joined %d rows; clicked-through phish with a message id: %q", len(recs)-1, want)
	}
}
