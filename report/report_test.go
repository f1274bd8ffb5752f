package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"clickhunt/column"
	"clickhunt/ingest"
	"clickhunt/output"
	"clickhunt/query"
	"clickhunt/storage"
)

var (
	exampleOnce sync.Once
	exampleDir  string
	exampleErr  error
)

// exampleDB opens (read-only) a database holding examples/clicks.csv and,
// when trace is set, examples/messagetrace.csv. The two databases are
// built once per test binary.
func exampleDB(t *testing.T, trace bool) *storage.DB {
	t.Helper()
	exampleOnce.Do(func() {
		exampleDir, exampleErr = os.MkdirTemp("", "clickhunt-report-test")
		if exampleErr != nil {
			return
		}
		for _, sub := range []string{"clicks", "both"} {
			db, err := storage.Open(filepath.Join(exampleDir, sub), storage.Options{})
			if err != nil {
				exampleErr = err
				return
			}
			files := []string{"../examples/clicks.csv"}
			if sub == "both" {
				files = append(files, "../examples/messagetrace.csv")
			}
			for _, f := range files {
				if _, err := ingest.File(context.Background(), db, f, ingest.Options{}); err != nil {
					exampleErr = err
				}
			}
			db.Close()
		}
	})
	if exampleErr != nil {
		t.Fatal(exampleErr)
	}
	sub := "clicks"
	if trace {
		sub = "both"
	}
	db, err := storage.Open(filepath.Join(exampleDir, sub), storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMain(m *testing.M) {
	code := m.Run()
	if exampleDir != "" {
		os.RemoveAll(exampleDir)
	}
	os.Exit(code)
}

func snapshot(t *testing.T, db *storage.DB) *storage.Snapshot {
	t.Helper()
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	return snap
}

// The embedded queries are the source of truth; examples/report holds an
// exact copy for analysts.
func TestExamplesCopy(t *testing.T) {
	files := QueryFiles()
	got, err := filepath.Glob("../examples/report/*.kql")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(files) {
		t.Errorf("examples/report has %d .kql files, report/queries %d: run cp report/queries/*.kql examples/report/", len(got), len(files))
	}
	for name, text := range files {
		b, err := os.ReadFile(filepath.Join("../examples/report", name))
		if err != nil || string(b) != text {
			t.Errorf("examples/report/%s differs from report/queries/%s: run cp report/queries/*.kql examples/report/", name, name)
		}
	}
}

func TestSections(t *testing.T) {
	var ids []string
	for _, s := range Sections() {
		ids = append(ids, s.ID)
		if s.Title == "" || s.Description == "" {
			t.Errorf("%s: no title or description", s.File)
		}
	}
	want := "summary clicked-through-phish verdicts actions sources verdict-trend top-domains top-urls top-blocked-users repeat-offenders override-rate-daily override-rate-users heatmap clicks"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("sections:\n got %s\nwant %s", got, want)
	}
	if s, _ := SectionByID("heatmap"); s.Chart != "heatmap" {
		t.Errorf("heatmap chart = %q", s.Chart)
	}
	if _, err := parseSection("x.kql", "// t\nUrlClickEvents"); err == nil {
		t.Error("a query without the Clicks let statement was accepted")
	}
}

// runJSON runs text as `clickhunt query --format json` would and returns
// its output.
func runJSON(t *testing.T, snap *storage.Snapshot, text string) string {
	t.Helper()
	res, err := query.Run(context.Background(), snap, text, query.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	var buf bytes.Buffer
	if err := output.WriteJSON(&buf, res.Schema, res.Batch); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(buf.String())
}

// The report's numbers are the example queries' results on the same
// database, and agree with independent hunts.
func TestReportNumbersMatchExampleQueries(t *testing.T) {
	snap := snapshot(t, exampleDB(t, true))
	rep, err := Run(context.Background(), snap, Filter{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		TotalClicks int64 `json:"totalClicks"`
		Sections    []struct {
			ID, Query string
			Rows      json.RawMessage
		}
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Sections) != len(Sections()) {
		t.Fatalf("%d sections, want %d", len(doc.Sections), len(Sections()))
	}
	for i, s := range Sections() {
		kql, err := os.ReadFile(filepath.Join("../examples/report", s.File))
		if err != nil {
			t.Fatal(err)
		}
		want := runJSON(t, snap, string(kql))
		if got := string(doc.Sections[i].Rows); compactJSON(t, got) != compactJSON(t, want) {
			t.Errorf("section %s: report rows differ from examples/report/%s:\n got %.300s\nwant %.300s", s.ID, s.File, got, want)
		}
		if doc.Sections[i].Query != string(kql) {
			t.Errorf("section %s: the report shows another query than examples/report/%s", s.ID, s.File)
		}
	}

	// Independent checks against plain queries and examples/hunts.kql.
	if doc.TotalClicks != 5000 {
		t.Errorf("total clicks %d, want 5000", doc.TotalClicks)
	}
	sum := func(id, col string) int64 {
		r := section(t, rep, id)
		var n int64
		for i := 0; i < r.Batch.Len; i++ {
			n += r.Batch.Cols[r.Schema.Index(col)].Int(i)
		}
		return n
	}
	if n := sum("summary", "Clicks"); n != 5000 {
		t.Errorf("summary: %d clicks, want 5000", n)
	}
	for _, id := range []string{"verdicts", "actions", "sources"} {
		if n := sum(id, "Clicks"); n != 5000 {
			t.Errorf("%s: clicks add up to %d, want 5000", id, n)
		}
	}
	if n := sum("heatmap", "Clicks"); n != 5000 {
		t.Errorf("heatmap: clicks add up to %d, want 5000", n)
	}
	scalar := func(text string) int64 {
		res, err := query.Run(context.Background(), snap, text, query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Batch.Cols[0].Int(0)
	}
	verdict := rowsByKey(section(t, rep, "verdicts"), "Verdict", "Clicks")
	action := rowsByKey(section(t, rep, "actions"), "Action", "Clicks")
	for name, c := range map[string]struct {
		got  int64
		kql  string
		want int64
	}{
		"user override":   {verdict["User Override"], `UrlClickEvents | where IsClickedThrough == true | count`, 35},
		"pending verdict": {verdict["Pending Verdict"], `UrlClickEvents | where ActionType == "UrlScanInProgress" and IsClickedThrough != true | count`, 135},
		"tenant blocked":  {verdict["Blocked"], `UrlClickEvents | where ActionType == "ClickBlockedByTenantPolicy" | count`, 49},
		"blocked action":  {action["Blocked"], `UrlClickEvents | where ActionType in ("ClickBlocked", "ClickBlockedByTenantPolicy") | count`, 199},
		"override action": {action["User Override"], `UrlClickEvents | where IsClickedThrough == true | count`, 35},
	} {
		if q := scalar(c.kql); c.got != q || c.got != c.want {
			t.Errorf("%s: report %d, query %d, want %d", name, c.got, q, c.want)
		}
	}

	// examples/hunts.kql's second hunt is the top blocked users.
	hunts, err := os.ReadFile("../examples/hunts.kql")
	if err != nil {
		t.Fatal(err)
	}
	var hunt string
	for _, chunk := range strings.Split(string(hunts), "\n\n") {
		if strings.Contains(chunk, "Users whose clicks were blocked most often") {
			hunt = chunk
		}
	}
	if hunt == "" {
		t.Fatal("examples/hunts.kql has no blocked-users hunt")
	}
	got := rowsByKey(section(t, rep, "top-blocked-users"), "User", "Blocked")
	res, err := query.Run(context.Background(), snap, hunt, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := rowsByKey(&Result{Schema: res.Schema, Batch: res.Batch}, "AccountUpn", "Blocked")
	if len(got) != 10 || !equalCounts(got, want) {
		t.Errorf("top blocked users: report %v, hunts.kql %v", got, want)
	}
	// Every click-through is listed, and those with mail have a sender.
	phish := section(t, rep, "clicked-through-phish")
	if n := scalar(`UrlClickEvents | where IsClickedThrough == true | count`); int64(phish.Rows()) != n || n == 0 {
		t.Errorf("clicked-through phish: %d rows, want %d", phish.Rows(), n)
	}
	withSender := scalar(`UrlClickEvents | where IsClickedThrough == true | join kind=inner (MessageTrace | distinct NetworkMessageId) on NetworkMessageId | count`)
	var senders int64
	for i := 0; i < phish.Rows(); i++ {
		if phish.Batch.Cols[phish.Schema.Index("Sender")].Str(i) != "" {
			senders++
		}
	}
	if senders != withSender || senders == 0 {
		t.Errorf("clicked-through phish with a sender: %d, want %d (> 0)", senders, withSender)
	}
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatalf("%v: %.200s", err, s)
	}
	return buf.String()
}

func section(t *testing.T, rep *Report, id string) *Result {
	t.Helper()
	for _, r := range rep.Sections {
		if r.ID == id {
			if r.Batch == nil {
				t.Fatalf("section %s did not run", id)
			}
			return r
		}
	}
	t.Fatalf("no section %s", id)
	return nil
}

func rowsByKey(r *Result, key, val string) map[string]int64 {
	m := map[string]int64{}
	ki, vi := r.Schema.Index(key), r.Schema.Index(val)
	for i := 0; i < r.Batch.Len; i++ {
		m[column.FormatValue(r.Batch.Cols[ki], i)] = r.Batch.Cols[vi].Int(i)
	}
	return m
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestFilterWhere(t *testing.T) {
	f := func(args FilterArgs, want string) {
		t.Helper()
		flt, err := args.Parse()
		if err != nil {
			t.Fatal(err)
		}
		if got := flt.Where(); got != want {
			t.Errorf("where:\n got %q\nwant %q", got, want)
		}
	}
	f(FilterArgs{}, "")
	f(FilterArgs{From: "2023-12-01", To: "2023-12-08T12:00:00Z"},
		"| where Timestamp >= datetime(2023-12-01T00:00:00Z)\n| where Timestamp < datetime(2023-12-08T12:00:00Z)\n")
	f(FilterArgs{Last: "30d"}, "| where Timestamp > toscalar(UrlClickEvents | summarize max(Timestamp)) - 30d\n")
	f(FilterArgs{Verdict: []string{"malicious,user OVERRIDE"}, Action: []string{"blocked"}, Source: []string{"teams", "Email"}},
		"| where Verdict in (\"Malicious\", \"User Override\")\n| where Action in (\"Blocked\")\n| where Workload in~ (\"Teams\", \"Email\")\n")
	f(FilterArgs{User: []string{`a@b.com`}}, "| where AccountUpn in~ (\"a@b.com\")\n")

	bad := func(args FilterArgs, param string) {
		t.Helper()
		_, err := args.Parse()
		pe, ok := err.(*ParamError)
		if !ok || pe.Param != param {
			t.Errorf("%+v: error %v, want one naming %s", args, err, param)
		}
	}
	bad(FilterArgs{From: "yesterday"}, "from")
	bad(FilterArgs{To: "2023-13-45"}, "to")
	bad(FilterArgs{From: "2023-12-02", To: "2023-12-01"}, "to")
	bad(FilterArgs{Last: "7w"}, "last")
	bad(FilterArgs{Verdict: []string{"evil"}}, "verdict")
	bad(FilterArgs{Action: []string{"Deleted"}}, "action")
	bad(FilterArgs{Source: []string{"Fax"}}, "source")
	bad(FilterArgs{User: []string{`a" or true or "`}}, "user")
}

func TestQuoteCannotEscape(t *testing.T) {
	snap := snapshot(t, exampleDB(t, false))
	for _, s := range []string{`a" or 1==1 or "`, `\" or true //`, "x\ny", `'`, `\`} {
		text := `print v = ` + Quote(s)
		res, err := query.Run(context.Background(), snap, text, query.Options{})
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		if got := res.Batch.Cols[0].Str(0); got != s {
			t.Errorf("Quote(%q) reads back as %q", s, got)
		}
	}
}

func TestFilteredReport(t *testing.T) {
	snap := snapshot(t, exampleDB(t, false))
	args := FilterArgs{Last: "7d", Source: []string{"Email"}, Verdict: []string{"Malicious"}}
	f, err := args.Parse()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), snap, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := query.Run(context.Background(), snap, `UrlClickEvents
| where Timestamp > datetime(2023-12-30T23:58:34.6041491Z) - 7d and Workload == "Email"
| where IsClickedThrough != true and ActionType != "UrlScanInProgress" and ActionType != "ClickBlockedByTenantPolicy"
| where ThreatTypes != "" or ActionType == "ClickBlocked"
| count`, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := res.Batch.Cols[0].Int(0)
	if rep.TotalClicks != want || want == 0 {
		t.Errorf("filtered total %d, want %d (> 0)", rep.TotalClicks, want)
	}
	if n := rowsByKey(section(t, rep, "verdicts"), "Verdict", "Clicks"); len(n) != 1 || n["Malicious"] != want {
		t.Errorf("verdicts under the filter: %v", n)
	}
	if r := section(t, rep, "verdicts"); !strings.Contains(r.KQL, "| where Workload in~ (\"Email\");\nClicks\n") {
		t.Errorf("the shown query lacks the filter:\n%s", r.KQL)
	}
	// Without MessageTrace, the click-through section still runs: no sender.
	if r := section(t, rep, "clicked-through-phish"); r.Batch == nil || r.Schema.Index("Sender") < 0 {
		t.Errorf("clicked-through without a message trace: %v", r.Schema)
	}
}

var svgOpen = regexp.MustCompile(`<svg[ >]`)

func TestHTML(t *testing.T) {
	snap := snapshot(t, exampleDB(t, true))
	rep, err := Run(context.Background(), snap, Filter{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteHTML(&buf, PageOptions{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	charts := 0
	for _, r := range rep.Sections {
		if r.Chart != nil || r.Heat != nil {
			charts++
		}
		if !strings.Contains(page, `<section id="`+r.ID+`">`) {
			t.Errorf("no section %s", r.ID)
		}
	}
	if n := len(svgOpen.FindAllString(page, -1)); n != charts || charts != 8 {
		t.Errorf("%d <svg> elements, %d charts (want 8)", n, charts)
	}
	if n := strings.Count(page, `<details class="kql">`); n != len(rep.Sections) {
		t.Errorf("%d KQL blocks, want %d", n, len(rep.Sections))
	}
	// Self-contained: nothing fetched, no script.
	for _, bad := range []string{"<script", "src=", `href="http`, "url(http", "url(//", "@import"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	if !strings.Contains(page, "it@password-reset.help") {
		t.Error("the clicked-through phish section lacks a sender")
	}
	if strings.Contains(page, `<form`) {
		t.Error("the file report has a form")
	}
	buf.Reset()
	if err := rep.WriteHTML(&buf, PageOptions{Form: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<form class="filters"`) {
		t.Error("the served page has no form")
	}
}

func TestCSVAndJSON(t *testing.T) {
	snap := snapshot(t, exampleDB(t, false))
	rep, err := Run(context.Background(), snap, Filter{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	var heads []string
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(line, "# ") {
			heads = append(heads, line)
		}
	}
	if len(heads) != len(Sections())+1 || heads[0] != "# Safe Links report: 5000 clicks, all clicks; times in UTC" || heads[1] != "# summary: At a glance" {
		t.Errorf("csv section lines: %q", heads)
	}
	if !strings.Contains(buf.String(), "\n# verdicts: Clicks by verdict\nVerdict,Clicks\nSafe,4581\n") {
		t.Errorf("csv starts:\n%.200s", buf.String())
	}
	buf.Reset()
	if err := rep.Write(&buf, "json"); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "filter,first,generated,last,sections,timeZone,totalClicks" {
		t.Errorf("json keys %v", keys)
	}
	if err := rep.Write(&buf, "xml"); err == nil {
		t.Error("xml accepted")
	}
}
