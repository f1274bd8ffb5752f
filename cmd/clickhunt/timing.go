package main

// clickhunt query --repeat N --timing: run each query N times in one
// process (warm runs, as in the REPL) and report every run's time on
// standard error; the result is written once, from the last run.

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"clickhunt/query"
	"clickhunt/storage"
)

// timedEngine runs each query repeat times against the wrapped engine and,
// with timing, prints one line per run and a median line to w:
//
//	run 1/11: 41.250 ms, 1000000 rows read, 123 of 123 blocks
//	...
//	median of 11 runs: 38.100 ms (min 37.200 ms, max 41.250 ms); warm median (runs 2-11): 38.000 ms
//	block cache: 240 hits, 24 misses; 12.5 MB held in 24 blocks
//
// The cache line (the query's column blocks found in and missing from the
// decoded-block cache, and what the cache holds) is left out when the
// query read no column. In a batch the lines start with "query K " (K counted from 1). The
// elapsed time is the wall time of the engine's Run: snapshot, parse,
// plan and execution, not writing the result.
type timedEngine struct {
	engine
	repeat int
	timing bool
	batch  bool
	w      io.Writer
	calls  int
}

// newTimedEngine wraps e; repeat below 1 counts as 1.
func newTimedEngine(e engine, repeat int, timing, batch bool, w io.Writer) *timedEngine {
	return &timedEngine{engine: e, repeat: max(repeat, 1), timing: timing, batch: batch, w: w}
}

func (t *timedEngine) Run(ctx context.Context, text string, now time.Time) (*query.Result, error) {
	t.calls++
	prefix := ""
	if t.batch {
		prefix = fmt.Sprintf("query %d ", t.calls)
	}
	var cache0 storage.CacheStats
	if c, ok := t.engine.(cacheReporter); ok {
		cache0 = c.cacheStats()
	}
	var res *query.Result
	times := make([]time.Duration, 0, t.repeat)
	for i := range t.repeat {
		start := time.Now()
		r, err := t.engine.Run(ctx, text, now)
		d := time.Since(start)
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res = r
		times = append(times, d)
		if t.timing {
			fmt.Fprintf(t.w, "%srun %d/%d: %s, %d rows read, %d of %d blocks\n", prefix, i+1, t.repeat,
				fmtMillis(d), r.Stats.RowsRead, r.Stats.BlocksRead, r.Stats.BlocksTotal)
		}
	}
	if t.timing {
		fmt.Fprintf(t.w, "%s%s\n", prefix, medianLine(times))
		if c, ok := t.engine.(cacheReporter); ok {
			st := c.cacheStats()
			if hits, misses := st.Hits-cache0.Hits, st.Misses-cache0.Misses; hits+misses > 0 {
				fmt.Fprintf(t.w, "%sblock cache: %d hits, %d misses; %s held in %d blocks\n", prefix, hits, misses, fmtBytes(st.Bytes), st.Entries)
			}
		}
	}
	return res, nil
}

// cacheReporter is an engine with a decoded-block cache.
type cacheReporter interface {
	cacheStats() storage.CacheStats
}

// medianLine summarises the run times: the median of all, min and max,
// and, with two runs or more, the median of the warm runs (all but the
// first, which pays for cold caches).
func medianLine(times []time.Duration) string {
	all := slices.Clone(times)
	slices.Sort(all)
	s := fmt.Sprintf("median of %d runs: %s (min %s, max %s)", len(all), fmtMillis(median(all)), fmtMillis(all[0]), fmtMillis(all[len(all)-1]))
	if len(times) >= 2 {
		warm := slices.Clone(times[1:])
		slices.Sort(warm)
		s += fmt.Sprintf("; warm median (runs 2-%d): %s", len(times), fmtMillis(median(warm)))
	}
	return s
}

// median of sorted durations (the lower middle for an even count, as
// duckq.mjs takes it).
func median(sorted []time.Duration) time.Duration {
	return sorted[(len(sorted)-1)/2]
}

// fmtMillis prints d in milliseconds with three decimals: "41.250 ms".
func fmtMillis(d time.Duration) string {
	return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond))
}
