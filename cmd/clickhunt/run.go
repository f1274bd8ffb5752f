package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"clickhunt/storage"
	"golang.org/x/term"
)

// cli is the command line. The database location is global so it may be
// given before or after the command.
type cli struct {
	globals

	Ingest  ingestCmd  `cmd:"" help:"Load Safe Links click exports (CSV, JSON, JSON Lines, Parquet) into the database."`
	Query   queryCmd   `cmd:"" help:"Run KQL queries and print the results."`
	Repl    replCmd    `cmd:"" help:"Open the interactive KQL shell."`
	Version versionCmd `cmd:"" help:"Print the version."`
	Check   checkCmd   `cmd:"" help:"Verify every stored block, meta and catalog record; report damage."`
	Recover recoverCmd `cmd:"" help:"Recover the database after an interrupted ingest (as the next ingest would), then check it."`
	Shell   shellCmd   `cmd:"" default:"1" hidden:"" help:"REPL on a terminal, else run the queries on standard input."`

	// The reports (report.go, serve.go, trace.go).
	Report       reportCmd       `cmd:"" help:"Write the Safe Links report (HTML, CSV or JSON) of the clicks."`
	Serve        serveCmd        `cmd:"" help:"Serve the report page and a read-only report API on localhost."`
	Urltrace     urltraceCmd     `cmd:"" help:"Get-UrlTrace: search the clicks with the cmdlet's parameters."`
	Messagetrace messagetraceCmd `cmd:"" help:"Get-MessageTrace: search the message trace with the cmdlet's parameters."`

	// Handing data over to Kusto (export.go).
	Export exportCmd `cmd:"" help:"Write tables or a query's result as Parquet or CSV files Kusto ingests, and the .kql commands to load them."`

	Help       helpCmd       `cmd:"" help:"Show the help of clickhunt, or of a command (clickhunt help query)."`
	Completion completionCmd `cmd:"" help:"Print a shell completion script (bash, zsh, fish or powershell)."`
}

// globals are the flags before the command.
type globals struct {
	DB      string           `name:"db" placeholder:"DIR" help:"Database directory (default: $$CLICKHUNT_DB, else the config file's db, else ${default_db})."`
	Version kong.VersionFlag `name:"version" help:"Print the version and exit."`
}

// queryCLI is the command line of `clickhunt query ...` alone. Kong builds
// its model from the struct tags in every process: the whole CLI's costs a
// fresh one-shot query a millisecond, this one a fifth of that. What it
// does not parse (a usage error, help) is parsed again by the whole CLI,
// so messages and help read the same.
type queryCLI struct {
	globals
	Query queryCmd `cmd:"" help:"Run KQL queries and print the results."`
}

type ingestCmd struct {
	Table  string   `placeholder:"NAME" help:"Table to load into (default: the format's table, UrlClickEvents)."`
	Format string   `enum:"auto,csv,json,jsonl,parquet" default:"auto" help:"Input format: auto, csv, json, jsonl or parquet (default: auto, from the content)."`
	Files  []string `arg:"" name:"FILE" help:"Export files to load, in order; - reads standard input (pipes, FIFOs and /dev/stdin are read once too)."`

	ingestOpts
}

func (ingestCmd) Help() string {
	return `Each file is stored whole or not at all. One summary line per file goes to
standard output; a file whose exact content was ingested before is skipped.
While loading, a progress line is shown on standard error when it is a
terminal. The first file that fails stops the run with exit status 1 and its
FILE:LINE: message on standard error; the files before it stay stored.`
}

type queryCmd struct {
	Format    string `enum:"auto,table,csv,json,jsonl,vertical" default:"auto" help:"Output: table, csv, json, jsonl, vertical (default: table on a terminal, csv otherwise; or the config file's format)."`
	RenderOut string `placeholder:"FILE" help:"Draw the chart of a query ending in render to FILE (.svg, .html or .png)."`
	TZ        string `name:"tz" placeholder:"ZONE" help:"Show datetimes in this time zone: UTC (default, or the config file's tz), Local, an IANA name or +HH:MM."`
	Now       string `placeholder:"TIME" help:"Pin now() and ago() to this ISO 8601 time (e.g. 2024-03-01T12:00:00Z)."`
	KeepGoing bool   `help:"In a batch, run the remaining queries after one fails (exit status is still 1)."`
	MaxMemory string `name:"max-memory" placeholder:"SIZE" help:"Stop a query that would hold more than SIZE in group tables, sort buffers, join sides and its result (default 4GiB; e.g. 512MB)."`
	Check     bool   `help:"Parse and resolve the queries without running them (against the database, or the known table schemas when there is none); exit 0 only if all are valid."`
	Dialect   string `placeholder:"kusto" help:"With --check: also list what clickhunt accepts and Kusto (Azure Data Explorer) would refuse; exit 0 only if there is nothing."`
	Explain   bool   `help:"Print the plan of each query (one operator a line, with the columns it produces) without running it."`
	ExcelSafe bool   `name:"csv-excel-safe" help:"In csv output, prefix a ' to text cells a spreadsheet would run as a formula (starting with = + - @). By default csv holds the values as stored."`
	Repeat    int    `placeholder:"N" default:"1" help:"Run each query N times in this process (warm runs); the result is written once."`
	Timing    bool   `help:"Print each run's elapsed time, rows and blocks read, then the median, to standard error."`
	File      string `short:"f" placeholder:"FILE" help:"Run the queries in FILE (a batch)."`
	Text      string `arg:"" name:"QUERY" optional:"" help:"The query to run. Without QUERY or -f, queries are read from standard input as a batch."`

	clusterFlags // --cluster URL --database DB (cluster.go)

	now time.Time
}

