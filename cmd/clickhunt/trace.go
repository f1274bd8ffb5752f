package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
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
// second before kong sees it, and refuses a parameter the cmdlet does not
// have, naming the nearest one.

// psParam is one parameter of a trace command.
type psParam struct {
	name  string // as the cmdlet spells it
	flag  string // our long flag
	multi bool   // takes several values (comma-separated or repeated)
	bool  bool   // a switch: takes no value
}

// psParams are each trace command's parameters: the cmdlet's, then ours
// (which may be written the cmdlets' way too).
var psParams = map[string][]psParam{
	"urltrace": {
		{name: "ClickId", flag: "click-id", multi: true},
		{name: "EndDate", flag: "end-date"},
		{name: "Page", flag: "page"},
		{name: "PageSize", flag: "page-size"},
		{name: "RecipientAddress", flag: "recipient-address", multi: true},
		{name: "StartDate", flag: "start-date"},
		{name: "UrlOrDomain", flag: "url-or-domain", multi: true},
		{name: "Workloads", flag: "workloads", multi: true},
		{name: "Format", flag: "format"},
		{name: "ShowQuery", flag: "show-query", bool: true},
	},
	"messagetrace": {
		{name: "Direction", flag: "direction"},
		{name: "EndDate", flag: "end-date"},
		{name: "FromIP", flag: "from-ip"},
		{name: "MessageId", flag: "message-id", multi: true},
		{name: "MessageTraceId", flag: "message-trace-id", multi: true},
		{name: "Page", flag: "page"},
		{name: "PageSize", flag: "page-size"},
		{name: "RecipientAddress", flag: "recipient-address", multi: true},
		{name: "SenderAddress", flag: "sender-address", multi: true},
		{name: "StartDate", flag: "start-date"},
		{name: "Status", flag: "status", multi: true},
		{name: "ToIP", flag: "to-ip"},
		{name: "AcceptedDomain", flag: "accepted-domain", multi: true},
		{name: "Detail", flag: "detail", bool: true},
		{name: "Format", flag: "format"},
		{name: "ShowQuery", flag: "show-query", bool: true},
	},
}

// psName matches what may be a PowerShell-style parameter: -Name or
// -Name:value (a negative number is a value).
var psName = regexp.MustCompile(`^-[A-Za-z][A-Za-z0-9]+(:|$)`)

// traceArgs rewrites -Name value and -Name:value into --name value for the
// urltrace and messagetrace commands (any case, as PowerShell takes them);
// other commands' arguments are returned unchanged. It refuses a
// parameter the command does not have, and a single-valued one given
// twice (kong would keep the last silently).
func traceArgs(args []string) ([]string, error) {
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
		return args, nil
	}
	params, ok := psParams[strings.ToLower(args[cmd])]
	if !ok {
		return args, nil
	}
	out := append([]string(nil), args[:cmd+1]...)
	seen := map[string]bool{}
	once := func(p psParam) error {
		if !p.multi && !p.bool && seen[p.flag] {
			return fmt.Errorf("-%s given twice: it takes one value", p.name)
		}
		seen[p.flag] = true
		return nil
	}
	for _, a := range args[cmd+1:] {
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "--") {
			name, _, _ := strings.Cut(a[2:], "=")
			for _, p := range params {
				if p.flag == name {
					if err := once(p); err != nil {
						return nil, err
					}
				}
			}
			out = append(out, a)
			continue
		}
		if !psName.MatchString(a) {
			out = append(out, a)
			continue
		}
		name, val, hasVal := strings.Cut(a[1:], ":")
		i := slices.IndexFunc(params, func(p psParam) bool { return strings.EqualFold(p.name, name) })
		if i < 0 {
			names := make([]string, len(params))
			for j, p := range params {
				names[j] = p.name
			}
			msg := fmt.Sprintf("unknown parameter -%s", name)
			if s := query.Suggest(name, names); s != "" {
				msg += fmt.Sprintf(" (did you mean -%s?)", s)
			} else {
				msg += fmt.Sprintf(" (%s takes -%s)", args[cmd], strings.Join(names, ", -"))
			}
			return nil, errors.New(msg)
		}
		p := params[i]
		if err := once(p); err != nil {
			return nil, err
		}
		if hasVal {
			out = append(out, "--"+p.flag+"="+val)
		} else {
			out = append(out, "--"+p.flag)
		}
	}
	if len(out) < len(args) {
		out = append(out, args[len(out):]...)
	}
	return out, nil
}

