package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clickhunt/ingest"
	"clickhunt/storage"
)

// newTestServer serves the example database (clicks and message trace) on
// a free 127.0.0.1 port.
func newTestServer(t *testing.T, token string) *httptest.Server {
	t.Helper()
	db := exampleDB(t, true)
	ts := httptest.NewServer(NewHandler(ServerOptions{
		Snapshot: func() (*storage.Snapshot, error) { return db.Snapshot() },
		Token:    token,
		MaxRows:  100,
	}))
	t.Cleanup(ts.Close)
	return ts
}

type reply struct {
	status int
	header http.Header
	body   string
}

func call(t *testing.T, ts *httptest.Server, method, path, token, body string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func decode(t *testing.T, r reply, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("%v: %.300s", err, r.body)
	}
}

func TestServerEndpoints(t *testing.T) {
	ts := newTestServer(t, "")

	// The page.
	r := call(t, ts, "GET", "/?source=Email&last=30d", "", "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if !strings.Contains(r.body, `<form class="filters"`) || !strings.Contains(r.body, `value="Email" checked`) || strings.Count(r.body, "<svg ") != 8 {
		t.Errorf("GET /: no form, checked source or 8 charts")
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Error("no CSP")
	}

	// The listing, its paging and total.
	var list struct {
		Page, PageSize int
		Total          int64
		Query          string
		Rows           []map[string]any
	}
	r = call(t, ts, "GET", PathSafeLinks+"?pageSize=2&page=3&verdict=Malicious", "", "")
	if r.status != 200 {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	decode(t, r, &list)
	if list.Page != 3 || list.PageSize != 2 || list.Total != 200 || len(list.Rows) != 2 {
		t.Errorf("list: page %d size %d total %d rows %d", list.Page, list.PageSize, list.Total, len(list.Rows))
	}
	if list.Rows[0]["Verdict"] != "Malicious" || !strings.Contains(list.Query, `| where Verdict in ("Malicious")`) {
		t.Errorf("list rows %v, query %s", list.Rows[0], list.Query)
	}
	// Page 3 of 2 is rows 5 and 6 of the whole list.
	var all struct{ Rows []map[string]any }
	decode(t, call(t, ts, "GET", PathSafeLinks+"?pageSize=6&verdict=Malicious", "", ""), &all)
	if len(all.Rows) != 6 || all.Rows[4]["Report ID"] != list.Rows[0]["Report ID"] || all.Rows[5]["Report ID"] != list.Rows[1]["Report ID"] {
		t.Errorf("page 3 of 2 is not rows 5-6")
	}
	decode(t, call(t, ts, "GET", PathSafeLinks, "", ""), &list)
	if list.Page != 1 || list.PageSize != 1000 || len(list.Rows) != 1000 || list.Total != 5000 {
		t.Errorf("default page: %d %d %d %d", list.Page, list.PageSize, len(list.Rows), list.Total)
	}

	// Top URLs and users are the report's sections.
	var sec struct {
		ID    string
		Query string
		Rows  []map[string]any
	}
	decode(t, call(t, ts, "GET", PathTopURLs, "", ""), &sec)
	if sec.ID != "top-urls" || len(sec.Rows) != 10 || sec.Rows[0]["Clicks"] != 9.0 {
		t.Errorf("top-urls: %s %d %v", sec.ID, len(sec.Rows), sec.Rows)
	}
	decode(t, call(t, ts, "GET", PathTopUsers+"?user=grace.johnson@contoso.com", "", ""), &sec)
	if sec.ID != "top-blocked-users" || len(sec.Rows) != 1 || sec.Rows[0]["Blocked"] != 19.0 {
		t.Errorf("top-users: %s %v", sec.ID, sec.Rows)
	}

	// Export streams CSV or JSON.
	r = call(t, ts, "POST", PathExport, "", `{"source":"Teams","verdict":["Malicious","User Override"],"format":"csv"}`)
	lines := strings.Split(strings.TrimSpace(r.body), "\n")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || lines[0] != strings.Join(ClickColumns, ",") {
		t.Fatalf("export csv: %d %s %.200s", r.status, r.header.Get("Content-Type"), r.body)
	}
	var teams struct{ Total int64 }
	decode(t, call(t, ts, "GET", PathSafeLinks+"?source=Teams&verdict=Malicious,User%20Override&pageSize=1", "", ""), &teams)
	if int64(len(lines)-1) != teams.Total || teams.Total == 0 {
		t.Errorf("export has %d rows, listing total %d", len(lines)-1, teams.Total)
	}
	r = call(t, ts, "POST", PathExport, "", `{"user":"grace.johnson@contoso.com","format":"json"}`)
	var rows []map[string]any
	decode(t, r, &rows)
	if len(rows) == 0 || rows[0]["User"] != "grace.johnson@contoso.com" || !strings.Contains(r.header.Get("Content-Disposition"), "safe-links.json") {
		t.Errorf("export json: %d rows", len(rows))
	}

	// A query, with its row limit.
	var qr struct {
		Columns   []struct{ Name, Type string }
		Rows      []map[string]any
		RowCount  int
		Truncated bool
	}
	decode(t, call(t, ts, "POST", PathQuery, "", `{"query":"UrlClickEvents | summarize n = count() by Workload | sort by n desc"}`), &qr)
	if len(qr.Rows) != 3 || qr.Rows[0]["Workload"] != "Email" || qr.Rows[0]["n"] != 3552.0 || qr.Truncated || qr.Columns[1].Type != "long" {
		t.Errorf("query: %+v", qr)
	}
	decode(t, call(t, ts, "POST", PathQuery, "", `{"query":"UrlClickEvents | take 500"}`), &qr)
	if len(qr.Rows) != 100 || qr.RowCount != 500 || !qr.Truncated {
		t.Errorf("row limit: %d rows of %d, truncated %v", len(qr.Rows), qr.RowCount, qr.Truncated)
	}
	decode(t, call(t, ts, "POST", PathQuery, "", `{"query":"UrlClickEvents | take 500", "maxRows": 7}`), &qr)
	if len(qr.Rows) != 7 || !qr.Truncated {
		t.Errorf("maxRows 7: %d rows", len(qr.Rows))
	}
}

func TestServerBadParameters(t *testing.T) {
	ts := newTestServer(t, "")
	bad := func(method, path, body, param string) {
		t.Helper()
		r := call(t, ts, method, path, "", body)
		var e struct{ Error, Parameter string }
		decode(t, r, &e)
		if r.status != http.StatusBadRequest || e.Parameter != param || !strings.HasPrefix(e.Error, param+": ") {
			t.Errorf("%s %s %s: %d %+v, want 400 naming %s", method, path, body, r.status, e, param)
		}
	}
	bad("GET", PathSafeLinks+"?page=0", "", "page")
	bad("GET", PathSafeLinks+"?page=1001", "", "page")
	bad("GET", PathSafeLinks+"?pageSize=5001", "", "pageSize")
	bad("GET", PathSafeLinks+"?pageSize=ten", "", "pageSize")
	bad("GET", PathSafeLinks+"?from=last+tuesday", "", "from")
	bad("GET", PathSafeLinks+"?verdict=Evil", "", "verdict")
	bad("GET", PathSafeLinks+"?colour=red", "", "colour")
	bad("GET", PathTopURLs+"?source=Fax", "", "source")
	bad("GET", PathTopUsers+"?last=7w", "", "last")
	bad("GET", PathTopUsers+"?page=2", "", "page") // no paging here
	bad("GET", "/?action=Deleted", "", "action")
	bad("GET", "/?to=2023-12-01&from=2023-12-05", "", "to")
	bad("POST", PathExport, `{"format":"xlsx"}`, "format")
	bad("POST", PathExport, `{"format":"csv","colour":"red"}`, "colour")
	bad("POST", PathExport, `{"verdict":7}`, "verdict")
	bad("POST", PathExport, `{"user":"a\" or true"}`, "user")
	bad("POST", PathExport, `not json`, "body")
	bad("POST", PathQuery, `{}`, "query")
	bad("POST", PathQuery, `{"query":"UrlClickEvents | whre x"}`, "query")
	bad("POST", PathQuery, `{"query":"UrlClickEvents","maxRows":101}`, "maxRows")

	// Wrong method or path.
	if r := call(t, ts, "DELETE", PathSafeLinks, "", ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %d", r.status)
	}
	if r := call(t, ts, "GET", PathQuery, "", ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/query: %d", r.status)
	}
	if r := call(t, ts, "GET", "/api/ingest", "", ""); r.status != http.StatusNotFound {
		t.Errorf("GET /api/ingest: %d", r.status)
	}
}

func TestServerToken(t *testing.T) {
	ts := newTestServer(t, "s3cret-s3cret-s3cret")
	for _, path := range []string{"/", PathSafeLinks, PathTopURLs, PathTopUsers} {
		for _, tok := range []string{"", "wrong", "s3cret-s3cret-s3cret-2"} {
			r := call(t, ts, "GET", path, tok, "")
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"parameter": "Authorization"`) || r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("GET %s with token %q: %d %s", path, tok, r.status, r.body)
			}
		}
		if r := call(t, ts, "GET", path, "s3cret-s3cret-s3cret", ""); r.status != 200 {
			t.Errorf("GET %s with the token: %d", path, r.status)
		}
	}
	if r := call(t, ts, "POST", PathQuery, "", `{"query":"print 1"}`); r.status != http.StatusUnauthorized {
		t.Errorf("POST /api/query without token: %d", r.status)
	}
	if r := call(t, ts, "POST", PathQuery, "s3cret-s3cret-s3cret", `{"query":"print 1"}`); r.status != 200 {
		t.Errorf("POST /api/query with token: %d %s", r.status, r.body)
	}
	if r := call(t, ts, "POST", PathExport, "s3cret-s3cret-s3cret", `{"format":"json"}`); r.status != 200 {
		t.Errorf("POST export with token: %d", r.status)
	}
}

// Without a token only loopback Host names are served: a page on another
// site cannot reach the API by rebinding its name to 127.0.0.1.
func TestServerHostGuard(t *testing.T) {
	ts := newTestServer(t, "")
	req, _ := http.NewRequest("GET", ts.URL+PathTopURLs, nil)
	req.Host = "evil.example:8080"
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("Host evil.example: %d", resp.StatusCode)
	}
	for _, h := range []string{"localhost:8080", "127.0.0.1", "[::1]:80", "LOCALHOST"} {
		if !loopbackHost(h) {
			t.Errorf("%s is loopback", h)
		}
	}
}

func TestServerQueryTimeLimit(t *testing.T) {
	db := exampleDB(t, false)
	ts := httptest.NewServer(NewHandler(ServerOptions{
		Snapshot:     func() (*storage.Snapshot, error) { return db.Snapshot() },
		QueryTimeout: time.Nanosecond, // expired before the scan starts
	}))
	defer ts.Close()
	r := call(t, ts, "POST", PathQuery, "", `{"query":"UrlClickEvents | summarize dcount(Url) by AccountUpn"}`)
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "limit of 1ns") || r.header.Get("Retry-After") == "" {
		t.Errorf("slow query: %d %s", r.status, r.body)
	}
}

// A query stopped by --query-timeout is the server's limit, not the
// client's mistake: 503 with Retry-After on every endpoint.
func TestServerTimeLimitEverywhere(t *testing.T) {
	db := exampleDB(t, true)
	ts := httptest.NewServer(NewHandler(ServerOptions{
		Snapshot:     func() (*storage.Snapshot, error) { return db.Snapshot() },
		QueryTimeout: time.Nanosecond, // expired before the scan starts
	}))
	defer ts.Close()
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/", ""}, {"GET", PathSafeLinks, ""}, {"GET", PathSafeLinks + "?page=3&pageSize=7", ""}, {"GET", PathTopURLs, ""},
		{"GET", PathTopUsers, ""}, {"POST", PathExport, `{"format":"csv"}`}, {"POST", PathQuery, `{"query":"UrlClickEvents | count"}`},
	} {
		r := call(t, ts, c.method, c.path, "", c.body)
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "limit of 1ns") {
			t.Errorf("%s %s: %d %.200s", c.method, c.path, r.status, r.body)
		}
	}
}

// With a token, a browser signs in once at a form: the token becomes an
// HttpOnly, SameSite=Strict session cookie that opens the page and the
// API; the bearer header keeps working for scripts; logging out ends the
// session.
func TestServerBrowserLogin(t *testing.T) {
	const token = "correct-horse-battery-staple"
	ts := newTestServer(t, token)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	do := func(method, path, ctype, body, cookie string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := do("GET", "/", "", "", "")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `<form method="post" action="/login">`) || !strings.Contains(body, `type="password" name="token"`) {
		t.Fatalf("GET / without the token: %d\n%.400s", resp.StatusCode, body)
	}
	resp, body = do("POST", PathLogin, "application/x-www-form-urlencoded", "token=wrong-token-wrong-token", "")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong token.") || len(resp.Cookies()) != 0 {
		t.Errorf("a wrong token: %d %v", resp.StatusCode, resp.Cookies())
	}
	resp, _ = do("POST", PathLogin, "application/x-www-form-urlencoded", "token="+token, "")
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || session == nil || !session.HttpOnly ||
		session.SameSite != http.SameSiteStrictMode || session.Path != "/" || len(session.Value) < 32 || strings.Contains(session.Value, token) {
		t.Fatalf("login: %d %v", resp.StatusCode, resp.Cookies())
	}
	if resp, body := do("GET", "/", "", "", session.Value); resp.StatusCode != 200 || !strings.Contains(body, `<form class="filters"`) {
		t.Errorf("GET / with the session: %d", resp.StatusCode)
	}
	if resp, _ := do("GET", PathSafeLinks+"?pageSize=3", "", "", session.Value); resp.StatusCode != 200 {
		t.Errorf("the API with the session: %d", resp.StatusCode)
	}
	if resp, _ := do("POST", PathQuery, "application/json", `{"query":"print 1"}`, session.Value); resp.StatusCode != 200 {
		t.Errorf("POST /api/query with the session: %d", resp.StatusCode)
	}
	if resp, _ := do("GET", "/", "", "", "forged-"+session.Value); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a forged session: %d", resp.StatusCode)
	}
	// Scripts: the bearer token, and a JSON 401 without it.
	if r := call(t, ts, "GET", PathTopURLs, token, ""); r.status != 200 {
		t.Errorf("bearer: %d", r.status)
	}
	if r := call(t, ts, "GET", PathTopURLs, "", ""); r.status != 401 || !strings.Contains(r.body, `"parameter": "Authorization"`) {
		t.Errorf("no token, no browser: %d %s", r.status, r.body)
	}
	// Logging out ends the session.
	if resp, body := do("GET", "/", "", "", session.Value); !strings.Contains(body, `<form method="post" action="/logout">`) {
		t.Errorf("no sign-out button: %d", resp.StatusCode)
	}
	if resp, _ := do("POST", PathLogout, "application/x-www-form-urlencoded", "", session.Value); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	if resp, _ := do("GET", PathSafeLinks, "", "", session.Value); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after logout: %d", resp.StatusCode)
	}
}

// Another site's page cannot make the analyst's browser run queries or
// exports: requests marked cross-site by Sec-Fetch-Site or by an Origin
// naming another host are refused (403), and a POST must say
// application/json (415), which a page cannot send across sites without
// the browser asking first. Following a link to the report still works.
func TestServerCrossSite(t *testing.T) {
	for _, token := range []string{"", "s3cret-s3cret-s3cret"} {
		ts := newTestServer(t, token)
		send := func(method, path string, hdr map[string]string, body string) int {
			t.Helper()
			req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		q := `{"query":"UrlClickEvents | count"}`
		for _, c := range []struct {
			method, path string
			hdr          map[string]string
			body         string
			want         int
		}{
			{"POST", PathQuery, map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, q, 403},
			{"POST", PathQuery, map[string]string{"Content-Type": "application/json", "Origin": "null"}, q, 403},
			{"POST", PathQuery, map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, q, 403},
			{"POST", PathExport, map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors"}, `{}`, 403},
			{"GET", PathSafeLinks, map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, "", 403},
			{"GET", PathSafeLinks, map[string]string{"Origin": "http://evil.example"}, "", 403},
			{"POST", PathQuery, map[string]string{}, q, 415},
			{"POST", PathQuery, map[string]string{"Content-Type": "text/plain"}, q, 415},
			{"POST", PathQuery, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, q, 415},
			{"POST", PathExport, map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, `{}`, 415},
			// The server's own page, a script on the same origin, a link from elsewhere.
			{"POST", PathQuery, map[string]string{"Content-Type": "application/json; charset=utf-8", "Origin": ts.URL, "Sec-Fetch-Site": "same-origin"}, q, 200},
			{"GET", PathSafeLinks + "?pageSize=2", map[string]string{"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}, "", 200},
			{"GET", PathSafeLinks + "?pageSize=2", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, "", 200},
		} {
			if got := send(c.method, c.path, c.hdr, c.body); got != c.want {
				t.Errorf("token %q: %s %s %v: %d, want %d", token, c.method, c.path, c.hdr, got, c.want)
			}
		}
	}
}

// The listing's pages, however deep, are the slices of one list: the
// whole list at once, page after page, and the export give the same
// clicks in the same order, ties (a click and its click-through share a
// ReportId and may share a time) and clicks without a time included.
func TestServerListingPages(t *testing.T) {
	type listing struct {
		Total int64
		Rows  []map[string]any
	}
	key := func(row map[string]any) string {
		return fmt.Sprint(row["Date"], "|", row["Report ID"], "|", row["User"], "|", row["Original URL"], "|", row["Action"])
	}
	// check pages the listing under filter (URL parameters; body is the
	// same filter as the export's JSON fields).
	check := func(t *testing.T, ts *httptest.Server, size int, filter, body string) {
		t.Helper()
		var all listing
		decode(t, call(t, ts, "GET", PathSafeLinks+"?pageSize=5000"+filter, "", ""), &all)
		if int64(len(all.Rows)) != all.Total || all.Total == 0 {
			t.Fatalf("whole list: %d rows of %d", len(all.Rows), all.Total)
		}
		var paged []map[string]any
		for page := 1; ; page++ {
			var p listing
			decode(t, call(t, ts, "GET", fmt.Sprintf("%s?pageSize=%d&page=%d%s", PathSafeLinks, size, page, filter), "", ""), &p)
			if p.Total != all.Total {
				t.Fatalf("page %d: total %d, want %d", page, p.Total, all.Total)
			}
			if len(p.Rows) == 0 {
				break
			}
			paged = append(paged, p.Rows...)
		}
		var exported []map[string]any
		decode(t, call(t, ts, "POST", PathExport, "", `{"format":"json"`+body+`}`), &exported)
		if len(paged) != len(all.Rows) || len(exported) != len(all.Rows) {
			t.Fatalf("%d rows paged by %d, %d exported, %d in the whole list", len(paged), size, len(exported), len(all.Rows))
		}
		seen := map[string]bool{}
		for i := range all.Rows {
			k := key(all.Rows[i])
			if key(paged[i]) != k || key(exported[i]) != k {
				t.Fatalf("row %d: paged %s, exported %s, whole list %s", i, key(paged[i]), key(exported[i]), k)
			}
			seen[k] = true
		}
		if len(seen) != len(all.Rows) {
			t.Errorf("%d distinct rows of %d", len(seen), len(all.Rows))
		}
	}
	ts := newTestServer(t, "")
	check(t, ts, 700, "", "")
	check(t, ts, 17, "&verdict=Malicious", `,"verdict":"Malicious"`)

	// Ties and missing times.
	dir := t.TempDir()
	file := filepath.Join(dir, "clicks.jsonl")
	lines := []string{
		`{"Timestamp":"2024-01-01T10:00:00Z","Url":"https://a.example/","ActionType":"ClickBlocked","AccountUpn":"a@contoso.com","IsClickedThrough":false,"ReportId":"r1","ThreatTypes":"Phish"}`,
		`{"Timestamp":"2024-01-01T10:00:00Z","Url":"https://a.example/","ActionType":"ClickAllowed","AccountUpn":"a@contoso.com","IsClickedThrough":true,"ReportId":"r1","ThreatTypes":"Phish"}`,
		`{"Timestamp":"2024-01-01T10:00:00Z","Url":"https://b.example/","ActionType":"ClickAllowed","AccountUpn":"b@contoso.com","ReportId":"r1"}`,
		`{"Timestamp":"2024-01-02T09:00:00Z","Url":"https://c.example/","ActionType":"ClickAllowed","AccountUpn":"c@contoso.com","ReportId":"r2"}`,
		`{"Url":"https://d.example/","ActionType":"ClickAllowed","AccountUpn":"d@contoso.com","ReportId":"r3"}`,
		`{"Url":"https://e.example/","ActionType":"ClickBlocked","AccountUpn":"e@contoso.com","ReportId":"r4"}`,
		`{"Timestamp":"2023-06-30T23:59:59.9999999Z","Url":"https://f.example/","ActionType":"ClickAllowed","AccountUpn":"f@contoso.com","ReportId":"r5"}`,
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(filepath.Join(dir, "db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := ingest.File(context.Background(), db, file, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	ts2 := httptest.NewServer(NewHandler(ServerOptions{Snapshot: db.Snapshot}))
	defer ts2.Close()
	for size := 1; size <= 4; size++ {
		check(t, ts2, size, "", "")
	}
	var all listing
	decode(t, call(t, ts2, "GET", PathSafeLinks, "", ""), &all)
	if all.Total != 7 || all.Rows[5]["Date"] != nil || all.Rows[6]["Date"] != nil || all.Rows[0]["User"] != "c@contoso.com" {
		t.Errorf("order: %v", all.Rows)
	}
}
