package chart

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"clickhunt/column"
)

// perWorkload is Clicks by Workload, as summarize gives it.
func perWorkload() (column.Schema, *column.Batch) {
	names := column.NewBuilder(column.String, 3)
	counts := column.NewBuilder(column.Long, 3)
	for i, n := range []string{"Email", "Teams", "Office"} {
		names.AppendString(n)
		counts.AppendInt(int64([]int{120, 45, 9}[i]))
	}
	return column.Schema{{Name: "Workload", Type: column.String}, {Name: "Clicks", Type: column.Long}},
		&column.Batch{Len: 3, Cols: []*column.Vector{names.Build(), counts.Build()}}
}

// perDay is Clicks by day and ActionType, rows out of time order.
func perDay() (column.Schema, *column.Batch) {
	day := column.TicksFromTime(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	ts := column.NewBuilder(column.Datetime, 6)
	act := column.NewBuilder(column.String, 6)
	n := column.NewBuilder(column.Long, 6)
	for i, d := range []int{2, 0, 1, 0, 1, 2} {
		ts.AppendInt(day + int64(d)*column.Day)
		act.AppendString([]string{"ClickAllowed", "ClickBlocked"}[i%2])
		n.AppendInt(int64(10 + 7*i))
	}
	return column.Schema{{Name: "Timestamp", Type: column.Datetime}, {Name: "ActionType", Type: column.String}, {Name: "Clicks", Type: column.Long}},
		&column.Batch{Len: 6, Cols: []*column.Vector{ts.Build(), act.Build(), n.Build()}}
}

var props = map[string]any{"title": "Clicks & more", "xtitle": "X axis", "ytitle": "Y axis"}

func TestBuild(t *testing.T) {
	schema, b := perDay()
	c, err := Build(schema, b, "timechart", props, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Labels, " "); got != "2024-03-01 2024-03-02 2024-03-03" {
		t.Errorf("labels %q", got)
	}
	if len(c.Series) != 2 || c.Series[0].Name != "ClickBlocked" || c.Series[1].Name != "ClickAllowed" {
		t.Fatalf("series %+v", c.Series)
	}
	// Rows 1 (day 0, blocked, 17) and 3 (day 0, blocked, 31).
	if v := c.Series[0].Values[0]; v != 17+31 {
		t.Errorf("blocked on day 0 = %v", v)
	}
	if c.Title != "Clicks & more" || c.XTitle != "X axis" || c.YTitle != "Y axis" {
		t.Errorf("titles %q %q %q", c.Title, c.XTitle, c.YTitle)
	}

	loc := time.FixedZone("X", 3600)
	c, _ = Build(schema, b, "timechart", nil, loc)
	if c.Labels[0] != "2024-03-01 01:00" {
		t.Errorf("label in +01:00: %q", c.Labels[0])
	}

	f := func(kind string, props map[string]any, want string) {
		t.Helper()
		schema, b := perWorkload()
		_, err := Build(schema, b, kind, props, nil)
		if err == nil || err.Error() != want {
			t.Errorf("Build(%s, %v) = %v, want %s", kind, props, err, want)
		}
	}
	f("timechart", nil, "a timechart needs a datetime column for its x axis")
	f("scatterchart", nil, "cannot draw a scatterchart (charts: barchart, columnchart, piechart, timechart, linechart, areachart)")
	f("barchart", map[string]any{"xcolumn": "Nope"}, "render: xcolumn Nope is not a column of the result")
}

// svgDoc is what the structure checks need of an SVG document.
type svgDoc struct {
	classes map[string]int
	texts   map[string]string // class -> first text
	all     []string          // every text
}

func parseSVG(t *testing.T, data []byte) svgDoc {
	t.Helper()
	d := svgDoc{classes: map[string]int{}, texts: map[string]string{}}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []string
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, data)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
			class := ""
			for _, a := range tok.Attr {
				if a.Name.Local == "class" {
					class = a.Value
					d.classes[class]++
				}
				if a.Name.Local == "href" || strings.Contains(a.Value, "http") && a.Name.Local != "xmlns" {
					t.Errorf("external reference %s=%q", a.Name.Local, a.Value)
				}
			}
			stack = append(stack, class)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && strings.TrimSpace(string(tok)) != "" {
				cl := stack[len(stack)-1]
				if _, ok := d.texts[cl]; !ok {
					d.texts[cl] = string(tok)
				}
				d.all = append(d.all, string(tok))
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q", root)
	}
	return d
}