func (queryCmd) Help() string {
	return `A batch (-f FILE, or standard input) holds queries separated by blank lines,
as in Kusto Explorer. Lines holding only // comments belong to the query
that follows them; a chunk of only comments is skipped. Queries run in turn;
the first that fails stops the batch with exit status 1 unless --keep-going.

Batch output by format:
  table  each result under a title line "-- query N (line L) --", where L is
         the query's first line in the input; results separated by a blank line
  csv    each result is its own CSV section (header row, rows); sections are
         separated by one blank line; no titles
  json   one JSON array per query, the arrays following one another (a JSON
         stream, as jq reads)
  jsonl  the rows of all queries, one object per line

Errors go to standard error as FILE:LINE:COL: message (LINE counted in the
file; "error: LINE:COL: message" for a QUERY argument), then the offending
line and a caret under the column.`
}

// Validate checks what kong cannot; its errors are usage errors (exit 2).
func (q *queryCmd) Validate() error {
	if q.File != "" && q.Text != "" {
		return errors.New("give either -f FILE or QUERY, not both")
	}
	if err := checkDialect(q.Dialect, q.Check); err != nil { // dialect.go
		return err
	}
	if q.File != "" {
		// Checked here, not by kong's existingfile, which would turn the
		// name into an absolute path: errors must name the file as given.
		if fi, err := os.Stat(q.File); err != nil {
			return fmt.Errorf("-f: %w", err)
		} else if fi.IsDir() {
			return fmt.Errorf("-f: %s is a directory", q.File)
		}
	}
	if q.Repeat < 1 {
		return errors.New("--repeat must be at least 1")
	}
	if q.Now != "" {
		t, err := parseNow(q.Now)
		if err != nil {
			return fmt.Errorf("--now: %w", err)
		}
		q.now = t
	}
	return nil
}

type replCmd struct {
	TZ string `name:"tz" placeholder:"ZONE" help:"Show datetimes in this time zone: UTC (default, or the config file's tz), Local, an IANA name or +HH:MM."`

	clusterFlags // start connected to a cluster (cluster.go)
}

func (replCmd) Help() string {
	return `Type a query over one or more lines (a line may start with '|'); it runs on
an empty line, or at a ';' ending a line once the text holds more than let
statements. Type .help for the dot-commands (.tables, .schema, .format,
.now, .quit). Ctrl-C clears the input or cancels a running query; Ctrl-D
leaves. History is kept in $CLICKHUNT_HISTORY, else ` + defaultHistoryFile() + "."
}

type versionCmd struct{}

type shellCmd struct{}

// exitCode carries kong's requested exit status out of kong.Parse (kong
// calls its Exit function after --help, or on a usage error).
type exitCode int

