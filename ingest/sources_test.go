package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"clickhunt/column"
	"clickhunt/storage"
)

// ingestSource stores testdata/sources/name into a fresh database and
// returns the summary and the table's rows as column name => value.
func ingestSource(t *testing.T, name string, opts Options) (Summary, []map[string]any, *storage.TableInfo) {
	t.Helper()
	db := openTestDB(t)
	sum, err := File(context.Background(), db, filepath.Join("testdata", "sources", name), opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	rows, ti := storedRows(t, db, sum.Table)
	return sum, rows, ti
}

// storedRows reads every stored row of table back.
func storedRows(t *testing.T, db *storage.DB, table string) ([]map[string]any, *storage.TableInfo) {
	t.Helper()
	snap, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	ti, err := snap.Table(table)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := snap.Blocks(ti)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for bi := range blocks {
		start := len(out)
		for range blocks[bi].Rows {
			out = append(out, map[string]any{})
		}
		for _, c := range ti.Columns {
			if !blocks[bi].Stats.Has(c.ID) {
				continue
			}
			v, err := snap.ReadColumn(ti, &blocks[bi], c)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < v.Len; i++ {
				out[start+i][c.Name] = v.Value(i)
			}
		}
	}
	return out, ti
}

func tsUTC(s string) int64 { return ts(s) }

// checkRow compares the named columns of a stored row.
func checkRow(t *testing.T, file string, got map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		if g := got[k]; g != w {
			t.Errorf("%s: column %s = %#v, want %#v", file, k, g, w)
		}
	}
}

// checkTypes compares stored column types.
func checkTypes(t *testing.T, file string, ti *storage.TableInfo, want map[string]column.Type) {
	t.Helper()
	for name, typ := range want {
		c, ok := ti.Column(name)
		if !ok || c.Type != typ {
			t.Errorf("%s: column %s stored as %+v, want %s", file, name, c, typ)
		}
	}
}

const nmid = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"

