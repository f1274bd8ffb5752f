package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"

	"clickhunt/column"
	"clickhunt/ingest"
	"clickhunt/report"
)

type urltraceCmd struct {
	RecipientAddress []string `placeholder:"UPN" help:"-RecipientAddress: users who clicked (comma-separated or repeated)."`
	UrlOrDomain      []string `sep:"none" placeholder:"URL|DOMAIN" help:"-UrlOrDomain: URLs (each matches itself and longer URLs starting with it) or domains (and their subdomains); comma-separated or repeated."`
	StartDate        string   `placeholder:"DATE" help:"-StartDate: clicks at or after DATE (UTC)."`
	EndDate          string   `placeholder:"DATE" help:"-EndDate: clicks before DATE (UTC)."`
	Workloads        []string `placeholder:"W" help:"-Workloads: Mail, OfficeClient, Other (comma-separated or repeated)."`
	ClickId          []string `placeholder:"GUID" help:"-ClickId: click ids (ReportId), GUIDs with or without braces (comma-separated or repeated)."`
	Page             int      `default:"1" help:"-Page: page of results, 1-1000 (default 1)."`
	PageSize         int      `default:"1000" help:"-PageSize: rows per page, 1-5000 (default 1000)."`
	traceFlags
}

func (urltraceCmd) Help() string {
	return `Get-UrlTrace over the database's UrlClickEvents: the clicks, newest first,
with Get-UrlTrace's columns (Clicked, Workload, AppName, MessageId,
MessageTraceId, SourceId, SourceDetails, ClickId, RecipientAddress, Url,
UserIp, UrlBlocked, UrlClicked, ClickAction) in the cmdlet's words: a click
exported by Get-UrlTrace shows what the export said; a click from Defender
gets the Click Action its ActionType and IsClickedThrough mean (see the
README's Sources). The output can be ingested again (--source urltrace).
Parameters may be written as the cmdlet's (-RecipientAddress a@contoso.com,
-Workloads:Mail,OfficeClient) or GNU-style (--recipient-address
a@contoso.com); several values are separated by commas or given again.

Dates: ISO 8601 (2023-12-01, 2023-12-01T08:00:00Z) or the cmdlet's US short
forms (12/1/2023, "12/1/2023 5:00 PM", "12/1/2023 17:00"), UTC. Without
-StartDate/-EndDate every click is searched (exports are read long after they
were taken, so there is no 48-hour default).`
}

// urlStart matches the start of an item of a -UrlOrDomain list: a URL
// (scheme://) or a domain (labels and dots).
var urlStart = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9+.-]*://|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z][A-Za-z0-9-]*(/|\s*$))`)

// splitURLs splits -UrlOrDomain values at the commas that separate items:
// a comma followed by what cannot start a URL or domain belongs to the URL
// before it (https://a.example/?q=1,2).
func splitURLs(vals []string) []string {
	var out []string
	for _, v := range vals {
		parts := strings.Split(v, ",")
		cur := parts[0]
		for _, p := range parts[1:] {
			if urlStart.MatchString(p) {
				out = append(out, cur)
				cur = p
			} else {
				cur += "," + p
			}
		}
		out = append(out, cur)
	}
	var items []string
	for _, u := range out {
		if u = strings.TrimSpace(u); u != "" {
			items = append(items, u)
		}
	}
	return items
}

func (c *urltraceCmd) check() error {
	_, err := urltraceQuery(c, traceSource{})
	return err
}

// urltraceQuery builds Get-UrlTrace's KQL. src says which of the cmdlet's
// own columns (kept from a Get-UrlTrace export) the table holds; a zero
// traceSource builds the query for checking the arguments.
func urltraceQuery(c *urltraceCmd, src traceSource) (string, error) {
	if err := checkPage(c.Page, c.PageSize); err != nil {
		return "", err
	}
	q := &traceQuery{}
	q.dates(c.StartDate, c.EndDate)
	q.match("AccountUpn", c.RecipientAddress)
	if us := splitURLs(c.UrlOrDomain); len(us) > 0 {
		var preds []string
		for _, u := range us {
			if strings.Contains(u, "/") || strings.Contains(u, ":") {
				preds = append(preds, fmt.Sprintf("Url startswith %s", report.Quote(u)))
			} else {
				d := strings.TrimPrefix(strings.ToLower(u), ".")
				preds = append(preds, fmt.Sprintf("tostring(parse_url(Url).Host) =~ %s or tostring(parse_url(Url).Host) endswith %s", report.Quote(d), report.Quote("."+d)))
			}
		}
		q.where("%s", strings.Join(preds, " or "))
	}
	if ws := splitComma(c.Workloads); len(ws) > 0 {
		var preds []string
		var known []string // every spelling of a named workload
		for _, w := range ingest.UrlTraceWorkloads {
			known = append(known, report.Quote(w.Defender), report.Quote(w.Cmdlet))
		}
		for _, w := range ws {
			found := false
			for _, uw := range ingest.UrlTraceWorkloads {
				if strings.EqualFold(w, uw.Cmdlet) || strings.EqualFold(w, uw.Defender) {
					preds = append(preds, fmt.Sprintf("Workload in~ (%s, %s)", report.Quote(uw.Defender), report.Quote(uw.Cmdlet)))
					found = true
				}
			}
			if strings.EqualFold(w, "Other") {
				preds = append(preds, fmt.Sprintf("Workload !in~ (%s)", strings.Join(known, ", ")))
				found = true
			}
			if !found {
				return "", fmt.Errorf("-Workloads: unknown workload %q (expected %s or Other)", w, strings.Join(urltraceWorkloadNames(), ", "))
			}
		}
		q.where("%s", strings.Join(preds, " or "))
	}
	q.guids("ClickId", "ReportId", c.ClickId)
	if q.err != nil {
		return "", q.err
	}
	lines := append([]string{"UrlClickEvents"}, q.lines...)
	lines = append(lines,
		"| sort by Timestamp desc, ReportId asc",
		fmt.Sprintf("| take %d", c.Page*c.PageSize))
	lines = append(lines, urltraceColumns(src)...)
	return strings.Join(lines, "\n") + "\n", nil
}

