package main

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"clickhunt/internal/citest"
)

// demoExamples returns the example exports make demo loads (the
// Makefile's EXAMPLES), as absolute paths.
func demoExamples(t *testing.T) []string {
	t.Helper()
	mk := mustRead(t, "../../Makefile")
	_, rest, ok := strings.Cut(mk, "\nEXAMPLES := ")
	if !ok {
		t.Fatal("the Makefile has no EXAMPLES list")
	}
	var files []string
	for _, line := range strings.Split(rest, "\n") {
		cont := strings.HasSuffix(line, "\\")
		for _, f := range strings.Fields(strings.TrimSuffix(line, "\\")) {
			abs, _ := filepath.Abs(filepath.Join("../..", f))
			files = append(files, abs)
		}
		if !cont {
			break
		}
	}
	return files
}

// demoDB ingests every example export, as make demo does, into a new
// database.
func demoDB(t *testing.T) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "db")
	clickhunt(t, dir, "", append([]string{"ingest", "--db", db}, demoExamples(t)...)...).expect(t, 0)
	return dir, db
}

// csvSection returns one section of `report --format csv` as its header
// and rows.
func csvSection(t *testing.T, out, id string) ([]string, [][]string) {
	t.Helper()
	_, rest, ok := strings.Cut(out, "\n# "+id+": ")
	if !ok {
		t.Fatalf("no section %s", id)
	}
	_, rest, _ = strings.Cut(rest, "\n")
	body, _, _ := strings.Cut(rest, "\n\n")
	return readCSV(t, body)
}

var (
	sectionTag = regexp.MustCompile(`<section id="([^"]+)"`)
	figureTag  = regexp.MustCompile(`<span class="value">([^<]*)</span><span class="label">([^<]*)</span>`)
	thTag      = regexp.MustCompile(`<th>([^<]*)</th>`)
	timeCell   = regexp.MustCompile(`<td class="t" title="([^"]*)">([^<]*)</td>`)
	camelCase  = regexp.MustCompile(`[a-z][A-Z]`)
)