func TestSVGEachKind(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			schema, b := perWorkload()
			if kind == "timechart" || kind == "linechart" || kind == "areachart" {
				schema, b = perDay()
			}
			c, err := Build(schema, b, kind, props, nil)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := WriteSVG(&buf, c); err != nil {
				t.Fatal(err)
			}
			d := parseSVG(t, buf.Bytes())
			if d.texts["title"] != "Clicks & more" {
				t.Errorf("title %q", d.texts["title"])
			}
			switch kind {
			case "piechart":
				if d.classes["slice"] != 3 {
					t.Errorf("%d slices, want 3", d.classes["slice"])
				}
				if d.classes["legend"] != 1 || !contains3(d.all, "Email", "Teams", "Office") {
					t.Errorf("legend missing: %v", d.all)
				}
				if d.classes["axis x"] != 0 {
					t.Error("a pie has no axes")
				}
				return
			case "barchart", "columnchart":
				if d.classes["bar"] != 3 {
					t.Errorf("%d bars, want 3", d.classes["bar"])
				}
				if !contains3(d.all, "Email", "Teams", "Office") {
					t.Errorf("category labels missing: %v", d.all)
				}
			default:
				if d.classes["line"] != 2 {
					t.Errorf("%d lines, want 2 (one per ActionType)", d.classes["line"])
				}
				if kind == "areachart" && d.classes["area"] != 2 {
					t.Errorf("%d areas, want 2", d.classes["area"])
				}
				if d.classes["legend"] != 1 || !contains3(d.all, "ClickAllowed", "ClickBlocked", "2024-03-02") {
					t.Errorf("legend or time labels missing: %v", d.all)
				}
			}
			if d.classes["axis x"] != 1 || d.classes["axis y"] != 1 {
				t.Errorf("axes: %v", d.classes)
			}
			if d.texts["xtitle"] != "X axis" || d.texts["ytitle"] != "Y axis" {
				t.Errorf("axis titles %q %q", d.texts["xtitle"], d.texts["ytitle"])
			}
			if d.classes["tick"] < 5 {
				t.Errorf("%d tick labels", d.classes["tick"])
			}
		})
	}
}

func contains3(all []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, s := range all {
			if s == w {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func TestHTMLAndPNG(t *testing.T) {
	schema, b := perDay()
	c, _ := Build(schema, b, "areachart", props, nil)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, c); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"<!DOCTYPE html>", "<svg ", "<title>Clicks &amp; more</title>", "<td>2024-03-01</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "http://", "https://cdn", "<link"} {
		if strings.Contains(strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, ""), bad) {
			t.Errorf("HTML holds %q: it must open offline", bad)
		}
	}
	buf.Reset()
	if err := WritePNG(&buf, c); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != Width || img.Bounds().Dy() != Height {
		t.Errorf("PNG is %v", img.Bounds())
	}
	// Some pixels carry the first series' colour.
	want := rgb(seriesColor(0))
	found := false
	for y := 0; y < Height && !found; y++ {
		for x := 0; x < Width; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if uint8(r>>8) == want.R && uint8(g>>8) == want.G && uint8(bl>>8) == want.B {
				found = true
				break
			}
		}
	}
	if !found {
		t.Error("no pixel of the first series' colour")
	}
}

func TestText(t *testing.T) {
	f := func(kind string, schema column.Schema, b *column.Batch, want ...string) {
		t.Helper()
		c, err := Build(schema, b, kind, map[string]any{"title": "T"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		WriteText(&buf, c, 80)
		out := buf.String()
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", kind, w, out)
			}
		}
		for _, line := range strings.Split(out, "\n") {
			if n := runeLen(line); n > 80 {
				t.Errorf("%s: line of %d columns: %q", kind, n, line)
			}
		}
	}
	s, b := perWorkload()
	f("barchart", s, b, "T\n", "Email  │"+strings.Repeat("█", 67)+" 120", "Office │█████ 9")
	f("piechart", s, b, " 69.0% (120)", "Teams ")
	f("columnchart", s, b, "120 ┤█████", "Email", "└")
	s, b = perDay()
	f("timechart", s, b, "┤", "2024-03-01", "2024-03-03", "• ClickBlocked", "∘ ClickAllowed", "min 45 max 48")
	f("areachart", s, b, "█ ClickBlocked")
	f("linechart", s, b, "└───")
}

func TestNiceTicks(t *testing.T) {
	got := niceTicks(0, 120, 5)
	if len(got) < 3 || got[0] != 0 || got[len(got)-1] < 120 || math.Mod(got[1], 5) != 0 {
		t.Errorf("niceTicks(0,120) = %v", got)
	}
}
