package plan

import (
	"clickhunt/column"
)

// The activity plugins count users (ids) over a timeline: sliding_window_counts,
// activity_counts_metrics, active_users_count and session_count. They share
// their first arguments (IdColumn, TimelineColumn, Start, End, ...) and end
// with optional dimension columns that slice the counts.

// Activity holds the arguments of an activity plugin. Times are ticks for
// a datetime timeline, plain numbers for a long one.
type Activity struct {
	ID, Time   int     // input columns
	Start, End int64   // the analysed range, inclusive
	Spans      []int64 // the plugin's window, period and bin arguments, in order
	Count      int64   // active_users_count's ActivePeriodsCount
	Dims       []int   // dimension columns
	// HasRange is false when Start and End were left out
	// (activity_metrics, activity_engagement): the data's range is used.
	HasRange bool
}

// activityArgs resolves IdColumn, TimelineColumn, Start, End, then spans
// (timespans for a datetime timeline, numbers for a long one; a count
// where kinds says 'n'), then dimension columns. It returns the output
// schema's leading columns: the timeline, then the dimensions.
func activityArgs(c *pluginCall, kinds string) (*Activity, column.Schema, error) {
	return activityArgsRange(c, kinds, true)
}

// activityArgsRange is activityArgs where Start and End may be absent
// (hasRange false): the windows then follow the timeline column.
func activityArgsRange(c *pluginCall, kinds string, hasRange bool) (*Activity, column.Schema, error) {
	bounds := 2
	text := "IdColumn, TimelineColumn, Start, End and "
	if !hasRange {
		bounds, text = 0, "IdColumn, TimelineColumn, [Start, End,] "
	}
	fixed := 2 + bounds + len(kinds)
	if err := c.arity(fixed, fixed+32, text+activityText[c.op.Plugin]); err != nil {
		return nil, nil, err
	}
	if err := c.onlyNamed(); err != nil {
		return nil, nil, err
	}
	p := &Activity{HasRange: hasRange}
	var err error
	if p.ID, err = c.column(c.pos[0], "IdColumn"); err != nil {
		return nil, nil, err
	}
	if p.Time, err = c.column(c.pos[1], "TimelineColumn"); err != nil {
		return nil, nil, err
	}
	tt := c.sc.schema[p.Time].Type
	span := column.Timespan
	switch tt {
	case column.Datetime:
	case column.Long, column.Int:
		span = column.Long
	default:
		return nil, nil, errAt(c.pos[1].Pos, "%s(): the timeline must be a datetime or long column, got %s", c.op.Plugin, tt)
	}
	bound := func(i int, what string) (int64, error) {
		t := tt
		if t == column.Int {
			t = column.Long
		}
		v, err := c.constant(c.pos[i], t, what)
		if err != nil {
			return 0, err
		}
		if v == nil {
			return 0, errAt(c.pos[i].Pos, "%s(): %s must not be null", c.op.Plugin, what)
		}
		return v.(int64), nil
	}
	if hasRange {
		if p.Start, err = bound(2, "Start"); err != nil {
			return nil, nil, err
		}
		if p.End, err = bound(3, "End"); err != nil {
			return nil, nil, err
		}
	}
	for k, kind := range kinds {
		a := c.pos[2+bounds+k]
		if kind == 'n' {
			v, err := c.constant(a, column.Long, "the count")
			if err != nil {
				return nil, nil, err
			}
			n, _ := v.(int64)
			if n < 1 {
				return nil, nil, errAt(a.Pos, "%s(): the count must be at least 1", c.op.Plugin)
			}
			p.Count = n
			continue
		}
		v, err := c.constant(a, span, "a window")
		if err != nil {
			return nil, nil, err
		}
		s, _ := v.(int64)
		if s <= 0 {
			return nil, nil, errAt(a.Pos, "%s(): windows and bins must be positive", c.op.Plugin)
		}
		p.Spans = append(p.Spans, s)
	}
	schema := column.Schema{c.sc.schema[p.Time]}
	if schema[0].Type == column.Int {
		schema[0].Type = column.Long
	}
	for _, a := range c.pos[fixed:] {
		d, err := c.column(a, "a dimension")
		if err != nil {
			return nil, nil, err
		}
		p.Dims = append(p.Dims, d)
		schema = append(schema, c.sc.schema[d])
	}
	return p, schema, nil
}