// The report reads as an analyst's report, judged in a real browser:
// headline figures first, agreeing with the sections; clicked-through
// warnings next; human column headers; the per-click table in the Safe
// Links report's columns with the message subject from the export or the
// message trace; times to the second in --tz, the hour x weekday map
// too; one small chart per verdict.
func TestReportAnalystView(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		citest.Require(t, chromiumPath+" not found: install Debian's chromium package (apt-get install -y chromium) to run the browser test")
	}
	dir, db := demoDB(t)
	const zone = "America/New_York" // behind UTC: days and hours move
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	clickhunt(t, dir, "", "report", "--db", db, "--tz", zone, "--out", "report.html").expect(t, 0)
	r := clickhunt(t, dir, "", "report", "--db", db, "--tz", zone, "--format", "csv", "--out", "-")
	r.expect(t, 0)
	report := r.stdout
	dom, log := chromium(t, "file://"+filepath.Join(dir, "report.html"), "--dump-dom")
	if m := consoleError.FindAllString(log, -1); len(m) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(m, "\n"))
	}

	// Order: the figures, then the clicked-through warnings, then the rest.
	var ids []string
	for _, m := range sectionTag.FindAllStringSubmatch(dom, -1) {
		ids = append(ids, m[1])
	}
	if len(ids) < 4 || ids[0] != "summary" || ids[1] != "clicked-through-phish" {
		t.Errorf("sections in the page: %v", ids)
	}

	// The headline figures agree with the sections below them.
	figures := map[string]float64{}
	for _, m := range figureTag.FindAllStringSubmatch(dom, -1) {
		v, err := strconv.ParseFloat(strings.ReplaceAll(html.UnescapeString(m[1]), ",", ""), 64)
		if err != nil {
			t.Fatalf("figure %q = %q", m[2], m[1])
		}
		figures[html.UnescapeString(m[2])] = v
	}
	verdicts, actions := reportSection(t, report, "verdicts"), reportSection(t, report, "actions")
	total := 0
	for _, n := range verdicts {
		total += n
	}
	th, throughRows := csvSection(t, report, "clicked-through-phish")
	throughUsers := map[string]bool{}
	for _, u := range csvColumn(t, th, throughRows, "User") {
		throughUsers[u] = true
	}
	warned := actions["Blocked"] + actions["User Override"]
	want := map[string]float64{
		"Clicks":                    float64(total),
		"Malicious clicks":          float64(verdicts["Malicious"] + verdicts["User Override"]),
		"Users who clicked through": float64(len(throughUsers)),
		"Override rate (%)":         float64(int(1000*float64(actions["User Override"])/float64(warned)+0.5)) / 10,
	}
	for k, v := range want {
		if figures[k] != v {
			t.Errorf("figure %s = %v, want %v (figures %v)", k, figures[k], v, figures)
		}
	}
	if len(throughRows) != actions["User Override"] || figures["Users at risk"] < figures["Users who clicked through"] {
		t.Errorf("%d clicked-through rows, %d overrides; figures %v", len(throughRows), actions["User Override"], figures)
	}

	// Human headers: no KQL column names.
	for _, m := range thTag.FindAllStringSubmatch(dom, -1) {
		if camelCase.MatchString(m[1]) || m[1] == "Timestamp" {
			t.Errorf("column header %q is a KQL name", m[1])
		}
	}
	// The per-click table in the report's documented columns.
	ch, clicks := csvSection(t, report, "clicks")
	documented := []string{"Date", "User", "Original URL", "Verdict", "Action", "Click Source", "IP Address", "Device", "Message Subject"}
	if len(ch) < len(documented) || strings.Join(ch[:len(documented)], ",") != strings.Join(documented, ",") {
		t.Errorf("per-click columns %q, want the report's %q first", ch, documented)
	}
	if !strings.Contains(dom, "<th>Device</th><th>Message Subject</th>") {
		t.Error("the page's per-click table lacks Device and Message Subject")
	}

	// Times in the page: to the second, in the zone; the tooltip holds UTC.
	cells := timeCell.FindAllStringSubmatch(dom, -1)
	if len(cells) < 100 {
		t.Fatalf("%d time cells", len(cells))
	}
	for _, m := range cells {
		utc, err := time.Parse(time.RFC3339Nano, m[1])
		if err != nil {
			t.Fatalf("tooltip %q: %v", m[1], err)
		}
		if want := utc.In(loc).Format("2006-01-02 15:04:05"); m[2] != want {
			t.Errorf("cell %q for %s, want %q", m[2], m[1], want)
		}
	}

	// The hour x weekday map counts in the zone: against every click's
	// time converted here.
	q := clickhunt(t, dir, "", "query", "--db", db, "--format", "csv", "UrlClickEvents | project Timestamp")
	q.expect(t, 0)
	var grid [7][24]int
	for _, line := range strings.Split(strings.TrimSpace(q.stdout), "\n")[1:] {
		ts, err := time.Parse(time.RFC3339Nano, line)
		if err != nil {
			t.Fatal(err)
		}
		l := ts.In(loc)
		grid[l.Weekday()][l.Hour()]++
	}
	hh, heat := csvSection(t, report, "heatmap")
	got := [7][24]int{}
	for _, row := range heat {
		d, _ := strconv.Atoi(row[0])
		h, _ := strconv.Atoi(row[1])
		n, _ := strconv.Atoi(row[2])
		got[d][h] = n
	}
	if got != grid || strings.Join(hh, ",") != "Weekday,Hour,Clicks" {
		t.Errorf("heat map in %s differs from the clicks' local times", zone)
	}
	if !strings.Contains(dom, "hour of day ("+zone+")") {
		t.Error("the heat map does not name its zone")
	}

	// One small chart per verdict.
	if n := strings.Count(dom, `<g class="panel">`); n != len(verdicts) {
		t.Errorf("%d verdict panels, %d verdicts", n, len(verdicts))
	}

	// Message Subject: the export's own, else the message trace's.
	traceSubject := traceSubjects(t)
	portal := map[string]string{}
	eh, erows := readCSV(t, mustRead(t, "../../examples/safelinks-report.csv"))
	for i, u := range csvColumn(t, eh, erows, "User") {
		portal[u+" "+csvColumn(t, eh, erows, "Date")[i]] = csvColumn(t, eh, erows, "Message Subject")[i]
	}
	dates, users := csvColumn(t, ch, clicks, "Date"), csvColumn(t, ch, clicks, "User")
	subjects, ids2 := csvColumn(t, ch, clicks, "Message Subject"), csvColumn(t, ch, clicks, "Network Message ID")
	joined, own := 0, 0
	for i := range clicks {
		local, err := time.ParseInLocation("2006-01-02 15:04:05", dates[i], loc)
		if err != nil {
			t.Fatalf("date %q: %v", dates[i], err)
		}
		if s, ok := portal[users[i]+" "+local.UTC().Format("2006-01-02T15:04:05Z")]; ok {
			own++
			if subjects[i] != s {
				t.Errorf("portal click %s %s: subject %q, want the export's %q", users[i], dates[i], subjects[i], s)
			}
		} else if s, ok := traceSubject[ids2[i]]; ok {
			joined++
			if subjects[i] != s {
				t.Errorf("click of message %s: subject %q, want the trace's %q", ids2[i], subjects[i], s)
			}
		}
	}
	if joined == 0 {
		t.Error("no latest click took its subject from the message trace")
	}
	t.Logf("%d latest clicks: %d subjects joined from the trace, %d from the export", len(clicks), joined, own)

	shot := filepath.Join(t.TempDir(), "report.png")
	chromium(t, "file://"+filepath.Join(dir, "report.html"), "--window-size=1400,2400", "--hide-scrollbars", "--screenshot="+shot)
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10000 {
		t.Errorf("no screenshot (%v)", err)
	}
}

