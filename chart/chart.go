// Package chart draws a query result as the chart its render operator asked
// for: in a terminal with Unicode blocks and sparklines, or as an SVG, HTML
// or PNG picture that opens offline (no script, no network). It knows
// nothing of the engine: it takes a schema, a batch, the chart kind and the
// render properties.
//
// How columns become a chart follows Kusto's render operator
// (https://learn.microsoft.com/kusto/query/render-operator): the x axis is
// the xcolumn property, else the first column (for timechart the first
// datetime column); the y series are the ycolumns property, else every
// numeric column; the remaining string columns split the series (one
// series per distinct value), as Kusto's "series" does.
package chart

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"clickhunt/column"
)

// Kinds are the chart kinds this package draws.
var Kinds = []string{"barchart", "columnchart", "piechart", "timechart", "linechart", "areachart"}

// Supported reports whether kind is one of Kinds.
func Supported(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Series is one named line, set of bars or set of pie slices, one value per
// x position (NaN where the result has none).
type Series struct {
	Name   string
	Values []float64
}

// Chart is a result laid out for drawing.
type Chart struct {
	Kind                  string
	Title, XTitle, YTitle string
	// Legend is false when the query said legend=hidden.
	Legend bool
	// Labels name the x positions (categories, or formatted times).
	Labels []string
	// Times holds the x positions of a time axis in datetime ticks (nil
	// for categories).
	Times  []int64
	Series []Series
}

// Build lays out a result as a chart of kind (one of Kinds) with the render
// operator's properties (title, xtitle, ytitle, legend, xcolumn, ycolumns,
// series). loc is the time zone time labels are shown in (nil means UTC).
func Build(schema column.Schema, b *column.Batch, kind string, props map[string]any, loc *time.Location) (*Chart, error) {
	if !Supported(kind) {
		return nil, fmt.Errorf("cannot draw a %s (charts: %s)", kind, strings.Join(Kinds, ", "))
	}
	if loc == nil {
		loc = time.UTC
	}
	if b == nil {
		b = &column.Batch{}
	}
	c := &Chart{Kind: kind, Legend: true}
	c.Title, _ = props["title"].(string)
	c.XTitle, _ = props["xtitle"].(string)
	c.YTitle, _ = props["ytitle"].(string)
	if l, ok := props["legend"].(string); ok && strings.EqualFold(l, "hidden") {
		c.Legend = false
	}
	if len(schema) == 0 {
		return nil, fmt.Errorf("cannot draw a %s of a result with no columns", kind)
	}

	// The x column.
	xi := -1
	if name, ok := props["xcolumn"].(string); ok {
		if xi = schema.Index(name); xi < 0 {
			return nil, fmt.Errorf("render: xcolumn %s is not a column of the result", name)
		}
	} else if kind == "timechart" {
		for i, f := range schema {
			if f.Type == column.Datetime {
				xi = i
				break
			}
		}
		if xi < 0 {
			return nil, fmt.Errorf("a timechart needs a datetime column for its x axis")
		}
	} else {
		xi = 0
	}

	// The y columns.
	var ys []int
	if list, ok := props["ycolumns"].(string); ok {
		for _, name := range strings.Split(list, ",") {
			i := schema.Index(strings.TrimSpace(name))
			if i < 0 {
				return nil, fmt.Errorf("render: ycolumns names %s, not a column of the result", strings.TrimSpace(name))
			}
			ys = append(ys, i)
		}
	} else {
		for i, f := range schema {
			if i != xi && (f.Type.IsNumeric() || f.Type == column.Timespan) {
				ys = append(ys, i)
			}
		}
	}
	if len(ys) == 0 {
		return nil, fmt.Errorf("a %s needs a numeric column to draw (the result has none besides %s)", kind, schema[xi].Name)
	}

	// The series-splitting columns: named by the series property, else
	// the string columns that are neither x nor y.
	var splits []int
	if list, ok := props["series"].(string); ok {
		for _, name := range strings.Split(list, ",") {
			if i := schema.Index(strings.TrimSpace(name)); i >= 0 {
				splits = append(splits, i)
			}
		}
	} else {
		for i, f := range schema {
			if i != xi && !contains(ys, i) && f.Type == column.String {
				splits = append(splits, i)
			}
		}
	}

	// Rows in x order for a time axis; in result order for categories.
	order := make([]int, b.Len)
	for i := range order {
		order[i] = i
	}
	xv := b.Cols[xi]
	timeAxis := schema[xi].Type == column.Datetime && kind != "piechart"
	if timeAxis || (kind == "linechart" || kind == "areachart") && schema[xi].Type.IsNumeric() {
		sort.SliceStable(order, func(a, b int) bool { return numAt(xv, order[a]) < numAt(xv, order[b]) })
	}

	// Distinct x positions, in first-seen order after sorting.
	xIndex := map[string]int{}
	for _, r := range order {
		key := column.FormatValue(xv, r)
		if _, ok := xIndex[key]; ok {
			continue
		}
		xIndex[key] = len(c.Labels)
		if timeAxis {
			c.Times = append(c.Times, xv.Int(r))
			c.Labels = append(c.Labels, key) // replaced below by short labels
		} else {
			c.Labels = append(c.Labels, key)
		}
	}
	if timeAxis {
		c.Labels = timeLabels(c.Times, loc)
	}

	// Series: one per (split value, y column).
	sIndex := map[string]int{}
	for _, r := range order {
		var prefix []string
		for _, si := range splits {
			prefix = append(prefix, column.FormatValue(b.Cols[si], r))
		}
		x := xIndex[column.FormatValue(xv, r)]
		for _, yi := range ys {
			name := schema[yi].Name
			if len(splits) > 0 {
				name = strings.Join(prefix, ", ")
				if len(ys) > 1 {
					name += ":" + schema[yi].Name
				}
			}
			k, ok := sIndex[name]
			if !ok {
				k = len(c.Series)
				sIndex[name] = k
				vals := make([]float64, len(c.Labels))
				for i := range vals {
					vals[i] = math.NaN()
				}
				c.Series = append(c.Series, Series{Name: name, Values: vals})
			}
			v := numAt(b.Cols[yi], r)
			if old := c.Series[k].Values[x]; !math.IsNaN(old) && !math.IsNaN(v) {
				v += old // several rows on one x position of one series add up
			}
			if !math.IsNaN(v) {
				c.Series[k].Values[x] = v
			}
		}
	}
	if kind == "piechart" && len(c.Series) > 1 {
		c.Series = c.Series[:1] // a pie shows one series: the first y column
	}
	return c, nil
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// numAt is row r of v as a float64; NaN for null or non-numeric values.
func numAt(v *column.Vector, r int) float64 {
	if v.IsNull(r) {
		return math.NaN()
	}
	switch v.Type {
	case column.Long, column.Int, column.Datetime, column.Timespan:
		return float64(v.Int(r))
	case column.Real:
		return v.Float(r)
	case column.Bool:
		if v.Bool(r) {
			return 1
		}
		return 0
	}
	return math.NaN()
}

// timeLabels formats datetime ticks as short labels: dates when every
// value is midnight, else date and time, else time with seconds.
func timeLabels(ticks []int64, loc *time.Location) []string {
	layout := "2006-01-02"
	for _, t := range ticks {
		tm := column.TimeFromTicks(t).In(loc)
		if tm.Second() != 0 || tm.Nanosecond() != 0 {
			layout = "2006-01-02 15:04:05"
			break
		}
		if tm.Hour() != 0 || tm.Minute() != 0 {
			layout = "2006-01-02 15:04"
		}
	}
	out := make([]string, len(ticks))
	for i, t := range ticks {
		out[i] = column.TimeFromTicks(t).In(loc).Format(layout)
	}
	return out
}

// valueRange returns the smallest and largest value over all series (0
// included, as bars and areas start at 0) and whether any value exists.
func (c *Chart) valueRange() (lo, hi float64, ok bool) {
	lo, hi = 0, 0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			ok = true
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	return lo, hi, ok
}

// niceTicks returns about n round tick values covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	var ticks []float64
	for v := start; v <= hi+step*0.5; v += step {
		ticks = append(ticks, v)
		if v >= hi {
			break
		}
	}
	return ticks
}

// formatNum prints a value for an axis or a label: integers plainly, large
// numbers with k/M/G, others with up to 3 significant decimals.
func formatNum(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return trimZeros(fmt.Sprintf("%.2f", v/1e9)) + "G"
	case a >= 1e6:
		return trimZeros(fmt.Sprintf("%.2f", v/1e6)) + "M"
	case a >= 1e4:
		return trimZeros(fmt.Sprintf("%.1f", v/1e3)) + "k"
	case v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	}
	return trimZeros(fmt.Sprintf("%.3g", v))
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") && !strings.ContainsAny(s, "e") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// palette holds the series colours (colour-blind friendly, Okabe-Ito
// order then a few more).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999", "#882255"}

func seriesColor(i int) string { return palette[i%len(palette)] }

// WriteFile writes the chart to path as a picture chosen by the file's
// extension: .svg, .html (or .htm) or .png.
func WriteFile(path string, c *Chart) error {
	var write func(io.Writer, *Chart) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		write = WriteSVG
	case ".html", ".htm":
		write = WriteHTML
	case ".png":
		write = WritePNG
	default:
		return fmt.Errorf("%s: a chart file ends in .svg, .html or .png", path)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f, c); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
