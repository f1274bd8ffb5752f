package main

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readCSV reads a CSV file (or text) into its header and rows.
func readCSV(t *testing.T, text string) ([]string, [][]string) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	recs, err := r.ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("not CSV (%v):\n%.300s", err, text)
	}
	return recs[0], recs[1:]
}

// csvColumn returns the values of a named column.
func csvColumn(t *testing.T, header []string, rows [][]string, name string) []string {
	t.Helper()
	i := -1
	for j, h := range header {
		if h == name {
			i = j
		}
	}
	if i < 0 {
		t.Fatalf("no column %q in %q", name, header)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r[i])
	}
	return out
}

// reportSection parses one section of `report --format csv` into its key
// column => count column.
func reportSection(t *testing.T, out, id string) map[string]int {
	t.Helper()
	_, rest, ok := strings.Cut(out, "# "+id+": ")
	if !ok {
		t.Fatalf("no section %s in:\n%.500s", id, out)
	}
	_, rest, _ = strings.Cut(rest, "\n")
	body, _, _ := strings.Cut(rest, "\n\n")
	header, rows := readCSV(t, body)
	m := map[string]int{}
	for _, r := range rows {
		n, err := strconv.Atoi(r[len(header)-1])
		if err != nil {
			t.Fatalf("section %s: %q", id, r)
		}
		m[r[0]] += n
	}
	return m
}

func countValues(vals []string) map[string]int {
	m := map[string]int{}
	for _, v := range vals {
		m[v]++
	}
	return m
}

func sameCounts(a, b map[string]int) bool {
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

func postJSON(t *testing.T, url, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// The portal's Safe Links export is read as the report means it: each
// verdict and action comes back from `report` as the export wrote it
// (Clean is the older word for Safe), User Override is a click-through,
// Safe names no threat, and Device and Message Subject reach the API and
// the export, which ingests again into the same report.
func TestSafeLinksReportExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	example, _ := filepath.Abs("../../examples/safelinks-report.csv")
	raw, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	header, rows := readCSV(t, string(raw))
	verdicts := csvColumn(t, header, rows, "Verdict")
	actions := csvColumn(t, header, rows, "Action")
	for i, v := range verdicts {
		if v == "Clean" {
			verdicts[i] = "Safe"
		}
	}
	wantVerdicts, wantActions := countValues(verdicts), countValues(actions)
	for _, w := range []string{"Safe", "Malicious", "Blocked", "Pending Verdict", "User Override"} {
		if wantVerdicts[w] == 0 {
			t.Fatalf("examples/safelinks-report.csv has no %s verdict", w)
		}
	}
	clickedThrough := 0
	for i := range rows {
		if verdicts[i] == "User Override" || actions[i] == "User Override" {
			clickedThrough++
		}
	}

	clickhunt(t, dir, "", "ingest", "--db", db, example).expect(t, 0)
	r := clickhunt(t, dir, "", "report", "--db", db, "--format", "csv", "--out", "-")
	r.expect(t, 0)
	if got := reportSection(t, r.stdout, "verdicts"); !sameCounts(got, wantVerdicts) {
		t.Errorf("verdicts: report %v, export %v", got, wantVerdicts)
	}
	if got := reportSection(t, r.stdout, "actions"); !sameCounts(got, wantActions) {
		t.Errorf("actions: report %v, export %v", got, wantActions)
	}
	q := clickhunt(t, dir, "", "query", "--db", db, "--format", "csv",
		"UrlClickEvents | summarize Through = countif(IsClickedThrough == true), SafeThreats = countif(Verdict == 'Safe' and isnotempty(ThreatTypes))")
	q.expect(t, 0)
	if want := "Through,SafeThreats\n" + strconv.Itoa(clickedThrough) + ",0\n"; q.stdout != want {
		t.Errorf("stored:\n%s\nwant\n%s", q.stdout, want)
	}

	// The API lists every click with its Device and Message Subject.
	base := startServe(t, dir, "--db", db)
	code, body := get(t, base+"/api/reports/exchange/safe-links?pageSize="+strconv.Itoa(len(rows)), "")
	var list struct{ Rows []map[string]any }
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Rows) != len(rows) {
		t.Fatalf("listing: %d %v %.300s", code, err, body)
	}
	type click struct{ device, subject, verdict, action string }
	byUser := map[string]click{}
	users, dates := csvColumn(t, header, rows, "User"), csvColumn(t, header, rows, "Date")
	devices, subjects := csvColumn(t, header, rows, "Device"), csvColumn(t, header, rows, "Message Subject")
	for i := range rows {
		byUser[users[i]+" "+dates[i]] = click{devices[i], subjects[i], verdicts[i], actions[i]}
	}
	for _, row := range list.Rows {
		key := row["User"].(string) + " " + row["Date"].(string)
		want, ok := byUser[key]
		got := click{row["Device"].(string), row["Message Subject"].(string), row["Verdict"].(string), row["Action"].(string)}
		if !ok || got != want {
			t.Errorf("listing row %s: %+v, want %+v", key, got, want)
		}
	}

	// The export has them too, and reads back into the same report.
	code, _, exported := postJSON(t, base+"/api/reports/exchange/safe-links/export", `{"format":"csv"}`)
	eh, erows := readCSV(t, exported)
	if code != 200 || len(erows) != len(rows) {
		t.Fatalf("export: %d, %d rows", code, len(erows))
	}
	if got := countValues(csvColumn(t, eh, erows, "Device")); !sameCounts(got, countValues(devices)) {
		t.Errorf("export devices %v, want %v", got, countValues(devices))
	}
	if got := countValues(csvColumn(t, eh, erows, "Message Subject")); !sameCounts(got, countValues(subjects)) {
		t.Errorf("export subjects %v, want %v", got, countValues(subjects))
	}
	again := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(again, []byte(exported), 0o644); err != nil {
		t.Fatal(err)
	}
	db2 := filepath.Join(dir, "db2")
	clickhunt(t, dir, "", "ingest", "--db", db2, again).expect(t, 0)
	r2 := clickhunt(t, dir, "", "report", "--db", db2, "--format", "csv", "--out", "-")
	r2.expect(t, 0)
	for _, id := range []string{"verdicts", "actions", "sources"} {
		if a, b := reportSection(t, r.stdout, id), reportSection(t, r2.stdout, id); !sameCounts(a, b) {
			t.Errorf("%s after export and ingest: %v, before %v", id, b, a)
		}
	}
}