// run is the whole program behind main: it parses args (without the
// program name), runs the command and returns the exit status: 0 success,
// 1 query or ingest error, 2 bad usage.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	args, err := traceArgs(args) // -RecipientAddress as --recipient-address (trace.go)
	if err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
		return 2
	}
	opts := []kong.Option{
		kong.Name("clickhunt"),
		kong.Description("Offline KQL analytics for Microsoft 365 Safe Links click exports.\n\nWith no command: an interactive shell when standard input is a terminal, otherwise the queries on standard input are run as a batch (see 'clickhunt query --help')."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"default_db": defaultDBDir(), "version": versionLine()},
	}
	defer func() {
		if r := recover(); r != nil {
			code, ok := r.(exitCode)
			if !ok {
				panic(r)
			}
			status = int(code)
			if status != 0 {
				status = 2
			}
		}
	}()
	var c cli
	var cmd string
	if db, text, ok := plainQuery(args); ok {
		c.DB, c.Query, cmd = db, queryCmd{Format: "auto", Repeat: 1, Text: text}, "query"
	} else if q, ok := parseQueryOnly(args, opts); ok {
		c.globals, c.Query, cmd = q.globals, q.Query, "query"
	} else {
		parser, err := kong.New(&c, opts...)
		if err != nil {
			panic("BUG: kong grammar: " + err.Error())
		}
		kctx, err := parser.Parse(args)
		if err != nil {
			var pe *kong.ParseError
			if errors.As(err, &pe) {
				kctx = pe.Context
			}
			fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
			fmt.Fprintf(stderr, "Run 'clickhunt %s--help' for usage.\n", commandPrefix(kctx))
			return 2
		}
		cmd = strings.Fields(kctx.Command())[0]
	}
	p, err := loadPrefs(configFile())
	if err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
		return 2
	}
	dbDir := resolveDB(c.DB, p)
	if tz := c.Query.TZ + c.Repl.TZ; tz != "" {
		p.TZ = tz
	}
	switch cmd {
	case "check":
		return runCheck(ctx, dbDir, stdout, stderr)
	case "recover":
		return runRecover(ctx, dbDir, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, versionLine())
		return 0
	case "help":
		// The same as COMMAND --help (unknown commands are usage errors).
		return run(ctx, append(append([]string(nil), c.Help.Command...), "--help"), stdin, stdout, stderr)
	case "completion":
		parser, err := kong.New(&cli{}, opts...)
		if err != nil {
			panic("BUG: kong grammar: " + err.Error())
		}
		if err := writeCompletion(stdout, c.Completion.Shell, completionSpec(parser.Model)); err != nil {
			fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
			return 1
		}
		return 0
	case "ingest":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
		return runIngest(ctx, dbDir, &c.Ingest, stdin, stdout, stderr, isTerminal(stderr))
	case "query":
		ctx, stop := notifyContext(ctx, os.Interrupt)
		defer stop()
		return runQueryCmd(ctx, dbDir, &c.Query, p, stdin, stdout, stderr)
	case "repl":
		if err := c.Repl.check(); err != nil {
			fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
			return 2
		}
		return runRepl(ctx, dbDir, p, stdin, stdout, stderr, c.Repl.clusterFlags)
	case "report":
		return runReport(ctx, dbDir, &c.Report, stdout, stderr)
	case "serve":
		return runServe(ctx, dbDir, &c.Serve, stdout, stderr)
	case "urltrace":
		return runURLTrace(ctx, dbDir, &c.Urltrace, stdout, stderr)
	case "messagetrace":
		return runMessageTrace(ctx, dbDir, &c.Messagetrace, p, stdout, stderr)
	case "export":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
		return runExport(ctx, dbDir, &c.Export, stdout, stderr)
	case "shell":
		if isTerminal(stdin) {
			return runRepl(ctx, dbDir, p, stdin, stdout, stderr, clusterFlags{})
		}
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
		return runQueryCmd(ctx, dbDir, &queryCmd{Format: "auto"}, p, stdin, stdout, stderr)
	default:
		panic("BUG: unhandled command " + cmd)
	}
}

// parseQueryOnly parses args with queryCLI when they are the query command
// (after --db, if given first) and ask for no help; ok is false when they
// are not, or do not parse (the whole CLI then says why).
func parseQueryOnly(args []string, opts []kong.Option) (_ *queryCLI, ok bool) {
	cmd := 0
	for cmd < len(args) {
		switch a := args[cmd]; {
		case a == "--db":
			cmd += 2
			continue
		case strings.HasPrefix(a, "--db="):
			cmd++
			continue
		}
		break
	}
	if cmd >= len(args) || args[cmd] != "query" {
		return nil, false
	}
	for _, a := range args {
		if a == "-h" || a == "--help" {
			return nil, false
		}
	}
	var q queryCLI
	parser, err := kong.New(&q, opts...)
	if err != nil {
		panic("BUG: kong grammar: " + err.Error())
	}
	if _, err := parser.Parse(args); err != nil {
		return nil, false
	}
	return &q, true
}

