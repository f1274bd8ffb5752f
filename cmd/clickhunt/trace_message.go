package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"clickhunt/column"
	"clickhunt/ingest"
	"clickhunt/report"
)

type messagetraceCmd struct {
	SenderAddress    []string `placeholder:"ADDR" help:"-SenderAddress: senders; wildcards such as *@contoso.com (comma-separated or repeated)."`
	RecipientAddress []string `placeholder:"ADDR" help:"-RecipientAddress: recipients; wildcards such as *@contoso.com (comma-separated or repeated)."`
	StartDate        string   `placeholder:"DATE" help:"-StartDate: messages received at or after DATE (UTC)."`
	EndDate          string   `placeholder:"DATE" help:"-EndDate: messages received before DATE (UTC)."`
	Status           []string `placeholder:"S" help:"-Status: delivery statuses: Delivered, Expanded, Failed, Pending, Quarantined, 'Filtered as spam', 'Getting status' (any case; comma-separated or repeated). With --detail: the events of the messages in that status."`
	MessageId        []string `placeholder:"ID" help:"-MessageId: Message-ID header values, with or without <> (comma-separated or repeated)."`
	MessageTraceId   []string `placeholder:"GUID" help:"-MessageTraceId: message trace ids (NetworkMessageId), GUIDs with or without braces."`
	FromIP           string   `name:"from-ip" placeholder:"IP" help:"-FromIP: the sending IP address."`
	ToIP             string   `name:"to-ip" placeholder:"IP" help:"-ToIP: the receiving IP address."`
	Direction        string   `placeholder:"D" help:"-Direction: Inbound (sent from outside the organisation), Outbound (sent by it) or All (default)."`
	AcceptedDomain   []string `placeholder:"DOMAIN" help:"The organisation's own domains, for -Direction (repeatable; default: the config file's accepted-domain, else the domain most recipients share)."`
	Page             int      `default:"1" help:"-Page: page of results, 1-1000 (default 1)."`
	PageSize         int      `default:"1000" help:"-PageSize: rows per page, 1-5000 (default 1000)."`
	Detail           bool     `help:"The detail rows (MessageTraceDetail: one per message event), as Get-MessageTraceDetail."`
	traceFlags

	domains []string // the organisation's domains in force
}

func (messagetraceCmd) Help() string {
	return `Get-MessageTrace over the database's MessageTrace table: messages, newest first,
with the cmdlet's columns (Received, SenderAddress, RecipientAddress, Subject,
Status, ToIP, FromIP, Size, MessageId, MessageTraceId). --detail searches
MessageTraceDetail instead, as Get-MessageTraceDetail (Date, Event, Action,
Detail, Data, SenderAddress, RecipientAddress, Subject, ClientIP, ServerIP,
Size, MessageId, MessageTraceId; Subject and Size from the message trace
where the events lack them): Detail and Data say why a delivery failed.
-Status Failed --detail lists the events of the failed messages, as
Get-MessageTrace -Status Failed | Get-MessageTraceDetail does.

-Direction Inbound keeps messages whose sender is outside the organisation,
Outbound those it sent. Its domains come from --accepted-domain, else the
config file's accepted-domain, else the domain most recipients share (said
on standard error). Parameters as the cmdlet's (-SenderAddress
*@contoso.com) or GNU-style; dates as for urltrace.`
}

// directions are -Direction's values.
var directions = []string{"Inbound", "Outbound", "All"}

func (c *messagetraceCmd) check() error {
	_, err := messagetraceQuery(c, traceSource{})
	return err
}

// direction is -Direction in its documented spelling ("All" by default).
func (c *messagetraceCmd) direction() (string, error) {
	if c.Direction == "" {
		return "All", nil
	}
	for _, d := range directions {
		if strings.EqualFold(d, strings.TrimSpace(c.Direction)) {
			return d, nil
		}
	}
	return "", fmt.Errorf("-Direction: unknown direction %q (expected %s)", c.Direction, strings.Join(directions, ", "))
}

// statuses reads -Status: each value one of message trace's statuses in
// any spelling (ingest.MessageStatuses).
func statuses(vals []string) ([]ingest.MessageStatus, error) {
	var out []ingest.MessageStatus
	for _, v := range splitComma(vals) {
		st, ok := ingest.LookupMessageStatus(v)
		if !ok {
			var names []string
			for _, s := range ingest.MessageStatuses {
				names = append(names, s.Name)
			}
			return nil, fmt.Errorf("-Status: unknown status %q (expected %s; any case, with or without spaces)", v, strings.Join(names, ", "))
		}
		out = append(out, st)
	}
	return out, nil
}