// traceSubjects reads examples/messagetrace.csv (a historical search
// summary) as network message id (lower-case, dashed) => subject.
func traceSubjects(t *testing.T) map[string]string {
	t.Helper()
	h, rows := readCSV(t, mustRead(t, "../../examples/messagetrace.csv"))
	ids, subjects := csvColumn(t, h, rows, "network_message_id"), csvColumn(t, h, rows, "message_subject")
	out := map[string]string{}
	for i, id := range ids {
		id = strings.ToLower(strings.Trim(id, "{}"))
		if len(id) == 32 {
			id = id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
		}
		if _, ok := out[id]; !ok {
			out[id] = subjects[i]
		}
	}
	return out
}

// The report's "User or group" filter: --group keeps the members named by
// --group-file; the portal export's Tenant column answers --tenant.
func TestReportGroupAndTenant(t *testing.T) {
	dir, db := demoDB(t)
	groups := filepath.Join(dir, "groups.csv")
	members := []string{"grace.johnson@contoso.com", "Priya.Adams@contoso.com", "noah.zhang@contoso.com"}
	text := "user,group\n"
	for _, m := range members {
		text += m + ",Finance\n"
	}
	text += "hiro.lopez@contoso.com,Sales\ngrace.johnson@contoso.com,Sales\n"
	if err := os.WriteFile(groups, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	count := func(where string) int {
		t.Helper()
		q := clickhunt(t, dir, "", "query", "--db", db, "--format", "csv", "UrlClickEvents | where "+where+" | count")
		q.expect(t, 0)
		n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(q.stdout, "Count\n")))
		return n
	}
	clicksOf := func(args ...string) int {
		t.Helper()
		r := clickhunt(t, dir, "", append([]string{"report", "--db", db, "--group-file", groups, "--format", "csv", "--out", "-"}, args...)...)
		r.expect(t, 0)
		total := 0
		for _, n := range reportSection(t, r.stdout, "verdicts") {
			total += n
		}
		return total
	}
	finance := count(`AccountUpn in~ ("` + strings.Join(members, `", "`) + `")`)
	if got := clicksOf("--group", "finance"); got != finance || finance == 0 {
		t.Errorf("--group finance: %d clicks, want %d", got, finance)
	}
	both := count(`AccountUpn in~ ("` + strings.Join(members, `", "`) + `", "hiro.lopez@contoso.com")`)
	if got := clicksOf("--group", "Finance,Sales"); got != both {
		t.Errorf("--group Finance,Sales: %d clicks, want %d", got, both)
	}
	withUser := count(`AccountUpn in~ ("hiro.lopez@contoso.com", "sam.weber@contoso.com")`)
	if got := clicksOf("--group", "Sales", "--user", "sam.weber@contoso.com"); got != withUser+count(`AccountUpn =~ "grace.johnson@contoso.com"`) {
		t.Errorf("--group Sales --user sam.weber: %d clicks", got)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--group-file", groups, "--group", "Legal"}, `--group: unknown group "Legal" (` + groups + ` has Finance, Sales)`},
		{[]string{"--group", "Finance"}, "--group: no group file"},
		{[]string{"--tz", "Mars/Olympus"}, `--tz: unknown time zone "Mars/Olympus"`},
	} {
		r := clickhunt(t, dir, "", append([]string{"report", "--db", db, "--out", "x.html"}, c.args...)...)
		r.expect(t, 2)
		if !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%q: %s", c.args, r.stderr)
		}
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("user,group\na@contoso.com,Finance,extra\n"), 0o644)
	r := clickhunt(t, dir, "", "report", "--db", db, "--group-file", bad, "--group", "Finance", "--out", "x.html")
	r.expect(t, 2)
	if !strings.Contains(r.stderr, bad+":2: 3 fields, expected 2: user,group") {
		t.Errorf("bad group file: %s", r.stderr)
	}

	// A portal export from a managed-tenant view carries a Tenant column.
	tenants := filepath.Join(dir, "tenants.csv")
	os.WriteFile(tenants, []byte("Date,User,Original URL,Verdict,Action,Click Source,IP Address,Device,Message Subject,Tenant\n"+
		"2024-02-01T10:00:00Z,a@contoso.com,https://a.example/,Malicious,Blocked,Email,198.51.100.1,Windows 11,Hi,contoso-eu\n"+
		"2024-02-01T11:00:00Z,b@contoso.com,https://b.example/,Safe,Allowed,Teams,198.51.100.2,iOS 17,,contoso-eu\n"+
		"2024-02-01T12:00:00Z,c@fabrikam.com,https://c.example/,User Override,User Override,Email,198.51.100.3,Android 14,Pay now,fabrikam\n"), 0o644)
	tdb := filepath.Join(dir, "tdb")
	clickhunt(t, dir, "", "ingest", "--db", tdb, tenants).expect(t, 0)
	for tenant, want := range map[string]string{"contoso-eu": "Malicious:1 Safe:1", "FABRIKAM": "User Override:1"} {
		r := clickhunt(t, dir, "", "report", "--db", tdb, "--tenant", tenant, "--format", "csv", "--out", "-")
		r.expect(t, 0)
		v := reportSection(t, r.stdout, "verdicts")
		var parts []string
		for _, k := range []string{"Malicious", "Safe", "User Override"} {
			if v[k] > 0 {
				parts = append(parts, fmt.Sprintf("%s:%d", k, v[k]))
			}
		}
		if got := strings.Join(parts, " "); got != want {
			t.Errorf("--tenant %s: %s, want %s", tenant, got, want)
		}
	}
}

