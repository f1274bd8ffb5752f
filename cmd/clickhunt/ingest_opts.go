package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"clickhunt/ingest"
)

// ingestOpts are the ingest flags beyond table and format, embedded in
// ingestCmd (kong flattens anonymous fields).
type ingestOpts struct {
	Source     string `default:"auto" placeholder:"NAME" help:"Kind of export: auto (from the header or document shape), ah, sentinel, safelinks-detail, urltrace, safelinks-report, messagetrace, mt-summary, mt-detail."`
	DateFormat string `placeholder:"FORMAT" help:"Format of culture-formatted dates, .NET style (e.g. \"dd.MM.yyyy HH:mm:ss\", \"M/d/yyyy h:mm:ss tt\")."`
	Culture    string `placeholder:"NAME" help:"Culture the export's dates are written in (en-US, en-GB, de-DE, fr-FR ...)."`
	TZ         string `name:"tz" placeholder:"ZONE" help:"Time zone of datetimes written without one (IANA name, e.g. Europe/Berlin); needed for Sentinel [Local Time] columns. Default UTC."`
	DryRun     bool   `help:"Detect, map and check the files, showing source, encoding, mapping, first rows and every problem; store nothing."`
	Rejects    string `placeholder:"FILE" help:"Store the good rows and append each bad row, verbatim, with its reason, to FILE (JSON lines)."`
	NoDedup    bool   `help:"Store rows even when an equal row is already stored."`

	MaxFieldSize string `placeholder:"SIZE" help:"Refuse a value longer than SIZE (a bad row; default 16MiB)."`
	MaxLineSize  string `placeholder:"SIZE" help:"Stop a file at a line, or a row spanning lines, longer than SIZE (default 64MiB)."`
	MaxColumns   int    `placeholder:"N" help:"Stop a file with more than N columns (default 10000)."`
	MaxInputSize string `placeholder:"SIZE" help:"Stop a file larger than SIZE after decompression (default 64GiB)."`

	limits struct {
		field, line, input int64
	}
}

// apply copies the options into opts.
func (o *ingestOpts) apply(opts *ingest.Options) {
	opts.Source, opts.DateFormat, opts.Culture, opts.TZ = o.Source, o.DateFormat, o.Culture, o.TZ
	opts.DryRun, opts.NoDedup = o.DryRun, o.NoDedup
	opts.MaxFieldSize, opts.MaxLineSize, opts.MaxInputSize = o.limits.field, o.limits.line, o.limits.input
	opts.MaxColumns = o.MaxColumns
}

// Validate checks the source name and the culture early (usage errors).
func (o *ingestOpts) Validate() error {
	if o.Source != "auto" && o.Source != "" {
		ok := false
		for _, n := range ingest.SourceNames() {
			ok = ok || n == o.Source
		}
		if !ok {
			return fmt.Errorf("--source: unknown source %q (want auto, %s)", o.Source, strings.Join(ingest.SourceNames(), ", "))
		}
	}
	if o.Culture != "" {
		if _, ok := ingest.Cultures[o.Culture]; !ok {
			return fmt.Errorf("--culture: unknown culture %q; give --date-format instead", o.Culture)
		}
	}
	if o.DateFormat != "" {
		if _, err := ingest.DotNetLayout(o.DateFormat); err != nil {
			return fmt.Errorf("--date-format: %w", err)
		}
	}
	for _, f := range []struct {
		name string
		s    string
		dst  *int64
	}{{"--max-field-size", o.MaxFieldSize, &o.limits.field}, {"--max-line-size", o.MaxLineSize, &o.limits.line}, {"--max-input-size", o.MaxInputSize, &o.limits.input}} {
		if f.s == "" {
			continue
		}
		n, err := parseSize(f.s)
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = n
	}
	if o.MaxColumns < 0 {
		return fmt.Errorf("--max-columns: must be positive")
	}
	return nil
}

// writeDryRun prints what a dry run found about one file. Names, values
// and messages from the file are printable: no terminal escapes.
func writeDryRun(w io.Writer, s ingest.Summary) {
	if len(s.Parts) > 0 {
		for _, p := range s.Parts {
			writeDryRun(w, p)
		}
		return
	}
	fmt.Fprintf(w, "%s\n", printable(s.Path))
	enc := s.Encoding
	if s.Compression != "" {
		enc += ", " + s.Compression
	}
	fmt.Fprintf(w, "  source:   %s (%s, %s)\n", s.Source, s.Format, enc)
	fmt.Fprintf(w, "  table:    %s\n", printable(s.Table))
	fmt.Fprintf(w, "  rows:     %d read, %d would be stored, %d duplicates, %d with problems\n", s.RowsIn, s.Rows, s.Duplicates, s.Rejected)
	for _, n := range s.Notes {
		fmt.Fprintf(w, "  note:     %s\n", printable(n))
	}
	fmt.Fprintln(w, "  mapping:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, m := range s.Mapping {
		src := m.Source
		if src == "" {
			src = "(derived)"
		}
		note := ""
		if m.Note != "" {
			note = "\t" + printable(m.Note)
		}
		fmt.Fprintf(tw, "    %s\t-> %s\t%s%s\n", printable(src), printable(m.Column), m.Type, note)
	}
	tw.Flush()
	if len(s.Sample) > 0 {
		fmt.Fprintf(w, "  first rows:\n")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		names := make([]string, len(s.SampleOf))
		for i, n := range s.SampleOf {
			names[i] = printable(n)
		}
		fmt.Fprintf(tw, "    %s\n", strings.Join(names, "\t"))
		for _, r := range s.Sample {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = cutPrintable(c, 40)
			}
			fmt.Fprintf(tw, "    %s\n", strings.Join(cells, "\t"))
		}
		tw.Flush()
	}
	if len(s.Problems) == 0 {
		fmt.Fprintln(w, "  problems: none")
		return
	}
	fmt.Fprintf(w, "  problems: %d\n", s.Rejected)
	for _, p := range s.Problems {
		fmt.Fprintf(w, "    %s\n", printable(p.Error.Error()))
	}
	if int64(len(s.Problems)) < s.Rejected {
		fmt.Fprintf(w, "    ... and %d more\n", s.Rejected-int64(len(s.Problems)))
	}
}
