package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"clickhunt/ingest"
	"clickhunt/query"
	"clickhunt/storage"
)

// Every verdict and action of the Safe Links report, in every spelling
// ingest knows, comes back from the report in the report's words, and
// each is one of the values the report's filters offer.
func TestVocabularyRoundTrip(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "portal.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"Date", "User", "Original URL", "Verdict", "Action", "Click Source", "IP Address", "Device", "Message Subject"})
	type want struct{ verdict, action string }
	wants := map[string]want{}
	n := 0
	for _, v := range ingest.ReportVerdicts {
		for _, vs := range append([]string{v.Word}, v.Aliases...) {
			for _, a := range ingest.ReportActions {
				for _, as := range append([]string{a.Word}, a.Aliases...) {
					n++
					user := fmt.Sprintf("u%d@contoso.com", n)
					w.Write([]string{"2024-01-02T03:04:05Z", user, "https://x.example/", vs, as, "Email", "198.51.100.1", "Windows", "Hello"})
					wants[user] = want{v.Word, a.Word}
				}
			}
		}
	}
	w.Flush()
	f.Close()
	if !slices.ContainsFunc(ingest.ReportVerdicts, func(v ingest.ReportVerdict) bool { return v.Word == "Safe" && slices.Contains(v.Aliases, "clean") }) {
		t.Error("Clean is not a spelling of Safe")
	}
	db, err := storage.Open(filepath.Join(dir, "db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := ingest.File(context.Background(), db, file, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	snap := snapshot(t, db)
	res, err := query.Run(context.Background(), snap, ClicksHeader+"Clicks | project AccountUpn, Verdict, Action, ThreatTypes, IsClickedThrough", query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Batch.Len != n {
		t.Fatalf("%d rows, want %d", res.Batch.Len, n)
	}
	for i := 0; i < res.Batch.Len; i++ {
		user, verdict, action := res.Batch.Cols[0].Str(i), res.Batch.Cols[1].Str(i), res.Batch.Cols[2].Str(i)
		w := wants[user]
		if verdict != w.verdict || action != w.action {
			t.Errorf("%s: report says %s/%s, want %s/%s", user, verdict, action, w.verdict, w.action)
		}
		if !slices.Contains(Verdicts, verdict) || !slices.Contains(Actions, action) {
			t.Errorf("%s: %s/%s is not among the report's verdicts %v and actions %v", user, verdict, action, Verdicts, Actions)
		}
		// Safe names no threat; User Override, verdict or action, is a click-through.
		if threat := res.Batch.Cols[3].Str(i); (verdict == "Safe") != (threat == "") && verdict != "Blocked" && verdict != "Pending Verdict" && verdict != "User Override" {
			t.Errorf("%s: verdict %s with ThreatTypes %q", user, verdict, threat)
		}
		if through := res.Batch.Cols[4].Bool(i); through != (verdict == "User Override" || action == "User Override") {
			t.Errorf("%s: %s/%s with IsClickedThrough %v", user, verdict, action, through)
		}
	}
}
