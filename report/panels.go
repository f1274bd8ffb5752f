package report

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"clickhunt/chart"
)

// panels splits a chart into one chart per series, largest total first:
// Kusto's render property ysplit=panels. Each panel gets its own scale, so
// a verdict with a handful of clicks a day stays readable beside Safe's
// thousands.
func panels(c *chart.Chart) []*chart.Chart {
	var out []*chart.Chart
	for _, s := range c.Series {
		out = append(out, &chart.Chart{Kind: c.Kind, Title: s.Name, Labels: c.Labels, Times: c.Times, Series: []chart.Series{s}})
	}
	sort.SliceStable(out, func(i, j int) bool { return total(out[i].Series[0]) > total(out[j].Series[0]) })
	return out
}

func total(s chart.Series) float64 {
	t := 0.0
	for _, v := range s.Values {
		if !math.IsNaN(v) {
			t += v
		}
	}
	return t
}

// panelColors follow the verdicts: Safe green, the threats red and
// orange; other names get the chart palette's blue.
var panelColors = map[string]string{
	"Safe": "#2e7d32", "Malicious": "#c62828", "Blocked": "#6a1b9a", "Pending Verdict": "#f9a825", "User Override": "#ef6c00",
}

// panelsSVG draws small multiples: one row per panel with its name, total
// and peak, an area of its values on its own scale, and the x labels
// under the last row. Each point has a <title> tooltip.
func panelsSVG(title string, ps []*chart.Chart) string {
	const (
		width, left, right = 800, 170, 20
		top, rowH, gap     = 40, 64, 14
	)
	if len(ps) == 0 {
		return ""
	}
	height := top + len(ps)*(rowH+gap) + 30
	plotW := float64(width - left - right)
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<svg class="panels" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", width, height, width, height)
	p("<title>%s</title>\n", esc(title))
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p(`<text class="title" x="%d" y="24" text-anchor="middle" font-size="16" font-weight="bold">%s</text>`+"\n", width/2, esc(title))
	labels := ps[0].Labels
	n := len(labels)
	x := func(i int) float64 {
		if n <= 1 {
			return float64(left) + plotW/2
		}
		return float64(left) + plotW*float64(i)/float64(n-1)
	}
	for k, c := range ps {
		s := c.Series[0]
		y0 := float64(top + k*(rowH+gap))
		base := y0 + rowH
		peak := 0.0
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				peak = math.Max(peak, v)
			}
		}
		color := panelColors[s.Name]
		if color == "" {
			color = "#1f77b4"
		}
		p(`<g class="panel">`+"\n"+`<text x="8" y="%.1f" font-weight="bold">%s</text>`+"\n", y0+18, esc(cut(s.Name, 22)))
		p(`<text x="8" y="%.1f" fill="#555">%s clicks</text>`+"\n", y0+36, formatCount(total(s)))
		p(`<text x="8" y="%.1f" fill="#555">peak %s a day</text>`+"\n", y0+52, formatCount(peak))
		p(`<line class="axis" x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#999"/>`+"\n", left, base, width-right, base)
		if peak > 0 {
			var pts []string
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(0), base))
			for i, v := range s.Values {
				if math.IsNaN(v) {
					v = 0
				}
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), base-(v/peak)*(rowH-6)))
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(n-1), base))
			p(`<polygon class="area" points="%s" fill="%s" fill-opacity="0.25" stroke="none"/>`+"\n", strings.Join(pts, " "), color)
			p(`<polyline class="line" points="%s" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n", strings.Join(pts[1:len(pts)-1], " "), color)
			for i, v := range s.Values {
				if math.IsNaN(v) {
					v = 0
				}
				p(`<circle class="point" cx="%.1f" cy="%.1f" r="2" fill="%s"><title>%s: %s %s</title></circle>`+"\n", x(i), base-(v/peak)*(rowH-6), color, esc(labels[i]), formatCount(v), esc(s.Name))
			}
			p(`<text class="tick" x="%d" y="%.1f" text-anchor="end" fill="#777">%s</text>`+"\n", left-6, y0+10, formatCount(peak))
			p(`<text class="tick" x="%d" y="%.1f" text-anchor="end" fill="#777">0</text>`+"\n", left-6, base)
		}
		p("</g>\n")
	}
	// x labels under the last panel, at most about eight.
	last := float64(top + len(ps)*(rowH+gap) - gap)
	step := max(1, (n+7)/8)
	for i := 0; i < n; i += step {
		p(`<text class="tick" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x(i), last+16, esc(labels[i]))
	}
	p("</svg>\n")
	return b.String()
}

// formatCount writes a count with thousands separators (1,234).
func formatCount(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	if v != math.Trunc(v) {
		s = fmt.Sprintf("%.1f", v)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var out []byte
	for i := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, intPart[i])
	}
	r := string(out)
	if frac != "" {
		r += "." + frac
	}
	if neg {
		r = "-" + r
	}
	return r
}

// cut shortens s to n runes with an ellipsis.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