// activityText names each plugin's arguments after End, for messages.
var activityText = map[string]string{
	"sliding_window_counts":   "LookbackWindow, Bin [, dim1, ...]",
	"activity_counts_metrics": "Window [, dim1, ...]",
	"active_users_count":      "LookbackWindow, Period, ActivePeriodsCount, Bin [, dim1, ...]",
	"session_count":           "Bin, LookBackWindow [, dim1, ...]",
	"activity_metrics":        "Window [, dim1, ...]",
	"activity_engagement":     "InnerActivityWindow, OuterActivityWindow [, dim1, ...]",
}

func init() {
	long := func(names ...string) column.Schema {
		s := make(column.Schema, len(names))
		for i, n := range names {
			s[i] = column.Field{Name: n, Type: column.Long}
		}
		return s
	}
	activityPlugin := func(name, kinds string, out column.Schema) plugin {
		return plugin{build: func(b *builder, in Node, c *pluginCall) (Node, error) {
			p, schema, err := activityArgs(c, kinds)
			if err != nil {
				return nil, err
			}
			return &Evaluate{Ins: []Node{in}, Plugin: name, Params: p, Schema: append(schema, out...)}, nil
		}}
	}
	addPlugin("sliding_window_counts",
		"T | evaluate sliding_window_counts(IdColumn, TimelineColumn, Start, End, LookbackWindow, Bin [, dim1, ...])",
		"counts and distinct-counts ids in a sliding lookback window, for each bin of the timeline",
		"sliding-window-counts-plugin",
		"datatable(UserId:string, Timestamp:datetime)['a', datetime(2024-01-01), 'b', datetime(2024-01-02)] | evaluate sliding_window_counts(UserId, Timestamp, datetime(2024-01-01), datetime(2024-01-03), 2d, 1d)",
		activityPlugin("sliding_window_counts", "ss", long("Count", "Dcount")))
	addPlugin("activity_counts_metrics",
		"T | evaluate activity_counts_metrics(IdColumn, TimelineColumn, Start, End, Window [, dim1, ...])",
		"counts, distinct ids, new ids and ids so far, for each window of the timeline",
		"activity-counts-metrics-plugin",
		"datatable(UserId:string, Timestamp:datetime)['a', datetime(2024-01-01), 'b', datetime(2024-01-02)] | evaluate activity_counts_metrics(UserId, Timestamp, datetime(2024-01-01), datetime(2024-01-03), 1d)",
		activityPlugin("activity_counts_metrics", "s", long("count", "dcount", "new_dcount", "aggregated_dcount")))
	addPlugin("active_users_count",
		"T | evaluate active_users_count(IdColumn, TimelineColumn, Start, End, LookbackWindow, Period, ActivePeriodsCount, Bin [, dim1, ...])",
		"distinct ids active in at least ActivePeriodsCount periods of the lookback window, for each bin",
		"active-users-count-plugin",
		"datatable(User:string, Timestamp:datetime)['a', datetime(2024-01-01), 'a', datetime(2024-01-02)] | evaluate active_users_count(User, Timestamp, datetime(2024-01-01), datetime(2024-01-07), 3d, 1d, 2, 7d)",
		activityPlugin("active_users_count", "ssns", long("dcount")))
	addPlugin("session_count",
		"T | evaluate session_count(IdColumn, TimelineColumn, Start, End, Bin, LookBackWindow [, dim1, ...])",
		"sessions started in each bin: an id's appearance starts one unless it appeared within the lookback window",
		"session-count-plugin",
		"datatable(Id:long, Timeline:long)[1, 1, 1, 2, 1, 50] | evaluate session_count(Id, Timeline, 0, 100, 10, 5)",
		activityPlugin("session_count", "ss", long("count_sessions")))
}