// statusFilter is the where clause of -Status: every stored spelling of
// each status.
func statusFilter(sts []ingest.MessageStatus) string {
	var vals []string
	for _, st := range sts {
		vals = append(vals, st.Spellings()...)
	}
	return fmt.Sprintf("Status in~ (%s)", quoteAll(vals))
}

// messagetraceQuery builds Get-MessageTrace's (or, with --detail,
// Get-MessageTraceDetail's) KQL; a zero src builds it for checking the
// arguments.
func messagetraceQuery(c *messagetraceCmd, src traceSource) (string, error) {
	if err := checkPage(c.Page, c.PageSize); err != nil {
		return "", err
	}
	dir, err := c.direction()
	if err != nil {
		return "", err
	}
	sts, err := statuses(c.Status)
	if err != nil {
		return "", err
	}
	for _, d := range splitComma(c.AcceptedDomain) {
		if strings.ContainsAny(d, "@ /") || !strings.Contains(d, ".") {
			return "", fmt.Errorf("--accepted-domain: %q is not a domain (expected e.g. contoso.com)", d)
		}
	}
	q := &traceQuery{}
	q.dates(c.StartDate, c.EndDate)
	q.match("SenderAddress", c.SenderAddress)
	q.match("RecipientAddress", c.RecipientAddress)
	table, fromIP, toIP := "MessageTrace", "FromIP", "ToIP"
	if c.Detail {
		table, fromIP, toIP = "MessageTraceDetail", "ClientIP", "ServerIP"
	}
	if len(sts) > 0 && !c.Detail {
		q.where("%s", statusFilter(sts))
	}
	if ids := splitComma(c.MessageId); len(ids) > 0 {
		var vals []string
		for _, id := range ids {
			id = strings.Trim(id, "<>")
			vals = append(vals, id, "<"+id+">")
		}
		q.where("MessageId in~ (%s)", quoteAll(vals))
	}
	q.guids("MessageTraceId", "NetworkMessageId", c.MessageTraceId)
	if c.FromIP != "" {
		q.where("%s == %s", fromIP, report.Quote(strings.TrimSpace(c.FromIP)))
	}
	if c.ToIP != "" {
		q.where("%s == %s", toIP, report.Quote(strings.TrimSpace(c.ToIP)))
	}
	if dir != "All" && src.src != nil {
		var preds []string
		for _, d := range c.domains {
			preds = append(preds, fmt.Sprintf("SenderAddress endswith %s", report.Quote("@"+d)))
		}
		own := strings.Join(preds, " or ")
		if dir == "Outbound" {
			q.where("%s", own)
		} else {
			q.where("not(%s)", own)
		}
	}
	if q.err != nil {
		return "", q.err
	}
	lines := append([]string{table}, q.lines...)
	if len(sts) > 0 && c.Detail {
		// The events of the messages in that status, as piping
		// Get-MessageTrace -Status into Get-MessageTraceDetail gives: a
		// message is one MessageTraceId and one recipient.
		lines = append(lines,
			"| extend Recipient_ = tolower(RecipientAddress)",
			fmt.Sprintf("| join kind=leftsemi (MessageTrace | where %s | project NetworkMessageId, Recipient_ = tolower(RecipientAddress)) on NetworkMessageId, Recipient_", statusFilter(sts)),
			"| project-away Recipient_")
	}
	lines = append(lines, "| sort by Timestamp desc, RecipientAddress asc", fmt.Sprintf("| take %d", c.Page*c.PageSize))
	if c.Detail && src.table("MessageTrace") != nil {
		// Get-MessageTraceDetail's export carries no Subject or Size: the
		// message trace has them.
		lines = append(lines,
			"| join kind=leftouter (MessageTrace | summarize Subject_ = take_any(Subject), Size_ = take_any(Size) by NetworkMessageId) on NetworkMessageId",
			"| extend Subject = coalesce(Subject, Subject_), Size = coalesce(Size, Size_)",
			"| sort by Timestamp desc, RecipientAddress asc")
	}
	if c.Detail {
		lines = append(lines, "| project Date = Timestamp, Event = EventId, Action, Detail, Data, SenderAddress, RecipientAddress, Subject, ClientIP, ServerIP, Size, MessageId, MessageTraceId = NetworkMessageId")
	} else {
		// Older clickhunts stored a historical search's last event
		// (Deliver) as the status: shown as the status it means.
		var cases []string
		for _, st := range ingest.MessageStatuses {
			if len(st.Events) > 0 {
				cases = append(cases, fmt.Sprintf("Status in~ (%s)", quoteAll(st.Events)), report.Quote(st.Name))
			}
		}
		lines = append(lines, fmt.Sprintf("| project Received = Timestamp, SenderAddress, RecipientAddress, Subject, Status = case(%s, Status), ToIP, FromIP, Size, MessageId, MessageTraceId = NetworkMessageId", strings.Join(cases, ", ")))
	}
	return strings.Join(lines, "\n") + "\n", nil
}

