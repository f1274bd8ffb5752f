package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"

	"clickhunt/chart"
	"clickhunt/column"
	"clickhunt/output"
)

// Formats are the report's output formats.
var Formats = []string{"html", "csv", "json"}

// Write writes the report in format (html, csv or json).
func (rep *Report) Write(w io.Writer, format string) error {
	switch format {
	case "html":
		return rep.WriteHTML(w, PageOptions{})
	case "csv":
		return rep.WriteCSV(w)
	case "json":
		return rep.WriteJSON(w)
	}
	return fmt.Errorf("unknown format %q (expected html, csv or json)", format)
}

// jsonSection is a section in the JSON output.
type jsonSection struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Query       string          `json:"query"`
	Columns     []jsonColumn    `json:"columns"`
	Rows        json.RawMessage `json:"rows"`
}

type jsonColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// JSON returns the section as the JSON output and the API give it:
// rows are objects keyed by column name, as `clickhunt query --format
// json` writes them (datetimes ISO 8601 in UTC, whatever the zone).
func (r *Result) JSON() (any, error) {
	s := jsonSection{ID: r.ID, Title: r.Title, Description: r.Description, Query: r.KQL, Columns: []jsonColumn{}, Rows: json.RawMessage("[]")}
	for _, f := range r.Schema {
		s.Columns = append(s.Columns, jsonColumn{f.Name, f.Type.String()})
	}
	if r.Batch != nil {
		var buf bytes.Buffer
		if err := output.WriteJSON(&buf, r.Schema, r.Batch); err != nil {
			return nil, err
		}
		s.Rows = json.RawMessage(bytes.TrimSpace(buf.Bytes()))
	}
	return s, nil
}

