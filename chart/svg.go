package chart

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Size of the pictures, in SVG user units (and PNG pixels).
const (
	Width  = 800
	Height = 450
)

// layout is the plot area inside the picture.
type layout struct {
	left, top, right, bottom float64 // plot area edges
	legendX                  float64
}

func (c *Chart) layout() layout {
	l := layout{left: 70, top: 44, right: Width - 20, bottom: Height - 60}
	if c.Kind == "barchart" {
		// Category labels sit left of the bars.
		longest := 0
		for _, s := range c.Labels {
			longest = max(longest, len([]rune(s)))
		}
		l.left = math.Min(40+float64(min(longest, 28))*6.5, 260)
	}
	if c.showLegend() {
		l.right = Width - 170
		l.legendX = Width - 160
	}
	if c.Kind == "piechart" {
		l.bottom = Height - 20
	}
	return l
}

// showLegend reports whether the chart draws a legend: when the query did
// not hide it and there are several series, or slices of a pie.
func (c *Chart) showLegend() bool {
	return c.Legend && (len(c.Series) > 1 || c.Kind == "piechart")
}

// WriteSVG writes the chart as a standalone SVG document. Elements carry
// classes so the picture can be restyled and tested: "title", "xtitle",
// "ytitle", "axis x", "axis y", "tick", "grid", "bar", "line", "area",
// "point", "slice", "legend".
func WriteSVG(w io.Writer, c *Chart) error {
	bw := bufio.NewWriter(w)
	c.svg(bw)
	return bw.Flush()
}

func (c *Chart) svg(w *bufio.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", Width, Height, Width, Height)
	p(`<title>%s</title>`+"\n", esc(c.titleOr(c.Kind)))
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	if c.Title != "" {
		p(`<text class="title" x="%d" y="26" text-anchor="middle" font-size="18" font-weight="bold">%s</text>`+"\n", Width/2, esc(c.Title))
	}
	l := c.layout()
	if c.Kind == "piechart" {
		c.svgPie(w, l)
	} else {
		c.svgAxes(w, l)
	}
	if c.showLegend() {
		p(`<g class="legend">` + "\n")
		names := c.legendNames()
		for i, name := range names {
			y := l.top + 8 + float64(i)*20
			if i == 20 && len(names) > 21 {
				p(`<text x="%.1f" y="%.1f">… %d more</text>`+"\n", l.legendX, y+4, len(names)-20)
				break
			}
			p(`<rect x="%.1f" y="%.1f" width="12" height="12" fill="%s"/>`, l.legendX, y-6, seriesColor(i))
			p(`<text x="%.1f" y="%.1f">%s</text>`+"\n", l.legendX+18, y+4, esc(cut(name, 22)))
		}
		p("</g>\n")
	}
	p("</svg>\n")
}

func (c *Chart) titleOr(def string) string {
	if c.Title != "" {
		return c.Title
	}
	return def
}

// legendNames are the series names, or the slice labels of a pie.
func (c *Chart) legendNames() []string {
	if c.Kind == "piechart" {
		return c.Labels
	}
	names := make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i] = s.Name
	}
	return names
}

