package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"clickhunt/ingest"
	"clickhunt/storage"
)

// runIngest loads each file in turn and prints one summary line per file.
// Directories and glob patterns name the files they hold; "-" is stdin
// (nil: there is none to read, as in the REPL). The first failure stops
// the run (exit 1); files before it stay stored.
func runIngest(ctx context.Context, dbDir string, c *ingestCmd, stdin io.Reader, stdout, stderr io.Writer, progress bool) int {
	files, err := ingest.ExpandPaths(c.Files)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	if n := slices.Index(files, "-"); n >= 0 {
		switch {
		case stdin == nil:
			fmt.Fprintln(stderr, "error: - (standard input) cannot be ingested here: give a file")
			return 1
		case slices.Index(files[n+1:], "-") >= 0:
			fmt.Fprintln(stderr, "error: - (standard input) is given twice: it can be read only once")
			return 1
		}
	}
	var db *storage.DB
	if c.DryRun {
		db, err = openForQuery(dbDir, false)
		if err != nil {
			db = nil // a dry run needs no database
		}
	} else {
		db, err = openForIngest(dbDir)
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
	}
	if db != nil {
		defer db.Close()
	}
	if c.Rejects != "" && !c.DryRun {
		// Fail before reading anything when the rejects cannot be written.
		if fi, err := os.Stat(filepath.Dir(c.Rejects)); err != nil || !fi.IsDir() {
			fmt.Fprintf(stderr, "error: --rejects %s: no such directory %s\n", c.Rejects, filepath.Dir(c.Rejects))
			return 1
		}
		if fi, err := os.Stat(c.Rejects); err == nil && fi.IsDir() {
			fmt.Fprintf(stderr, "error: --rejects %s: is a directory\n", c.Rejects)
			return 1
		}
	}
	var total ingest.Summary
	skipped := 0 // files whose content was ingested before
	for _, path := range files {
		opts := ingest.Options{Table: c.Table, Format: c.Format}
		c.ingestOpts.apply(&opts)
		if !c.DryRun {
			opts.RejectsPath = c.Rejects // each file's bad rows, appended once it is stored
		}
		var p *progressLine
		if progress {
			p = &progressLine{w: stderr, path: path, start: time.Now()}
			opts.Progress = p.update
		}
		var sum ingest.Summary
		if path == "-" {
			sum, err = ingest.Stream(ctx, db, stdinName, stdin, opts)
		} else {
			sum, err = ingest.File(ctx, db, path, opts)
		}
		if p != nil {
			p.clear()
		}
		if c.DryRun && (err == nil || sum.Source != "") {
			writeDryRun(stdout, sum)
		}
		if err != nil && len(sum.Parts) > 1 && !c.DryRun {
			// The members of a zip archive before the one that failed
			// are stored: say so.
			for _, part := range sum.Parts[:len(sum.Parts)-1] {
				fmt.Fprintln(stdout, summaryLine(part))
			}
		}
		if err != nil {
			// Messages quote names and values from the input: printable.
			name := path
			if path == "-" {
				name = stdinName
			}
			msg := err.Error()
			if _, ok := err.(*ingest.Error); ok {
				// An *ingest.Error already reads FILE:LINE: message.
			} else if ctx.Err() != nil {
				msg = name + ": interrupted: nothing stored"
			} else if !strings.HasPrefix(msg, name+":") {
				msg = name + ": " + msg
			}
			fmt.Fprintln(stderr, printable(msg))
			return 1
		}
		if c.DryRun {
			continue
		}
		if len(sum.Parts) > 0 {
			for _, part := range sum.Parts {
				fmt.Fprintln(stdout, summaryLine(part))
			}
		} else {
			fmt.Fprintln(stdout, summaryLine(sum))
		}
		if sum.AlreadyIngested {
			// Its Rows are the earlier ingest's: nothing was read or
			// stored this time.
			skipped++
			continue
		}
		total.Rows += sum.Rows
		total.RowsIn += sum.RowsIn
		total.Rejected += sum.Rejected
		total.Duplicates += sum.Duplicates
	}
	if len(files) > 1 && !c.DryRun {
		again := ""
		if skipped > 0 {
			again = fmt.Sprintf(" (%d already ingested)", skipped)
		}
		fmt.Fprintf(stdout, "total: %d files%s, %d rows read, %d stored, %d duplicates skipped, %d rejected\n",
			len(files), again, total.RowsIn, total.Rows, total.Duplicates, total.Rejected)
	}
	return 0
}

// stdinName names standard input ("-") in messages and in the catalog.
const stdinName = "<stdin>"

// summaryLine describes one ingested file:
//
//	clicks.csv: 1000 rows into UrlClickEvents in 120ms (8333 rows/s)
//	clicks.csv: 1000 rows into UrlClickEvents in 120ms (8333 rows/s); Safe Links detail report, UTF-16 LE; 1010 read, 8 duplicates skipped, 2 rejected
//	clicks.csv: already ingested (same content as /data/clicks.csv, 2024-03-01T10:00:00Z): nothing stored
func summaryLine(s ingest.Summary) string {
	if s.AlreadyIngested {
		return fmt.Sprintf("%s: already ingested (same content as %s, %s): nothing stored",
			printable(s.Path), printable(s.Previous.Path), s.Previous.Ingested.UTC().Format(time.RFC3339))
	}
	line := fmt.Sprintf("%s: %d rows into %s in %s (%s rows/s)", printable(s.Path), s.Rows, printable(s.Table), fmtElapsed(s.Elapsed), fmtRate(max(s.RowsIn, s.Rows), s.Elapsed))
	var extra []string
	if s.Source != "" && !strings.HasPrefix(s.Source, "Advanced Hunting") {
		extra = append(extra, s.Source)
	}
	if s.Encoding != "" && s.Encoding != ingest.EncUTF8 && s.Encoding != ingest.EncUTF8BOM {
		extra = append(extra, s.Encoding)
	}
	if s.Compression == "gzip" {
		extra = append(extra, "gzip")
	}
	if s.Duplicates > 0 || s.Rejected > 0 {
		extra = append(extra, fmt.Sprintf("%d read, %d duplicates skipped, %d rejected", s.RowsIn, s.Duplicates, s.Rejected))
	}
	if len(extra) > 0 {
		line += "; " + strings.Join(extra, ", ")
	}
	for _, n := range s.Notes {
		line += "\n  note: " + printable(n)
	}
	return line
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
	bar := ""
	if size > 0 {
		frac := min(1, float64(bytesRead)/float64(size))
		const width = 20
		full := int(frac * width)
		bar = fmt.Sprintf(" [%s%s] %3.0f%% of %s", strings.Repeat("█", full), strings.Repeat("░", width-full), 100*frac, fmtBytes(size))
	} else {
		bar = " " + fmtBytes(bytesRead)
	}
	elapsed := now.Sub(p.start)
	fmt.Fprintf(p.w, "\r\x1b[K%s:%s, %d rows, %s rows/s, %s/s", p.path, bar, rows, fmtRate(rows, elapsed), fmtBytes(int64(float64(bytesRead)/max(elapsed.Seconds(), 1e-9))))
	p.shown = true
}

func (p *progressLine) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// fmtBytes is a byte count in KB, MB or GB (powers of 1024).
func fmtBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
