package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clickhunt/column"
	"clickhunt/query"
)

func replLines(t *testing.T, s *session, lines ...string) {
	t.Helper()
	s.repl(context.Background(), &scriptReader{lines: lines})
}

func TestDotHelpTopic(t *testing.T) {
	s, _, out, errb := newTestSession("table", "")
	replLines(t, s, ".help where", ".help bin", ".help wher", ".help count")
	got := out.String()
	where := topicsNamed("where")[0] // the registry's words
	for _, want := range []string{
		"where (operator): " + where.Description + "\n\n  " + where.Syntax + "\n\nExample:\n  " + where.Example + "\n\nDocumentation: " + where.DocURL + "\n",
		"bin (function): ", "  bin(Value, RoundTo)\n",
		"count (operator)", "count (aggregation)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	checkText(t, "stderr", errb.String(), "error: no help on \"wher\" (did you mean where?); .help lists the topics\n")
}

func TestDotFormatTimingOutput(t *testing.T) {
	s, _, out, errb := newTestSession("table", "")
	file := filepath.Join(t.TempDir(), "out.csv")
	replLines(t, s, ".format vertical", "UrlClickEvents;", ".timing on", ".output "+file, ".format csv", "UrlClickEvents;", ".output", ".timing off", "UrlClickEvents | count;")
	checkText(t, "stdout", out.String(), `-[ RECORD 1 ]-------------
Url    | https://a.example
Clicks | 3
-[ RECORD 2 ]-------------
Url    | https://b.example, "x"
Clicks | 1
(2 rows)
results were written to `+file+`
Count
3
`)
	if !strings.Contains(errb.String(), "Time: ") || !strings.Contains(errb.String(), " rows read, 0 of 0 blocks\n") {
		t.Errorf("no timing line on stderr:\n%s", errb.String())
	}
	data, _ := os.ReadFile(file)
	checkText(t, "file", string(data), "Url,Clicks\nhttps://a.example,3\n\"https://b.example, \"\"x\"\"\",1\n")
}

// tzEngine returns one datetime row and a render.
type tzEngine struct{ fakeEngine }

func (e *tzEngine) Run(ctx context.Context, text string, now time.Time) (*query.Result, error) {
	b := column.NewBuilder(column.Datetime, 1)
	b.AppendInt(column.TicksFromTime(time.Date(2024, 3, 1, 23, 30, 0, 0, time.UTC)))
	n := column.NewBuilder(column.Long, 1)
	n.AppendInt(7)
	res := &query.Result{Schema: column.Schema{{Name: "Timestamp", Type: column.Datetime}, {Name: "Clicks", Type: column.Long}},
		Batch: &column.Batch{Len: 1, Cols: []*column.Vector{b.Build(), n.Build()}}}
	if strings.Contains(text, "render") {
		res.Render = &query.Render{Kind: "timechart", Properties: map[string]any{"title": "Per day"}}
	}
	return res, nil
}

func TestDotTZAndRender(t *testing.T) {
	s, _, out, errb := newTestSession("table", "")
	s.eng = &tzEngine{}
	svg := filepath.Join(t.TempDir(), "c.svg")
	replLines(t, s, ".tz +02:00", "T;", ".tz", ".render "+svg, "T | render timechart;", ".render "+svg)
	got := out.String()
	for _, want := range []string{"2024-03-02T01:30:00+02:00", "tz: +02:00", "Per day\n", "(timechart of 1 rows", "timechart written to " + svg} {
		if !strings.Contains(got, want) {
			t.Errorf("stdout lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(errb.String(), "error: the last query has no render operator") {
		t.Errorf("stderr: %s", errb.String())
	}
	if data, err := os.ReadFile(svg); err != nil || !strings.Contains(string(data), "<svg") {
		t.Errorf("no SVG written: %v", err)
	}
}

func TestPrefs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clickhunt", "config")
	p := prefs{DB: "/data/db", Format: "vertical", TZ: "Europe/Berlin", Now: "2024-03-01T12:00:00Z", Timing: true, Pager: "off", AcceptedDomain: "contoso.com, contoso.co.uk"}
	if err := p.save(path); err != nil {
		t.Fatal(err)
	}
	got, err := loadPrefs(path)
	if err != nil || got != p {
		t.Errorf("loadPrefs = %+v, %v; want %+v", got, err, p)
	}
	os.WriteFile(path, []byte("# c\nformat = xml\n"), 0o600)
	if _, err := loadPrefs(path); err == nil || !strings.Contains(err.Error(), "config:2: format must be one of") {
		t.Errorf("bad format: %v", err)
	}
	os.WriteFile(path, []byte("accepted-domain = contoso.com, alice@contoso.com\n"), 0o600)
	if _, err := loadPrefs(path); err == nil || !strings.Contains(err.Error(), `config:1: accepted-domain: "alice@contoso.com" is not a domain`) {
		t.Errorf("bad accepted-domain: %v", err)
	}
	os.WriteFile(path, []byte("colour = red\n"), 0o600)
	if _, err := loadPrefs(path); err == nil || !strings.Contains(err.Error(), `unknown setting "colour"`) {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := loadZone("Mars/Olympus"); err == nil {
		t.Error("loadZone accepted a bad zone")
	}
	if loc, err := loadZone("-05:30"); err != nil || time.Date(2024, 1, 1, 0, 0, 0, 0, loc).UTC().Hour() != 5 {
		t.Errorf("loadZone(-05:30) = %v, %v", loc, err)
	}
}
