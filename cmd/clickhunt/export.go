package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	kexport "clickhunt/export" // export is a test helper's name in this package
	"clickhunt/query"
	"clickhunt/storage"
)

// exportCmd writes tables (or a query's result) as files Kusto ingests.
type exportCmd struct {
	Table      []string `placeholder:"NAME" help:"Tables to export (comma-separated or repeated; default: every table)."`
	Query      string   `placeholder:"KQL" help:"Export this query's result instead of tables."`
	File       string   `short:"f" placeholder:"FILE" help:"Export the result of the query in FILE."`
	Name       string   `placeholder:"NAME" help:"Table name of a query's result (default QueryResult)."`
	Format     string   `enum:"parquet,csv" default:"parquet" help:"File format: parquet, or csv (gzip-compressed)."`
	Out        string   `required:"" placeholder:"DIR" help:"Directory to write (must be new or empty): DIR/setup.kql and DIR/data/*."`
	PartSize   string   `name:"part-size" placeholder:"SIZE" help:"Start a new file once one reaches SIZE (default 256MB)."`
	IngestFrom string   `name:"ingest-from" placeholder:"URL" help:"Where the cluster will read the files, for the .ingest commands: a blob container URL with its ?SAS token, or a directory the cluster reads (the emulator's /kustodata/...)."`
	Cluster    string   `placeholder:"URL" help:"Cluster for the LightIngest command lines (default: a placeholder)."`
	Database   string   `placeholder:"DB" help:"Database for the LightIngest command lines (default: a placeholder)."`
	Now        string   `placeholder:"TIME" help:"Pin now() and ago() of --query to this ISO 8601 time."`
}

func (exportCmd) Help() string {
	return `Writes each table (or the query's result) as Parquet or gzip-compressed CSV
files under DIR/data, cut into parts of about --part-size, and DIR/setup.kql:
the Kusto control commands that create the tables with their KQL types
(.create-merge table), their ingestion mappings, one .ingest command a part,
and a LightIngest command line a table. Datetimes keep their 100-ns ticks,
dynamic values their JSON, columns their names.

clickhunt ingests the parts again: 'clickhunt ingest --no-dedup DIR/data'
rebuilds the tables in another database (each part names its table).`
}

func (c *exportCmd) Validate() error {
	n := 0
	for _, set := range []bool{len(c.Table) > 0, c.Query != "", c.File != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return errors.New("give --table, --query or -f FILE, not several")
	}
	if c.Name != "" && c.Query == "" && c.File == "" {
		return errors.New("--name names a query's result: give --query or -f FILE")
	}
	if c.PartSize != "" {
		if _, err := parseSize(c.PartSize); err != nil {
			return fmt.Errorf("--part-size: %w", err)
		}
	}
	if c.Now != "" {
		if _, err := parseNow(c.Now); err != nil {
			return fmt.Errorf("--now: %w", err)
		}
	}
	return nil
}

func runExport(ctx context.Context, dbDir string, c *exportCmd, stdout, stderr io.Writer) int {
	var partSize int64
	if c.PartSize != "" {
		partSize, _ = parseSize(c.PartSize)
	}
	text := c.Query
	if c.File != "" {
		b, err := os.ReadFile(c.File)
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		text = string(b)
	}
	db, err := openForQuery(dbDir, false)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer db.Close()
	snap, err := db.Snapshot()
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer snap.Close()

	// Everything is checked before the first file is written.
	var tables []*storage.TableInfo
	var res *query.Result
	source := "database " + dbDir
	if text != "" {
		var now time.Time
		if c.Now != "" {
			now, _ = parseNow(c.Now)
		}
		res, err = query.Run(ctx, snap, text, query.Options{Now: now, MaxMemory: defaultMaxMemory})
		if err != nil {
			s := &session{stderr: stderr, source: c.File}
			s.printQueryError(statement{Text: text, Line: 1}, err)
			return 1
		}
		source = "a query on database " + dbDir
	} else {
		names := splitComma(c.Table)
		if len(names) == 0 {
			for _, t := range snap.Tables() {
				names = append(names, t.Name)
			}
		}
		if len(names) == 0 {
			fmt.Fprintf(stderr, "error: the database at %s holds no tables: nothing to export\n", dbDir)
			return 1
		}
		for _, n := range names {
			t, err := snap.Table(n)
			if err != nil {
				fmt.Fprintf(stderr, "error: --table %s: %v\n", n, err)
				return 1
			}
			tables = append(tables, t)
		}
	}

	exp, err := kexport.New(kexport.Options{Format: c.Format, Dir: c.Out, PartSize: partSize})
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	done := false
	defer func() {
		if !done {
			exp.Abort()
		}
	}()
	start := time.Now()
	if res != nil {
		name := c.Name
		if name == "" {
			name = "QueryResult"
		}
		t, err := exp.Begin(name, res.Schema)
		if err == nil {
			err = t.Write(res.Batch)
		}
		if err == nil {
			err = t.Close()
		}
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
	}
	for _, info := range tables {
		t, err := exp.Begin(info.Name, kexport.TableSchema(info))
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		var progress func(int64)
		if isTerminal(stderr) {
			total := info.Rows
			progress = func(rows int64) {
				fmt.Fprintf(stderr, "\r\x1b[K%s: %s of %s rows", info.Name, fmtThousands(rows), fmtThousands(total))
			}
		}
		err = kexport.StoredTable(ctx, snap, info, t, progress)
		if progress != nil {
			fmt.Fprint(stderr, "\r\x1b[K")
		}
		if err == nil {
			err = t.Close()
		}
		if err != nil {
			if ctx.Err() != nil {
				fmt.Fprintf(stderr, "export interrupted: the files written are removed\n")
			} else {
				fmt.Fprintf(stderr, "error: %v\n", err)
			}
			return 1
		}
	}
	script, err := exp.Finish(kexport.ScriptOptions{Source: source, IngestFrom: c.IngestFrom, Cluster: c.Cluster, Database: c.Database})
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	done = true
	elapsed := time.Since(start)
	for _, t := range exp.Tables() {
		var bytes int64
		for _, p := range t.Parts {
			bytes += p.Bytes
		}
		parts := "parts"
		if len(t.Parts) == 1 {
			parts = "part"
		}
		fmt.Fprintf(stdout, "%s: %d rows in %d %s (%s, %s) under %s\n", t.Name, t.Rows, len(t.Parts), parts, c.Format, fmtBytes(bytes), strings.TrimSuffix(c.Out, "/")+"/"+kexport.DataDir)
	}
	fmt.Fprintf(stdout, "%s: the Kusto commands that create the tables and ingest the files (%s)\n", script, elapsed.Round(time.Millisecond))
	return 0
}