func (c *Chart) svgAxes(w *bufio.Writer, l layout) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	lo, hi, _ := c.valueRange()
	ticks := niceTicks(lo, hi, 5)
	n := len(c.Labels)
	sc := c.axisScale(l, ticks)
	horizontal, band, val, pos := sc.horizontal, sc.band, sc.val, sc.pos
	vmin := ticks[0]

	// Grid and value ticks.
	p(`<g class="grid" stroke="#e5e5e5">` + "\n")
	for _, t := range ticks {
		if horizontal {
			p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n", val(t), l.top, val(t), l.bottom)
		} else {
			p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n", l.left, val(t), l.right, val(t))
		}
	}
	p("</g>\n")

	// Data.
	ns := len(c.Series)
	for si, s := range c.Series {
		col := seriesColor(si)
		switch {
		case !c.isLine():
			p(`<g class="series" fill="%s">`+"\n", col)
			inner := band * 0.8 / float64(ns)
			for i, v := range s.Values {
				if math.IsNaN(v) {
					continue
				}
				off := pos(i) - band*0.4 + float64(si)*inner
				a, b := val(math.Max(vmin, 0)), val(v)
				if horizontal {
					p(`<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`+"\n",
						math.Min(a, b), off, math.Abs(b-a), inner, esc(c.Labels[i]), formatNum(v))
				} else {
					p(`<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`+"\n",
						off, math.Min(a, b), inner, math.Abs(b-a), esc(c.Labels[i]), formatNum(v))
				}
			}
			p("</g>\n")
		default:
			var pts []string
			for i, v := range s.Values {
				if !math.IsNaN(v) {
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", pos(i), val(v)))
				}
			}
			if len(pts) == 0 {
				continue
			}
			if c.Kind == "areachart" {
				first := strings.Split(pts[0], ",")[0]
				last := strings.Split(pts[len(pts)-1], ",")[0]
				base := val(math.Max(vmin, 0))
				p(`<path class="area" fill="%s" fill-opacity="0.35" stroke="none" d="M%s,%.1f L%s L%s,%.1f Z"/>`+"\n", col, first, base, strings.Join(pts, " L"), last, base)
			}
			p(`<path class="line" fill="none" stroke="%s" stroke-width="2" d="M%s"><title>%s</title></path>`+"\n", col, strings.Join(pts, " L"), esc(s.Name))
			if len(pts) <= 60 {
				for _, pt := range pts {
					xy := strings.Split(pt, ",")
					p(`<circle class="point" cx="%s" cy="%s" r="2.5" fill="%s"/>`+"\n", xy[0], xy[1], col)
				}
			}
		}
	}

	// Axes.
	p(`<g class="axis x" stroke="#333333">` + "\n")
	p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n", l.left, l.bottom, l.right, l.bottom)
	p("</g>\n")
	p(`<g class="axis y" stroke="#333333">` + "\n")
	p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n", l.left, l.top, l.left, l.bottom)
	p("</g>\n")

	// Value tick labels.
	p(`<g class="ticks value" fill="#333333" stroke="none">` + "\n")
	for _, t := range ticks {
		if horizontal {
			p(`<text class="tick" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", val(t), l.bottom+16, formatNum(t))
		} else {
			p(`<text class="tick" x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", l.left-6, val(t)+4, formatNum(t))
		}
	}
	p("</g>\n")

	// Category or time labels: at most about 12 along x, 25 along y.
	p(`<g class="ticks category" fill="#333333" stroke="none">` + "\n")
	limit := c.labelLimit(l)
	if horizontal {
		limit = 25
	}
	step := max(1, (n+limit-1)/limit)
	for i := 0; i < n; i += step {
		if horizontal {
			p(`<text class="tick" x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", l.left-6, pos(i)+4, esc(cut(c.Labels[i], 28)))
		} else {
			p(`<text class="tick" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", pos(i), l.bottom+16, esc(cut(c.Labels[i], 20)))
		}
	}
	p("</g>\n")

	// Axis titles: xtitle names the category/time axis, ytitle the values.
	catTitle, valTitle := c.XTitle, c.YTitle
	if horizontal {
		if catTitle != "" {
			p(`<text class="xtitle" transform="translate(14,%.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n", (l.top+l.bottom)/2, esc(catTitle))
		}
		if valTitle != "" {
			p(`<text class="ytitle" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", (l.left+l.right)/2, l.bottom+40, esc(valTitle))
		}
		return
	}
	if catTitle != "" {
		p(`<text class="xtitle" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", (l.left+l.right)/2, l.bottom+40, esc(catTitle))
	}
	if valTitle != "" {
		p(`<text class="ytitle" transform="translate(16,%.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n", (l.top+l.bottom)/2, esc(valTitle))
	}
}

func (c *Chart) isLine() bool {
	return c.Kind == "timechart" || c.Kind == "linechart" || c.Kind == "areachart"
}

// slices returns the pie's positive values with their labels' indexes and
// the total.
func (c *Chart) slices() (idx []int, vals []float64, total float64) {
	if len(c.Series) == 0 {
		return nil, nil, 0
	}
	for i, v := range c.Series[0].Values {
		if !math.IsNaN(v) && v > 0 {
			idx = append(idx, i)
			vals = append(vals, v)
			total += v
		}
	}
	return idx, vals, total
}

func (c *Chart) svgPie(w *bufio.Writer, l layout) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	cx, cy := (l.left+l.right)/2, (l.top+l.bottom)/2
	r := math.Min(l.right-l.left, l.bottom-l.top)/2 - 10
	idx, vals, total := c.slices()
	p(`<g class="pie" stroke="#ffffff" stroke-width="1">` + "\n")
	angle := -math.Pi / 2
	for k, v := range vals {
		i := idx[k]
		frac := v / total
		label := fmt.Sprintf("%s: %s (%.1f%%)", c.Labels[i], formatNum(v), 100*frac)
		if frac >= 0.9999 {
			p(`<circle class="slice" cx="%.1f" cy="%.1f" r="%.1f" fill="%s"><title>%s</title></circle>`+"\n", cx, cy, r, seriesColor(i), esc(label))
			continue
		}
		a2 := angle + frac*2*math.Pi
		large := 0
		if frac > 0.5 {
			large = 1
		}
		p(`<path class="slice" fill="%s" d="M%.1f,%.1f L%.1f,%.1f A%.1f,%.1f 0 %d 1 %.1f,%.1f Z"><title>%s</title></path>`+"\n",
			seriesColor(i), cx, cy, cx+r*math.Cos(angle), cy+r*math.Sin(angle), r, r, large, cx+r*math.Cos(a2), cy+r*math.Sin(a2), esc(label))
		if frac >= 0.04 {
			mid := (angle + a2) / 2
			p(`<text class="percent" x="%.1f" y="%.1f" text-anchor="middle" fill="#ffffff" stroke="none">%.0f%%</text>`+"\n",
				cx+0.65*r*math.Cos(mid), cy+0.65*r*math.Sin(mid)+4, 100*frac)
		}
		angle = a2
	}
	p("</g>\n")
}

func esc(s string) string { return html.EscapeString(s) }

// cut shortens s to n runes, ending in "…".
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// WriteHTML writes a standalone HTML page holding the chart as inline SVG
// and the data as a table: it opens offline, with no script.
func WriteHTML(w io.Writer, c *Chart) error {
	bw := bufio.NewWriter(w)
	title := esc(c.titleOr("clickhunt " + c.Kind))
	fmt.Fprintf(bw, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n", title)
	bw.WriteString("<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}th:first-child,td:first-child{text-align:left}</style>\n</head>\n<body>\n")
	c.svg(bw)
	bw.WriteString("<details><summary>Data</summary>\n<table>\n<tr><th>")
	bw.WriteString(esc(c.XTitle))
	bw.WriteString("</th>")
	for _, s := range c.Series {
		fmt.Fprintf(bw, "<th>%s</th>", esc(s.Name))
	}
	bw.WriteString("</tr>\n")
	for i, label := range c.Labels {
		fmt.Fprintf(bw, "<tr><td>%s</td>", esc(label))
		for _, s := range c.Series {
			v := ""
			if !math.IsNaN(s.Values[i]) {
				v = formatNum(s.Values[i])
			}
			fmt.Fprintf(bw, "<td>%s</td>", v)
		}
		bw.WriteString("</tr>\n")
	}
	bw.WriteString("</table>\n</details>\n</body>\n</html>\n")
	return bw.Flush()
}

// labelLimit is how many x labels fit side by side under the plot (about
// 7 units per character, cut at 20 characters).
func (c *Chart) labelLimit(l layout) int {
	longest := 1
	for _, s := range c.Labels {
		longest = max(longest, min(len([]rune(s)), 20))
	}
	return max(1, int((l.right-l.left)/(float64(longest)*7+12)))
}

// scale maps values and category indexes onto a chart's plot area; the SVG
// and PNG renderers share it.
type scale struct {
	horizontal bool    // barchart: values along x, categories along y
	band       float64 // the width of one category's band
	// val places a value along the value axis; pos places category or
	// time index i (band centres for bars, edge to edge for lines).
	val func(v float64) float64
	pos func(i int) float64
}

func (c *Chart) axisScale(l layout, ticks []float64) scale {
	vmin, vmax := ticks[0], ticks[len(ticks)-1]
	n := len(c.Labels)
	s := scale{horizontal: c.Kind == "barchart"}
	s.val = func(v float64) float64 {
		f := (v - vmin) / (vmax - vmin)
		if s.horizontal {
			return l.left + f*(l.right-l.left)
		}
		return l.bottom - f*(l.bottom-l.top)
	}
	s.band = (l.right - l.left) / float64(max(n, 1))
	if s.horizontal {
		s.band = (l.bottom - l.top) / float64(max(n, 1))
	}
	s.pos = func(i int) float64 {
		if s.horizontal {
			return l.top + (float64(i)+0.5)*s.band
		}
		if c.isLine() {
			if n <= 1 {
				return (l.left + l.right) / 2
			}
			if c.Times != nil && c.Times[n-1] > c.Times[0] {
				return l.left + float64(c.Times[i]-c.Times[0])/float64(c.Times[n-1]-c.Times[0])*(l.right-l.left)
			}
			return l.left + float64(i)/float64(n-1)*(l.right-l.left)
		}
		return l.left + (float64(i)+0.5)*s.band
	}
	return s
}
