package chart

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"
)

// WriteText draws the chart in a terminal width columns wide with Unicode
// block characters: horizontal bars for barchart and piechart (with
// percentages), vertical columns for columnchart, and a plot of eighth
// blocks plus one sparkline per series for timechart, linechart and
// areachart. No colour codes are used, so the text can be piped or saved.
func WriteText(w io.Writer, c *Chart, width int) error {
	if width < 40 {
		width = 40
	}
	bw := bufio.NewWriter(w)
	if c.Title != "" {
		fmt.Fprintf(bw, "%s\n\n", c.Title)
	}
	_, _, any := c.valueRange()
	switch {
	case !any:
		bw.WriteString("(no values to draw)\n")
	case c.Kind == "barchart":
		c.textBars(bw, width)
	case c.Kind == "piechart":
		c.textPie(bw, width)
	case c.Kind == "columnchart":
		c.textColumns(bw, width)
	default:
		c.textPlot(bw, width)
	}
	return bw.Flush()
}

// eighths are the left-aligned partial blocks for horizontal bars.
var eighths = []rune{' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'}

// lower are the bottom-aligned partial blocks for columns and sparklines.
var lower = []rune{' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'}

// hbar draws v/max of n cells with eighth-block precision.
func hbar(frac float64, n int) string {
	if frac < 0 || math.IsNaN(frac) {
		frac = 0
	}
	units := int(math.Round(frac * float64(n*8)))
	s := strings.Repeat("█", units/8)
	if units%8 > 0 {
		s += string(eighths[units%8])
	}
	return s
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func padRight(s string, n int) string {
	if d := n - runeLen(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// markers tell series apart without colour.
var markers = []string{"█", "▓", "▒", "░", "▚", "▞"}

func (c *Chart) textBars(w *bufio.Writer, width int) {
	_, hi, _ := c.valueRange()
	labelW := 0
	for _, l := range c.Labels {
		labelW = max(labelW, runeLen(l))
	}
	labelW = min(labelW, width/3)
	numW := 0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				numW = max(numW, len(formatNum(v)))
			}
		}
	}
	barW := max(width-labelW-numW-4, 5)
	multi := len(c.Series) > 1
	if c.XTitle != "" || c.YTitle != "" {
		fmt.Fprintf(w, "%s │ %s\n", padRight(cut(c.XTitle, labelW), labelW), c.YTitle)
	}
	for i, label := range c.Labels {
		for si, s := range c.Series {
			name := ""
			if si == 0 {
				name = cut(label, labelW)
			}
			v := s.Values[i]
			bar := hbar(v/hi, barW)
			if multi {
				bar = strings.ReplaceAll(bar, "█", markers[si%len(markers)])
			}
			num := ""
			if !math.IsNaN(v) {
				num = formatNum(v)
			}
			fmt.Fprintf(w, "%s │%s %s\n", padRight(name, labelW), bar, num)
		}
	}
	c.textLegend(w)
}

func (c *Chart) textPie(w *bufio.Writer, width int) {
	idx, vals, total := c.slices()
	labelW := 0
	for _, i := range idx {
		labelW = max(labelW, runeLen(c.Labels[i]))
	}
	labelW = min(labelW, width/3)
	barW := max(width-labelW-20, 5)
	for k, v := range vals {
		frac := v / total
		fmt.Fprintf(w, "%s │%s %5.1f%% (%s)\n", padRight(cut(c.Labels[idx[k]], labelW), labelW), padRight(hbar(frac, barW), barW), 100*frac, formatNum(v))
	}
}

