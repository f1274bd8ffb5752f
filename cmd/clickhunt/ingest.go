package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"clickhunt/ingest"
)

// runIngest loads each file in turn and prints one summary line per file.
// The first failure stops the run (exit 1); files before it stay stored.
func runIngest(ctx context.Context, dbDir string, c *ingestCmd, stdout, stderr io.Writer, progress bool) int {
	db, err := openForIngest(dbDir)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer db.Close()
	for _, path := range c.Files {
		opts := ingest.Options{Table: c.Table, Format: c.Format}
		var p *progressLine
		if progress {
			p = &progressLine{w: stderr, path: path, start: time.Now()}
			opts.Progress = p.update
		}
		sum, err := ingest.File(ctx, db, path, opts)
		if p != nil {
			p.clear()
		}
		if err != nil {
			// An *ingest.Error already reads FILE:LINE: message.
			if _, ok := err.(*ingest.Error); ok {
				fmt.Fprintln(stderr, err)
			} else if ctx.Err() != nil {
				fmt.Fprintf(stderr, "%s: interrupted: nothing stored\n", path)
			} else {
				fmt.Fprintf(stderr, "%s: %v\n", path, err)
			}
			return 1
		}
		fmt.Fprintln(stdout, summaryLine(sum))
	}
	return 0
}

// summaryLine describes one ingested file:
//
//	clicks.csv: 1000 rows into UrlClickEvents in 120ms (8333 rows/s)
//	clicks.csv: already ingested (same content as /data/clicks.csv, 2024-03-01T10:00:00Z): nothing stored
func summaryLine(s ingest.Summary) string {
	if s.AlreadyIngested {
		return fmt.Sprintf("%s: already ingested (same content as %s, %s): nothing stored",
			s.Path, s.Previous.Path, s.Previous.Ingested.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("%s: %d rows into %s in %s (%s rows/s)", s.Path, s.Rows, s.Table, fmtElapsed(s.Elapsed), fmtRate(s.Rows, s.Elapsed))
}

// fmtElapsed rounds d to a readable precision (1.234s, 56ms, 789µs).
func fmtElapsed(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}

// fmtRate is rows per second as a whole number.
func fmtRate(rows int64, d time.Duration) string {
	if d <= 0 {
		return fmt.Sprint(rows)
	}
	return fmt.Sprintf("%.0f", float64(rows)/d.Seconds())
}

// progressLine redraws one status line on a terminal's stderr, at most ten
// times a second.
type progressLine struct {
	w     io.Writer
	path  string
	start time.Time
	last  time.Time
	shown bool
}

func (p *progressLine) update(bytesRead, size, rows int64) {
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	pct := ""
	if size > 0 {
		pct = fmt.Sprintf(" %3.0f%%", 100*float64(bytesRead)/float64(size))
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s:%s %d rows, %s rows/s", p.path, pct, rows, fmtRate(rows, now.Sub(p.start)))
	p.shown = true
}

func (p *progressLine) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