// serve with a token is usable from a browser: the page offers a sign-in
// form, the token becomes a session cookie (HttpOnly, SameSite=Strict),
// and the page and API answer with it; the bearer header still works.
// Short tokens, cross-site requests and POST bodies that are not JSON are
// refused.
func TestServeBrowserSignIn(t *testing.T) {
	dir, db := exampleDB(t)
	for _, tok := range []string{"x", "fifteen-chars!!"} {
		r := clickhunt(t, dir, "", "serve", "--db", db, "--addr", "127.0.0.1:0", "--token", tok)
		r.expect(t, 2)
		if !strings.Contains(r.stderr, "--token: the token has") || !strings.Contains(r.stderr, "at least 16") {
			t.Errorf("token %q: %s", tok, r.stderr)
		}
	}
	const token = "0123456789abcdef0123"
	base := startServe(t, dir, "--db", db, "--token", token)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	page := func(method, path, ctype, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Accept", "text/html")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := page("GET", "/", "", ""); code != 401 || !strings.Contains(body, `action="/login"`) {
		t.Fatalf("GET / before signing in: %d %.300s", code, body)
	}
	// The redirect after the sign-in lands on the report.
	code, body := page("POST", "/login", "application/x-www-form-urlencoded", url.Values{"token": {token}}.Encode())
	if code != 200 || !strings.Contains(body, "<h1>Safe Links report</h1>") || !strings.Contains(body, `<form class="filters"`) {
		t.Fatalf("after signing in: %d %.300s", code, body)
	}
	u, _ := url.Parse(base)
	if cs := jar.Cookies(u); len(cs) != 1 || cs[0].Value == token {
		t.Errorf("cookies: %v", cs)
	}
	if code, body := page("GET", "/api/reports/exchange/safe-links?pageSize=2", "", ""); code != 200 || !strings.Contains(body, `"total": 5000`) {
		t.Errorf("API with the session: %d %.200s", code, body)
	}
	if code, _ := get(t, base+"/api/reports/exchange/safe-links/top-urls", token); code != 200 {
		t.Errorf("bearer: %d", code)
	}
	// Guards.
	for _, c := range []struct {
		hdr  map[string]string
		want int
	}{
		{map[string]string{"Authorization": "Bearer " + token}, 415},
		{map[string]string{"Authorization": "Bearer " + token, "Content-Type": "text/plain"}, 415},
		{map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json", "Origin": "https://evil.example"}, 403},
		{map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, 403},
		{map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}, 200},
	} {
		req, _ := http.NewRequest("POST", base+"/api/query", strings.NewReader(`{"query":"print 1"}`))
		for k, v := range c.hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("POST /api/query %v: %d, want %d", c.hdr, resp.StatusCode, c.want)
		}
	}
}

