// Command clickgen writes synthetic Safe Links click events (the Advanced
// Hunting table UrlClickEvents) as CSV, for trying and benchmarking
// clickhunt:
//
//	clickgen -rows 1000000 -seed 7 -o clicks.csv
//
// The same flags always produce the same file.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"clickhunt/examples/gen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("clickgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: clickgen [-rows N] [-seed S] [-start DATE] [-days D] [-users U] [-o FILE]")
		fs.PrintDefaults()
	}
	var cfg gen.Config
	var start, out string
	fs.IntVar(&cfg.Rows, "rows", 5000, "rows to write")
	fs.Int64Var(&cfg.Seed, "seed", 1, "random seed: the same seed gives the same file")
	fs.StringVar(&start, "start", "2023-12-01", "first day (UTC), YYYY-MM-DD")
	fs.IntVar(&cfg.Days, "days", 30, "days the clicks cover")
	fs.IntVar(&cfg.Users, "users", 0, "users who click (0: one per 200 rows, at least 50)")
	fs.StringVar(&out, "o", "", "output file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if cfg.Rows < 0 || cfg.Days < 1 || cfg.Users < 0 {
		fmt.Fprintln(stderr, "clickgen: -rows and -users must not be negative, -days must be at least 1")
		return 2
	}
	t, err := time.Parse("2006-01-02", start)
	if err != nil {
		fmt.Fprintf(stderr, "clickgen: -start %q: want a date such as 2023-12-01\n", start)
		return 2
	}
	cfg.Start = t

	w := stdout
	var f *os.File
	if out != "" && out != "-" {
		if f, err = os.Create(out); err != nil {
			fmt.Fprintf(stderr, "clickgen: %v\n", err)
			return 1
		}
		w = f
	}
	err = gen.Write(w, cfg)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "clickgen: %v\n", err)
		return 1
	}
	return 0
}