// Defender's clicks, exported by serve in the report's words and ingested
// again, give the same report and the same ActionType and
// IsClickedThrough: the vocabulary maps both ways.
func TestSafeLinksExportRoundTrip(t *testing.T) {
	dir, db := exampleDB(t)
	base := startServe(t, dir, "--db", db)
	code, _, exported := postJSON(t, base+"/api/reports/exchange/safe-links/export", `{"format":"csv"}`)
	if code != 200 {
		t.Fatalf("export: %d %.300s", code, exported)
	}
	file := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(file, []byte(exported), 0o644); err != nil {
		t.Fatal(err)
	}
	db2 := filepath.Join(dir, "db2")
	clickhunt(t, dir, "", "ingest", "--db", db2, file).expect(t, 0)
	const counts = "UrlClickEvents | summarize Clicks = count() by ActionType, IsClickedThrough, ThreatTypes, Workload | sort by ActionType asc, IsClickedThrough asc, ThreatTypes asc, Workload asc"
	a := clickhunt(t, dir, "", "query", "--db", db, "--format", "csv", counts)
	b := clickhunt(t, dir, "", "query", "--db", db2, "--format", "csv", counts)
	a.expect(t, 0)
	b.expect(t, 0)
	if a.stdout != b.stdout {
		t.Errorf("Defender's columns after the export and ingest:\n%s\nbefore:\n%s", b.stdout, a.stdout)
	}
	ra := clickhunt(t, dir, "", "report", "--db", db, "--format", "csv", "--out", "-")
	rb := clickhunt(t, dir, "", "report", "--db", db2, "--format", "csv", "--out", "-")
	for _, id := range []string{"verdicts", "actions", "sources", "top-urls", "top-blocked-users"} {
		if x, y := reportSection(t, ra.stdout, id), reportSection(t, rb.stdout, id); !sameCounts(x, y) {
			t.Errorf("%s after export and ingest: %v, before %v", id, y, x)
		}
	}
}

