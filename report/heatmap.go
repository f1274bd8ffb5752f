package report

import (
	"fmt"
	"math"
	"strings"

	"clickhunt/column"
)

// Heatmap is clicks by day of week (rows, 0 Sunday) and hour (columns).
type Heatmap struct {
	Cells [7][24]int64
	Max   int64
}

// newHeatmap reads a result with Weekday, Hour and Clicks columns.
func newHeatmap(schema column.Schema, b *column.Batch) *Heatmap {
	h := &Heatmap{}
	wi, hi, ci := schema.Index("Weekday"), schema.Index("Hour"), schema.Index("Clicks")
	if wi < 0 || hi < 0 || ci < 0 {
		return h
	}
	for r := 0; r < b.Len; r++ {
		if b.Cols[wi].IsNull(r) || b.Cols[hi].IsNull(r) || b.Cols[ci].IsNull(r) {
			continue
		}
		d, hr := b.Cols[wi].Int(r), b.Cols[hi].Int(r)
		if d < 0 || d > 6 || hr < 0 || hr > 23 {
			continue
		}
		h.Cells[d][hr] += b.Cols[ci].Int(r)
		h.Max = max(h.Max, h.Cells[d][hr])
	}
	return h
}

var weekdays = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// SVG draws the heat map: one cell per weekday and hour of zone, darker
// for more clicks, each with a <title> tooltip giving the count.
func (h *Heatmap) SVG(title, zone string) string {
	const (
		left, top, cw, ch = 50, 44, 30, 30
		width             = left + 24*cw + 20
		height            = top + 7*ch + 40
	)
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", width, height, width, height)
	p("<title>%s</title>\n", esc(title))
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p(`<text class="title" x="%d" y="26" text-anchor="middle" font-size="18" font-weight="bold">%s</text>`+"\n", width/2, esc(title))
	for d := 0; d < 7; d++ {
		y := top + d*ch
		p(`<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", left-6, y+ch/2+4, weekdays[d])
		for hr := 0; hr < 24; hr++ {
			v := h.Cells[d][hr]
			f := 0.0
			if h.Max > 0 {
				f = math.Sqrt(float64(v) / float64(h.Max)) // sqrt: quiet hours stay visible
			}
			// From near-white to the palette's blue.
			r, g, bl := 247-int(f*(247-31)), 251-int(f*(251-119)), 255-int(f*(255-180))
			p(`<rect class="cell" x="%d" y="%d" width="%d" height="%d" fill="rgb(%d,%d,%d)" stroke="#ffffff"><title>%s %02d:00 %s: %d clicks</title></rect>`+"\n",
				left+hr*cw, y, cw, ch, r, g, bl, weekdays[d], hr, esc(zone), v)
		}
	}
	for hr := 0; hr < 24; hr += 2 {
		p(`<text class="tick" x="%d" y="%d" text-anchor="middle">%02d</text>`+"\n", left+hr*cw+cw/2, top+7*ch+16, hr)
	}
	p(`<text class="xtitle" x="%d" y="%d" text-anchor="middle">hour of day (%s); darkest: %d clicks</text>`+"\n", left+12*cw, top+7*ch+34, esc(zone), h.Max)
	p("</svg>\n")
	return b.String()
}

func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