// make demo's report shows every example export: all their clicks are
// counted, a link of each click export is in the page, and each reference
// system's vocabulary is there.
func TestDemoExamples(t *testing.T) {
	dir, db := demoDB(t)
	files := demoExamples(t)
	for _, want := range []string{"clicks.csv", "messagetrace.csv", "safelinks-report.csv", "get-urltrace.csv", "get-messagetrace.csv"} {
		found := false
		for _, f := range files {
			found = found || filepath.Base(f) == want
		}
		if !found {
			t.Errorf("make demo does not load examples/%s", want)
		}
	}
	q := clickhunt(t, dir, "", "query", "--db", db, "--format", "csv", "UrlClickEvents | count")
	q.expect(t, 0)
	clicks, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(q.stdout, "Count\n")))
	r := clickhunt(t, dir, "", "report", "--db", db, "--format", "csv", "--out", "-")
	r.expect(t, 0)
	total := 0
	for _, n := range reportSection(t, r.stdout, "verdicts") {
		total += n
	}
	if total != clicks || clicks < 5000 {
		t.Errorf("the report counts %d clicks, the database holds %d", total, clicks)
	}
	clickhunt(t, dir, "", "report", "--db", db, "--out", "demo.html").expect(t, 0)
	page := mustRead(t, filepath.Join(dir, "demo.html"))
	for _, f := range files {
		text := mustRead(t, f)
		if strings.HasPrefix(text, "#TYPE") { // PowerShell's Export-Csv
			_, text, _ = strings.Cut(text, "\n")
		}
		h, rows := readCSV(t, text)
		for _, col := range []string{"Url", "Original URL"} {
			for j, name := range h {
				if name != col {
					continue
				}
				found := false
				for _, row := range rows {
					found = found || strings.Contains(page, html.EscapeString(row[j]))
				}
				if !found {
					t.Errorf("no link of %s in the demo report", filepath.Base(f))
				}
			}
		}
	}
	for _, word := range []string{"Pending Verdict", "User Override", "Blocked", "Malicious", "Safe"} {
		if !strings.Contains(page, ">"+word+"<") {
			t.Errorf("the demo report never shows %q", word)
		}
	}
}
