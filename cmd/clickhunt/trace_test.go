package main

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"clickhunt/ingest"
)

// The exports under testdata/exports are written as their exporters
// write them: urltrace.csv, messagetrace.csv and messagetracedetail.csv
// as Windows PowerShell's Export-Csv (a #TYPE line, every field quoted,
// CRLF, US dates), mt_summary.csv and mt_detail.csv as a historical
// search downloads them (UTF-16 LE with a BOM), sentinel.csv as Log
// Analytics exports a query's result ("Name [UTC]" headers, a trailing
// comma), defender.csv as Advanced Hunting does, safelinks_report.csv as
// the portal's Safe Links report does.

// export is the absolute path of a file under testdata/exports.
func export(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "exports", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readRows reads CSV (a PowerShell #TYPE line skipped, UTF-16 LE decoded)
// into one map per row, keyed by header.
func readRows(t *testing.T, text string) []map[string]string {
	t.Helper()
	if strings.HasPrefix(text, "\xff\xfe") {
		var sb strings.Builder
		for i := 2; i+1 < len(text); i += 2 {
			sb.WriteRune(rune(text[i]) | rune(text[i+1])<<8)
		}
		text = sb.String()
	}
	if strings.HasPrefix(text, "#TYPE") {
		text = text[strings.Index(text, "\n")+1:]
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, h := range header {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		rows = append(rows, m)
	}
}

func readExport(t *testing.T, name string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(export(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return readRows(t, string(b))
}

// exportDB ingests files into a new database and returns its directory.
func exportDB(t *testing.T, dir string, files ...string) string {
	t.Helper()
	db := filepath.Join(dir, "db-"+strings.TrimSuffix(filepath.Base(files[0]), filepath.Ext(files[0])))
	clickhunt(t, dir, "", append([]string{"ingest", "--db", db}, files...)...).expect(t, 0)
	return db
}

// kqlPosition is what a KQL error's position looks like in a message.
var kqlPosition = regexp.MustCompile(`\b\d+:\d+: `)

// TestWholeTables: a database built from one partial export alone (a
// Sentinel CSV of a few columns, a Get-UrlTrace export, clickhunt's own
// urltrace output, a Safe Links report export) works with report,
// urltrace, messagetrace and serve; what it lacks is said in the user's
// terms, never as a position in KQL the user did not write.
func TestWholeTables(t *testing.T) {
	dir := t.TempDir()
	utDB := exportDB(t, dir, export(t, "urltrace.csv"))
	own := clickhunt(t, dir, "", "urltrace", "--db", utDB, "--format", "csv")
	own.expect(t, 0)
	ownCSV := filepath.Join(dir, "own-urltrace.csv")
	if err := os.WriteFile(ownCSV, []byte(own.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{export(t, "sentinel.csv"), export(t, "urltrace.csv"), ownCSV, export(t, "safelinks_report.csv")} {
		t.Run(filepath.Base(f), func(t *testing.T) {
			rows := len(readRows(t, mustRead(t, f)))
			db := exportDB(t, t.TempDir(), f)
			r := clickhunt(t, dir, "", "report", "--db", db, "--out", "-", "--format", "csv")
			r.expect(t, 0)
			if kqlPosition.MatchString(r.stderr) || !strings.Contains(r.stdout, "# verdicts:") {
				t.Errorf("report:\n%s\n%s", r.stdout, r.stderr)
			}
			r = clickhunt(t, dir, "", "urltrace", "--db", db, "--format", "csv")
			r.expect(t, 0)
			if got := len(readRows(t, r.stdout)); got != rows {
				t.Errorf("urltrace: %d rows, the export has %d:\n%s", got, rows, r.stdout)
			}
			for _, args := range [][]string{{"messagetrace"}, {"messagetrace", "--detail"}} {
				r = clickhunt(t, dir, "", append(args, "--db", db)...)
				r.expect(t, 1)
				if kqlPosition.MatchString(r.stderr) || !strings.Contains(r.stderr, "the database holds no message trace") {
					t.Errorf("%s: %s", args, r.stderr)
				}
			}
			base := startServe(t, dir, "--db", db)
			for _, path := range []string{"", "/top-urls", "/top-users"} {
				if code, body := get(t, base+"/api/reports/exchange/safe-links"+path, ""); code != 200 {
					t.Errorf("GET safe-links%s: %d %.300s", path, code, body)
				}
			}
		})
	}
	// A database of message trace alone: urltrace says there are no
	// clicks, in those words.
	db := exportDB(t, dir, export(t, "mt_summary.csv"))
	r := clickhunt(t, dir, "", "urltrace", "--db", db)
	r.expect(t, 1)
	if kqlPosition.MatchString(r.stderr) || !strings.Contains(r.stderr, "the database holds no clicks: ingest a click export") {
		t.Errorf("urltrace without clicks: %s", r.stderr)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOldPartialDatabase: a database written before tables were whole
// (storage/testdata/partial6: a Get-UrlTrace and a Sentinel export, a
// historical search summary and detailed report) answers every command.
func TestOldPartialDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	if err := os.MkdirAll(db, 0o700); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join("..", "..", "storage", "testdata", "partial6")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.WriteFile(filepath.Join(db, e.Name()), []byte(mustRead(t, filepath.Join(src, e.Name()))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := clickhunt(t, dir, "", "urltrace", "--db", db, "--format", "csv")
	r.expect(t, 0)
	if got := readRows(t, r.stdout); len(got) != 10 {
		t.Errorf("urltrace: %d rows, want the 8 + 2 clicks:\n%s", len(got), r.stdout)
	}
	r = clickhunt(t, dir, "", "report", "--db", db, "--out", "-", "--format", "csv")
	r.expect(t, 0)
	// The summary stored each recipient's last event as the status
	// (Deliver, Send, Fail, Expand): -Status finds them by the status
	// they mean, and shows that.
	sum := readExport(t, "mt_summary.csv")
	for _, st := range ingest.MessageStatuses {
		want := 0
		for _, row := range sum {
			for _, rcpt := range strings.Split(row["recipient_status"], ";") {
				events := strings.Split(rcpt, ",")
				last := strings.TrimSpace(events[len(events)-1])
				if slices.ContainsFunc(st.Events, func(e string) bool { return strings.EqualFold(e, last) }) {
					want++
				}
			}
		}
		r := clickhunt(t, dir, "", "messagetrace", "--db", db, "-Status", st.Name, "--format", "csv")
		r.expect(t, 0)
		got := readRows(t, r.stdout)
		if len(got) != want {
			t.Errorf("-Status %s: %d rows, want %d:\n%s", st.Name, len(got), want, r.stdout)
		}
		for _, row := range got {
			if row["Status"] != st.Name {
				t.Errorf("-Status %s shows %q", st.Name, row["Status"])
			}
		}
	}
	r = clickhunt(t, dir, "", "messagetrace", "--db", db, "--detail", "--format", "csv")
	r.expect(t, 0)
	if got := readRows(t, r.stdout); len(got) != 2 || got[0]["Event"] != "FAIL" {
		t.Errorf("--detail:\n%s", r.stdout)
	}
}

// TestUrlTraceExport: a Get-UrlTrace export's Click Action, UrlBlocked,
// UrlClicked, AppName, MessageId, SourceId and SourceDetails come back
// from urltrace as the export had them (they came back as Allowed,
// flipped, overwritten by the workload or missing), and urltrace's own
// output ingested again gives the same rows.
func TestUrlTraceExport(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"testdata/exports/urltrace.csv", "../../examples/get-urltrace.csv"} {
		abs, _ := filepath.Abs(name)
		exp := readRows(t, mustRead(t, abs))
		db := exportDB(t, t.TempDir(), abs)
		r := clickhunt(t, dir, "", "urltrace", "--db", db, "--format", "csv")
		r.expect(t, 0)
		got := map[string]map[string]string{}
		for _, row := range readRows(t, r.stdout) {
			got[row["ClickId"]] = row
		}
		seen := map[string]bool{}
		for _, e := range exp {
			g := got[e["ClickId"]]
			if g == nil {
				t.Errorf("%s: click %s missing", name, e["ClickId"])
				continue
			}
			seen[e["ClickAction"]] = true
			for _, col := range []string{"ClickAction", "UrlBlocked", "UrlClicked", "AppName", "MessageId", "SourceId", "SourceDetails", "RecipientAddress", "Url", "Workload"} {
				if !strings.EqualFold(g[col], e[col]) {
					t.Errorf("%s: click %s: %s = %q, the export says %q", name, e["ClickId"], col, g[col], e[col])
				}
			}
		}
		// The examples hold every Click Action the cmdlet documents.
		if strings.Contains(name, "examples") {
			for _, a := range ingest.ClickActions {
				if !seen[a.Name] {
					t.Errorf("%s has no %s click", name, a.Name)
				}
			}
		}
		// Round trip: urltrace's CSV is a Get-UrlTrace export.
		own := filepath.Join(t.TempDir(), "own.csv")
		if err := os.WriteFile(own, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		again := clickhunt(t, dir, "", "urltrace", "--db", exportDB(t, t.TempDir(), own), "--format", "csv")
		again.expect(t, 0)
		if again.stdout != r.stdout {
			t.Errorf("%s: urltrace of urltrace's output differs:\n%s\nwant:\n%s", name, again.stdout, r.stdout)
		}
	}
}

// TestUrlTraceDefender: on Defender's clicks urltrace speaks the
// cmdlet's words only (it printed ClickedThrough, PendingDetonation,
// UrlErrorPage), derived by ingest's rules; a click made while the scan
// was in progress counts as UrlBlocked, as the cmdlet's help says.
func TestUrlTraceDefender(t *testing.T) {
	dir := t.TempDir()
	db := exportDB(t, dir, export(t, "defender.csv"))
	r := clickhunt(t, dir, "", "urltrace", "--db", db, "--format", "csv")
	r.expect(t, 0)
	var names []string
	for _, a := range ingest.ClickActions {
		names = append(names, a.Name)
	}
	got := map[string]map[string]string{}
	for _, row := range readRows(t, r.stdout) {
		got[row["ClickId"]] = row
	}
	src := readExport(t, "defender.csv")
	if len(got) != len(src) {
		t.Fatalf("%d clicks, the export has %d", len(got), len(src))
	}
	for _, e := range src {
		g := got[e["ReportId"]]
		through := strings.EqualFold(e["IsClickedThrough"], "true")
		want := ingest.DeriveClickAction(e["ActionType"], through)
		if g["ClickAction"] != want || !slices.Contains(names, g["ClickAction"]) {
			t.Errorf("%s/%s: ClickAction %q, want %q", e["ActionType"], e["IsClickedThrough"], g["ClickAction"], want)
		}
		scan := strings.EqualFold(e["ActionType"], "UrlScanInProgress") || strings.EqualFold(e["ActionType"], "PendingDetonation")
		if scan && g["UrlBlocked"] != "true" {
			t.Errorf("%s: a click while the scan was in progress has UrlBlocked %q", e["ReportId"], g["UrlBlocked"])
		}
		if through && g["UrlClicked"] != "true" {
			t.Errorf("%s: a click-through has UrlClicked %q", e["ReportId"], g["UrlClicked"])
		}
		if !slices.Contains([]string{"Mail", "OfficeClient", "Other"}, g["Workload"]) {
			t.Errorf("%s: Workload %q is not the cmdlet's word", e["ReportId"], g["Workload"])
		}
	}
	// The same words whatever the Defender ActionType spelled.
	for _, word := range []string{"ClickAllowed", "ClickBlocked", "ClickedThrough", "PendingDetonation", "UrlScanInProgress", "UrlErrorPage", "Email"} {
		if strings.Contains(r.stdout, ","+word+"\n") || strings.Contains(r.stdout, ","+word+",") {
			t.Errorf("urltrace shows Defender's %s:\n%s", word, r.stdout)
		}
	}
}

// TestTraceParameters: lists and repeats, GUIDs with braces, and the
// refusals, through the binary.
func TestTraceParameters(t *testing.T) {
	dir := t.TempDir()
	db := exportDB(t, dir, export(t, "defender.csv"))
	ids := func(args ...string) []string {
		t.Helper()
		r := clickhunt(t, dir, "", append([]string{"urltrace", "--db", db, "--format", "csv"}, args...)...)
		r.expect(t, 0)
		var out []string
		for _, row := range readRows(t, r.stdout) {
			out = append(out, row["ClickId"])
		}
		slices.Sort(out)
		return out
	}
	a, b := ids("-UrlOrDomain", "site1.fabrikam.com"), ids("-UrlOrDomain", "https://site2.fabrikam.com/")
	if len(a) != 1 || len(b) != 1 {
		t.Fatalf("one domain: %v, one URL: %v", a, b)
	}
	both := append(slices.Clone(a), b...)
	slices.Sort(both)
	for _, args := range [][]string{
		{"-UrlOrDomain", "site1.fabrikam.com,https://site2.fabrikam.com/"},
		{"-UrlOrDomain", "site1.fabrikam.com", "-UrlOrDomain", "https://site2.fabrikam.com/"},
		{"--url-or-domain", "site1.fabrikam.com", "--url-or-domain=https://site2.fabrikam.com/"},
		{"-ClickId", strings.ToUpper("{" + a[0] + "}"), "-ClickId:" + strings.ReplaceAll(b[0], "-", "")},
		{"-ClickId", "(" + a[0] + ")," + b[0]},
		{"-RecipientAddress", "user1@contoso.com", "-RecipientAddress", "USER2@contoso.com"},
	} {
		if got := ids(args...); !slices.Equal(got, both) {
			t.Errorf("%q: %v, want %v", args, got, both)
		}
	}
	// A comma in a URL's query stays part of it.
	sentinel, _ := filepath.Abs("../../ingest/testdata/sources/sentinel_utc.csv")
	sdb := exportDB(t, dir, sentinel)
	for _, c := range []struct {
		arg  string
		urls []string
	}{
		{"https://b.example/?a=1,2", []string{"https://b.example/?a=1,2"}},
		{"a.example,https://b.example/?a=1,2", []string{"https://a.example/", "https://b.example/?a=1,2"}},
		{"https://b.example/?a=1,2,a.example", []string{"https://a.example/", "https://b.example/?a=1,2"}},
	} {
		r := clickhunt(t, dir, "", "urltrace", "--db", sdb, "--format", "csv", "-UrlOrDomain", c.arg)
		r.expect(t, 0)
		var urls []string
		for _, row := range readRows(t, r.stdout) {
			urls = append(urls, row["Url"])
		}
		slices.Sort(urls)
		if !slices.Equal(urls, c.urls) {
			t.Errorf("-UrlOrDomain %q: %q, want %q", c.arg, urls, c.urls)
		}
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"urltrace", "-ClickId", "site1"}, `-ClickId: "site1" is not a GUID (expected 32 hex digits`},
		{[]string{"urltrace", "-ClickId", a[0] + "0"}, `is not a GUID`},
		{[]string{"urltrace", "-RecipentAddress", "x"}, "unknown parameter -RecipentAddress (did you mean -RecipientAddress?)"},
		{[]string{"messagetrace", "-RecipentAddress", "x"}, "unknown parameter -RecipentAddress (did you mean -RecipientAddress?)"},
		{[]string{"urltrace", "-StartDate", "12/1/2023", "-StartDate", "12/2/2023"}, "-StartDate given twice: it takes one value"},
		{[]string{"messagetrace", "-MessageTraceId", "{nope}"}, `-MessageTraceId: "{nope}" is not a GUID`},
		{[]string{"messagetrace", "-Direction", "Sideways"}, `-Direction: unknown direction "Sideways" (expected Inbound, Outbound, All)`},
		{[]string{"messagetrace", "--accepted-domain", "@"}, `--accepted-domain: "@" is not a domain`},
		{[]string{"messagetrace", "-Status", "Bogus"}, `-Status: unknown status "Bogus" (expected Delivered, Expanded, Failed, Pending, Quarantined, Filtered as spam, Getting status`},
	} {
		r := clickhunt(t, dir, "", append(c.args, "--db", db)...)
		r.expect(t, 2)
		if !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%q: %s", c.args, r.stderr)
		}
	}
}

// TestMessageTraceStatuses: -Status takes the seven documented statuses
// in any spelling and finds each stored spelling ('Filtered as spam' and
// 'Getting status' found nothing); a historical search summary stores
// the delivery status, not the last event.
func TestMessageTraceStatuses(t *testing.T) {
	dir := t.TempDir()
	example, _ := filepath.Abs("../../examples/get-messagetrace.csv")
	db := exportDB(t, dir, export(t, "messagetrace.csv"), export(t, "mt_summary.csv"), example)
	stored := map[string]int{} // rows per documented status, from the exports
	for _, f := range []string{"messagetrace.csv", "mt_summary.csv"} {
		for _, row := range readExport(t, f) {
			if row["Status"] != "" {
				st, ok := ingest.LookupMessageStatus(row["Status"])
				if !ok {
					t.Fatalf("%s: status %q", f, row["Status"])
				}
				stored[st.Name]++
				continue
			}
			for _, rcpt := range strings.Split(row["recipient_status"], ";") {
				ev := strings.Split(rcpt, ",")
				st, _ := ingest.LookupMessageStatus(strings.TrimSpace(ev[len(ev)-1]))
				stored[st.Name]++
			}
		}
	}
	ex := readRows(t, mustRead(t, example))
	for _, row := range ex {
		st, _ := ingest.LookupMessageStatus(row["Status"])
		stored[st.Name]++
	}
	for _, st := range ingest.MessageStatuses {
		for _, spelling := range []string{st.Name, strings.ToLower(st.Name), strings.ReplaceAll(st.Name, " ", "")} {
			r := clickhunt(t, dir, "", "messagetrace", "--db", db, "-Status", spelling, "--format", "csv")
			r.expect(t, 0)
			rows := readRows(t, r.stdout)
			if len(rows) != stored[st.Name] || len(rows) == 0 {
				t.Errorf("-Status %q: %d rows, the exports have %d", spelling, len(rows), stored[st.Name])
			}
		}
	}
	// The summary's rows store the delivery status.
	r := clickhunt(t, dir, "", "query", "--db", db, "--format", "csv", `MessageTrace | where isnotempty(RecipientStatus) | project RecipientStatus, Status`)
	r.expect(t, 0)
	for _, row := range readRows(t, r.stdout) {
		ev := strings.Split(row["RecipientStatus"], ",")
		st, ok := ingest.LookupMessageStatus(strings.TrimSpace(ev[len(ev)-1]))
		if !ok || row["Status"] != st.Name {
			t.Errorf("events %q stored as status %q", row["RecipientStatus"], row["Status"])
		}
	}
	// Two statuses in one -Status, and repeated.
	one := func(args ...string) int {
		r := clickhunt(t, dir, "", append([]string{"messagetrace", "--db", db, "--format", "csv"}, args...)...)
		r.expect(t, 0)
		return len(readRows(t, r.stdout))
	}
	if n := one("-Status", "Failed,Quarantined"); n != stored["Failed"]+stored["Quarantined"] || n != one("-Status", "failed", "--status", "QUARANTINED") {
		t.Errorf("-Status Failed,Quarantined: %d rows", n)
	}
}

// TestMessageTraceDetail: --detail shows each event's Action, Detail and
// Data (why delivery failed), from Get-MessageTraceDetail and historical
// search exports; -Status Failed --detail lists the failed messages'
// events and only theirs.
func TestMessageTraceDetail(t *testing.T) {
	dir := t.TempDir()
	db := exportDB(t, dir, export(t, "messagetrace.csv"), export(t, "messagetracedetail.csv"), export(t, "mt_detail.csv"))
	r := clickhunt(t, dir, "", "messagetrace", "--db", db, "--detail", "--format", "csv")
	r.expect(t, 0)
	all := readRows(t, r.stdout)
	want := len(readExport(t, "messagetracedetail.csv")) + len(readExport(t, "mt_detail.csv"))
	if len(all) != want {
		t.Fatalf("--detail: %d events, the exports have %d", len(all), want)
	}
	for _, e := range readExport(t, "messagetracedetail.csv") {
		found := false
		for _, g := range all {
			found = found || g["Event"] == e["Event"] && g["Detail"] == e["Detail"] && g["Data"] == e["Data"] && g["Action"] == e["Action"]
		}
		if !found {
			t.Errorf("event %s %q not shown with its Action, Detail and Data", e["Event"], e["Detail"])
		}
	}
	// Get-MessageTraceDetail's export has no Subject: the message's is
	// shown.
	subject := map[string]string{}
	for _, m := range readExport(t, "messagetrace.csv") {
		subject[m["MessageTraceId"]] = m["Subject"]
	}
	for _, g := range all {
		if want, ok := subject[g["MessageTraceId"]]; ok && g["Subject"] != want {
			t.Errorf("event %s of %s: Subject %q, the message's is %q", g["Event"], g["MessageTraceId"], g["Subject"], want)
		}
	}
	for _, e := range readExport(t, "mt_detail.csv") {
		found := false
		for _, g := range all {
			found = found || strings.EqualFold(g["Event"], e["event_id"]) && g["Detail"] == e["recipient_status"]
		}
		if !found {
			t.Errorf("historical event %s: reason %q not in Detail", e["event_id"], e["recipient_status"])
		}
	}
	// -Status Failed --detail: the events of the messages Get-MessageTrace
	// says failed (a MessageTraceId and a recipient each).
	failed := map[string]bool{}
	for _, m := range readExport(t, "messagetrace.csv") {
		if m["Status"] == "Failed" {
			failed[m["MessageTraceId"]+" "+strings.ToLower(m["RecipientAddress"])] = true
		}
	}
	r = clickhunt(t, dir, "", "messagetrace", "--db", db, "-Status", "Failed", "--detail", "--format", "csv")
	r.expect(t, 0)
	got := readRows(t, r.stdout)
	n := 0
	for _, g := range all {
		if failed[g["MessageTraceId"]+" "+strings.ToLower(g["RecipientAddress"])] {
			n++
		}
	}
	if len(got) != n || n == 0 {
		t.Errorf("-Status Failed --detail: %d events, want %d:\n%s", len(got), n, r.stdout)
	}
	for _, g := range got {
		if !failed[g["MessageTraceId"]+" "+strings.ToLower(g["RecipientAddress"])] {
			t.Errorf("event of a message that did not fail: %v", g)
		}
	}
	// Without a message trace, -Status --detail says what it needs.
	only := exportDB(t, t.TempDir(), export(t, "mt_detail.csv"))
	r = clickhunt(t, dir, "", "messagetrace", "--db", only, "-Status", "Failed", "--detail")
	r.expect(t, 1)
	if kqlPosition.MatchString(r.stderr) || !strings.Contains(r.stderr, "-Status with --detail takes the messages in that status from the message trace") {
		t.Errorf("no MessageTrace: %s", r.stderr)
	}
}

// TestMessageTraceDirection: -Direction by the organisation's domains,
// from --accepted-domain, the config file, or the data (said on stderr).
func TestMessageTraceDirection(t *testing.T) {
	dir := t.TempDir()
	db := exportDB(t, dir, export(t, "messagetrace.csv"))
	msgs := readExport(t, "messagetrace.csv")
	count := func(domain string, outbound bool) int {
		n := 0
		for _, m := range msgs {
			if strings.HasSuffix(strings.ToLower(m["SenderAddress"]), "@"+domain) == outbound {
				n++
			}
		}
		return n
	}
	run := func(env []string, args ...string) ([]map[string]string, string) {
		t.Helper()
		r := clickhuntEnv(t, dir, "", env, append([]string{"messagetrace", "--db", db, "--format", "csv"}, args...)...)
		r.expect(t, 0)
		return readRows(t, r.stdout), r.stderr
	}
	// Derived: contoso.com is the domain most recipients share.
	in, stderr := run(nil, "-Direction", "Inbound")
	if len(in) != count("contoso.com", false) || !strings.Contains(stderr, "taking contoso.com as the organisation's domain (the domain most recipients share)") {
		t.Errorf("Inbound: %d rows, want %d; stderr %q", len(in), count("contoso.com", false), stderr)
	}
	out, _ := run(nil, "-Direction", "outbound")
	if len(out) != count("contoso.com", true) || len(out)+len(in) != len(msgs) {
		t.Errorf("Outbound: %d rows, want %d", len(out), count("contoso.com", true))
	}
	if all, _ := run(nil, "-Direction", "All"); len(all) != len(msgs) {
		t.Errorf("All: %d rows", len(all))
	}
	// Given: fabrikam.com as the organisation turns the directions round.
	out, stderr = run(nil, "-Direction", "Outbound", "--accepted-domain", "FABRIKAM.com")
	if len(out) != count("fabrikam.com", true) || stderr != "" {
		t.Errorf("--accepted-domain fabrikam.com: %d rows, want %d; stderr %q", len(out), count("fabrikam.com", true), stderr)
	}
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("accepted-domain = fabrikam.com, contoso-payroll.biz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr = run([]string{"CLICKHUNT_CONFIG=" + cfg}, "-Direction", "Outbound")
	if len(out) != count("fabrikam.com", true)+count("contoso-payroll.biz", true) || stderr != "" {
		t.Errorf("config accepted-domain: %d rows; stderr %q", len(out), stderr)
	}
}