func TestSources(t *testing.T) {
	type tc struct {
		file, source, table, encoding string
		opts                          Options
		rows                          int
		types                         map[string]column.Type
		want                          []map[string]any // checked columns of the first rows
	}
	cases := []tc{
		{file: "ah_union.csv", source: "Advanced Hunting CSV", table: "UrlClickEvents", encoding: EncUTF8, rows: 2,
			types: map[string]column.Type{"Timestamp": column.Datetime, "IsClickedThrough": column.Bool, "ReportId": column.String, "Extra": column.String},
			want: []map[string]any{
				{"ReportId": "abc-1", "NetworkMessageId": nmid, "Timestamp": tsUTC("2024-09-24T19:34:57.433Z"), "IsClickedThrough": false, "Extra": "x"},
				{"ReportId": "12345", "NetworkMessageId": nmid, "IsClickedThrough": true},
			}},
		{file: "ah_union.csv.gz", source: "Advanced Hunting CSV", table: "UrlClickEvents", encoding: EncUTF8, rows: 2,
			want: []map[string]any{{"ReportId": "abc-1", "NetworkMessageId": nmid}}},
		{file: "defender_api.json", source: "Defender API JSON", table: "UrlClickEvents", encoding: EncUTF8, rows: 2,
			types: map[string]column.Type{"ReportId": column.String, "Clicks": column.Long, "Score": column.Real, "UrlChain": column.String, "IsClickedThrough": column.Bool},
			want: []map[string]any{
				{"Timestamp": tsUTC("2024-09-24T19:34:57.433Z"), "NetworkMessageId": nmid, "ReportId": "42", "Clicks": int64(3), "Score": 0.5,
					"UrlChain": `["https://a.example/","https://b.example/"]`, "IsClickedThrough": true},
				{"NetworkMessageId": "", "Clicks": nil, "Score": 1.0, "IsClickedThrough": false},
			}},
		{file: "graph.json", source: "Graph runHuntingQuery JSON", table: "UrlClickEvents", encoding: EncUTF8, rows: 2,
			types: map[string]column.Type{"IsClickedThrough": column.Bool, "Surprise": column.String},
			want:  []map[string]any{{"AccountUpn": "alice@contoso.com", "Surprise": ""}, {"Surprise": "late", "IsClickedThrough": true}}},
		{file: "sentinel_utc.csv", source: "Sentinel / Log Analytics CSV export", table: "UrlClickEvents", encoding: EncUTF8, rows: 2,
			types: map[string]column.Type{"Timestamp": column.Datetime, "TimeGenerated": column.Datetime, "TenantId": column.String, "_BilledSize": column.String},
			want: []map[string]any{
				{"TimeGenerated": tsUTC("2024-09-24T19:34:57.433Z"), "Timestamp": tsUTC("2024-09-24T19:34:56Z"), "Type": "UrlClickEvents", "_BilledSize": "512", "NetworkMessageId": nmid},
				{"TimeGenerated": tsUTC("2024-09-24T10:01:02.5Z"), "Url": "https://b.example/?a=1,2", "IsClickedThrough": true},
			}},
		{file: "sentinel_local.csv", source: "Sentinel / Log Analytics CSV export", table: "UrlClickEvents", encoding: EncUTF8, rows: 1,
			opts:  Options{TZ: "Europe/Berlin"},
			types: map[string]column.Type{"Timestamp": column.Datetime},
			want:  []map[string]any{{"Timestamp": tsUTC("2024-09-24T19:34:57.433Z")}}}, // 21:34 CEST
		{file: "safelinks_detail.csv", source: "PowerShell Export-Csv of Get-SafeLinksDetailReport", table: "UrlClickEvents", encoding: EncUTF8, rows: 3,
			types: map[string]column.Type{"Timestamp": column.Datetime, "IsClickedThrough": column.Bool, "Action": column.String},
			want: []map[string]any{
				{"Timestamp": tsUTC("2020-06-08T15:41:22Z"), "AccountUpn": "alice@contoso.com", "NetworkMessageId": nmid, "ActionType": "ClickBlocked", "IsClickedThrough": false, "Action": "Blocked", "Workload": "Email Client", "SenderAddress": "evil@fabrikam.com"},
				{"ActionType": "ClickAllowed", "IsClickedThrough": true, "Action": "ClickedThrough"},
				{"Timestamp": tsUTC("2020-06-09T09:00:00Z"), "Workload": "Teams", "ActionType": "ClickAllowed"},
			}},
		{file: "urltrace_de.csv", source: "PowerShell Export-Csv of Get-UrlTrace", table: "UrlClickEvents", encoding: EncUTF8, rows: 2,
			opts:  Options{Culture: "de-DE"},
			types: map[string]column.Type{"UrlBlocked": column.Bool, "UrlClicked": column.Bool},
			want: []map[string]any{
				{"Timestamp": tsUTC("2020-06-08T15:41:22Z"), "IPAddress": "198.51.100.7", "NetworkMessageId": nmid, "ReportId": "9e1a0c34-0000-4000-8000-000000000001", "ActionType": "ClickAllowed", "IsClickedThrough": true, "Workload": "Email", "AppName": "Outlook", "UrlBlocked": true},
				{"Timestamp": tsUTC("2020-06-13T08:05:00Z"), "ActionType": "ClickAllowed", "IsClickedThrough": false, "Workload": "Teams", "AppName": "Teams"}, // empty Workload filled from AppName
			}},
		// AppName before Workload: still kept as its own column, and
		// filling Workload only where that is empty.
		{file: "urltrace_appfirst.csv", source: "PowerShell Export-Csv of Get-UrlTrace", table: "UrlClickEvents", encoding: EncUTF8, rows: 3,
			types: map[string]column.Type{"Workload": column.String, "AppName": column.String},
			want: []map[string]any{
				{"ReportId": "c1", "Workload": "Teams", "AppName": "Teams", "NetworkMessageId": nmid, "IsClickedThrough": false},
				{"ReportId": "c2", "Workload": "Email", "AppName": "Outlook", "ActionType": "ClickAllowed", "IsClickedThrough": true},
				{"ReportId": "c3", "Workload": "", "AppName": ""},
			}},
		// The cmdlet's field names spelt with spaces or other case, and
		// a Click Action without them: one stored spelling each.
		{file: "urltrace_spaced.csv", source: "PowerShell Export-Csv of Get-UrlTrace", table: "UrlClickEvents", encoding: EncUTF8, rows: 1,
			want: []map[string]any{{"AppName": "Word", "Workload": "Office", "SourceId": "S1", "SourceDetails": "Doc.docx", "MessageId": "",
				"ClickAction": "Pending verdict bypassed", "ActionType": "UrlScanInProgress", "IsClickedThrough": true}}},
		// AppName alone gives Workload, and is kept.
		{file: "urltrace_appname.csv", source: "PowerShell Export-Csv of Get-UrlTrace", table: "UrlClickEvents", encoding: EncUTF8, rows: 1,
			want: []map[string]any{{"ReportId": "d1", "Workload": "Teams", "AppName": "Teams"}}},
		{file: "safelinks_report.csv", source: "Safe Links report export (Defender portal)", table: "UrlClickEvents", encoding: EncUTF8, rows: 2,
			want: []map[string]any{{"AccountUpn": "alice@contoso.com", "Url": "https://evil.example/login", "ThreatTypes": "Phish", "ActionType": "ClickAllowed", "IsClickedThrough": true, "Workload": "Email", "IPAddress": "198.51.100.7", "Message Subject": "Your mailbox is full"}}},
		// Every verdict and action of the portal's export (UTF-8 with a
		// BOM, CRLF, US dates): Safe and Clean name no threat, User
		// Override is a click-through whichever column says it, Verdict
		// and Action stay in the report's words.
		{file: "safelinks_report_verdicts.csv", source: "Safe Links report export (Defender portal)", table: "UrlClickEvents", encoding: EncUTF8BOM, rows: 7,
			types: map[string]column.Type{"Timestamp": column.Datetime, "IsClickedThrough": column.Bool, "Verdict": column.String, "Device": column.String},
			want: []map[string]any{
				{"Timestamp": tsUTC("2024-09-24T08:01:02Z"), "Verdict": "Safe", "Action": "Allowed", "ThreatTypes": "", "ActionType": "ClickAllowed", "IsClickedThrough": false, "Device": "Windows 11", "Message Subject": "Quarterly numbers"},
				{"Verdict": "Malicious", "Action": "Blocked", "ThreatTypes": "Malicious", "ActionType": "ClickBlocked", "IsClickedThrough": false},
				{"Verdict": "Blocked", "Action": "Blocked", "ThreatTypes": "", "ActionType": "ClickBlockedByTenantPolicy", "IsClickedThrough": false, "Workload": "Teams", "Message Subject": ""},
				{"Verdict": "Pending Verdict", "Action": "Allowed", "ThreatTypes": "", "ActionType": "UrlScanInProgress", "IsClickedThrough": false},
				{"Verdict": "User Override", "Action": "User Override", "ThreatTypes": "", "ActionType": "ClickAllowed", "IsClickedThrough": true, "Message Subject": "Password expires today, act now"},
				{"Timestamp": tsUTC("2024-09-24T13:05:10Z"), "Verdict": "Safe", "Action": "Allowed", "ThreatTypes": "", "IsClickedThrough": false},
				{"Verdict": "Malicious", "Action": "User Override", "ThreatTypes": "Malicious", "ActionType": "ClickAllowed", "IsClickedThrough": true, "Device": "iPadOS 17"},
			}},
		{file: "safelinks_report_utf16be.csv", source: "Safe Links report export (Defender portal)", table: "UrlClickEvents", encoding: EncUTF16BE, rows: 2,
			want: []map[string]any{{"AccountUpn": "alice@contoso.com", "Message Subject": "Your mailbox is full"}}},
		{file: "messagetrace.csv", source: "PowerShell Export-Csv of Get-MessageTrace / Get-MessageTraceV2", table: "MessageTrace", encoding: EncUTF8, rows: 1,
			types: map[string]column.Type{"Size": column.Long, "Timestamp": column.Datetime},
			want:  []map[string]any{{"Timestamp": tsUTC("2020-06-08T15:40:01Z"), "NetworkMessageId": nmid, "Size": int64(12345), "Subject": "Your mailbox is full", "SenderAddress": "evil@fabrikam.com", "PSComputerName": "outlook.office365.com"}}},
		{file: "mt_summary_utf16le.csv", source: "message trace historical search, summary report", table: "MessageTrace", encoding: EncUTF16LE, rows: 2,
			want: []map[string]any{
				{"Timestamp": tsUTC("2020-06-08T15:40:01.1234567Z"), "RecipientAddress": "alice@contoso.com", "Status": "Delivered", "RecipientStatus": "Receive, Deliver", "NetworkMessageId": nmid, "Subject": "Your mailbox is full – ünïcode", "Size": int64(12345)},
				{"RecipientAddress": "bob@contoso.com", "Status": "Failed", "NetworkMessageId": nmid},
			}},
		{file: "mt_detail.csv", source: "message trace historical search, detailed report", table: "MessageTraceDetail", encoding: EncUTF8, rows: 2,
			want: []map[string]any{{"EventId": "RECEIVE", "NetworkMessageId": nmid, "Data": "S:Foo=bar", "ClientIP": "203.0.113.9"}, {"EventId": "DELIVER", "Detail": "250 2.1.5"}}},
		{file: "emailevents.csv", source: "Advanced Hunting CSV", table: "EmailEvents", encoding: EncUTF8, rows: 1,
			types: map[string]column.Type{"EmailClusterId": column.Long, "BulkComplaintLevel": column.Long, "UrlCount": column.Long},
			want:  []map[string]any{{"EmailClusterId": int64(1234567890123), "Subject": "Your mailbox is full", "NetworkMessageId": nmid}}},
		{file: "emailurlinfo.csv", source: "Advanced Hunting CSV", table: "EmailUrlInfo", encoding: EncUTF8, rows: 1,
			want: []map[string]any{{"UrlLocation": "Body", "NetworkMessageId": nmid}}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			sum, rows, ti := ingestSource(t, c.file, c.opts)
			if sum.Source != c.source || sum.Table != c.table || sum.Encoding != c.encoding {
				t.Errorf("detected %q into %s (%s), want %q into %s (%s)", sum.Source, sum.Table, sum.Encoding, c.source, c.table, c.encoding)
			}
			if len(rows) != c.rows || sum.Rows != int64(c.rows) || sum.RowsIn != int64(c.rows) {
				t.Fatalf("stored %d rows (summary %d of %d), want %d", len(rows), sum.Rows, sum.RowsIn, c.rows)
			}
			checkTypes(t, c.file, ti, c.types)
			for i, w := range c.want {
				checkRow(t, c.file, rows[i], w)
			}
		})
	}
}