// WriteJSON writes the report as one JSON object: generated, filter,
// time zone, totals and the sections with their queries and rows.
func (rep *Report) WriteJSON(w io.Writer) error {
	doc := struct {
		Generated   string `json:"generated"`
		Filter      string `json:"filter"`
		TimeZone    string `json:"timeZone"`
		TotalClicks int64  `json:"totalClicks"`
		First       string `json:"first,omitempty"`
		Last        string `json:"last,omitempty"`
		Sections    []any  `json:"sections"`
	}{Generated: rep.Generated.Format(time.RFC3339), Filter: rep.Filter.String(), TimeZone: rep.Filter.ZoneName(), TotalClicks: rep.TotalClicks}
	if !rep.First.IsZero() {
		doc.First, doc.Last = rep.First.Format(time.RFC3339Nano), rep.Last.Format(time.RFC3339Nano)
	}
	for _, r := range rep.Sections {
		s, err := r.JSON()
		if err != nil {
			return err
		}
		doc.Sections = append(doc.Sections, s)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // URLs keep their & as `clickhunt query --format json` writes them
	return enc.Encode(doc)
}

// localTime formats a datetime to the second in loc, as the page and the
// spreadsheet output show it.
func localTime(ticks int64, loc *time.Location) string {
	return column.TimeFromTicks(ticks).In(loc).Format("2006-01-02 15:04:05")
}

// sheetWriter writes result rows as CSV for spreadsheets: text cells
// that a spreadsheet would run as a formula get a leading quote
// (output.SpreadsheetSafe), and datetimes are written by the times
// function.
type sheetWriter struct {
	cw    *csv.Writer
	times func(ticks int64) string
	rec   []string
}

func newSheetWriter(w io.Writer, times func(int64) string) *sheetWriter {
	return &sheetWriter{cw: csv.NewWriter(w), times: times}
}

func (s *sheetWriter) header(schema column.Schema) error {
	s.rec = s.rec[:0]
	for _, f := range schema {
		s.rec = append(s.rec, output.SpreadsheetSafe(f.Name))
	}
	return s.cw.Write(s.rec)
}

// rows writes every row of b.
func (s *sheetWriter) rows(b *column.Batch) error {
	for r := 0; r < b.Len; r++ {
		s.rec = s.rec[:0]
		for _, v := range b.Cols {
			switch {
			case v.IsNull(r):
				s.rec = append(s.rec, "")
			case v.Type == column.Datetime:
				s.rec = append(s.rec, s.times(v.Int(r)))
			case v.Type == column.String || v.Type == column.Dynamic || v.Type == column.Guid:
				s.rec = append(s.rec, output.SpreadsheetSafe(column.FormatValue(v, r)))
			default:
				s.rec = append(s.rec, column.FormatValue(v, r))
			}
		}
		if err := s.cw.Write(s.rec); err != nil {
			return err
		}
	}
	return nil
}

func (s *sheetWriter) flush() error {
	s.cw.Flush()
	return s.cw.Error()
}

// WriteCSV writes the report for a spreadsheet: a first line "# Safe
// Links report: ..." saying the clicks, filter and time zone, then each
// section as a CSV table (header row, rows) after a line "# id: title",
// sections separated by a blank line. Datetimes are to the second in the
// report's zone; text a spreadsheet would run as a formula gets a
// leading quote.
func (rep *Report) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	loc := rep.Filter.Location()
	fmt.Fprintf(bw, "# Safe Links report: %d clicks, %s; times in %s\n", rep.TotalClicks, rep.Filter, rep.Filter.ZoneName())
	for _, r := range rep.Sections {
		fmt.Fprintf(bw, "\n# %s: %s\n", r.ID, r.Title)
		sw := newSheetWriter(bw, func(t int64) string { return localTime(t, loc) })
		if err := sw.header(r.Schema); err != nil {
			return err
		}
		if r.Batch != nil {
			if err := sw.rows(r.Batch); err != nil {
				return err
			}
		}
		if err := sw.flush(); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// PageOptions change the HTML page the server shows.
type PageOptions struct {
	// Form adds the filter form (the served page).
	Form bool
	// Query is the page's URL query, kept in the data links.
	Query string
	// Groups are the group names the form offers (serve --group-file).
	Groups []string
	// Tenants are the tenants the form offers (when the clicks carry a
	// tenant column).
	Tenants []string
	// SignOut adds a sign-out button (a server with a token).
	SignOut bool
}

// tableRows is how many rows a section's table holds in the page; the
// per-click sections hold more, of which the first openRows are shown
// and the rest on demand, so the sections under them stay in view.
func tableRows(id string) int {
	if perClick(id) {
		return 100
	}
	return 50
}

func perClick(id string) bool { return id == "clicks" || id == "clicked-through-phish" }

const openRows = 10

type pageCell struct {
	Text, Title string // Title: a datetime's exact UTC value, as a tooltip
	Class       string // n: a number; t: a time; w: long text that may wrap anywhere
}

type pageFigure struct{ Label, Value string }

type pageSection struct {
	*Result
	SVG       template.HTML
	Figures   []pageFigure
	Columns   []string
	Rows      [][]pageCell
	Later     [][]pageCell // rows shown on demand, under the first ones
	MoreRows  int
	Collapsed bool
}

type pageData struct {
	Rep                        *Report
	Opts                       PageOptions
	Zone                       string
	First, Last, Generated     string
	Figures                    *pageSection
	Sections                   []pageSection
	Verdicts, Actions, Sources []string
	F                          formValues
}

type formValues struct {
	From, To, Last, User, TZ               string
	Verdict, Action, Source, Group, Tenant map[string]bool
}

// WriteHTML writes the report as one self-contained HTML page: headline
// figures, then the sections, inline SVG charts, inline CSS, no script
// and nothing fetched from the network. Times are to the second in the
// report's zone.
func (rep *Report) WriteHTML(w io.Writer, opts PageOptions) error {
	f := rep.Filter
	loc := f.Location()
	d := pageData{Rep: rep, Opts: opts, Zone: f.ZoneName(), Verdicts: Verdicts, Actions: Actions, Sources: Sources,
		Generated: rep.Generated.In(loc).Format("2006-01-02 15:04:05")}
	if !rep.First.IsZero() {
		d.First, d.Last = rep.First.In(loc).Format("2006-01-02 15:04:05"), rep.Last.In(loc).Format("2006-01-02 15:04:05")
	}
	d.F = formValues{User: strings.Join(f.Users, ","), Verdict: set(f.Verdicts), Action: set(f.Actions), Source: set(f.Sources),
		Group: set(f.Groups), Tenant: set(f.Tenants), TZ: f.Zone}
	if !f.From.IsZero() {
		d.F.From = f.From.In(loc).Format("2006-01-02T15:04:05")
	}
	if !f.To.IsZero() {
		d.F.To = f.To.In(loc).Format("2006-01-02T15:04:05")
	}
	if f.Last > 0 {
		d.F.Last = kqlTimespan(f.Last)
	}
	for _, r := range rep.Sections {
		ps := pageSection{Result: r}
		switch {
		case r.Section.Chart == "figures":
			if r.Batch != nil && r.Batch.Len > 0 {
				for j, c := range r.Schema {
					ps.Figures = append(ps.Figures, pageFigure{c.Name, figureText(r.Batch.Cols[j], 0)})
				}
			}
		case r.Heat != nil:
			ps.SVG = template.HTML(r.Heat.SVG(r.Title, d.Zone))
			ps.Collapsed = true // the picture says it; the 168 cells are data
		case len(r.Panels) > 0:
			ps.SVG = template.HTML(panelsSVG(r.Chart.Title, r.Panels)) // panelsSVG escapes every text it writes
			ps.Collapsed = true
		case r.Chart != nil:
			var buf bytes.Buffer
			if err := chart.WriteSVG(&buf, r.Chart); err != nil {
				return err
			}
			ps.SVG = template.HTML(buf.String()) // chart escapes every text it writes
			ps.Collapsed = r.Rows() > 12
		}
		if r.Batch != nil && ps.Figures == nil {
			for _, c := range r.Schema {
				ps.Columns = append(ps.Columns, c.Name)
			}
			n := min(r.Batch.Len, tableRows(r.ID))
			ps.MoreRows = r.Batch.Len - n
			for i := 0; i < n; i++ {
				row := make([]pageCell, len(r.Schema))
				for j, c := range r.Schema {
					v := r.Batch.Cols[j]
					switch {
					case v.IsNull(i):
					case c.Type == column.Datetime:
						row[j] = pageCell{Text: localTime(v.Int(i), loc), Title: column.FormatValue(v, i), Class: "t"}
					case c.Type.IsNumeric():
						row[j] = pageCell{Text: column.FormatValue(v, i), Class: "n"}
					default:
						row[j] = pageCell{Text: column.FormatValue(v, i)}
					}
				}
				ps.Rows = append(ps.Rows, row)
			}
			// Text columns holding a long unbroken value (a URL, an id)
			// may wrap anywhere; the others keep each word whole.
			for j := range r.Schema {
				long := false
				for _, row := range ps.Rows {
					for _, w := range strings.Fields(row[j].Text) {
						long = long || len(w) > 28
					}
				}
				for _, row := range ps.Rows {
					if long && row[j].Class == "" {
						row[j].Class = "w"
					}
				}
			}
		}
		if perClick(r.ID) && len(ps.Rows) > openRows+2 {
			ps.Rows, ps.Later = ps.Rows[:openRows], ps.Rows[openRows:]
		}
		if ps.Figures != nil && d.Figures == nil {
			fig := ps
			d.Figures = &fig
			continue
		}
		d.Sections = append(d.Sections, ps)
	}
	return pageTemplate().Execute(w, d)
}

// figureText formats a headline figure: counts with thousands
// separators.
func figureText(v *column.Vector, i int) string {
	if v.IsNull(i) {
		return "–"
	}
	switch v.Type {
	case column.Long, column.Int:
		return formatCount(float64(v.Int(i)))
	case column.Real:
		return formatCount(v.Float(i))
	}
	return column.FormatValue(v, i)
}

func set(vals []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range vals {
		m[v] = true
	}
	return m
}

// pageTemplate is parsed on first use, not at every process start.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Funcs(template.FuncMap{
		"add": func(a, b int) int { return a + b },
		"tbl": func(cols []string, rows [][]pageCell) any {
			return struct {
				Columns []string
				Rows    [][]pageCell
			}{cols, rows}
		},
		"count": func(n int64) string {
			return formatCount(float64(n))
		},
	}).Parse(pageHTML))
})

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Safe Links report</title>
<style>
body{font-family:Helvetica,Arial,sans-serif;margin:0;color:#222;background:#f4f5f7}
header{background:#1f3a5f;color:#fff;padding:1em 2em}
header h1{margin:0 0 .2em 0;font-size:1.6em}
header p{margin:.1em 0;opacity:.9}
main{padding:1em 2em;max-width:1400px}
nav ol{columns:2;padding-left:1.5em;margin:.4em 0}
section{background:#fff;border:1px solid #dde;border-radius:6px;padding:1em 1.5em;margin:1em 0}
section h2{margin:.2em 0;font-size:1.25em}
.desc{color:#555;margin:.3em 0 .8em 0}
svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ccd;padding:2px 6px;text-align:left;max-width:420px;overflow-wrap:break-word;vertical-align:top}
th{background:#eef1f5}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.t{white-space:nowrap;font-variant-numeric:tabular-nums}
td.w{overflow-wrap:anywhere;min-width:11em}
pre{background:#f6f8fa;border:1px solid #dde;padding:.8em;overflow-x:auto;font-size:.85em}
details summary{cursor:pointer;color:#1f5fa8;margin:.3em 0}
.figures{display:flex;flex-wrap:wrap;gap:1em}
.figure{flex:1 1 160px;background:#f6f8fb;border:1px solid #dde;border-radius:6px;padding:.7em 1em}
.figure .value{display:block;font-size:2em;font-weight:bold;color:#1f3a5f;font-variant-numeric:tabular-nums}
.figure .label{color:#444}
.more{color:#555}
.scroll{overflow-x:auto}
.side{display:flex;flex-wrap:wrap;gap:1em 2em;align-items:center}
.side svg{flex:0 1 800px}
form.filters{background:#fff;border:1px solid #dde;border-radius:6px;padding:.8em 1.5em;display:flex;flex-wrap:wrap;gap:.6em 1.5em;align-items:flex-end}
form.filters label{display:flex;flex-direction:column;font-size:.85em;color:#444}
form.filters fieldset{border:1px solid #dde;font-size:.85em}
form.filters button{padding:.4em 1.2em}
</style>
</head>
<body>
<header>
<h1>Safe Links report</h1>
<p><strong>{{count .Rep.TotalClicks}} clicks</strong>{{if .First}} from {{.First}} to {{.Last}}{{end}} &middot; times in {{.Zone}}</p>
<p>{{.Rep.Filter}} &middot; generated {{.Generated}} by clickhunt from the local database; every figure is the KQL query shown under it.</p>
</header>
<main>
{{if .Opts.Form}}<form class="filters" method="get" action="/">
<label>From ({{.Zone}})<input type="text" name="from" value="{{.F.From}}" placeholder="2023-12-01"></label>
<label>To ({{.Zone}})<input type="text" name="to" value="{{.F.To}}" placeholder="2023-12-31"></label>
<label>Last<select name="last"><option value="">all</option>{{$l := .F.Last}}{{range $v := .LastChoices}}<option value="{{$v}}"{{if eq $v $l}} selected{{end}}>{{$v}}</option>{{end}}</select></label>
<fieldset><legend>Verdict</legend>{{$s := .F.Verdict}}{{range .Verdicts}}<label style="flex-direction:row"><input type="checkbox" name="verdict" value="{{.}}"{{if index $s .}} checked{{end}}>{{.}}</label>{{end}}</fieldset>
<fieldset><legend>Action</legend>{{$s := .F.Action}}{{range .Actions}}<label style="flex-direction:row"><input type="checkbox" name="action" value="{{.}}"{{if index $s .}} checked{{end}}>{{.}}</label>{{end}}</fieldset>
<fieldset><legend>Source</legend>{{$s := .F.Source}}{{range .Sources}}<label style="flex-direction:row"><input type="checkbox" name="source" value="{{.}}"{{if index $s .}} checked{{end}}>{{.}}</label>{{end}}</fieldset>
<label>User (UPN)<input type="text" name="user" value="{{.F.User}}" placeholder="ana@contoso.com"></label>
{{if .Opts.Groups}}<label>Group<select name="group" multiple size="3">{{$s := .F.Group}}{{range .Opts.Groups}}<option value="{{.}}"{{if index $s .}} selected{{end}}>{{.}}</option>{{end}}</select></label>{{end}}
{{if .Opts.Tenants}}<label>Tenant<select name="tenant" multiple size="3">{{$s := .F.Tenant}}{{range .Opts.Tenants}}<option value="{{.}}"{{if index $s .}} selected{{end}}>{{.}}</option>{{end}}</select></label>{{end}}
<label>Time zone<input type="text" name="tz" value="{{.F.TZ}}" placeholder="UTC"></label>
<button type="submit">Apply</button> <a href="/">reset</a>
<a href="/api/reports/exchange/safe-links?{{.Opts.Query}}">clicks as JSON</a>
</form>{{if .Opts.SignOut}}<form method="post" action="/logout"><button type="submit">Sign out</button></form>{{end}}{{end}}
{{with .Figures}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
<div class="figures">{{range .Figures}}<div class="figure"><span class="value">{{.Value}}</span><span class="label">{{.Label}}</span></div>{{end}}</div>
<p class="desc">{{.Description}}</p>
<details class="kql"><summary>KQL ({{.File}})</summary>
<pre>{{.KQL}}</pre>
</details>
</section>{{end}}
<nav><ol>{{range .Sections}}<li><a href="#{{.ID}}">{{.Title}}</a></li>{{end}}</ol></nav>
{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
<p class="desc">{{.Description}}</p>
{{if and .SVG (not .Collapsed)}}<div class="side">{{end}}{{.SVG}}
{{if .Rows}}{{if .Collapsed}}<details><summary>Data ({{len .Rows}}{{if .MoreRows}} of {{add (len .Rows) .MoreRows}}{{end}} rows)</summary>{{end}}
{{template "table" (tbl .Columns .Rows)}}
{{if .Later}}<details class="later"><summary>{{len .Later}} more</summary>
{{template "table" (tbl .Columns .Later)}}
</details>{{end}}{{if .MoreRows}}<p class="more">{{.MoreRows}} more rows: in the CSV or JSON report, or run the query.</p>{{end}}
{{if .Collapsed}}</details>{{end}}{{else}}<p>No clicks.</p>{{end}}{{if and .SVG (not .Collapsed)}}</div>{{end}}
<details class="kql"><summary>KQL ({{.File}})</summary>
<pre>{{.KQL}}</pre>
</details>
</section>
{{end}}
</main>
</body>
</html>
{{define "table"}}<div class="scroll"><table><thead><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td{{with .Class}} class="{{.}}"{{end}}{{with .Title}} title="{{.}}"{{end}}>{{.Text}}</td>{{end}}</tr>
{{end}}</tbody></table></div>{{end}}`

// LastChoices are the --last values the page's form offers.
func (pageData) LastChoices() []string { return []string{"7d", "30d", "90d"} }
