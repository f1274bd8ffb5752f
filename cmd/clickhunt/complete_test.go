package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestComplete(t *testing.T) {
	cat := &fakeEngine{}
	f := func(text string, want ...string) {
		t.Helper()
		got := complete(text, cat).Candidates
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("complete(%q) (-want +got):\n%s", text, diff)
		}
	}
	// Start of a query: tables and let.
	f("", "UrlClickEvents", "let")
	f("Url", "UrlClickEvents")
	f("let n = 3;\nUr", "UrlClickEvents")
	f("let recent = 3; ", "UrlClickEvents", "let", "recent")
	// After a pipe: operators.
	f("UrlClickEvents | ", "count", "distinct", "extend", "filter", "limit", "order", "project", "render", "sort", "summarize", "take", "top", "where")
	f("UrlClickEvents\n| su", "summarize")
	f("UrlClickEvents | where Url has \"a\" | t", "take", "top")
	// Columns of the table in scope, across lines.
	f("UrlClickEvents\n| where Ti", "Timestamp")
	f("UrlClickEvents | project U", "Url")
	f("UrlClickEvents | extend Host = tolower(Url) | project Ho", "Host")
	f("UrlClickEvents | summarize c", "count(", "countif(")
	f("UrlClickEvents | summarize count() by T", "Timestamp")
	f("UrlClickEvents | summarize count() by to", "tobool(", "todatetime(", "todouble(", "toint(", "tolong(", "tolower(", "toreal(", "tostring(", "totimespan(", "toupper(")
	f("UrlClickEvents | where isnull(U", "Url")
	f("UrlClickEvents | sort ", "by")
	f("UrlClickEvents | sort by Timestamp d", "desc")
	f("UrlClickEvents | take ")
	f("UrlClickEvents | render ", "areachart", "barchart", "columnchart", "linechart", "piechart", "timechart")
	f("UrlClickEvents | render time", "timechart")
	// Not inside strings or comments.
	f(`UrlClickEvents | where Url has "Ti`)
	f("UrlClickEvents // Ti")
	// Dot-commands.
	f(".sc", ".schema")
	f(".schema U", "UrlClickEvents")
	f(".format v", "vertical")
	f(".help whe", "where")
	f(".timing o", "off", "on")

	// Argument hints.
	if c := complete("UrlClickEvents | summarize count() by bin(", cat); c.Hint != "bin(Value, RoundTo)" || len(c.Candidates) == 0 {
		t.Errorf("hint in bin( = %q, %d candidates", c.Hint, len(c.Candidates))
	}
	if c := complete("UrlClickEvents | where strlen(Url) > 3 and ", cat); c.Hint != "" {
		t.Errorf("hint after a closed call = %q", c.Hint)
	}
}

func TestCompletePath(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "clicks.csv"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "clicks2.json"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "exports"), 0o755)
	os.WriteFile(filepath.Join(dir, ".hidden"), nil, 0o644)
	got := complete(".ingest "+dir+"/", nil).Candidates
	want := []string{dir + "/clicks.csv", dir + "/clicks2.json", dir + "/exports/"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got = complete(".ingest "+dir+"/clicks.", nil).Candidates
	if len(got) != 1 || !strings.HasSuffix(got[0], "clicks.csv") {
		t.Errorf("got %q", got)
	}
}

func TestHelpTopicsComplete(t *testing.T) {
	// Every function the planner knows has a help topic.
	for _, name := range []string{"ago", "now", "bin", "floor", "iff", "iif", "isnull", "isnotnull", "isempty", "isnotempty",
		"tolower", "toupper", "strlen", "strcat", "tostring", "tolong", "toint", "todouble", "toreal", "tobool",
		"todatetime", "totimespan", "hourofday", "dayofweek", "dayofmonth", "startofday",
		"count", "countif", "dcount", "sum", "avg", "min", "max"} {
		if _, ok := functionHint(name); !ok {
			t.Errorf("no help topic for %s()", name)
		}
	}
}