// Exports that lack some of UrlClickEvents' columns (a Sentinel CSV, a
// Get-UrlTrace export, clickhunt's own urltrace output ingested again)
// still give a report and the API; data the report cannot read is said
// in the user's terms, never as a position in KQL they did not write.
func TestReportPartialExports(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		// Sentinel / Log Analytics: no ThreatTypes, ReportId, Workload.
		"sentinel.csv": `"TenantId","TimeGenerated [UTC]","Url","ActionType","AccountUpn","IsClickedThrough","Type",` + "\n" +
			`11111111-2222-3333-4444-555555555555,"9/24/2024, 7:34:57.433 PM",https://a.example/,ClickBlocked,alice@contoso.com,False,UrlClickEvents,` + "\n" +
			`11111111-2222-3333-4444-555555555555,"9/24/2024, 10:01:02.5 AM","https://b.example/?a=1,2",ClickAllowed,bob@contoso.com,True,UrlClickEvents,` + "\n",
		// Get-UrlTrace | Export-Csv: no ThreatTypes, IPAddress.
		"urltrace.csv": "#TYPE Deserialized.Microsoft.Exchange.Management.FfoReporting.UrlTrace\r\n" +
			`"ClickId","Workload","AppName","ClickTime","RecipientAddress","Url","UrlBlocked","UrlClicked","MessageTraceId"` + "\r\n" +
			`"c1","Email","Outlook","6/8/2020 3:41:22 PM","alice@contoso.com","https://a.example/","True","True","3F2504E04F8911D39A0C0305E82C3301"` + "\r\n" +
			`"c2","Teams","Teams","6/8/2020 3:42:00 PM","bob@contoso.com","https://b.example/","False","True",""` + "\r\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(dir, name+".db")
		clickhunt(t, dir, "", "ingest", "--db", db, path).expect(t, 0)
		r := clickhunt(t, dir, "", "report", "--db", db, "--format", "csv", "--out", "-")
		r.expect(t, 0)
		total := 0
		for _, n := range reportSection(t, r.stdout, "verdicts") {
			total += n
		}
		if total != 2 {
			t.Errorf("%s: the report counts %d clicks, want 2:\n%s", name, total, r.stderr)
		}
		base := startServe(t, dir, "--db", db)
		for _, path := range []string{"/api/reports/exchange/safe-links", "/api/reports/exchange/safe-links/top-urls", "/api/reports/exchange/safe-links/top-users", "/"} {
			if code, body := get(t, base+path, ""); code != 200 {
				t.Errorf("%s: GET %s: %d %.300s", name, path, code, body)
			}
		}
	}
	// clickhunt's own urltrace output, ingested again.
	_, full := exampleDB(t)
	u := clickhunt(t, dir, "", "urltrace", "--db", full, "--format", "csv")
	u.expect(t, 0)
	again := filepath.Join(dir, "again.csv")
	os.WriteFile(again, []byte(u.stdout), 0o644)
	db2 := filepath.Join(dir, "again.db")
	clickhunt(t, dir, "", "ingest", "--db", db2, "--source", "urltrace", again).expect(t, 0)
	clickhunt(t, dir, "", "report", "--db", db2, "--out", "again.html").expect(t, 0)

	// A column the report reads, stored with another type by a document
	// that declared it so.
	doc := `{"Schema":[{"Name":"Timestamp","Type":"DateTime"},{"Name":"Url","Type":"String"},{"Name":"Device","Type":"Int64"}],
"Results":[{"Timestamp":"2024-09-24T19:34:57Z","Url":"https://a.example/","Device":7}]}`
	path := filepath.Join(dir, "typed.json")
	os.WriteFile(path, []byte(doc), 0o644)
	db := filepath.Join(dir, "typed.db")
	clickhunt(t, dir, "", "ingest", "--db", db, path).expect(t, 0)
	r := clickhunt(t, dir, "", "report", "--db", db, "--out", "x.html")
	r.expect(t, 1)
	if !strings.Contains(r.stderr, "Device holds long values, not string") || regexp.MustCompile(`\d+:\d+: `).MatchString(r.stderr) {
		t.Errorf("wrong-typed column: %s", r.stderr)
	}
	base := startServe(t, dir, "--db", db)
	if code, body := get(t, base+"/api/reports/exchange/safe-links", ""); code != http.StatusConflict || !strings.Contains(body, "Device holds long values") {
		t.Errorf("wrong-typed column, API: %d %s", code, body)
	}
	// No clicks at all.
	empty := filepath.Join(dir, "trace.db")
	mt, _ := filepath.Abs("../../examples/messagetrace.csv")
	clickhunt(t, dir, "", "ingest", "--db", empty, mt).expect(t, 0)
	r = clickhunt(t, dir, "", "report", "--db", empty, "--out", "x.html")
	r.expect(t, 1)
	if !strings.Contains(r.stderr, "no Safe Links clicks in this database") {
		t.Errorf("no clicks: %s", r.stderr)
	}
}

// The report's CSV and serve's export are files for a spreadsheet: a cell
// an attacker controls (a URL, a subject) never runs as a formula there.
func TestReportSpreadsheetSafe(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	file := filepath.Join(dir, "portal.csv")
	os.WriteFile(file, []byte("Date,User,Original URL,Verdict,Action,Click Source,IP Address,Device,Message Subject\n"+
		"2024-03-01T10:00:00Z,a@contoso.com,\"=HYPERLINK(\"\"https://evil.example\"\")\",User Override,User Override,Email,198.51.100.1,@SUM(A1),+1 call now\n"), 0o644)
	clickhunt(t, dir, "", "ingest", "--db", db, file).expect(t, 0)
	r := clickhunt(t, dir, "", "report", "--db", db, "--format", "csv", "--out", "-")
	r.expect(t, 0)
	h, rows := csvSection(t, r.stdout, "clicks")
	base := startServe(t, dir, "--db", db)
	code, _, exported := postJSON(t, base+"/api/reports/exchange/safe-links/export", `{"format":"csv"}`)
	eh, erows := readCSV(t, exported)
	if code != 200 || len(rows) != 1 || len(erows) != 1 {
		t.Fatalf("report %d rows, export %d (%d)", len(rows), len(erows), code)
	}
	for _, c := range []struct {
		header []string
		row    []string
	}{{h, rows[0]}, {eh, erows[0]}} {
		got := map[string]string{}
		for i, name := range c.header {
			got[name] = c.row[i]
		}
		for name, want := range map[string]string{"Original URL": `'=HYPERLINK("https://evil.example")`, "Device": "'@SUM(A1)", "Message Subject": "'+1 call now"} {
			if got[name] != want {
				t.Errorf("%s = %q, want %q", name, got[name], want)
			}
		}
	}
}