func TestZipArchive(t *testing.T) {
	db := openTestDB(t)
	sum, err := File(context.Background(), db, filepath.Join("testdata", "sources", "exports.zip"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Parts) != 2 || sum.Rows != 3 || sum.Parts[0].Table != "UrlClickEvents" || sum.Parts[1].Table != "MessageTrace" {
		t.Fatalf("got %+v", sum)
	}
	if sum.Parts[0].Path != filepath.Join("testdata", "sources", "exports.zip")+"!clicks/ah.csv" {
		t.Errorf("member named %s", sum.Parts[0].Path)
	}
	if got := tableRows(t, db, "MessageTrace"); got != 1 {
		t.Errorf("MessageTrace has %d rows", got)
	}
}

// TestNetworkMessageIdJoin checks both sides of the clicks-to-mail join
// store the same form.
func TestNetworkMessageIdJoin(t *testing.T) {
	db := openTestDB(t)
	for _, f := range []string{"safelinks_detail.csv", "mt_summary_utf16le.csv", "emailurlinfo.csv"} {
		if _, err := File(context.Background(), db, filepath.Join("testdata", "sources", f), Options{}); err != nil {
			t.Fatal(err)
		}
	}
	clicks, _ := storedRows(t, db, "UrlClickEvents")
	trace, _ := storedRows(t, db, "MessageTrace")
	urls, _ := storedRows(t, db, "EmailUrlInfo")
	if clicks[0]["NetworkMessageId"] != trace[0]["NetworkMessageId"] || trace[0]["NetworkMessageId"] != urls[0]["NetworkMessageId"] || urls[0]["NetworkMessageId"] != nmid {
		t.Errorf("ids differ: %v %v %v", clicks[0]["NetworkMessageId"], trace[0]["NetworkMessageId"], urls[0]["NetworkMessageId"])
	}
	for _, c := range []struct{ in, want string }{
		{"3F2504E04F8911D39A0C0305E82C3301", nmid},
		{"{3F2504E0-4F89-11D3-9A0C-0305E82C3301}", nmid},
		{nmid, nmid},
		{"not-a-guid", "not-a-guid"},
		{"3F2504E04F8911D39A0C0305E82C330Z", "3F2504E04F8911D39A0C0305E82C330Z"},
		{"3F2504E0-4f89-11D3-9a0c-0305E82C3301", nmid},
		{" " + nmid + "\t", nmid},
		{"3f2504e0-4f89-11d3-9a0c-0305e82c330g", "3f2504e0-4f89-11d3-9a0c-0305e82c330g"},
		{"3f2504e0+4f89-11d3-9a0c-0305e82c3301", "3f2504e0+4f89-11d3-9a0c-0305e82c3301"},
	} {
		if got := NormalizeNetworkMessageID(c.in); got != c.want {
			t.Errorf("NormalizeNetworkMessageID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// The usual case, an id already in its stored form, allocates nothing.
	if n := testing.AllocsPerRun(100, func() { NormalizeNetworkMessageID(nmid) }); n != 0 {
		t.Errorf("NormalizeNetworkMessageID of a canonical id: %v allocations", n)
	}
}

func TestSourceErrors(t *testing.T) {
	db := openTestDB(t)
	f := func(file string, opts Options, want string) {
		t.Helper()
		_, err := File(context.Background(), db, filepath.Join("testdata", "sources", file), opts)
		if err == nil || err.Error() != want {
			t.Errorf("%s:\ngot  %v\nwant %s", file, err, want)
		}
	}
	f("sentinel_local.csv", Options{}, `testdata/sources/sentinel_local.csv:1: header: column "TimeGenerated [Local Time]" holds local times: give their zone with --tz (e.g. --tz Europe/Berlin); clickhunt does not guess`)
	f("dayfirst.csv", Options{}, `testdata/sources/dayfirst.csv:2:1: column ClickTime: cannot parse "13/6/2020 15:41:22" as a datetime: it looks day first; give --culture (e.g. en-GB) or --date-format "d/M/yyyy HH:mm:ss"`)
	f("urltrace_de.csv", Options{Culture: "en-US"}, `testdata/sources/urltrace_de.csv:3:40: column Clicked: cannot parse "08.06.2020 15:41:22" as a datetime in the format 1/2/2006 3:04:05 PM`)
	f("mixed_bad.csv", Options{}, `testdata/sources/mixed_bad.csv:4:1: column ClickTime: cannot parse "yesterday" as a datetime (expected ISO 8601 such as 2023-12-21T19:04:59.0109752Z, or give --culture / --date-format)`)
	if got := tableRows(t, db, "UrlClickEvents"); got != 0 {
		t.Errorf("failed files stored %d rows", got)
	}
	// The day-first file loads with a culture or a format.
	for _, o := range []Options{{Culture: "en-GB"}, {DateFormat: "d/M/yyyy HH:mm:ss"}} {
		_, rows, _ := ingestSource(t, "dayfirst.csv", o)
		checkRow(t, "dayfirst.csv", rows[0], map[string]any{"Timestamp": tsUTC("2020-06-13T15:41:22Z")})
	}
}

func TestRejects(t *testing.T) {
	db := openTestDB(t)
	var buf bytes.Buffer
	path := filepath.Join("testdata", "sources", "mixed_bad.csv")
	sum, err := File(context.Background(), db, path, Options{Rejects: &buf})
	if err != nil {
		t.Fatal(err)
	}
	if sum.RowsIn != 5 || sum.Rows != 2 || sum.Rejected != 3 || sum.RowsIn != sum.Rows+sum.Rejected+sum.Duplicates {
		t.Fatalf("in %d, stored %d, rejected %d, duplicates %d", sum.RowsIn, sum.Rows, sum.Rejected, sum.Duplicates)
	}
	rows, _ := storedRows(t, db, "UrlClickEvents")
	if len(rows) != 2 || rows[0]["AccountUpn"] != "alice@contoso.com" || rows[1]["AccountUpn"] != "erin@contoso.com" {
		t.Fatalf("stored %v", rows)
	}
	var got []map[string]any
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	want := []map[string]any{
		{"file": path, "line": 4.0, "column": 1.0, "reason": `column ClickTime: cannot parse "yesterday" as a datetime (expected ISO 8601 such as 2023-12-21T19:04:59.0109752Z, or give --culture / --date-format)`,
			"raw": `"yesterday","","bob@contoso.com","https://b.example/","Allowed","Teams"` + "\n"}, // line ends read as \n
		{"file": path, "line": 5.0, "reason": "wrong number of fields: got 5, the header has 6",
			"raw": `"6/8/2020 3:45:00 PM","","carol@contoso.com","https://c.example/","Allowed"` + "\n"},
		{"file": path, "line": 6.0, "column": 56.0, "reason": `broken quoting: extraneous or missing " in a quoted field`,
			"raw": `"6/8/2020 3:46:00 PM","","dave@contoso.com","https://d."example/","Allowed","Teams"` + "\n"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}
}

func TestDryRun(t *testing.T) {
	db := openTestDB(t)
	sum, err := File(context.Background(), db, filepath.Join("testdata", "sources", "mixed_bad.csv"), Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.DryRun || sum.Rows != 2 || sum.Rejected != 3 || len(sum.Problems) != 3 || len(sum.Sample) != 2 {
		t.Fatalf("got %+v", sum)
	}
	if sum.Problems[0].Line != 4 || sum.Sample[0][sum.SampleColumn("AccountUpn")] != "alice@contoso.com" {
		t.Errorf("problems %+v sample %v", sum.Problems, sum.Sample)
	}
	var mapped bool
	for _, m := range sum.Mapping {
		mapped = mapped || m.Source == "ClickTime" && m.Column == "Timestamp" && m.Type == column.Datetime
	}
	if !mapped {
		t.Errorf("mapping %+v", sum.Mapping)
	}
	if got := tableRows(t, db, "UrlClickEvents"); got != 0 {
		t.Errorf("dry run stored %d rows", got)
	}
	// Nothing was recorded: the real ingest still runs.
	if sum, err := File(context.Background(), db, filepath.Join("testdata", "sources", "safelinks_detail.csv"), Options{}); err != nil || sum.AlreadyIngested {
		t.Fatalf("%+v %v", sum, err)
	}
}

func TestDuplicates(t *testing.T) {
	db := openTestDB(t)
	dir := t.TempDir()
	a := "Timestamp,Url,ActionType,AccountUpn,IsClickedThrough,ReportId\n" +
		"2024-01-01T00:00:00Z,https://a.example/,ClickBlocked,alice@contoso.com,False,r1\n" +
		"2024-01-01T00:00:05Z,https://a.example/,ClickAllowed,alice@contoso.com,True,r1\n" // same ReportId, not a duplicate
	b := "ReportId,Timestamp,Url,ActionType,AccountUpn,IsClickedThrough,Note\n" + // other column order, extra empty column
		"r1,2024-01-01T00:00:05Z,https://a.example/,ClickAllowed,alice@contoso.com,True,\n" + // duplicate
		"r2,2024-01-01T00:01:00Z,https://b.example/,ClickAllowed,bob@contoso.com,False,\n" +
		"r2,2024-01-01T00:01:00Z,https://b.example/,ClickAllowed,bob@contoso.com,False,\n" // duplicate within the file
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte(a), 0o644)
	os.WriteFile(filepath.Join(dir, "b.csv"), []byte(b), 0o644)
	sa, err := File(context.Background(), db, filepath.Join(dir, "a.csv"), Options{})
	if err != nil || sa.Rows != 2 || sa.Duplicates != 0 {
		t.Fatalf("a: %+v %v", sa, err)
	}
	sb, err := File(context.Background(), db, filepath.Join(dir, "b.csv"), Options{})
	if err != nil || sb.Rows != 1 || sb.Duplicates != 2 || sb.RowsIn != 3 {
		t.Fatalf("b: %+v %v", sb, err)
	}
	if got := tableRows(t, db, "UrlClickEvents"); got != 3 {
		t.Errorf("table has %d rows, want 3", got)
	}
	// A new process (no cache) finds them through the stored hashes.
	forgetHashes(db, "UrlClickEvents")
	c := strings.Replace(b, "Note\n", "Note \n", 1)
	os.WriteFile(filepath.Join(dir, "c.csv"), []byte(c), 0o644)
	sc, err := File(context.Background(), db, filepath.Join(dir, "c.csv"), Options{})
	if err != nil || sc.Rows != 0 || sc.Duplicates != 3 {
		t.Fatalf("c: %+v %v", sc, err)
	}
}

func TestExpandPaths(t *testing.T) {
	got, err := ExpandPaths([]string{filepath.Join("testdata", "sources", "ah_union*"), filepath.Join("testdata", "sources")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 10 || got[0] != filepath.Join("testdata", "sources", "ah_union.csv") || got[1] != filepath.Join("testdata", "sources", "ah_union.csv.gz") {
		t.Errorf("got %v", got)
	}
	if _, err := ExpandPaths([]string{"testdata/nothing-*.csv"}); err == nil {
		t.Error("a pattern matching nothing is an error")
	}
}
