package exec

import (
	"context"
	"math"
	"sort"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// The activity plugins: sliding_window_counts, activity_counts_metrics,
// active_users_count and session_count (arguments in plan/plugin_activity.go).

// activityRow is one input row as the activity plugins see it.
type activityRow struct {
	group int // index of its dimension values
	id    any // comparable key of its id
	t     int64
}

// activityInput reads the rows with a non-null id and time, grouped by the
// dimension values (groups in order of first appearance; dims holds each
// group's first row for its dimension values).
func activityInput(p *plan.Activity, in *column.Batch) (rows []activityRow, firstRow []int) {
	ids := newDynReader(in.Cols[p.ID])
	times := in.Cols[p.Time]
	dims := make([]*dynReader, len(p.Dims))
	for i, d := range p.Dims {
		dims[i] = newDynReader(in.Cols[d])
	}
	groups := map[string]int{}
	key := make([]byte, 0, 64)
	for r := 0; r < in.Len; r++ {
		id := ids.value(r)
		if id == nil || times.IsNull(r) {
			continue
		}
		key = key[:0]
		for _, d := range dims {
			key = column.AppendDynamicJSON(key, d.value(r))
			key = append(key, 0)
		}
		g, ok := groups[string(key)]
		if !ok {
			g = len(firstRow)
			groups[string(key)] = g
			firstRow = append(firstRow, r)
		}
		rows = append(rows, activityRow{group: g, id: valueKey(id), t: times.Int(r)})
	}
	return rows, firstRow
}

// valueKey makes a value usable as a map key: arrays and bags by their
// JSON text.
func valueKey(v any) any {
	switch v.(type) {
	case []any, map[string]any:
		return string(column.AppendDynamicJSON(nil, v))
	}
	return v
}

// activityOutput builds the rows timeline, dims..., counts...
type activityOutput struct {
	rb    *rowsBuilder
	in    *column.Batch
	p     *plan.Activity
	first []int
}

func newActivityOutput(n *plan.Evaluate, in *column.Batch, first []int) *activityOutput {
	return &activityOutput{rb: newRowsBuilder(n.Schema), in: in, p: n.Params.(*plan.Activity), first: first}
}

func (o *activityOutput) add(group int, t int64, counts ...int64) {
	vals := make([]any, 0, 1+len(o.p.Dims)+len(counts))
	vals = append(vals, t)
	for _, d := range o.p.Dims {
		vals = append(vals, o.in.Cols[d].Value(o.first[group]))
	}
	for _, c := range counts {
		vals = append(vals, c)
	}
	o.rb.add(vals...)
}

// binCount is the number of bins of width w from start that begin at or
// before end (at least 0, at most maxSeriesLen).
func binCount(start, end, w int64) int {
	if end < start {
		return 0
	}
	return int(min(floorDiv(end-start, w)+1, maxSeriesLen))
}

func init() {
	// https://learn.microsoft.com/kusto/query/sliding-window-counts-plugin:
	// for each bin from Start to End, the rows and distinct ids of the
	// lookback window ending with the bin.
	registerPlugin("sliding_window_counts", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.Activity)
		lookback, bin := p.Spans[0], p.Spans[1]
		rows, first := activityInput(p, ins[0])
		out := newActivityOutput(n, ins[0], first)
		nb := binCount(p.Start, p.End, bin)
		for g := range first {
			for k := 0; k < nb; k++ {
				t := p.Start + int64(k)*bin
				lo, hi := t+bin-lookback, t+bin
				var count int64
				ids := map[any]bool{}
				for _, r := range rows {
					if r.group == g && r.t >= lo && r.t < hi {
						count++
						ids[r.id] = true
					}
				}
				out.add(g, t, count, int64(len(ids)))
			}
		}
		return out.rb.build(), nil
	})
	// https://learn.microsoft.com/kusto/query/activity-counts-metrics-plugin:
	// for each window from Start: rows, distinct ids, ids not seen in an
	// earlier window, and distinct ids from Start to the window's end.
	registerPlugin("activity_counts_metrics", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.Activity)
		w := p.Spans[0]
		rows, first := activityInput(p, ins[0])
		out := newActivityOutput(n, ins[0], first)
		nb := binCount(p.Start, p.End, w)
		for g := range first {
			seen := map[any]bool{}
			for k := 0; k < nb; k++ {
				t := p.Start + int64(k)*w
				var count int64
				ids := map[any]bool{}
				for _, r := range rows {
					if r.group == g && r.t >= t && r.t < t+w {
						count++
						ids[r.id] = true
					}
				}
				var fresh int64
				for id := range ids {
					if !seen[id] {
						fresh++
						seen[id] = true
					}
				}
				out.add(g, t, count, int64(len(ids)), fresh, int64(len(seen)))
			}
		}
		return out.rb.build(), nil
	})
	// https://learn.microsoft.com/kusto/query/active-users-count-plugin: an
	// appearance between Start and End is active when its id appeared in
	// at least ActivePeriodsCount distinct periods of the lookback window
	// (t - LookbackWindow, t]; each bin from Start counts the distinct ids
	// with an active appearance (bins with none are left out).
	registerPlugin("active_users_count", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.Activity)
		lookback, period, bin := p.Spans[0], p.Spans[1], p.Spans[2]
		rows, first := activityInput(p, ins[0])
		out := newActivityOutput(n, ins[0], first)
		type key struct {
			group int
			id    any
		}
		times := map[key][]int64{}
		for _, r := range rows {
			k := key{r.group, r.id}
			times[k] = append(times[k], r.t)
		}
		for _, ts := range times {
			sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
		}
		active := map[int]map[int64]map[any]bool{} // group -> bin -> ids
		for _, r := range rows {
			if r.t < p.Start || r.t > p.End {
				continue
			}
			ts := times[key{r.group, r.id}]
			periods := map[int64]bool{}
			for _, t := range ts {
				if t > r.t-lookback && t <= r.t {
					periods[floorDiv(t, period)] = true
				}
			}
			if int64(len(periods)) < p.Count {
				continue
			}
			b := p.Start + floorDiv(r.t-p.Start, bin)*bin
			if active[r.group] == nil {
				active[r.group] = map[int64]map[any]bool{}
			}
			if active[r.group][b] == nil {
				active[r.group][b] = map[any]bool{}
			}
			active[r.group][b][r.id] = true
		}
		for g := range first {
			bins := make([]int64, 0, len(active[g]))
			for b := range active[g] {
				bins = append(bins, b)
			}
			sort.Slice(bins, func(i, j int) bool { return bins[i] < bins[j] })
			for _, b := range bins {
				out.add(g, b, int64(len(active[g][b])))
			}
		}
		return out.rb.build(), nil
	})
	// https://learn.microsoft.com/kusto/query/session-count-plugin: an
	// appearance starts a session unless its id appeared less than
	// LookBackWindow before it; each bin (aligned as bin() aligns) counts
	// the sessions started in it between Start and End.
	registerPlugin("session_count", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.Activity)
		bin, lookback := p.Spans[0], p.Spans[1]
		rows, first := activityInput(p, ins[0])
		out := newActivityOutput(n, ins[0], first)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].t < rows[j].t })
		type key struct {
			group int
			id    any
		}
		last := map[key]int64{}
		started := map[int]map[int64]int64{} // group -> bin -> sessions
		for _, r := range rows {
			k := key{r.group, r.id}
			prev, seen := last[k]
			last[k] = r.t
			if seen && r.t-prev < lookback {
				continue
			}
			if r.t < p.Start || r.t > p.End {
				continue
			}
			if started[r.group] == nil {
				started[r.group] = map[int64]int64{}
			}
			started[r.group][floorDiv(r.t, bin)*bin]++
		}
		for g := range first {
			bins := make([]int64, 0, len(started[g]))
			for b := range started[g] {
				bins = append(bins, b)
			}
			sort.Slice(bins, func(i, j int) bool { return bins[i] < bins[j] })
			for _, b := range bins {
				out.add(g, b, started[g][b])
			}
		}
		return out.rb.build(), nil
	})
}

