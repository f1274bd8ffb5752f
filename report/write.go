package report

import (
	"bytes"
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
	Note        string          `json:"note,omitempty"`
	Columns     []jsonColumn    `json:"columns"`
	Rows        json.RawMessage `json:"rows"`
}

type jsonColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// JSON returns the section as the JSON output and the API give it:
// rows are objects keyed by column name, as `clickhunt query --format
// json` writes them.
func (r *Result) JSON() (any, error) {
	s := jsonSection{ID: r.ID, Title: r.Title, Description: r.Description, Query: r.KQL, Note: r.Note, Columns: []jsonColumn{}, Rows: json.RawMessage("[]")}
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
// totals and the sections with their queries and rows.
func (rep *Report) WriteJSON(w io.Writer) error {
	doc := struct {
		Generated   string `json:"generated"`
		Filter      string `json:"filter"`
		TotalClicks int64  `json:"totalClicks"`
		First       string `json:"first,omitempty"`
		Last        string `json:"last,omitempty"`
		Sections    []any  `json:"sections"`
	}{Generated: rep.Generated.Format(time.RFC3339), Filter: rep.Filter.String(), TotalClicks: rep.TotalClicks}
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
	return enc.Encode(doc)
}

// WriteCSV writes each section as a CSV table (header row, rows) preceded
// by a line "# id: title"; sections are separated by a blank line.
func (rep *Report) WriteCSV(w io.Writer) error {
	for i, r := range rep.Sections {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(w, "# %s: %s\n", r.ID, r.Title); err != nil {
			return err
		}
		if r.Batch == nil {
			if _, err := fmt.Fprintf(w, "# %s\n", r.Note); err != nil {
				return err
			}
			continue
		}
		if err := output.WriteCSV(w, r.Schema, r.Batch); err != nil {
			return err
		}
	}
	return nil
}

// PageOptions change the HTML page the server shows.
type PageOptions struct {
	// Form adds the filter form (the served page).
	Form bool
	// Query is the page's URL query, kept in the data links.
	Query string
}

// maxTableRows is how many rows a section's table shows in the page.
const maxTableRows = 50

type pageSection struct {
	*Result
	SVG       template.HTML
	Columns   []string
	Rows      [][]string
	Right     []bool // numeric columns, right-aligned
	MoreRows  int
	Collapsed bool
}

type pageData struct {
	Rep                        *Report
	Opts                       PageOptions
	Sections                   []pageSection
	Verdicts, Actions, Sources []string
	F                          formValues
}

type formValues struct {
	From, To, Last, User    string
	Verdict, Action, Source map[string]bool
}

// WriteHTML writes the report as one self-contained HTML page: inline SVG
// charts, inline CSS, no script and nothing fetched from the network.
func (rep *Report) WriteHTML(w io.Writer, opts PageOptions) error {
	d := pageData{Rep: rep, Opts: opts, Verdicts: Verdicts, Actions: Actions, Sources: Sources}
	f := rep.Filter
	d.F = formValues{User: strings.Join(f.Users, ","), Verdict: set(f.Verdicts), Action: set(f.Actions), Source: set(f.Sources)}
	if !f.From.IsZero() {
		d.F.From = f.From.UTC().Format("2006-01-02T15:04:05")
	}
	if !f.To.IsZero() {
		d.F.To = f.To.UTC().Format("2006-01-02T15:04:05")
	}
	if f.Last > 0 {
		d.F.Last = kqlTimespan(f.Last)
	}
	for _, r := range rep.Sections {
		ps := pageSection{Result: r}
		switch {
		case r.Heat != nil:
			ps.SVG = template.HTML(r.Heat.SVG(r.Title))
			ps.Collapsed = true // the picture says it; the 168 cells are data
		case r.Chart != nil:
			var buf bytes.Buffer
			if err := chart.WriteSVG(&buf, r.Chart); err != nil {
				return err
			}
			ps.SVG = template.HTML(buf.String()) // chart escapes every text it writes
			ps.Collapsed = r.Rows() > 12
		}
		if r.Batch != nil {
			for _, c := range r.Schema {
				ps.Columns = append(ps.Columns, c.Name)
				ps.Right = append(ps.Right, c.Type.IsNumeric())
			}
			n := min(r.Batch.Len, maxTableRows)
			ps.MoreRows = r.Batch.Len - n
			for i := 0; i < n; i++ {
				row := make([]string, len(r.Schema))
				for j := range r.Schema {
					row[j] = column.FormatValue(r.Batch.Cols[j], i)
				}
				ps.Rows = append(ps.Rows, row)
			}
		}
		d.Sections = append(d.Sections, ps)
	}
	return pageTemplate().Execute(w, d)
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
		"datetime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"add":      func(a, b int) int { return a + b },
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
header p{margin:0;opacity:.85}
main{padding:1em 2em;max-width:1200px}
nav ol{columns:2;padding-left:1.5em}
section{background:#fff;border:1px solid #dde;border-radius:6px;padding:1em 1.5em;margin:1em 0}
section h2{margin:.2em 0;font-size:1.25em}
.desc{color:#555;margin:.3em 0 .8em 0}
.note{color:#8a5a00;background:#fff6e0;padding:.5em 1em;border-radius:4px}
svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ccd;padding:2px 8px;text-align:left;max-width:480px;overflow-wrap:anywhere}
th{background:#eef1f5}
td.n{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f6f8fa;border:1px solid #dde;padding:.8em;overflow-x:auto;font-size:.85em}
details summary{cursor:pointer;color:#1f5fa8;margin:.3em 0}
.totals{font-size:1.1em}
form.filters{background:#fff;border:1px solid #dde;border-radius:6px;padding:.8em 1.5em;display:flex;flex-wrap:wrap;gap:.6em 1.5em;align-items:flex-end}
form.filters label{display:flex;flex-direction:column;font-size:.85em;color:#444}
form.filters fieldset{border:1px solid #dde;font-size:.85em}
form.filters button{padding:.4em 1.2em}
</style>
</head>
<body>
<header>
<h1>Safe Links report</h1>
<p>{{.Rep.Filter}} &middot; generated {{datetime .Rep.Generated}} by clickhunt from the local database; every figure is the KQL query shown under it.</p>
</header>
<main>
{{if .Opts.Form}}<form class="filters" method="get" action="/">
<label>From (UTC)<input type="text" name="from" value="{{.F.From}}" placeholder="2023-12-01"></label>
<label>To (UTC)<input type="text" name="to" value="{{.F.To}}" placeholder="2023-12-31"></label>
<label>Last<select name="last"><option value="">all</option>{{$l := .F.Last}}{{range $v := .LastChoices}}<option value="{{$v}}"{{if eq $v $l}} selected{{end}}>{{$v}}</option>{{end}}</select></label>
<fieldset><legend>Verdict</legend>{{$s := .F.Verdict}}{{range .Verdicts}}<label style="flex-direction:row"><input type="checkbox" name="verdict" value="{{.}}"{{if index $s .}} checked{{end}}>{{.}}</label>{{end}}</fieldset>
<fieldset><legend>Action</legend>{{$s := .F.Action}}{{range .Actions}}<label style="flex-direction:row"><input type="checkbox" name="action" value="{{.}}"{{if index $s .}} checked{{end}}>{{.}}</label>{{end}}</fieldset>
<fieldset><legend>Source</legend>{{$s := .F.Source}}{{range .Sources}}<label style="flex-direction:row"><input type="checkbox" name="source" value="{{.}}"{{if index $s .}} checked{{end}}>{{.}}</label>{{end}}</fieldset>
<label>User (UPN)<input type="text" name="user" value="{{.F.User}}" placeholder="ana@contoso.com"></label>
<button type="submit">Apply</button> <a href="/">reset</a>
<a href="/api/reports/exchange/safe-links?{{.Opts.Query}}">clicks as JSON</a>
</form>{{end}}
<p class="totals"><strong>{{.Rep.TotalClicks}}</strong> clicks{{if not .Rep.First.IsZero}}, {{datetime .Rep.First}} to {{datetime .Rep.Last}}{{end}}.</p>
<nav><ol>{{range .Sections}}<li><a href="#{{.ID}}">{{.Title}}</a></li>{{end}}</ol></nav>
{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
<p class="desc">{{.Description}}</p>
{{if .Note}}<p class="note">{{.Note}}</p>{{else}}{{.SVG}}
{{if .Rows}}{{if .Collapsed}}<details><summary>Data ({{len .Rows}}{{if .MoreRows}} of {{add (len .Rows) .MoreRows}}{{end}} rows)</summary>{{end}}
<table><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>
{{$right := .Right}}{{range .Rows}}<tr>{{range $i, $c := .}}<td{{if index $right $i}} class="n"{{end}}>{{$c}}</td>{{end}}</tr>
{{end}}</table>{{if .MoreRows}}<p>{{.MoreRows}} more rows: run the query.</p>{{end}}
{{if .Collapsed}}</details>{{end}}{{else}}<p>No rows.</p>{{end}}{{end}}
<details class="kql"><summary>KQL ({{.File}})</summary>
<pre>{{.KQL}}</pre>
</details>
</section>
{{end}}
</main>
</body>
</html>
`

// LastChoices are the --last values the page's form offers.
func (pageData) LastChoices() []string { return []string{"7d", "30d", "90d"} }
