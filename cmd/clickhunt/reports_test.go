package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// exampleDB ingests the example clicks and message trace into a new
// database under a temporary directory.
func exampleDB(t *testing.T) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "db")
	ex, _ := filepath.Abs("../../examples")
	clickhunt(t, dir, "", "ingest", "--db", db, filepath.Join(ex, "clicks.csv"), filepath.Join(ex, "messagetrace.csv")).expect(t, 0)
	return dir, db
}

func TestReportCommand(t *testing.T) {
	dir, db := exampleDB(t)
	r := clickhunt(t, dir, "", "report", "--db", db, "--out", "report.html")
	r.expect(t, 0)
	matches(t, "stdout", r.stdout, `^report\.html: Safe Links report \(html\) of 5000 clicks, all clicks, 14 sections\n$`)
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), "<svg "); n != 8 {
		t.Errorf("%d charts in report.html, want 8", n)
	}

	// JSON: each section's rows are what `clickhunt query --format json`
	// gives for its examples/report file.
	clickhunt(t, dir, "", "report", "--db", db, "--out", "report.json").expect(t, 0)
	var doc struct {
		TotalClicks int
		Sections    []struct {
			ID   string
			Rows []map[string]any
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../examples/report/*.kql")
	if len(files) != len(doc.Sections) || len(files) != 14 {
		t.Fatalf("%d sections, %d example queries", len(doc.Sections), len(files))
	}
	for i, f := range files {
		abs, _ := filepath.Abs(f)
		q := clickhunt(t, dir, "", "query", "--db", db, "--format", "json", "-f", abs)
		q.expect(t, 0)
		var rows []map[string]any
		if err := json.Unmarshal([]byte(q.stdout), &rows); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rows, doc.Sections[i].Rows) && !(len(rows) == 0 && len(doc.Sections[i].Rows) == 0) {
			t.Errorf("%s: report rows differ from clickhunt query -f %s", doc.Sections[i].ID, f)
		}
	}

	// Filters and formats.
	r = clickhunt(t, dir, "", "report", "--db", db, "--last", "7d", "--source", "Teams,Email", "--verdict", "malicious", "--user", "nobody@contoso.com", "--out", "-", "--format", "csv")
	r.expect(t, 0)
	if !strings.Contains(r.stdout, "# verdicts: Clicks by verdict\nVerdict,Clicks\n\n") {
		t.Errorf("filtered csv:\n%.300s", r.stdout)
	}
	for _, c := range []struct{ flag, val, msg string }{
		{"--verdict", "evil", `--verdict: unknown value "evil"`},
		{"--last", "7w", `--last: bad duration "7w"`},
		{"--from", "yesterday", `--from: bad time "yesterday"`},
		{"--source", "Fax", `--source: unknown value "Fax"`},
	} {
		r := clickhunt(t, dir, "", "report", "--db", db, c.flag, c.val, "--out", "x.html")
		r.expect(t, 2)
		if !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%s %s: %s", c.flag, c.val, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.html")); err == nil {
		t.Error("a failed report left a file")
	}
}

// startServe runs `clickhunt serve` on a free loopback port and returns
// its base URL; the server stops when the test ends.
func startServe(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir, cmd.Env = dir, testEnv(dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v", err)
	}
	i, j := strings.Index(line, "http://"), strings.Index(line, "/ (")
	if i < 0 || j < i {
		t.Fatalf("serve said %q", line)
	}
	return line[i:j]
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeCommand(t *testing.T) {
	dir, db := exampleDB(t)
	base := startServe(t, dir, "--db", db)
	if code, body := get(t, base+"/api/reports/exchange/safe-links/top-users", ""); code != 200 || !strings.Contains(body, `"User": "grace.johnson@contoso.com"`) {
		t.Errorf("top-users: %d %.300s", code, body)
	}
	if code, body := get(t, base+"/api/reports/exchange/safe-links?pageSize=0", ""); code != 400 || !strings.Contains(body, `"parameter": "pageSize"`) {
		t.Errorf("pageSize=0: %d %s", code, body)
	}
	if code, body := get(t, base+"/", ""); code != 200 || !strings.Contains(body, "<form") {
		t.Errorf("page: %d", code)
	}

	// A token is required when set.
	tbase := startServe(t, dir, "--db", db, "--token", "t0ken-t0ken-t0ken-t0ken")
	if code, _ := get(t, tbase+"/api/reports/exchange/safe-links/top-urls", ""); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if code, _ := get(t, tbase+"/api/reports/exchange/safe-links/top-urls", "t0ken-t0ken-t0ken-t0ken"); code != 200 {
		t.Errorf("token: %d", code)
	}

	// Other machines only with a token.
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8080"} {
		r := clickhunt(t, dir, "", "serve", "--db", db, "--addr", addr)
		r.expect(t, 2)
		if !strings.Contains(r.stderr, "give --token") {
			t.Errorf("%s: %s", addr, r.stderr)
		}
	}
	// The database is only read: ingest works after serve, and serve
	// on a missing database says so.
	r := clickhunt(t, dir, "", "serve", "--db", filepath.Join(dir, "none"), "--addr", "127.0.0.1:0")
	r.expect(t, 1)
	if !strings.Contains(r.stderr, "no database at") {
		t.Errorf("missing db: %s", r.stderr)
	}
}

func TestTraceArgs(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := traceArgs(strings.Fields(in))
		if err != nil {
			got = []string{"error: " + err.Error()}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("traceArgs(%s)\n got %s\nwant %s", in, strings.Join(got, " "), want)
		}
	}
	f("urltrace -RecipientAddress a@b -pagesize 5", "urltrace --recipient-address a@b --page-size 5")
	f("--db x urltrace -Workloads:Mail,Other -ClickId 1", "--db x urltrace --workloads=Mail,Other --click-id 1")
	f("messagetrace -SenderAddress *@c.com -FromIP 1.2.3.4 -MessageTraceId g --detail", "messagetrace --sender-address *@c.com --from-ip 1.2.3.4 --message-trace-id g --detail")
	f("messagetrace -Detail -ShowQuery -Page -1", "messagetrace --detail --show-query --page -1")
	f("query -f x.kql", "query -f x.kql")
	f("urltrace -- -Unknown", "urltrace -- -Unknown")
	f("urltrace -Unknown 1 -f", "error: unknown parameter -Unknown (urltrace takes -ClickId, -EndDate, -Page, -PageSize, -RecipientAddress, -StartDate, -UrlOrDomain, -Workloads, -Format, -ShowQuery)")
	f("messagetrace -RecipentAddress a@b", "error: unknown parameter -RecipentAddress (did you mean -RecipientAddress?)")
	f("urltrace -StartDate 1/1/2024 --start-date 2024-01-02", "error: -StartDate given twice: it takes one value")
	f("urltrace -UrlOrDomain a.biz --url-or-domain b.com", "urltrace --url-or-domain a.biz --url-or-domain b.com")
}

func TestURLTraceCommand(t *testing.T) {
	dir, db := exampleDB(t)
	r := clickhunt(t, dir, "", "urltrace", "--db", db, "-RecipientAddress", "grace.johnson@contoso.com,GRACE.JOHNSON@contoso.com",
		"-UrlOrDomain", "contoso-sso-login.com", "-StartDate", "12/1/2023", "-EndDate", "12/31/2023 5:00 PM",
		"-Workloads", "Mail,OfficeClient", "-PageSize", "2", "-Page", "1", "--show-query", "--format", "csv")
	r.expect(t, 0)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if lines[0] != "Clicked,Workload,AppName,MessageId,MessageTraceId,SourceId,SourceDetails,ClickId,RecipientAddress,Url,UserIp,UrlBlocked,UrlClicked,ClickAction" || len(lines) != 3 {
		t.Errorf("urltrace:\n%s", r.stdout)
	}
	for _, want := range []string{"| where Timestamp >= datetime(2023-12-01T00:00:00Z)", "| where Timestamp < datetime(2023-12-31T17:00:00Z)", `Workload in~ ("Email", "Mail")`, "| take 2"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--show-query lacks %q:\n%s", want, r.stderr)
		}
	}
	// GNU-style flags give the same rows; page 2 of 1 is the second row.
	g := clickhunt(t, dir, "", "urltrace", "--db", db, "--recipient-address", "grace.johnson@contoso.com", "--url-or-domain", "contoso-sso-login.com",
		"--start-date", "2023-12-01", "--end-date", "2023-12-31T17:00:00Z", "--workloads", "Mail", "--workloads", "OfficeClient", "--page-size", "1", "--page", "2", "--format", "csv")
	g.expect(t, 0)
	if gl := strings.Split(strings.TrimSpace(g.stdout), "\n"); len(gl) != 2 || gl[1] != lines[2] {
		t.Errorf("page 2 of 1:\n%s\nwant row\n%s", g.stdout, lines[2])
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-Workloads", "Fax"}, `-Workloads: unknown workload "Fax"`},
		{[]string{"-PageSize", "5001"}, "-PageSize must be from 1 to 5000"},
		{[]string{"-Page", "0"}, "-Page must be from 1 to 1000"},
		{[]string{"-StartDate", "soon"}, `-StartDate: bad date "soon"`},
	} {
		r := clickhunt(t, dir, "", append([]string{"urltrace", "--db", db}, c.args...)...)
		r.expect(t, 2)
		if !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%q: %s", c.args, r.stderr)
		}
	}
}

func TestMessageTraceCommand(t *testing.T) {
	dir, db := exampleDB(t)
	r := clickhunt(t, dir, "", "messagetrace", "--db", db, "-SenderAddress", "*@contoso-hr.net", "-RecipientAddress", "*@CONTOSO.com",
		"-Status", "Delivered", "-PageSize", "3", "--show-query", "--format", "csv")
	r.expect(t, 0)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if lines[0] != "Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,MessageId,MessageTraceId" || len(lines) != 4 {
		t.Fatalf("messagetrace:\n%s", r.stdout)
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, "@contoso-hr.net,") || !strings.Contains(l, "@contoso.com,") {
			t.Errorf("row does not match the wildcards: %s", l)
		}
	}
	if !strings.Contains(r.stderr, `SenderAddress matches regex "(?i)^.*@contoso-hr\\.net$"`) {
		t.Errorf("--show-query:\n%s", r.stderr)
	}
	// By id: the MessageTraceId of the first row, written as message
	// trace writes it (32 upper-case hex digits).
	id := lines[1][strings.LastIndex(lines[1], ",")+1:]
	r = clickhunt(t, dir, "", "messagetrace", "--db", db, "-MessageTraceId", strings.ToUpper(strings.ReplaceAll(id, "-", "")), "--format", "csv")
	r.expect(t, 0)
	if got := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(got) != 2 || got[1] != lines[1] {
		t.Errorf("by MessageTraceId:\n%s", r.stdout)
	}
	r = clickhunt(t, dir, "", "messagetrace", "--db", db, "--detail")
	r.expect(t, 1)
	if !strings.Contains(r.stderr, "the database holds no message trace details: ingest a Get-MessageTraceDetail export or a historical search detailed report first") {
		t.Errorf("--detail: %s", r.stderr)
	}
	r = clickhunt(t, dir, "", "messagetrace", "--db", db, "-ToIP", "10.0.0.1")
	r.expect(t, 1)
	if !strings.Contains(r.stderr, "-ToIP: no message in the database has a ToIP (the exports ingested did not carry it)") {
		t.Errorf("-ToIP: %s", r.stderr)
	}
}
