package chart

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strconv"
)

// WritePNG draws the chart as a PNG picture (Width×Height pixels) with the
// same layout as the SVG: bars, lines, areas or pie slices, axes, tick
// labels, titles and legend, text in a built-in 5×7 pixel font.
func WritePNG(w io.Writer, c *Chart) error {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{255, 255, 255, 255}), image.Point{}, draw.Src)
	ink := color.RGBA{0x33, 0x33, 0x33, 255}
	if c.Title != "" {
		drawText(img, (Width-textWidthPx(c.Title, 2))/2, 10, c.Title, 2, ink)
	}
	l := c.layout()
	if c.Kind == "piechart" {
		c.pngPie(img, l)
	} else {
		c.pngAxes(img, l, ink)
	}
	if c.showLegend() {
		for i, name := range c.legendNames() {
			if i == 20 {
				break
			}
			y := int(l.top) + 2 + i*20
			fillRect(img, l.legendX, float64(y), l.legendX+12, float64(y+12), rgb(seriesColor(i)))
			drawText(img, int(l.legendX)+18, y+3, cut(name, 22), 1, ink)
		}
	}
	return png.Encode(w, img)
}

func rgb(hex string) color.RGBA {
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
}

func fillRect(img *image.RGBA, x0, y0, x1, y1 float64, col color.RGBA) {
	r := image.Rect(int(math.Round(math.Min(x0, x1))), int(math.Round(math.Min(y0, y1))), int(math.Round(math.Max(x0, x1))), int(math.Round(math.Max(y0, y1))))
	if r.Dx() == 0 {
		r.Max.X++
	}
	if r.Dy() == 0 {
		r.Max.Y++
	}
	draw.Draw(img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

// drawLine draws a line of width about 2 pixels.
func drawLine(img *image.RGBA, x0, y0, x1, y1 float64, col color.RGBA) {
	steps := int(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))) + 1
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		x, y := int(x0+t*(x1-x0)), int(y0+t*(y1-y0))
		img.SetRGBA(x, y, col)
		img.SetRGBA(x+1, y, col)
		img.SetRGBA(x, y+1, col)
	}
}

func blend(a, b color.RGBA, f float64) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(float64(x)*(1-f) + float64(y)*f) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
}

func (c *Chart) pngAxes(img *image.RGBA, l layout, ink color.RGBA) {
	lo, hi, _ := c.valueRange()
	ticks := niceTicks(lo, hi, 5)
	n := len(c.Labels)
	sc := c.axisScale(l, ticks)
	horizontal, band, val, pos := sc.horizontal, sc.band, sc.val, sc.pos
	vmin := ticks[0]
	grid := color.RGBA{0xe5, 0xe5, 0xe5, 255}
	for _, t := range ticks {
		if horizontal {
			fillRect(img, val(t), l.top, val(t), l.bottom, grid)
			s := formatNum(t)
			drawText(img, int(val(t))-textWidthPx(s, 1)/2, int(l.bottom)+8, s, 1, ink)
		} else {
			fillRect(img, l.left, val(t), l.right, val(t), grid)
			s := formatNum(t)
			drawText(img, int(l.left)-6-textWidthPx(s, 1), int(val(t))-3, s, 1, ink)
		}
	}
	ns := len(c.Series)
	white := color.RGBA{255, 255, 255, 255}
	for si, s := range c.Series {
		col := rgb(seriesColor(si))
		if !c.isLine() {
			inner := band * 0.8 / float64(ns)
			for i, v := range s.Values {
				if math.IsNaN(v) {
					continue
				}
				off := pos(i) - band*0.4 + float64(si)*inner
				a, b := val(math.Max(vmin, 0)), val(v)
				if horizontal {
					fillRect(img, a, off, b, off+inner, col)
				} else {
					fillRect(img, off, a, off+inner, b, col)
				}
			}
			continue
		}
		type pt struct{ x, y float64 }
		var pts []pt
		for i, v := range s.Values {
			if !math.IsNaN(v) {
				pts = append(pts, pt{pos(i), val(v)})
			}
		}
		if c.Kind == "areachart" {
			base := val(math.Max(vmin, 0))
			fillc := blend(white, col, 0.35)
			for k := 1; k < len(pts); k++ {
				for x := int(pts[k-1].x); x <= int(pts[k].x); x++ {
					t := 0.0
					if pts[k].x > pts[k-1].x {
						t = (float64(x) - pts[k-1].x) / (pts[k].x - pts[k-1].x)
					}
					y := pts[k-1].y + t*(pts[k].y-pts[k-1].y)
					fillRect(img, float64(x), y, float64(x+1), base, fillc)
				}
			}
		}
		for k := 1; k < len(pts); k++ {
			drawLine(img, pts[k-1].x, pts[k-1].y, pts[k].x, pts[k].y, col)
		}
		if len(pts) == 1 {
			fillRect(img, pts[0].x-2, pts[0].y-2, pts[0].x+2, pts[0].y+2, col)
		}
	}
	fillRect(img, l.left, l.bottom, l.right, l.bottom+1, ink)
	fillRect(img, l.left-1, l.top, l.left, l.bottom, ink)
	limit := c.labelLimit(l)
	if horizontal {
		limit = 25
	}
	step := max(1, (n+limit-1)/limit)
	for i := 0; i < n; i += step {
		if horizontal {
			s := cut(c.Labels[i], 28)
			drawText(img, int(l.left)-6-textWidthPx(s, 1), int(pos(i))-3, s, 1, ink)
		} else {
			s := cut(c.Labels[i], 20)
			drawText(img, int(pos(i))-textWidthPx(s, 1)/2, int(l.bottom)+8, s, 1, ink)
		}
	}
	catTitle, valTitle := c.XTitle, c.YTitle
	if horizontal {
		catTitle, valTitle = valTitle, catTitle
	}
	if catTitle != "" {
		drawText(img, int((l.left+l.right)/2)-textWidthPx(catTitle, 1)/2, int(l.bottom)+32, catTitle, 1, ink)
	}
	if valTitle != "" {
		// No rotated text in the pixel font: the value title sits above
		// the value axis.
		drawText(img, 8, int(l.top)-14, valTitle, 1, ink)
	}
}

func (c *Chart) pngPie(img *image.RGBA, l layout) {
	cx, cy := (l.left+l.right)/2, (l.top+l.bottom)/2
	r := math.Min(l.right-l.left, l.bottom-l.top)/2 - 10
	idx, vals, total := c.slices()
	if total <= 0 {
		return
	}
	// Cumulative end angles, clockwise from 12 o'clock, as fractions.
	ends := make([]float64, len(vals))
	acc := 0.0
	for k, v := range vals {
		acc += v / total
		ends[k] = acc
	}
	for y := int(cy - r); y <= int(cy+r); y++ {
		for x := int(cx - r); x <= int(cx+r); x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			if dx*dx+dy*dy > r*r {
				continue
			}
			a := math.Atan2(dy, dx) + math.Pi/2 // 0 at 12 o'clock
			if a < 0 {
				a += 2 * math.Pi
			}
			f := a / (2 * math.Pi)
			for k, e := range ends {
				if f <= e || k == len(ends)-1 {
					img.SetRGBA(x, y, rgb(seriesColor(idx[k])))
					break
				}
			}
		}
	}
}
