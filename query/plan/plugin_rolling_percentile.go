package plan

import "clickhunt/column"

// RollingPercentile holds rolling_percentile's arguments: for each bin of
// the index column, the percentile of the values in the window of the
// last WindowSize bins, per combination of the dimensions.
// https://learn.microsoft.com/kusto/query/rolling-percentile-plugin
type RollingPercentile struct {
	Value, Index int
	Percentile   float64
	Bin          int64 // ticks for a datetime index, else a number
	Window       int64
	Dims         []int
}

func init() {
	addPlugin("rolling_percentile",
		"T | evaluate rolling_percentile(ValueColumn, Percentile, IndexColumn, IndexBin, WindowSize [, dim1, ...])",
		"the percentile of the values over a rolling window of WindowSize bins, for each bin of the index",
		"rolling-percentile-plugin",
		`range i from 1 to 10 step 1 | evaluate rolling_percentile(i, 50, i, 2, 2)`,
		plugin{build: func(b *builder, in Node, c *pluginCall) (Node, error) {
			if err := c.arity(5, 37, "ValueColumn, Percentile, IndexColumn, IndexBin, WindowSize [, dim1, ...]"); err != nil {
				return nil, err
			}
			if err := c.onlyNamed(); err != nil {
				return nil, err
			}
			p := &RollingPercentile{}
			var err error
			if p.Value, err = c.column(c.pos[0], "the value"); err != nil {
				return nil, err
			}
			vt := c.sc.schema[p.Value].Type
			if !vt.IsNumeric() && vt != column.Timespan && vt != column.Datetime {
				return nil, errAt(c.pos[0].Pos, "rolling_percentile(): the value must be a number, got %s", vt)
			}
			v, err := c.constant(c.pos[1], column.Real, "the percentile")
			if err != nil {
				return nil, err
			}
			p.Percentile, _ = v.(float64)
			if p.Percentile < 0 || p.Percentile > 100 {
				return nil, errAt(c.pos[1].Pos, "rolling_percentile(): the percentile must be between 0 and 100")
			}
			if p.Index, err = c.column(c.pos[2], "the index"); err != nil {
				return nil, err
			}
			it := c.sc.schema[p.Index].Type
			bt := column.Long
			switch it {
			case column.Datetime, column.Timespan:
				bt = column.Timespan
			case column.Long, column.Int:
			default:
				return nil, errAt(c.pos[2].Pos, "rolling_percentile(): the index must be a datetime or an integer, got %s", it)
			}
			if v, err = c.constant(c.pos[3], bt, "the bin"); err != nil {
				return nil, err
			}
			if p.Bin, _ = v.(int64); p.Bin <= 0 {
				return nil, errAt(c.pos[3].Pos, "rolling_percentile(): the bin must be positive")
			}
			if v, err = c.constant(c.pos[4], column.Long, "the window size"); err != nil {
				return nil, err
			}
			if p.Window, _ = v.(int64); p.Window < 1 {
				return nil, errAt(c.pos[4].Pos, "rolling_percentile(): the window size must be at least 1")
			}
			schema := column.Schema{c.sc.schema[p.Index]}
			if schema[0].Type == column.Int {
				schema[0].Type = column.Long
			}
			for _, a := range c.pos[5:] {
				d, err := c.column(a, "a dimension")
				if err != nil {
					return nil, err
				}
				p.Dims = append(p.Dims, d)
				schema = append(schema, c.sc.schema[d])
			}
			name := "rolling_" + itoa(int(p.Window)) + "_percentile_" + c.sc.schema[p.Value].Name + "_" + percentName(p.Percentile)
			rt := vt
			if rt == column.Int {
				rt = column.Long
			}
			schema = append(schema, column.Field{Name: name, Type: rt})
			return &Evaluate{Ins: []Node{in}, Plugin: "rolling_percentile", Params: p, Schema: schema}, nil
		}})
}

// percentName prints a percentile for a column name: 50, 99_9.
func percentName(p float64) string {
	s := column.FormatReal(p)
	out := []byte(s)
	for i, ch := range out {
		if ch == '.' {
			out[i] = '_'
		}
	}
	return string(out)
}