// activityOptionalRange resolves the arguments of the plugins whose Start
// and End may be left out (activity_metrics, activity_engagement):
// IdColumn, TimelineColumn, [Start, End,] then nspans windows, then
// dimensions. Without Start and End, the data's first and last times are
// used (HasRange false). The output schema is the timeline, then out, then
// the dimensions, as these plugins order them.
func activityOptionalRange(c *pluginCall, nspans int, out column.Schema) (*Activity, column.Schema, error) {
	if len(c.pos) < 2+nspans {
		return nil, nil, errAt(c.op.Pos, "%s() takes IdColumn, TimelineColumn, [Start, End,] and %d window(s), got %d arguments", c.op.Plugin, nspans, len(c.pos))
	}
	// Start and End are there when the third argument is a datetime (or,
	// for a long timeline, when there are enough arguments and the fourth
	// is a constant too).
	hasRange := false
	if e, err := c.b.expr(c.pos[2].Arg.Expr, &scope{}); err == nil {
		if k, ok := e.(*Const); ok && k.T == column.Datetime {
			hasRange = true
		}
	}
	kinds := ""
	for i := 0; i < nspans; i++ {
		kinds += "s"
	}
	p, lead, err := activityArgsRange(c, kinds, hasRange)
	if err != nil {
		return nil, nil, err
	}
	schema := append(column.Schema{lead[0]}, out...)
	return p, append(schema, lead[1:]...), nil
}

func init() {
	long := column.Field{Type: column.Long}
	real := column.Field{Type: column.Real}
	named := func(f column.Field, name string) column.Field { f.Name = name; return f }
	addPlugin("activity_metrics",
		"T | evaluate activity_metrics(IdColumn, TimelineColumn, [Start, End,] Window [, dim1, ...])",
		"per window: distinct ids, ids new since the previous window, and the retention and churn rates against it",
		"activity-metrics-plugin",
		"datatable(u:string, t:datetime)['a', datetime(2024-01-01), 'a', datetime(2024-01-02), 'b', datetime(2024-01-02)] | evaluate activity_metrics(u, t, datetime(2024-01-01), datetime(2024-01-02), 1d)",
		plugin{build: func(b *builder, in Node, c *pluginCall) (Node, error) {
			p, schema, err := activityOptionalRange(c, 1, column.Schema{named(long, "dcount_values"), named(long, "dcount_newvalues"),
				named(real, "retention_rate"), named(real, "churn_rate")})
			if err != nil {
				return nil, err
			}
			return &Evaluate{Ins: []Node{in}, Plugin: "activity_metrics", Params: p, Schema: schema}, nil
		}})
	addPlugin("activity_engagement",
		"T | evaluate activity_engagement(IdColumn, TimelineColumn, [Start, End,] InnerActivityWindow, OuterActivityWindow [, dim1, ...])",
		"per inner window, distinct ids in it and in the outer window ending with it, and their ratio (daily over weekly active users)",
		"activity-engagement-plugin",
		"datatable(u:string, t:datetime)['a', datetime(2024-01-01), 'b', datetime(2024-01-02)] | evaluate activity_engagement(u, t, datetime(2024-01-01), datetime(2024-01-03), 1d, 2d)",
		plugin{build: func(b *builder, in Node, c *pluginCall) (Node, error) {
			p, schema, err := activityOptionalRange(c, 2, column.Schema{named(long, "dcount_activities_inner"),
				named(long, "dcount_activities_outer"), named(real, "activity_ratio")})
			if err != nil {
				return nil, err
			}
			return &Evaluate{Ins: []Node{in}, Plugin: "activity_engagement", Params: p, Schema: schema}, nil
		}})
}