func urltraceWorkloadNames() []string {
	var names []string
	for _, w := range ingest.UrlTraceWorkloads {
		names = append(names, w.Cmdlet)
	}
	return names
}

// urltraceColumns are the operators that turn clicks into the cmdlet's
// columns. A column a Get-UrlTrace export brought (ClickAction,
// UrlBlocked, UrlClicked, AppName, MessageId, SourceId, SourceDetails) is
// shown as stored; where it is empty, or the table has no such column
// (Defender's clicks), it is derived from the canonical columns by
// ingest's vocabulary tables.
func urltraceColumns(src traceSource) []string {
	stored := func(name string, t column.Type, derived string) string {
		switch ct := src.column("UrlClickEvents", name); {
		case ct == column.Invalid:
			return derived
		case ct == t:
			return fmt.Sprintf("coalesce(%s, %s)", name, derived)
		case t == column.Bool:
			return fmt.Sprintf("coalesce(tobool(%s), %s)", name, derived)
		default:
			return fmt.Sprintf("coalesce(tostring(%s), %s)", name, derived)
		}
	}
	// Click Action from ActionType and IsClickedThrough.
	var cases []string
	for _, r := range ingest.ClickActionRules {
		var cond []string
		if r.ActionTypes != nil {
			cond = append(cond, fmt.Sprintf("ActionType in~ (%s)", quoteAll(r.ActionTypes)))
		}
		if r.Through {
			cond = append(cond, "IsClickedThrough == true")
		}
		cases = append(cases, strings.Join(cond, " and "), report.Quote(r.ClickAction))
	}
	clickAction := fmt.Sprintf("case(%s, \"None\")", strings.Join(cases, ", "))
	var blocked, clicked []string
	for _, a := range ingest.ClickActions {
		if a.UrlBlocked {
			blocked = append(blocked, a.Name)
		}
		if a.UrlClicked {
			clicked = append(clicked, a.Name)
		}
	}
	// Workload in the cmdlet's words: Mail, OfficeClient, else Other.
	var wl []string
	for _, w := range ingest.UrlTraceWorkloads {
		wl = append(wl, fmt.Sprintf("Workload in~ (%s, %s)", report.Quote(w.Defender), report.Quote(w.Cmdlet)), report.Quote(w.Cmdlet))
	}
	workload := fmt.Sprintf(`case(isempty(Workload), "", %s, "Other")`, strings.Join(wl, ", "))
	// AppName: a workload only one app belongs to names it.
	apps := map[string][]string{}
	for _, a := range ingest.AppWorkloads {
		apps[a.Workload] = append(apps[a.Workload], a.App)
	}
	var ac []string
	for _, a := range ingest.AppWorkloads {
		if len(apps[a.Workload]) == 1 {
			ac = append(ac, fmt.Sprintf("Workload =~ %s", report.Quote(a.Workload)), report.Quote(a.App))
		}
	}
	app := `""`
	if len(ac) > 0 {
		app = fmt.Sprintf(`case(%s, "")`, strings.Join(ac, ", "))
	}
	return []string{
		fmt.Sprintf("| extend ClickAction_ = %s", stored("ClickAction", column.String, clickAction)),
		fmt.Sprintf("| extend UrlBlocked_ = %s, UrlClicked_ = %s, AppName_ = %s,",
			stored("UrlBlocked", column.Bool, fmt.Sprintf("ClickAction_ in (%s)", quoteAll(blocked))),
			stored("UrlClicked", column.Bool, fmt.Sprintf("ClickAction_ in (%s)", quoteAll(clicked))),
			stored("AppName", column.String, app)),
		fmt.Sprintf("         MessageId_ = %s, SourceId_ = %s, SourceDetails_ = %s",
			stored("MessageId", column.String, `""`), stored("SourceId", column.String, `""`), stored("SourceDetails", column.String, `""`)),
		fmt.Sprintf("| project Clicked = Timestamp, Workload = %s, AppName = AppName_, MessageId = MessageId_,", workload),
		"          MessageTraceId = NetworkMessageId, SourceId = SourceId_, SourceDetails = SourceDetails_, ClickId = ReportId,",
		"          RecipientAddress = AccountUpn, Url, UserIp = IPAddress, UrlBlocked = UrlBlocked_, UrlClicked = UrlClicked_,",
		"          ClickAction = ClickAction_",
	}
}

func runURLTrace(ctx context.Context, dbDir string, c *urltraceCmd, stdout, stderr io.Writer) int {
	return runTrace(ctx, dbDir, traceRun{
		cmd: "urltrace", what: "the clicks", page: c.Page, size: c.PageSize, flags: c.traceFlags,
		check: c.check,
		build: func(_ context.Context, src traceSource, _ io.Writer) (string, error) {
			if src.table("UrlClickEvents") == nil {
				return "", noTable("clicks", "a click export (Defender or Sentinel UrlClickEvents, Get-UrlTrace, the Safe Links report)")
			}
			return urltraceQuery(c, src)
		},
	}, stdout, stderr)
}