// traceFlags are the output flags both commands share.
type traceFlags struct {
	Format    string `enum:"auto,table,csv,json,jsonl,vertical" default:"auto" help:"Output: table, csv, json, jsonl, vertical (default: table on a terminal, csv otherwise)."`
	ShowQuery bool   `help:"Print the KQL query that ran (to standard error)."`

	clusterFlags // search a Kusto cluster's tables (cluster.go)
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

// fail keeps the first error.
func (q *traceQuery) fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

func (q *traceQuery) dates(start, end string) {
	var s, e time.Time
	if start != "" {
		t, err := parseTraceDate(start)
		if err != nil {
			q.fail(fmt.Errorf("-StartDate: %w", err))
		}
		s = t
		q.where("Timestamp >= datetime(%s)", column.FormatDatetime(column.TicksFromTime(t)))
	}
	if end != "" {
		t, err := parseTraceDate(end)
		if err != nil {
			q.fail(fmt.Errorf("-EndDate: %w", err))
		}
		e = t
		q.where("Timestamp < datetime(%s)", column.FormatDatetime(column.TicksFromTime(t)))
	}
	if q.err == nil && !s.IsZero() && !e.IsZero() && !s.Before(e) {
		q.fail(fmt.Errorf("-EndDate must be after -StartDate"))
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

// guids adds col matching any of the GUIDs vals (a -ClickId or
// -MessageTraceId), refusing a value that is not one.
func (q *traceQuery) guids(param, col string, vals []string) {
	vals = splitComma(vals)
	if len(vals) == 0 {
		return
	}
	var forms []string
	for _, v := range vals {
		g, ok := parseGUID(v)
		if !ok {
			q.fail(fmt.Errorf("-%s: %q is not a GUID (expected 32 hex digits, with or without dashes, braces or parentheses: 3f2504e0-4f89-11d3-9a0c-0305e82c3301, {3f2504e0-4f89-11d3-9a0c-0305e82c3301}, 3F2504E04F8911D39A0C0305E82C3301)", param, v))
			return
		}
		// As stored: ingest writes GUIDs with dashes, lower case; older
		// databases and other exports may hold the other forms.
		forms = append(forms, g, strings.ReplaceAll(g, "-", ""), "{"+g+"}")
	}
	q.where("%s in~ (%s)", col, quoteAll(forms))
}

// guidForm is a GUID as ingest stores it.
var guidForm = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// parseGUID reads a GUID in the forms .NET's Guid parses by default (32
// digits, with dashes, in braces or parentheses) and returns it with
// dashes, lower case.
func parseGUID(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if len(t) > 2 && t[0] == '(' && t[len(t)-1] == ')' {
		t = "{" + t[1:len(t)-1] + "}"
	}
	if len(t) == 34 && t[0] == '{' && t[33] == '}' {
		t = t[1:33]
	}
	g := ingest.NormalizeNetworkMessageID(t)
	return g, guidForm.MatchString(g)
}

// splitComma splits each value at commas (PowerShell's list syntax) and
// drops empty ones.
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

// traceSource is what a trace command builds its query from: the local
// database's tables or a cluster's (cluster.go). A zero traceSource has
// no tables (checking the arguments alone).
type traceSource struct {
	src query.Source
	ctx context.Context
}

// table returns a table's columns, or nil when there is no such table.
// A cluster's tables were read when it was opened (openSource), so the
// lookups here find them without another request.
func (s traceSource) table(name string) column.Schema {
	if s.src == nil {
		return nil
	}
	t, ok, err := s.src.TableSchema(s.ctx, name)
	if err != nil || !ok {
		return nil
	}
	return t
}

// column returns the type of a column of a table, or Invalid when the
// table or the column is missing.
func (s traceSource) column(table, name string) column.Type {
	if i := s.table(table).Index(name); i >= 0 {
		return s.table(table)[i].Type
	}
	return column.Invalid
}

// run runs one query of the trace command.
func (s traceSource) run(ctx context.Context, text string) (*query.Result, error) {
	return s.src.Run(ctx, text, query.Options{MaxMemory: defaultMaxMemory})
}

// userError is a problem with what the user asked for, said in the
// command's terms: exit status 1 when it is about the data, 2 when it is
// about the arguments.
type userError struct {
	msg  string
	code int
}

func (e *userError) Error() string { return e.msg }

// traceRun is one run of a trace command.
type traceRun struct {
	cmd   string // urltrace or messagetrace, for messages
	what  string // what it searches, for messages ("the clicks")
	page  int
	size  int
	flags traceFlags
	// check validates the arguments before the database is opened.
	check func() error
	// build returns the query; it may run others first (ctx, src).
	build func(ctx context.Context, src traceSource, stderr io.Writer) (string, error)
}

// runTrace runs a trace command's query and prints the requested page.
func runTrace(ctx context.Context, dbDir string, r traceRun, stdout, stderr io.Writer) int {
	if err := r.check(); err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
		return 2
	}
	if err := r.flags.clusterFlags.check(); err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
		return 2
	}
	if r.flags.Cluster == "" {
		oneShotGC()
	}
	qs, done, err := openSource(ctx, dbDir, r.flags.clusterFlags, false)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer done()
	src := traceSource{src: qs, ctx: ctx}
	text, err := r.build(ctx, src, stderr)
	if err != nil {
		return traceError(stderr, r, err)
	}
	if r.flags.ShowQuery {
		fmt.Fprint(stderr, text)
	}
	res, err := src.run(ctx, text)
	if err != nil {
		return traceError(stderr, r, err)
	}
	var idx []uint32
	for i := (r.page - 1) * r.size; i < res.Batch.Len; i++ {
		idx = append(idx, uint32(i))
	}
	format := r.flags.Format
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

// traceError prints err in the command's terms: the KQL a trace command
// runs is its own, so a position in it would mean nothing to the user.
func traceError(stderr io.Writer, r traceRun, err error) int {
	var ue *userError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "clickhunt: error: %s\n", ue.msg)
		return ue.code
	}
	var qe *query.Error
	if errors.As(err, &qe) {
		fmt.Fprintf(stderr, "error: %s: cannot search %s: %s (--show-query prints the KQL it runs)\n", r.cmd, r.what, qe.Msg)
		return 1
	}
	fmt.Fprintf(stderr, "error: %s: cannot search %s: %v\n", r.cmd, r.what, err)
	return 1
}

// noTable is the error for a database without the table a command reads.
func noTable(what, exports string) error {
	return &userError{msg: fmt.Sprintf("the database holds no %s: ingest %s first (clickhunt ingest FILE)", what, exports), code: 1}
}