// notifyContext is signal.NotifyContext with the signals registered on a
// goroutine of its own: each registration waits for the runtime's signal
// thread, which in a fresh process (both cores busy opening the database
// and building the parser) held a one-shot query up 0.3 ms. A signal in
// the first moment after the call gets its default action (the process
// ends) rather than cancelling ctx, as one before the process started
// would; one after stop is not delivered.
func notifyContext(parent context.Context, sig ...os.Signal) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, sig...)
		defer signal.Stop(ch)
		select {
		case <-ch:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// plainQuery recognises the commonest command line, a query and perhaps
// the database: [--db DIR] query [--db DIR] QUERY (--db=DIR too). Those
// arguments need no parser: building even queryCLI's kong model costs a
// one-shot query half a millisecond. Anything else (another flag, a
// QUERY starting with "-", "--") is left to kong.
func plainQuery(args []string) (db, text string, ok bool) {
	seenCmd := false
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--db" && i+1 < len(args):
			db = args[i+1]
			i++
		case strings.HasPrefix(a, "--db="):
			db = strings.TrimPrefix(a, "--db=")
		case a == "query" && !seenCmd:
			seenCmd = true
		case seenCmd && text == "" && a != "" && !strings.HasPrefix(a, "-"):
			text = a
		default:
			return "", "", false
		}
	}
	return db, text, seenCmd && text != ""
}

// commandPrefix is "query " when the usage error was in the query command.
func commandPrefix(kctx *kong.Context) string {
	if kctx == nil {
		return ""
	}
	if f := strings.Fields(kctx.Command()); len(f) > 0 && f[0] != "shell" && f[0] != "version" {
		return f[0] + " "
	}
	return ""
}

// isTerminal reports whether f is an *os.File on a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// runQueryCmd runs one QUERY argument, a -f FILE batch or the stdin batch.
func runQueryCmd(ctx context.Context, dbDir string, q *queryCmd, p prefs, stdin io.Reader, stdout, stderr io.Writer) int {
	format := q.Format
	if (format == "auto" || format == "") && p.Format != "" {
		format = p.Format
	}
	if format == "auto" || format == "" {
		format = "csv"
		if isTerminal(stdout) {
			format = "table"
		}
	}
	var in io.Reader
	var source string
	switch {
	case q.Text != "":
	case q.File != "":
		f, err := os.Open(q.File)
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		defer f.Close()
		in, source = f, q.File
	default:
		in, source = stdin, "<stdin>"
		if isTerminal(stdin) {
			fmt.Fprintln(stderr, "clickhunt: reading queries from standard input (a blank line between queries, Ctrl-D to end)")
		}
	}

	var maxMem int64
	if q.MaxMemory != "" {
		var err error
		if maxMem, err = parseSize(q.MaxMemory); err != nil {
			fmt.Fprintf(stderr, "clickhunt: error: --max-memory: %v\n", err)
			return 2
		}
	}
	cached := q.Repeat > 1 || in != nil
	if err := q.clusterFlags.check(); err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
		return 2
	}
	if !cached && q.Cluster == "" {
		oneShotGC()
	}
	var eng engine
	var db *storage.DB
	var err error
	if q.Cluster != "" {
		c, cerr := q.clusterFlags.open()
		if cerr != nil {
			fmt.Fprintf(stderr, "error: %v\n", cerr)
			return 1
		}
		defer c.Close()
		eng = &clusterEngine{c: c}
	} else {
		db, err = openForQuery(dbDir, cached)
	}
	var noDB errNoDB
	switch {
	case eng != nil:
	case errors.As(err, &noDB):
		// No database: a query reading no table runs, a check or an
		// explain uses the known schemas, and nothing is created.
		db = nil
	case err != nil:
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	case !cached && exitsAfterRun:
		// A one-shot query process leaves its read-only database to the
		// exit, which releases the files and the shared lock at once;
		// Close would unmap Badger's files one by one and stop its
		// goroutines first (0.4 ms of an 8 ms run), and a read-only open
		// has nothing to write back.
	default:
		defer db.Close()
	}
	if eng == nil {
		eng = &dbEngine{db: db, dir: dbDir, maxMemory: maxMem}
	}
	s := &session{
		eng:       eng,
		stdout:    stdout,
		stderr:    stderr,
		format:    format,
		now:       q.now,
		source:    source,
		batch:     in != nil,
		keepGoing: q.KeepGoing || q.Check,
		renderOut: q.RenderOut,
		checkOnly: q.Check,
		dialect:   q.Dialect,
		explain:   q.Explain,
		excelSafe: q.ExcelSafe,
	}
	if (q.Repeat > 1 || q.Timing) && !q.Check {
		s.eng = newTimedEngine(s.eng, q.Repeat, q.Timing, in != nil, stderr) // timing.go
	}
	np := prefs{TZ: p.TZ} // the config file's now pin unless --now
	if q.now.IsZero() {
		np.Now = p.Now
	}
	if err := s.applyPrefs(np); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 2
	}
	if in == nil {
		ok := s.runQuery(ctx, statement{Text: q.Text, Line: 1})
		s.checkSummary()
		if !ok {
			return 1
		}
		return 0
	}
	rc := s.runBatch(ctx, newTextReader(in))
	s.checkSummary()
	return rc
}
