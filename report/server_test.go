package report

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
	ts := newTestServer(t, "s3cret")
	for _, path := range []string{"/", PathSafeLinks, PathTopURLs, PathTopUsers} {
		for _, tok := range []string{"", "wrong", "s3cret2"} {
			r := call(t, ts, "GET", path, tok, "")
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"parameter": "Authorization"`) || r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("GET %s with token %q: %d %s", path, tok, r.status, r.body)
			}
		}
		if r := call(t, ts, "GET", path, "s3cret", ""); r.status != 200 {
			t.Errorf("GET %s with the token: %d", path, r.status)
		}
	}
	if r := call(t, ts, "POST", PathQuery, "", `{"query":"print 1"}`); r.status != http.StatusUnauthorized {
		t.Errorf("POST /api/query without token: %d", r.status)
	}
	if r := call(t, ts, "POST", PathQuery, "s3cret", `{"query":"print 1"}`); r.status != 200 {
		t.Errorf("POST /api/query with token: %d %s", r.status, r.body)
	}
	if r := call(t, ts, "POST", PathExport, "s3cret", `{"format":"json"}`); r.status != 200 {
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
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "limit of 1ns") {
		t.Errorf("slow query: %d %s", r.status, r.body)
	}
}