// activityRange is the analysed range: Start and End, or the data's first
// and last times when they were left out.
func activityRange(p *plan.Activity, rows []activityRow) (start, end int64, ok bool) {
	if p.HasRange {
		return p.Start, p.End, true
	}
	if len(rows) == 0 {
		return 0, 0, false
	}
	start, end = rows[0].t, rows[0].t
	for _, r := range rows {
		start, end = min(start, r.t), max(end, r.t)
	}
	return start, end, true
}

// addTrailingDims appends one row: the timeline, the values, then the
// group's dimension values (the order activity_metrics and
// activity_engagement give their columns).
func (o *activityOutput) addTrailingDims(group int, t int64, vals ...any) {
	row := append([]any{t}, vals...)
	for _, d := range o.p.Dims {
		row = append(row, o.in.Cols[d].Value(o.first[group]))
	}
	o.rb.add(row...)
}

// idsIn is the set of a group's ids with times in [lo, hi).
func idsIn(rows []activityRow, group int, lo, hi int64) map[any]bool {
	ids := map[any]bool{}
	for _, r := range rows {
		if r.group == group && r.t >= lo && r.t < hi {
			ids[r.id] = true
		}
	}
	return ids
}

func init() {
	// https://learn.microsoft.com/kusto/query/activity-metrics-plugin: each
	// window against the one before it: distinct ids, ids not in the
	// previous window, retention (ids of both over the previous window's)
	// and churn (1 - retention); NaN for the first window.
	registerPlugin("activity_metrics", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.Activity)
		w := p.Spans[0]
		rows, first := activityInput(p, ins[0])
		out := newActivityOutput(n, ins[0], first)
		start, end, ok := activityRange(p, rows)
		if !ok {
			return out.rb.build(), nil
		}
		nb := binCount(start, end, w)
		for g := range first {
			var prev map[any]bool
			for k := 0; k < nb; k++ {
				t := start + int64(k)*w
				cur := idsIn(rows, g, t, t+w)
				var fresh, kept int64
				for id := range cur {
					if prev[id] {
						kept++
					} else {
						fresh++
					}
				}
				retention, churn := math.NaN(), math.NaN()
				if len(prev) > 0 {
					retention = float64(kept) / float64(len(prev))
					churn = 1 - retention
				}
				out.addTrailingDims(g, t, int64(len(cur)), fresh, retention, churn)
				prev = cur
			}
		}
		return out.rb.build(), nil
	})
	// https://learn.microsoft.com/kusto/query/activity-engagement-plugin: for
	// each inner window from Start, the distinct ids in it and in the outer
	// window ending with it, and their ratio: DAU/WAU with 1d and 7d.
	registerPlugin("activity_engagement", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.Activity)
		inner, outer := p.Spans[0], p.Spans[1]
		rows, first := activityInput(p, ins[0])
		out := newActivityOutput(n, ins[0], first)
		start, end, ok := activityRange(p, rows)
		if !ok {
			return out.rb.build(), nil
		}
		nb := binCount(start, end, inner)
		for g := range first {
			for k := 0; k < nb; k++ {
				t := start + int64(k)*inner
				in, all := idsIn(rows, g, t, t+inner), idsIn(rows, g, t+inner-outer, t+inner)
				ratio := math.NaN()
				if len(all) > 0 {
					ratio = float64(len(in)) / float64(len(all))
				}
				out.addTrailingDims(g, t, int64(len(in)), int64(len(all)), ratio)
			}
		}
		return out.rb.build(), nil
	})
}
