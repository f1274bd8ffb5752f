// Package report is the Safe Links report: a fixed list of sections, each a
// KQL query shipped as a file (queries/*.kql, copied to examples/report so
// analysts can read, run and adapt them), run against a storage snapshot
// with the user's filters, and written as one self-contained HTML page or
// as CSV or JSON of the same sections. It also serves the report and a
// small read-only API over HTTP (server.go).
//
// Every query starts with the same let statement (ClicksHeader), which
// defines the table Clicks: UrlClickEvents with a Verdict and an Action
// column. Filters are where clauses added to that let, so the KQL shown
// beside each section is exactly the query that produced it.
package report

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"clickhunt/chart"
	"clickhunt/column"
	"clickhunt/query"
	"clickhunt/storage"
)

//go:embed queries/*.kql
var queryFiles embed.FS

// ClicksHeader is the let statements every section query starts with.
// TimeZone is the zone days and hours are counted in (Filter.Apply puts
// the report's --tz there). Clicks reads UrlClickEvents through a union with an empty datatable of the
// columns the report uses, so an export that lacks some (a Sentinel CSV
// has no ReportId, only the portal's export has Device) still gives a
// report, those columns empty. Verdict and Action are the Safe Links
// report's: a portal export's own words (ingest stores them so), else
// derived from Defender's columns: a click through a warning is a user
// override whatever the threat; a pending scan is pending; a tenant
// block-list hit is blocked; any threat type (or a Safe Links block) is
// malicious; everything else is safe. Action comes first because it reads
// the Verdict column as stored.
const ClicksHeader = `let TimeZone = "UTC"; // the zone days and hours are counted in (clickhunt report --tz)
let Clicks = union UrlClickEvents,
    // The columns the report reads: an export that lacks one leaves it empty.
    (datatable(Timestamp:datetime, Url:string, ActionType:string, AccountUpn:string, Workload:string,
               NetworkMessageId:string, IPAddress:string, ThreatTypes:string, IsClickedThrough:bool,
               ReportId:string, Verdict:string, Action:string, Device:string, ['Message Subject']:string)[])
// The report's Action and Verdict: a portal export's own, else derived from Defender's columns.
| extend Action = case(isnotempty(Verdict) and isnotempty(Action), Action,
                       IsClickedThrough == true, "User Override",
                       ActionType startswith "ClickBlocked", "Blocked",
                       ActionType == "UrlScanInProgress", "Pending",
                       ActionType == "UrlErrorPage", "Error",
                       "Allowed"),
         Verdict = case(isnotempty(Verdict), Verdict,
                        IsClickedThrough == true, "User Override",
                        ActionType == "UrlScanInProgress", "Pending Verdict",
                        ActionType == "ClickBlockedByTenantPolicy", "Blocked",
                        ThreatTypes != "" or ActionType == "ClickBlocked", "Malicious",
                        "Safe");
`

// Verdicts and Actions are the values of the Verdict and Action columns
// ClicksHeader defines, in display order.
var (
	Verdicts = []string{"Safe", "Malicious", "Blocked", "Pending Verdict", "User Override"}
	Actions  = []string{"Allowed", "Blocked", "User Override", "Pending", "Error"}
	// Sources are the Workload values of Safe Links clicks.
	Sources = []string{"Email", "Teams", "Office"}
)

// Section is one view of the report, read from its query file.
type Section struct {
	// ID is the file name without its order prefix and extension
	// ("top-urls" for 05-top-urls.kql).
	ID string
	// File is the query file's name ("05-top-urls.kql").
	File string
	// Title is the file's first comment line; Description the other
	// comment lines before the query, joined.
	Title, Description string
	// Chart is "heatmap" when the file says "// chart: heatmap" and
	// "figures" (the row's values as headline figures) for "// chart:
	// figures"; other charts come from the query's own render operator.
	Chart string
	// Query is the file's text.
	Query string
}

var sections []Section

func init() {
	var err error
	if sections, err = loadSections(queryFiles); err != nil {
		panic("BUG: report queries: " + err.Error())
	}
}