func (c *Chart) textColumns(w *bufio.Writer, width int) {
	const height = 10
	lo, hi, _ := c.valueRange()
	if lo < 0 {
		// Negative columns do not fit the block characters: draw bars.
		c.textBars(w, width)
		return
	}
	ns := len(c.Series)
	n := len(c.Labels)
	axisW := len(formatNum(hi)) + 1
	colW := max(1, min(6, (width-axisW-2)/max(n*ns+n, 1)))
	if (colW*ns+1)*n > width-axisW-2 {
		// Too many columns for the width: bars read better.
		c.textBars(w, width)
		return
	}
	if c.YTitle != "" {
		fmt.Fprintf(w, "%s\n", c.YTitle)
	}
	for row := height - 1; row >= 0; row-- {
		axis := strings.Repeat(" ", axisW)
		if row == height-1 {
			axis = fmt.Sprintf("%*s", axisW, formatNum(hi))
		} else if row == 0 {
			axis = fmt.Sprintf("%*s", axisW, "0")
		}
		var line strings.Builder
		line.WriteString(axis + " ┤")
		for i := 0; i < n; i++ {
			for si, s := range c.Series {
				units := 0
				if v := s.Values[i]; !math.IsNaN(v) && hi > 0 {
					units = int(math.Round(v / hi * height * 8))
				}
				cell := " "
				switch {
				case units >= (row+1)*8:
					cell = "█"
					if ns > 1 {
						cell = markers[si%len(markers)]
					}
				case units > row*8:
					cell = string(lower[units-row*8])
				}
				line.WriteString(strings.Repeat(cell, colW))
			}
			line.WriteString(" ")
		}
		w.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	fmt.Fprintf(w, "%s └%s\n", strings.Repeat(" ", axisW), strings.Repeat("─", (colW*ns+1)*n))
	// Labels: numbered under each group when they do not fit, listed below.
	groupW := colW*ns + 1
	fits := true
	for _, l := range c.Labels {
		if runeLen(l) > groupW-1 {
			fits = false
		}
	}
	var line strings.Builder
	line.WriteString(strings.Repeat(" ", axisW+2))
	for i, l := range c.Labels {
		if !fits {
			l = fmt.Sprint(i + 1)
		}
		line.WriteString(padRight(cut(l, groupW-1), groupW))
	}
	w.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	if c.XTitle != "" {
		fmt.Fprintf(w, "%s%s\n", strings.Repeat(" ", axisW+2), c.XTitle)
	}
	if !fits {
		for i, l := range c.Labels {
			var vals []string
			for _, s := range c.Series {
				if v := s.Values[i]; !math.IsNaN(v) {
					vals = append(vals, formatNum(v))
				}
			}
			fmt.Fprintf(w, "  %2d %s: %s\n", i+1, l, strings.Join(vals, ", "))
		}
	}
	c.textLegend(w)
}

// textPlot draws line, area and time charts: a plot of height rows where
// each column is one x position (resampled to the width), then one
// sparkline per series with its range.
func (c *Chart) textPlot(w *bufio.Writer, width int) {
	const height = 8
	lo, hi, _ := c.valueRange()
	axisW := max(len(formatNum(hi)), len(formatNum(lo))) + 1
	plotW := width - axisW - 2
	n := len(c.Labels)
	cols := min(plotW, 100)
	sample := func(s Series, x int) float64 { return resample(s.Values, x, cols) }
	if c.YTitle != "" {
		fmt.Fprintf(w, "%s\n", c.YTitle)
	}
	grid := make([][]string, height)
	for r := range grid {
		grid[r] = make([]string, cols)
		for x := range grid[r] {
			grid[r][x] = " "
		}
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	for si, s := range c.Series {
		mark := "•"
		if si > 0 {
			mark = []string{"∘", "×", "+", "◆", "▪"}[(si-1)%5]
		}
		for x := 0; x < cols; x++ {
			v := sample(s, x)
			if math.IsNaN(v) {
				continue
			}
			units := int(math.Round((v - lo) / span * (height*8 - 1)))
			top := units / 8
			if c.Kind == "areachart" && si == 0 {
				for r := 0; r < top; r++ {
					grid[r][x] = "█"
				}
				grid[top][x] = string(lower[units%8+1])
				continue
			}
			grid[top][x] = mark
		}
	}
	for r := height - 1; r >= 0; r-- {
		axis := strings.Repeat(" ", axisW)
		switch r {
		case height - 1:
			axis = fmt.Sprintf("%*s", axisW, formatNum(hi))
		case 0:
			axis = fmt.Sprintf("%*s", axisW, formatNum(lo))
		}
		w.WriteString(strings.TrimRight(axis+" ┤"+strings.Join(grid[r], ""), " ") + "\n")
	}
	fmt.Fprintf(w, "%s └%s\n", strings.Repeat(" ", axisW), strings.Repeat("─", cols))
	// First and last x labels under the axis ends.
	if n > 0 {
		first, last := c.Labels[0], c.Labels[n-1]
		gap := cols - runeLen(first) - runeLen(last)
		if n == 1 || gap < 1 {
			fmt.Fprintf(w, "%s  %s\n", strings.Repeat(" ", axisW), first)
		} else {
			fmt.Fprintf(w, "%s  %s%s%s\n", strings.Repeat(" ", axisW), first, strings.Repeat(" ", gap), last)
		}
	}
	if c.XTitle != "" {
		fmt.Fprintf(w, "%s  %s\n", strings.Repeat(" ", axisW), c.XTitle)
	}
	// Sparklines with each series' own range.
	nameW := 0
	for _, s := range c.Series {
		nameW = max(nameW, runeLen(s.Name))
	}
	nameW = min(nameW, 24)
	sparkW := max(min(n, width-nameW-30), 5)
	w.WriteString("\n")
	for si, s := range c.Series {
		smin, smax := math.Inf(1), math.Inf(-1)
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				smin, smax = math.Min(smin, v), math.Max(smax, v)
			}
		}
		var sb strings.Builder
		k := min(sparkW, n)
		for x := 0; x < k; x++ {
			v := bucketMean(s.Values, x, k)
			if math.IsNaN(v) {
				sb.WriteRune(' ')
				continue
			}
			lvl := 1
			if smax > smin {
				lvl = 1 + int(math.Round((v-smin)/(smax-smin)*7))
			}
			sb.WriteRune(lower[lvl])
		}
		mark := "•"
		if si > 0 {
			mark = []string{"∘", "×", "+", "◆", "▪"}[(si-1)%5]
		}
		if c.Kind == "areachart" && si == 0 {
			mark = "█"
		}
		fmt.Fprintf(w, "%s %s %s  min %s max %s\n", mark, padRight(cut(s.Name, nameW), nameW), sb.String(), formatNum(smin), formatNum(smax))
	}
}