// ownDomains says which domains are the organisation's, for -Direction:
// --accepted-domain, else the config file's, else the domain most
// recipients in table share (said on stderr).
func ownDomains(ctx context.Context, c *messagetraceCmd, p prefs, src traceSource, table string, stderr io.Writer) ([]string, error) {
	if ds := splitComma(c.AcceptedDomain); len(ds) > 0 {
		return lowerAll(ds), nil
	}
	if ds := splitComma([]string{p.AcceptedDomain}); len(ds) > 0 {
		return lowerAll(ds), nil
	}
	text := table + `
| where isnotempty(RecipientAddress)
| summarize Recipients = dcount(tolower(RecipientAddress)) by Domain = tolower(tostring(split(RecipientAddress, "@")[1]))
| where isnotempty(Domain)
| sort by Recipients desc, Domain asc
| take 1
`
	res, err := src.run(ctx, text)
	if err != nil {
		return nil, err
	}
	if res.Batch.Len == 0 {
		return nil, &userError{msg: "-Direction: no recipient addresses to tell the organisation's domain from: give it with --accepted-domain DOMAIN", code: 1}
	}
	d := res.Batch.Cols[0].Str(0)
	fmt.Fprintf(stderr, "clickhunt: -Direction: taking %s as the organisation's domain (the domain most recipients share); give --accepted-domain, or set accepted-domain in the config file\n", d)
	return []string{d}, nil
}

func lowerAll(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(v), "@"))
	}
	return out
}

func runMessageTrace(ctx context.Context, dbDir string, c *messagetraceCmd, p prefs, stdout, stderr io.Writer) int {
	table, what, exports := "MessageTrace", "message trace", "a Get-MessageTrace export or a historical search summary report"
	if c.Detail {
		table, what, exports = "MessageTraceDetail", "message trace details", "a Get-MessageTraceDetail export or a historical search detailed report"
	}
	return runTrace(ctx, dbDir, traceRun{
		cmd: "messagetrace", what: "the " + what, page: c.Page, size: c.PageSize, flags: c.traceFlags,
		check: c.check,
		build: func(ctx context.Context, src traceSource, stderr io.Writer) (string, error) {
			if src.table(table) == nil {
				return "", noTable(what, exports)
			}
			if c.Detail && len(c.Status) > 0 && src.table("MessageTrace") == nil {
				return "", &userError{msg: "-Status with --detail takes the messages in that status from the message trace, and the database holds none: ingest a Get-MessageTrace export or a historical search summary report first", code: 1}
			}
			for _, ip := range []struct{ flag, val, col string }{{"-FromIP", c.FromIP, "FromIP"}, {"-ToIP", c.ToIP, "ToIP"}} {
				if ip.val == "" {
					continue
				}
				col := ip.col
				if c.Detail {
					col = map[string]string{"FromIP": "ClientIP", "ToIP": "ServerIP"}[col]
				}
				if empty, err := emptyColumn(ctx, src, table, col); err != nil {
					return "", err
				} else if empty {
					return "", &userError{msg: fmt.Sprintf("%s: no %s in the database has a %s (the exports ingested did not carry it)", ip.flag, map[bool]string{false: "message", true: "event"}[c.Detail], col), code: 1}
				}
			}
			if dir, _ := c.direction(); dir != "All" {
				ds, err := ownDomains(ctx, c, p, src, table, stderr)
				if err != nil {
					return "", err
				}
				c.domains = ds
			}
			return messagetraceQuery(c, src)
		},
	}, stdout, stderr)
}

// emptyColumn reports whether no row of table has a value in col.
func emptyColumn(ctx context.Context, src traceSource, table, col string) (bool, error) {
	if src.column(table, col) == column.Invalid {
		return true, nil
	}
	res, err := src.run(ctx, fmt.Sprintf("%s | where isnotempty(%s) | take 1 | count\n", table, col))
	if err != nil {
		return false, err
	}
	return res.Batch.Cols[0].Int(0) == 0, nil
}
