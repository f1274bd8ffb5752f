package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"clickhunt/column"
	"clickhunt/ingest"
	"clickhunt/output"
	"clickhunt/query"
	"clickhunt/report"
)

// The trace commands take the cmdlets' PowerShell parameters
// (-RecipientAddress a@b.com) as well as GNU-style ones
// (--recipient-address a@b.com). traceArgs rewrites the first form into the
// second before kong sees it.

// psParams maps the cmdlets' parameter names (lower case) to our flags.
var psParams = map[string]map[string]string{
	"urltrace": {
		"recipientaddress": "recipient-address", "urlordomain": "url-or-domain",
		"startdate": "start-date", "enddate": "end-date", "workloads": "workloads",
		"clickid": "click-id", "page": "page", "pagesize": "page-size",
	},
	"messagetrace": {
		"senderaddress": "sender-address", "recipientaddress": "recipient-address",
		"startdate": "start-date", "enddate": "end-date", "status": "status",
		"messageid": "message-id", "messagetraceid": "message-trace-id",
		"fromip": "from-ip", "toip": "to-ip", "page": "page", "pagesize": "page-size",
	},
}

// traceArgs rewrites -Name value and -Name:value into --name value for the
// urltrace and messagetrace commands; other commands' arguments are
// returned unchanged.
func traceArgs(args []string) []string {
	cmd := -1
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--db" {
			i++
			continue
		}
		if !strings.HasPrefix(a, "-") {
			cmd = i
			break
		}
	}
	if cmd < 0 {
		return args
	}
	params, ok := psParams[strings.ToLower(args[cmd])]
	if !ok {
		return args
	}
	out := append([]string(nil), args[:cmd+1]...)
	for _, a := range args[cmd+1:] {
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, val, hasVal := strings.Cut(a[1:], ":")
			if flag, ok := params[strings.ToLower(name)]; ok {
				if hasVal {
					out = append(out, "--"+flag+"="+val)
				} else {
					out = append(out, "--"+flag)
				}
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// traceFlags are the output flags both commands share.
type traceFlags struct {
	Format    string `enum:"auto,table,csv,json,jsonl,vertical" default:"auto" help:"Output: table, csv, json, jsonl, vertical (default: table on a terminal, csv otherwise)."`
	ShowQuery bool   `help:"Print the KQL query that ran (to standard error)."`
}

type urltraceCmd struct {
	RecipientAddress []string `placeholder:"UPN" help:"-RecipientAddress: users who clicked (comma-separated)."`
	UrlOrDomain      string   `placeholder:"URL|DOMAIN" help:"-UrlOrDomain: a URL (matches it and longer URLs starting with it) or a domain (and its subdomains)."`
	StartDate        string   `placeholder:"DATE" help:"-StartDate: clicks at or after DATE (UTC)."`
	EndDate          string   `placeholder:"DATE" help:"-EndDate: clicks before DATE (UTC)."`
	Workloads        []string `placeholder:"W" help:"-Workloads: Mail, OfficeClient, Other (comma-separated)."`
	ClickId          []string `placeholder:"ID" help:"-ClickId: click ids (ReportId; comma-separated)."`
	Page             int      `default:"1" help:"-Page: page of results, 1-1000 (default 1)."`
	PageSize         int      `default:"1000" help:"-PageSize: rows per page, 1-5000 (default 1000)."`
	traceFlags
}

func (urltraceCmd) Help() string {
	return `Get-UrlTrace over the database's UrlClickEvents: the clicks, newest first, with
Get-UrlTrace's columns (Clicked, Workload, AppName, RecipientAddress, Url,
UrlBlocked, UrlClicked, ClickAction, ClickId, MessageTraceId, UserIp; the output
can be ingested again with --source urltrace). Parameters may be written as
the cmdlet's (-RecipientAddress a@contoso.com, -Workloads:Mail) or GNU-style
(--recipient-address a@contoso.com).

Dates: ISO 8601 (2023-12-01, 2023-12-01T08:00:00Z) or the cmdlet's US short
forms (12/1/2023, "12/1/2023 5:00 PM", "12/1/2023 17:00"), UTC. Without
-StartDate/-EndDate every click is searched (exports are read long after they
were taken, so there is no 48-hour default).`
}

type messagetraceCmd struct {
	SenderAddress    []string `placeholder:"ADDR" help:"-SenderAddress: senders; wildcards such as *@contoso.com (comma-separated)."`
	RecipientAddress []string `placeholder:"ADDR" help:"-RecipientAddress: recipients; wildcards such as *@contoso.com (comma-separated)."`
	StartDate        string   `placeholder:"DATE" help:"-StartDate: messages received at or after DATE (UTC)."`
	EndDate          string   `placeholder:"DATE" help:"-EndDate: messages received before DATE (UTC)."`
	Status           []string `placeholder:"S" help:"-Status: delivery status (Delivered/Deliver, Failed/Fail, FilteredAsSpam, Quarantined, Expanded...; comma-separated)."`
	MessageId        []string `placeholder:"ID" help:"-MessageId: Message-ID header values, with or without <>."`
	MessageTraceId   []string `placeholder:"GUID" help:"-MessageTraceId: message trace ids (NetworkMessageId)."`
	FromIP           string   `name:"from-ip" placeholder:"IP" help:"-FromIP: the sending IP address."`
	ToIP             string   `name:"to-ip" placeholder:"IP" help:"-ToIP: the receiving IP address."`
	Page             int      `default:"1" help:"-Page: page of results, 1-1000 (default 1)."`
	PageSize         int      `default:"1000" help:"-PageSize: rows per page, 1-5000 (default 1000)."`
	Detail           bool     `help:"The detail rows (MessageTraceDetail: one per message event), as Get-MessageTraceDetail."`
	traceFlags
}

func (messagetraceCmd) Help() string {
	return `Get-MessageTrace over the database's MessageTrace table: messages, newest first,
with the cmdlet's columns (Received, SenderAddress, RecipientAddress, Subject,
Status, ToIP, FromIP, Size, MessageId, MessageTraceId). --detail searches
MessageTraceDetail instead (Date, Event, SenderAddress, RecipientAddress,
Subject, ClientIP, ServerIP, Size, MessageId, MessageTraceId). Parameters as
the cmdlet's (-SenderAddress *@contoso.com) or GNU-style; dates as for urltrace.`
}

// traceDateLayouts are the US short date forms the cmdlets document.
var traceDateLayouts = []string{
	"1/2/2006", "1/2/2006 3:04 PM", "1/2/2006 3:04:05 PM", "1/2/2006 15:04", "1/2/2006 15:04:05",
}

// parseTraceDate reads a -StartDate or -EndDate value (UTC).
func parseTraceDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range traceDateLayouts {
		if t, err := time.Parse(l, strings.ToUpper(s)); err == nil {
			return t, nil
		}
	}
	if t, err := report.ParseTime(s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("bad date %q (expected e.g. 2023-12-01, 2023-12-01T08:00:00Z, 12/1/2023 or \"12/1/2023 5:00 PM\")", s)
}

// traceQuery assembles a trace command's KQL.
type traceQuery struct {
	lines []string
	err   error
}

func (q *traceQuery) where(format string, args ...any) {
	q.lines = append(q.lines, "| where "+fmt.Sprintf(format, args...))
}

func (q *traceQuery) dates(start, end string) {
	var s, e time.Time
	if start != "" {
		t, err := parseTraceDate(start)
		if err != nil && q.err == nil {
			q.err = fmt.Errorf("-StartDate: %w", err)
		}
		s = t
		q.where("Timestamp >= datetime(%s)", column.FormatDatetime(column.TicksFromTime(t)))
	}
	if end != "" {
		t, err := parseTraceDate(end)
		if err != nil && q.err == nil {
			q.err = fmt.Errorf("-EndDate: %w", err)
		}
		e = t
		q.where("Timestamp < datetime(%s)", column.FormatDatetime(column.TicksFromTime(t)))
	}
	if q.err == nil && !s.IsZero() && !e.IsZero() && !s.Before(e) {
		q.err = fmt.Errorf("-EndDate must be after -StartDate")
	}
}

// match adds col matching any of vals; a value with * is a wildcard
// (any run of characters), matched without regard to case.
func (q *traceQuery) match(col string, vals []string) {
	vals = splitComma(vals)
	if len(vals) == 0 {
		return
	}
	var plain, preds []string
	for _, v := range vals {
		if strings.Contains(v, "*") {
			re := "(?i)^" + strings.ReplaceAll(regexp.QuoteMeta(v), `\*`, ".*") + "$"
			preds = append(preds, fmt.Sprintf("%s matches regex %s", col, report.Quote(re)))
		} else {
			plain = append(plain, report.Quote(v))
		}
	}
	if len(plain) > 0 {
		preds = append([]string{fmt.Sprintf("%s in~ (%s)", col, strings.Join(plain, ", "))}, preds...)
	}
	q.where("%s", strings.Join(preds, " or "))
}

func splitComma(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func quoteAll(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = report.Quote(v)
	}
	return strings.Join(q, ", ")
}

func checkPage(page, size int) error {
	if page < 1 || page > report.MaxPage {
		return fmt.Errorf("-Page must be from 1 to %d", report.MaxPage)
	}
	if size < 1 || size > report.MaxPageSize {
		return fmt.Errorf("-PageSize must be from 1 to %d", report.MaxPageSize)
	}
	return nil
}

// urltraceQuery builds Get-UrlTrace's KQL.
func urltraceQuery(c *urltraceCmd) (string, error) {
	if err := checkPage(c.Page, c.PageSize); err != nil {
		return "", err
	}
	q := &traceQuery{}
	q.dates(c.StartDate, c.EndDate)
	q.match("AccountUpn", c.RecipientAddress)
	if u := strings.TrimSpace(c.UrlOrDomain); u != "" {
		if strings.Contains(u, "/") || strings.Contains(u, ":") {
			q.where("Url startswith %s", report.Quote(u))
		} else {
			d := strings.TrimPrefix(strings.ToLower(u), ".")
			q.where("tostring(parse_url(Url).Host) =~ %s or tostring(parse_url(Url).Host) endswith %s", report.Quote(d), report.Quote("."+d))
		}
	}
	if ws := splitComma(c.Workloads); len(ws) > 0 {
		var preds []string
		for _, w := range ws {
			switch strings.ToLower(w) {
			case "mail", "email":
				preds = append(preds, `Workload in~ ("Email", "Mail")`)
			case "officeclient", "office":
				preds = append(preds, `Workload in~ ("Office", "OfficeClient")`)
			case "other":
				preds = append(preds, `Workload !in~ ("Email", "Mail", "Office", "OfficeClient")`)
			default:
				return "", fmt.Errorf("-Workloads: unknown workload %q (expected Mail, OfficeClient or Other)", w)
			}
		}
		q.where("%s", strings.Join(preds, " or "))
	}
	if ids := splitComma(c.ClickId); len(ids) > 0 {
		q.where("ReportId in~ (%s)", quoteAll(ids))
	}
	if q.err != nil {
		return "", q.err
	}
	lines := append([]string{"UrlClickEvents"}, q.lines...)
	lines = append(lines,
		"| sort by Timestamp desc, ReportId asc",
		fmt.Sprintf("| take %d", c.Page*c.PageSize),
		`| project Clicked = Timestamp, Workload, AppName = Workload, RecipientAddress = AccountUpn, Url,`,
		`          UrlBlocked = ActionType startswith "ClickBlocked",`,
		`          UrlClicked = IsClickedThrough == true or ActionType startswith "ClickAllowed",`,
		`          ClickAction = case(IsClickedThrough == true, "ClickedThrough", ActionType startswith "ClickBlocked", "Blocked",`,
		`                             ActionType == "UrlScanInProgress", "PendingDetonation", ActionType startswith "ClickAllowed", "Allowed", ActionType),`,
		`          ClickId = ReportId, MessageTraceId = NetworkMessageId, UserIp = IPAddress`)
	return strings.Join(lines, "\n") + "\n", nil
}

// messagetraceQuery builds Get-MessageTrace's (or, with --detail,
// Get-MessageTraceDetail's) KQL. has says which columns the table holds
// (nil: all): exports differ (a historical search has no ToIP), and a
// missing output column is shown empty.
func messagetraceQuery(c *messagetraceCmd, has func(string) bool) (string, error) {
	if has == nil {
		has = func(string) bool { return true }
	}
	if err := checkPage(c.Page, c.PageSize); err != nil {
		return "", err
	}
	q := &traceQuery{}
	q.dates(c.StartDate, c.EndDate)
	q.match("SenderAddress", c.SenderAddress)
	q.match("RecipientAddress", c.RecipientAddress)
	table, fromIP, toIP := "MessageTrace", "FromIP", "ToIP"
	if c.Detail {
		table, fromIP, toIP = "MessageTraceDetail", "ClientIP", "ServerIP"
		if len(c.Status) > 0 {
			return "", fmt.Errorf("-Status applies to messages, not --detail events")
		}
	}
	if st := splitComma(c.Status); len(st) > 0 {
		var vals []string
		for _, s := range st {
			// Get-MessageTrace says Delivered, Failed; historical search
			// summaries store the last event: Deliver, Fail.
			vals = append(vals, s)
			switch strings.ToLower(s) {
			case "delivered":
				vals = append(vals, "Deliver")
			case "failed":
				vals = append(vals, "Fail")
			}
		}
		q.where("Status in~ (%s)", quoteAll(vals))
	}
	if ids := splitComma(c.MessageId); len(ids) > 0 {
		var vals []string
		for _, id := range ids {
			id = strings.Trim(id, "<>")
			vals = append(vals, id, "<"+id+">")
		}
		q.where("MessageId in~ (%s)", quoteAll(vals))
	}
	if ids := splitComma(c.MessageTraceId); len(ids) > 0 {
		for i, id := range ids {
			ids[i] = ingest.NormalizeNetworkMessageID(id)
		}
		q.where("NetworkMessageId in~ (%s)", quoteAll(ids))
	}
	for _, ip := range []struct{ flag, val, col string }{{"-FromIP", c.FromIP, fromIP}, {"-ToIP", c.ToIP, toIP}} {
		if ip.val != "" && !has(ip.col) {
			return "", fmt.Errorf("%s: the %s table has no %s column (its export did not include it)", ip.flag, table, ip.col)
		}
	}
	if c.FromIP != "" {
		q.where("%s == %s", fromIP, report.Quote(strings.TrimSpace(c.FromIP)))
	}
	if c.ToIP != "" {
		q.where("%s == %s", toIP, report.Quote(strings.TrimSpace(c.ToIP)))
	}
	if q.err != nil {
		return "", q.err
	}
	lines := append([]string{table}, q.lines...)
	lines = append(lines, "| sort by Timestamp desc, RecipientAddress asc", fmt.Sprintf("| take %d", c.Page*c.PageSize))
	cols := []string{"Received = Timestamp", "SenderAddress", "RecipientAddress", "Subject", "Status", "ToIP", "FromIP", "Size", "MessageId", "MessageTraceId = NetworkMessageId"}
	if c.Detail {
		cols = []string{"Date = Timestamp", "Event = EventId", "SenderAddress", "RecipientAddress", "Subject", "ClientIP", "ServerIP", "Size", "MessageId", "MessageTraceId = NetworkMessageId"}
	}
	for i, col := range cols {
		name, src, ok := strings.Cut(col, " = ")
		if !ok {
			src = name
		}
		if !has(src) {
			if src == "Size" {
				cols[i] = name + " = tolong(\"\")"
			} else {
				cols[i] = name + " = \"\""
			}
		}
	}
	lines = append(lines, "| project "+strings.Join(cols, ", "))
	return strings.Join(lines, "\n") + "\n", nil
}

// runTrace runs a trace command's query and prints the requested page.
func runTrace(ctx context.Context, dbDir, table string, build func(has func(string) bool) (string, error), page, size int, f traceFlags, stdout, stderr io.Writer) int {
	if _, err := build(nil); err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
		return 2
	}
	oneShotGC()
	db, err := openForQuery(dbDir, false)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer db.Close()
	snap, err := db.Snapshot()
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer snap.Close()
	t, err := snap.Table(table)
	if err != nil {
		fmt.Fprintf(stderr, "error: no %s table in the database: ingest an export first (clickhunt ingest FILE)\n", table)
		return 1
	}
	text, err := build(func(name string) bool {
		for _, c := range t.Columns {
			if c.Name == name {
				return true
			}
		}
		return false
	})
	if err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
		return 2
	}
	if f.ShowQuery {
		fmt.Fprint(stderr, text)
	}
	res, err := query.Run(ctx, snap, text, query.Options{MaxMemory: defaultMaxMemory})
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	var idx []uint32
	for i := (page - 1) * size; i < res.Batch.Len; i++ {
		idx = append(idx, uint32(i))
	}
	format := f.Format
	if format == "auto" {
		format = "csv"
		if isTerminal(stdout) {
			format = "table"
		}
	}
	if err := output.Write(stdout, format, res.Schema, res.Batch.Gather(idx), output.Options{}); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	return 0
}

func runURLTrace(ctx context.Context, dbDir string, c *urltraceCmd, stdout, stderr io.Writer) int {
	build := func(func(string) bool) (string, error) { return urltraceQuery(c) }
	return runTrace(ctx, dbDir, "UrlClickEvents", build, c.Page, c.PageSize, c.traceFlags, stdout, stderr)
}

func runMessageTrace(ctx context.Context, dbDir string, c *messagetraceCmd, stdout, stderr io.Writer) int {
	table := "MessageTrace"
	if c.Detail {
		table = "MessageTraceDetail"
	}
	build := func(has func(string) bool) (string, error) { return messagetraceQuery(c, has) }
	return runTrace(ctx, dbDir, table, build, c.Page, c.PageSize, c.traceFlags, stdout, stderr)
}