func (c *Chart) textLegend(w *bufio.Writer) {
	if !c.showLegend() || c.Kind == "piechart" {
		return
	}
	var parts []string
	for si, s := range c.Series {
		parts = append(parts, markers[si%len(markers)]+" "+s.Name)
	}
	fmt.Fprintf(w, "\n%s\n", strings.Join(parts, "   "))
}

// bucketMean is the mean of the non-NaN values in bucket x of k equal
// buckets over vals (NaN when there are none).
func bucketMean(vals []float64, x, k int) float64 {
	n := len(vals)
	a, b := x*n/k, (x+1)*n/k
	sum, cnt := 0.0, 0
	for i := a; i < max(b, a+1) && i < n; i++ {
		if !math.IsNaN(vals[i]) {
			sum += vals[i]
			cnt++
		}
	}
	if cnt == 0 {
		return math.NaN()
	}
	return sum / float64(cnt)
}

// resample is the value of plot column x of cols: the mean of the values
// it covers when there are more values than columns, else the value
// interpolated between the two nearest points (NaN next to a gap).
func resample(vals []float64, x, cols int) float64 {
	n := len(vals)
	if n > cols {
		return bucketMean(vals, x, cols)
	}
	if n == 1 || cols == 1 {
		return vals[0]
	}
	t := float64(x) * float64(n-1) / float64(cols-1)
	i := int(t)
	if i >= n-1 {
		return vals[n-1]
	}
	f := t - float64(i)
	if f == 0 {
		return vals[i]
	}
	return vals[i]*(1-f) + vals[i+1]*f
}