// loadSections reads every queries/*.kql file in name order.
func loadSections(fsys fs.FS) ([]Section, error) {
	names, err := fs.Glob(fsys, "queries/*.kql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Section
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		s, err := parseSection(path.Base(name), string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func parseSection(file, text string) (Section, error) {
	s := Section{File: file, Query: text}
	id := strings.TrimSuffix(file, ".kql")
	if i := strings.IndexByte(id, '-'); i > 0 {
		id = id[i+1:]
	}
	s.ID = id
	var desc []string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "//") {
			break
		}
		c := strings.TrimSpace(strings.TrimPrefix(line, "//"))
		switch {
		case s.Title == "":
			s.Title = c
		case strings.HasPrefix(c, "chart:"):
			s.Chart = strings.TrimSpace(strings.TrimPrefix(c, "chart:"))
		default:
			desc = append(desc, c)
		}
	}
	s.Description = strings.Join(desc, " ")
	if s.Title == "" {
		return s, fmt.Errorf("no title comment")
	}
	if strings.Count(text, ClicksHeader) != 1 {
		return s, fmt.Errorf("the query must hold the Clicks let statement (report.ClicksHeader) exactly once")
	}
	return s, nil
}

// Sections returns the report's sections in order.
func Sections() []Section { return append([]Section(nil), sections...) }

// SectionByID returns the section with that ID.
func SectionByID(id string) (Section, bool) {
	for _, s := range sections {
		if s.ID == id {
			return s, true
		}
	}
	return Section{}, false
}

// QueryFiles returns each query file's name and text, for writing the
// examples copy and checking it.
func QueryFiles() map[string]string {
	m := map[string]string{}
	for _, s := range sections {
		m[s.File] = s.Query
	}
	return m
}

// Options configure a run.
type Options struct {
	// Now pins now() for the queries (zero: the clock).
	Now time.Time
	// MaxMemory bounds each query (0: no limit).
	MaxMemory int64
}

// Result is one section's outcome.
type Result struct {
	Section
	// KQL is the query as run: the section's query with the filters.
	KQL    string
	Schema column.Schema
	Batch  *column.Batch
	// Chart is the section's chart (nil when it has none); Panels its
	// series drawn one chart each, when the render asked for
	// ysplit=panels.
	Chart  *chart.Chart
	Panels []*chart.Chart
	// Heat is the heat map's grid when Section.Chart is "heatmap".
	Heat *Heatmap
}

// Rows is the number of result rows.
func (r *Result) Rows() int {
	if r.Batch == nil {
		return 0
	}
	return r.Batch.Len
}

// Report is every section run with one filter.
type Report struct {
	Generated time.Time
	Filter    Filter
	// TotalClicks is the filtered click count; First and Last the time
	// range of those clicks (zero when there are none).
	TotalClicks int64
	First, Last time.Time
	Sections    []*Result
}

// DataError says why the loaded data cannot give the report, in the
// user's terms (what is missing and which export brings it).
type DataError struct{ Msg string }

func (e *DataError) Error() string { return e.Msg }

// ClickColumnTypes are the UrlClickEvents columns the report reads and
// their types: ClicksHeader's datatable declares them, so a table that
// lacks one reads it as empty; one stored with another type cannot be
// read.
var ClickColumnTypes = column.Schema{
	{Name: "Timestamp", Type: column.Datetime}, {Name: "Url", Type: column.String}, {Name: "ActionType", Type: column.String},
	{Name: "AccountUpn", Type: column.String}, {Name: "Workload", Type: column.String}, {Name: "NetworkMessageId", Type: column.String},
	{Name: "IPAddress", Type: column.String}, {Name: "ThreatTypes", Type: column.String}, {Name: "IsClickedThrough", Type: column.Bool},
	{Name: "ReportId", Type: column.String}, {Name: "Verdict", Type: column.String}, {Name: "Action", Type: column.String},
	{Name: "Device", Type: column.String}, {Name: "Message Subject", Type: column.String},
}

// CheckClicks reports, as a *DataError, loaded data the report cannot
// read: no clicks at all, or a column it reads stored with another type.
func CheckClicks(snap *storage.Snapshot) error {
	return checkClicksOn(context.Background(), query.Local(snap))
}

// checkClicksOn is CheckClicks on any source (a Kusto cluster too).
func checkClicksOn(ctx context.Context, src query.Source) error {
	t, ok, err := src.TableSchema(ctx, "UrlClickEvents")
	if err != nil {
		return err
	}
	if !ok {
		return &DataError{"no Safe Links clicks in this database (no UrlClickEvents table): ingest a click export first (clickhunt ingest FILE): the portal's Safe Links report export, Get-UrlTrace, Advanced Hunting or Sentinel"}
	}
	var bad []string
	for _, f := range ClickColumnTypes {
		if i := t.Index(f.Name); i >= 0 && t[i].Type != f.Type {
			bad = append(bad, fmt.Sprintf("%s holds %s values, not %s", f.Name, t[i].Type, f.Type))
		}
	}
	if len(bad) > 0 {
		return &DataError{"the clicks in this database cannot give the report: " + strings.Join(bad, "; ") + " (an export stored them so; ingest it again with --source naming its kind)"}
	}
	return nil
}

// Run runs every section against snap with the filter.
func Run(ctx context.Context, snap *storage.Snapshot, f Filter, opts Options) (*Report, error) {
	return RunOn(ctx, query.Local(snap), f, opts)
}

// RunOn runs every section on src, the local database or a Kusto cluster
// (query.Source), with the filter.
func RunOn(ctx context.Context, src query.Source, f Filter, opts Options) (*Report, error) {
	if err := f.CheckOn(ctx, src); err != nil {
		return nil, err
	}
	rep := &Report{Generated: time.Now().UTC(), Filter: f}
	totals := f.Apply(ClicksHeader + "Clicks\n| summarize Clicks = count(), First = min(Timestamp), Last = max(Timestamp)\n")
	res, err := src.Run(ctx, totals, query.Options{Now: opts.Now, MaxMemory: opts.MaxMemory})
	if err != nil {
		return nil, fmt.Errorf("cannot count the clicks: %w", err)
	}
	if res.Batch.Len == 1 {
		rep.TotalClicks = res.Batch.Cols[0].Int(0)
		if !res.Batch.Cols[1].IsNull(0) {
			rep.First = column.TimeFromTicks(res.Batch.Cols[1].Int(0))
			rep.Last = column.TimeFromTicks(res.Batch.Cols[2].Int(0))
		}
	}
	for _, s := range sections {
		r, err := RunSectionOn(ctx, src, s, f, opts)
		if err != nil {
			return nil, err
		}
		rep.Sections = append(rep.Sections, r)
	}
	return rep, nil
}

// RunSection runs one section with the filter. It checks the data and the
// filter first (CheckClicks, Filter.Check).
func RunSection(ctx context.Context, snap *storage.Snapshot, s Section, f Filter, opts Options) (*Result, error) {
	return RunSectionOn(ctx, query.Local(snap), s, f, opts)
}

// RunSectionOn is RunSection on any source (a Kusto cluster too).
func RunSectionOn(ctx context.Context, src query.Source, s Section, f Filter, opts Options) (*Result, error) {
	if err := f.CheckOn(ctx, src); err != nil {
		return nil, err
	}
	r := &Result{Section: s, KQL: f.Apply(s.Query)}
	qopts := query.Options{Now: opts.Now, MaxMemory: opts.MaxMemory}
	res, err := src.Run(ctx, r.KQL, qopts)
	if err != nil {
		return nil, fmt.Errorf("section %q (%s): %w", s.Title, s.File, err)
	}
	r.Schema, r.Batch = res.Schema, res.Batch
	switch {
	case s.Chart == "heatmap":
		r.Heat = newHeatmap(res.Schema, res.Batch)
	case res.Render != nil && res.Batch.Len > 0:
		c, err := chart.Build(res.Schema, res.Batch, res.Render.Kind, res.Render.Properties, f.Location())
		if err != nil {
			return nil, fmt.Errorf("section %q: %w", s.Title, err)
		}
		r.Chart = c
		if p, _ := res.Render.Properties["ysplit"].(string); strings.EqualFold(p, "panels") {
			r.Panels = panels(c)
		}
	}
	return r, nil
}
