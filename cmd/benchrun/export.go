package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// exportResult is one timed `clickhunt export` of the UrlClickEvents table
// and, for Parquet, the re-ingest of its parts into a new database.
type exportResult struct {
	format     string
	seconds    float64
	bytes      int64
	parts      int
	reingestS  float64 // 0: not measured
	reingested int64   // rows the new database holds
	err        string
}

// exportBench exports the benchmark database's clicks in both formats into
// a scratch directory (removed afterwards), and ingests the Parquet parts
// again: what handing a tenant's data over to Kusto costs, and the proof
// that nothing is lost on the way.
func exportBench(c *config, db string, n int) []exportResult {
	scratch, err := os.MkdirTemp(c.cache, "export-")
	if err != nil {
		return []exportResult{{format: "-", err: err.Error()}}
	}
	defer os.RemoveAll(scratch)
	var out []exportResult
	for _, format := range []string{"parquet", "csv"} {
		r := exportResult{format: format}
		dir := filepath.Join(scratch, format)
		logf("%d rows: export --format %s", n, format)
		start := time.Now()
		cmd := exec.Command(c.clickhunt, "export", "--db", db, "--table", "UrlClickEvents", "--format", format, "--out", dir)
		if b, err := cmd.CombinedOutput(); err != nil {
			r.err = firstLine(strings.TrimSpace(string(b)))
			out = append(out, r)
			continue
		}
		r.seconds = time.Since(start).Seconds()
		files, _ := filepath.Glob(filepath.Join(dir, "data", "*"))
		r.parts = len(files)
		for _, f := range files {
			if fi, err := os.Stat(f); err == nil {
				r.bytes += fi.Size()
			}
		}
		if format == "parquet" {
			db2 := filepath.Join(scratch, "reingested")
			logf("%d rows: ingest the parquet parts again", n)
			start = time.Now()
			cmd := exec.Command(c.clickhunt, "ingest", "--db", db2, "--no-dedup", filepath.Join(dir, "data"))
			if b, err := cmd.CombinedOutput(); err != nil {
				r.err = "re-ingest: " + firstLine(strings.TrimSpace(string(b)))
			} else {
				r.reingestS = time.Since(start).Seconds()
				rows, err := query(c, db2, "UrlClickEvents | count")
				if err == nil && len(rows) == 2 {
					r.reingested, _ = strconv.ParseInt(rows[1][0], 10, 64)
				}
			}
			os.RemoveAll(db2)
		}
		os.RemoveAll(dir)
		out = append(out, r)
	}
	return out
}

func printExport(c *config, n int, res []exportResult) {
	fmt.Fprintf(c.out, "\nExport of UrlClickEvents at %s rows (`clickhunt export --format F`, default 256 MB parts; Parquet parts ingested again with `ingest --no-dedup`):\n\n", fmtRows(n))
	var body [][]string
	for _, r := range res {
		if r.err != "" {
			body = append(body, []string{fmtRows(n), r.format, "error: " + strings.ReplaceAll(r.err, "|", `\|`), "-", "-", "-"})
			continue
		}
		again := "-"
		if r.reingestS > 0 {
			again = fmt.Sprintf("%.2f s (%.0fk rows/s), %d rows", r.reingestS, float64(r.reingested)/r.reingestS/1e3, r.reingested)
		}
		body = append(body, []string{fmtRows(n), r.format,
			fmt.Sprintf("%.2f s (%.0fk rows/s)", r.seconds, float64(n)/r.seconds/1e3),
			fmt.Sprintf("%.0f MB in %d parts (%.0f bytes/row)", float64(r.bytes)/1e6, r.parts, float64(r.bytes)/float64(n)),
			again})
	}
	writeMarkdown(c.out, []string{"rows", "format", "export time", "files", "ingested again"}, body)
}
