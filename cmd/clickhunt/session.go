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

	"clickhunt/column"
	"clickhunt/output"
	"clickhunt/query"
)

// session runs statements against an engine and prints what they give. One
// session serves a single query, a batch (-f FILE or piped stdin) or a REPL.
type session struct {
	eng            engine
	local          engine // the local database's engine while eng is a cluster (.connect)
	checkOnly      bool   // --check: parse and resolve, do not run
	dialect        string // --check --dialect kusto: also list what Kusto refuses (dialect.go)
	kustoRefused   int    // --dialect kusto: queries with findings
	kustoFindings  int    // --dialect kusto: findings
	explain        bool   // --explain: print each query's plan, do not run
	excelSafe      bool   // --csv-excel-safe: csv cells a spreadsheet cannot run as formulas
	invalid        int    // --check: queries that failed
	stdout, stderr io.Writer
	format         string    // output format: table, csv, json or jsonl
	now            time.Time // pins now() and ago(); zero means the clock

	// source names the batch input ("hunts.kql", "<stdin>") so errors read
	// FILE:LINE:COL; "" for a single query or the REPL ("error: LINE:COL").
	source string
	// batch titles table results and separates csv sections.
	batch bool
	// keepGoing runs the rest of a batch after a failed query.
	keepGoing bool

	queries int  // queries run so far
	failed  bool // some query failed

	loc       *time.Location // display zone of datetimes; nil or UTC prints them as stored
	renderOut string         // --render-out: write each render chart to this file

	// REPL state.
	interactive bool          // a terminal session: status line, fitted tables, pager, charts
	timing      bool          // .timing on: print elapsed time and rows read after each query
	noPager     bool          // .pager off
	outFile     *os.File      // .output FILE, nil for standard output
	dbDir       string        // the database directory, for .ingest and .stats
	prefs       prefs         // the settings in force, for .save
	lr          lineReader    // for .edit's history entry
	pending     func() string // the lines typed so far of an open statement
	lastQuery   string        // the last query run, for .edit
	last        *query.Result // the last result, for .render FILE
}

// runQuery runs one query statement and prints its result or its error. It
// reports whether the query succeeded.
func (s *session) runQuery(ctx context.Context, st statement) bool {
	s.queries++
	s.lastQuery = st.Text
	if s.checkOnly {
		return s.checkQuery(st)
	}
	if s.explain {
		return s.explainQuery(st)
	}
	res, err := s.runEngine(ctx, st.Text)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		s.failed = true
		s.printQueryError(st, err)
		return false
	}
	if s.batch {
		s.writeSeparator(st)
	}
	if err := s.writeResult(res, st); err != nil {
		fmt.Fprintf(s.stderr, "error: cannot write result: %v\n", err)
		s.failed = true
		return false
	}
	return true
}

// writeSeparator introduces a batch result: in table format a title line
// "-- query N (line L) --" (after a blank line from the second on); in csv a
// blank line between sections; json arrays and jsonl rows simply follow one
// another.
func (s *session) writeSeparator(st statement) {
	switch s.format {
	case "table":
		if s.queries > 1 {
			fmt.Fprintln(s.stdout)
		}
		fmt.Fprintf(s.stdout, "-- query %d (line %d) --\n", s.queries, st.Line)
	case "csv":
		if s.queries > 1 {
			fmt.Fprintln(s.stdout)
		}
	}
}

// printQueryError prints err for statement st. A positioned query error
// reads "error: L:C: msg" (or "FILE:L:C: msg" in a batch, L counted in the
// file), followed by the offending line and a caret under the column.
func (s *session) printQueryError(st statement, err error) {
	var qe *query.Error
	if errors.As(err, &qe) {
		line := st.Line + qe.Pos.Line - 1
		if s.source != "" {
			fmt.Fprintf(s.stderr, "%s:%d:%d: %s\n", s.source, line, qe.Pos.Col, qe.Msg)
		} else {
			fmt.Fprintf(s.stderr, "error: %d:%d: %s\n", qe.Pos.Line, qe.Pos.Col, qe.Msg)
		}
		lines := strings.Split(st.Text, "\n")
		if qe.Pos.Line >= 1 && qe.Pos.Line <= len(lines) {
			text := lines[qe.Pos.Line-1]
			fmt.Fprintf(s.stderr, "%s\n%s^\n", text, caretPrefix(text, qe.Pos.Col))
		}
		return
	}
	msg := err.Error()
	if errors.Is(err, context.Canceled) {
		msg = "query cancelled"
	}
	var noDB errNoDB
	if s.source != "" && !errors.As(err, &noDB) { // a missing database is no fault of the line
		fmt.Fprintf(s.stderr, "%s:%d: %s\n", s.source, st.Line, msg)
	} else {
		fmt.Fprintf(s.stderr, "error: %s\n", msg)
	}
}

// caretPrefix returns the blanks that put a caret under rune column col
// (1-based) of line: tabs stay tabs so terminals align them alike, wide
// characters count two.
func caretPrefix(line string, col int) string {
	var sb strings.Builder
	n := 0
	for _, r := range line {
		if n >= col-1 {
			break
		}
		n++
		if r == '\t' {
			sb.WriteByte('\t')
		} else {
			sb.WriteString(strings.Repeat(" ", output.TextWidth(string(r))))
		}
	}
	// A column past the end (an error at end of input) points just after it.
	if col-1 > n {
		sb.WriteString(strings.Repeat(" ", col-1-n))
	}
	return sb.String()
}

// runBatch runs every statement read from lr with batch rules (blank-line
// separated), stopping at the first failure unless keepGoing. It returns
// the exit status. Ctrl-C (ctx) stops the batch.
func (s *session) runBatch(ctx context.Context, lr lineReader) int {
	a := newAssembler(false)
	status := 0
	loop(lr, a, func(st statement) bool {
		if !s.runQuery(ctx, st) {
			status = 1
			return !s.keepGoing || ctx.Err() != nil
		}
		return false
	}, func(err error) {
		var long *lineTooLongError
		if errors.As(err, &long) {
			fmt.Fprintf(s.stderr, "%s:%d: %v\n", s.source, long.line, err)
		} else {
			fmt.Fprintf(s.stderr, "error: cannot read %s: %v\n", s.source, err)
		}
		status = 1
	})
	return status
}

// loop reads lines from lr into a, hands each complete statement to handle
// and stops when handle returns true or input ends. Ctrl-C while typing
// drops the pending statement. At end of input a pending batch statement
// still runs; a half-typed interactive one is dropped.
func loop(lr lineReader, a *assembler, handle func(statement) (stop bool), readErr func(error)) {
	for {
		if a.Pending() {
			lr.SetPrompt(contPrompt)
		} else {
			lr.SetPrompt(mainPrompt)
		}
		line, err := lr.Readline()
		switch {
		case errors.Is(err, errInterrupted):
			a.Reset()
			continue
		case errors.Is(err, io.EOF):
			if st, ok := a.Flush(); ok && !a.interactive {
				handle(st)
			}
			return
		case err != nil:
			readErr(err)
			return
		}
		if st, ok := a.Add(line); ok {
			if handle(st) {
				return
			}
		}
	}
}

const (
	mainPrompt = "clickhunt> "
	contPrompt = "      ...> "
)

// repl is the interactive loop: queries and dot-commands until .quit or
// Ctrl-D. Errors are printed and the session goes on. Each query runs
// under its own signal.NotifyContext so Ctrl-C cancels that query only;
// between queries Ctrl-C is swallowed (readline turns it into
// errInterrupted while the user types).
func (s *session) repl(ctx context.Context, lr lineReader) int {
	swallow := make(chan os.Signal, 1)
	signal.Notify(swallow, os.Interrupt)
	defer signal.Stop(swallow)

	a := newAssembler(true)
	s.pending = func() string { return strings.Join(a.lines, "\n") }
	loop(lr, a, func(st statement) bool {
		lr.AddHistory(st.Raw) // as typed: lines, comments and final ';'

		if st.Dot {
			return s.runDot(ctx, st.Text)
		}
		qctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		s.runQuery(qctx, st)
		stop()
		select { // drop a Ctrl-C that arrived during the query
		case <-swallow:
		default:
		}
		return ctx.Err() != nil
	}, func(err error) {
		fmt.Fprintf(s.stderr, "error: %v\n", err)
	})
	return 0
}

// dotCommand is one REPL meta command.
type dotCommand struct {
	name string
	args string
	help string
	run  func(s *session, ctx context.Context, args []string) (quit bool, err error)
}

// dotCommands is the REPL's command table; filled in init because .help
// reads it.
var dotCommands []dotCommand

func init() {
	dotCommands = []dotCommand{
		{".help", "[TOPIC]", "show this help, or an operator's or function's syntax and an example", (*session).dotHelp},
		{".tables", "", "list tables with their row and column counts", (*session).dotTables},
		{".schema", "TABLE", "show a table's columns and types, with its row count", (*session).dotSchema},
		{".stats", "", "database size on disk, tables, blocks, files and the last ingest", (*session).dotStats},
		{".ingest", "FILE...", "load exports into the database, as 'clickhunt ingest' does", (*session).dotIngest},
		{".connect", "URL DB [AUTH]", "run the queries on a Kusto cluster's database (auth: auto, none, token, azcli, msi)", (*session).dotConnect},
		{".disconnect", "", "back to the local database after .connect", (*session).dotDisconnect},
		{".format", "table|csv|json|jsonl|vertical", "set the output format (no argument: show it)", (*session).dotFormat},
		{".output", "[FILE]", "write results to FILE (no argument: back to the terminal)", (*session).dotOutput},
		{".explain", "[QUERY]", "show the plan of QUERY (or of the last query) without running it", (*session).dotExplain},
		{".timing", "on|off", "print elapsed time and rows read after each query", (*session).dotTiming},
		{".pager", "on|off", "page long results through $PAGER (else less) on a terminal", (*session).dotPager},
		{".render", "FILE.svg|.html|.png", "draw the last result's chart (render) to a file", (*session).dotRender},
		{".edit", "", "edit the last query in $EDITOR, then run it", (*session).dotEdit},
		{".tz", "ZONE", "show datetimes in a time zone (UTC, Local, Europe/Berlin, +02:00)", (*session).dotTZ},
		{".now", "TIME|off", "pin now() and ago() to an ISO 8601 time, or follow the clock again", (*session).dotNow},
		{".save", "", "save db, format, tz, now, timing and pager as defaults in the config file", (*session).dotSave},
		{".quit", "", "leave (so do .exit and Ctrl-D)", (*session).dotQuit},
		{".exit", "", "leave", (*session).dotQuit},
	}
}

// runDot runs one dot-command line and reports whether the REPL should end.
func (s *session) runDot(ctx context.Context, line string) bool {
	fields := strings.Fields(line)
	for _, c := range dotCommands {
		if c.name == fields[0] {
			quit, err := c.run(s, ctx, fields[1:])
			if err != nil {
				fmt.Fprintf(s.stderr, "error: %v\n", err)
			}
			return quit
		}
	}
	fmt.Fprintf(s.stderr, "error: unknown command %s (try .help)\n", fields[0])
	return false
}

func (s *session) dotHelp(_ context.Context, args []string) (bool, error) {
	if len(args) > 0 {
		return false, s.helpTopic(args[0])
	}
	var sb strings.Builder
	sb.WriteString("Type a KQL query; it may span lines (a line may start with '|').\n")
	sb.WriteString("It runs on an empty line, or at a ';' ending a line once the text holds more\n")
	sb.WriteString("than let statements. Ctrl-C clears the input or cancels a running query.\n\n")
	for _, c := range dotCommands {
		usage := c.name
		if c.args != "" {
			usage += " " + c.args
		}
		fmt.Fprintf(&sb, "  %-36s %s\n", usage, c.help)
	}
	sb.WriteString("\n.help NAME shows the syntax of an operator, function or plugin, an example and its page:\n")
	for _, kind := range []query.TopicKind{query.KindStatement, query.KindOperator, query.KindPredicate, query.KindAggregation, query.KindFunction, query.KindPlugin} {
		writeWrapped(&sb, fmt.Sprintf("  %-12s ", string(kind)+"s"), topicNames(kind), 100)
	}
	_, err := io.WriteString(s.stdout, sb.String())
	return false, err
}

func (s *session) dotTables(_ context.Context, _ []string) (bool, error) {
	tables, err := s.eng.Tables()
	if err != nil {
		return false, err
	}
	schema := column.Schema{{Name: "Table", Type: column.String}, {Name: "Rows", Type: column.Long}, {Name: "Columns", Type: column.Long}}
	names := column.NewBuilder(column.String, len(tables))
	rows := column.NewBuilder(column.Long, len(tables))
	cols := column.NewBuilder(column.Long, len(tables))
	for _, t := range tables {
		names.AppendString(t.Name)
		rows.AppendInt(t.Rows)
		cols.AppendInt(int64(len(t.Columns)))
	}
	b := &column.Batch{Len: len(tables), Cols: []*column.Vector{names.Build(), rows.Build(), cols.Build()}}
	return false, output.Write(s.stdout, s.format, schema, b, output.Options{})
}

func (s *session) dotSchema(_ context.Context, args []string) (bool, error) {
	if len(args) != 1 {
		return false, errors.New("usage: .schema TABLE")
	}
	t, err := s.eng.Table(args[0])
	if err != nil {
		return false, fmt.Errorf("table %s: %w", args[0], err)
	}
	fmt.Fprintf(s.stdout, "%s: %d rows in %d blocks, %d columns\n", t.Name, t.Rows, t.Blocks, len(t.Columns))
	schema := column.Schema{{Name: "Column", Type: column.String}, {Name: "Type", Type: column.String}}
	names := column.NewBuilder(column.String, len(t.Columns))
	types := column.NewBuilder(column.String, len(t.Columns))
	for _, c := range t.Columns {
		names.AppendString(c.Name)
		types.AppendString(c.Type.String())
	}
	b := &column.Batch{Len: len(t.Columns), Cols: []*column.Vector{names.Build(), types.Build()}}
	return false, output.Write(s.stdout, s.format, schema, b, output.Options{})
}

func (s *session) dotFormat(_ context.Context, args []string) (bool, error) {
	switch {
	case len(args) == 0:
		fmt.Fprintf(s.stdout, "format: %s\n", s.format)
	case len(args) == 1 && output.Valid(args[0]):
		s.format = args[0]
		s.prefs.Format = args[0]
	default:
		return false, fmt.Errorf("usage: .format %s", strings.Join(output.Formats, "|"))
	}
	return false, nil
}

func (s *session) dotNow(_ context.Context, args []string) (bool, error) {
	switch {
	case len(args) == 0:
		if s.now.IsZero() {
			fmt.Fprintln(s.stdout, "now: the clock")
		} else {
			fmt.Fprintf(s.stdout, "now: %s\n", column.FormatDatetime(column.TicksFromTime(s.now)))
		}
	case len(args) == 1 && args[0] == "off":
		s.now = time.Time{}
		s.prefs.Now = ""
	default:
		t, err := parseNow(strings.Join(args, " "))
		if err != nil {
			return false, err
		}
		s.now = t
		s.prefs.Now = strings.Join(args, " ")
	}
	return false, nil
}

func (s *session) dotQuit(_ context.Context, _ []string) (bool, error) { return true, nil }

// parseNow parses a --now or .now value (ISO 8601; no zone means UTC).
func parseNow(v string) (time.Time, error) {
	ticks, err := column.ParseDatetime(v)
	if err != nil {
		return time.Time{}, err
	}
	return column.TimeFromTicks(ticks), nil
}

// checkQuery parses and resolves one query without running it (--check).
func (s *session) checkQuery(st statement) bool {
	if s.dialect == dialectKusto {
		return s.checkKusto(st) // dialect.go
	}
	c, ok := s.eng.(interface{ Check(text string) error })
	if !ok {
		fmt.Fprintln(s.stderr, "error: this engine cannot check queries")
		s.failed = true
		return false
	}
	if err := c.Check(st.Text); err != nil {
		s.failed = true
		s.invalid++
		s.printQueryError(st, err)
		return false
	}
	return true
}

// checkSummary ends a --check run with the count of queries checked.
func (s *session) checkSummary() {
	if !s.checkOnly {
		return
	}
	if s.dialect == dialectKusto {
		fmt.Fprintf(s.stdout, "%d queries checked for Kusto: %d invalid, %d using what Azure Data Explorer refuses (%d places)\n",
			s.queries, s.invalid, s.kustoRefused, s.kustoFindings)
		return
	}
	if s.invalid == 0 {
		fmt.Fprintf(s.stdout, "%d queries checked: all valid\n", s.queries)
		return
	}
	fmt.Fprintf(s.stdout, "%d queries checked: %d invalid\n", s.queries, s.invalid)
}

// explainQuery prints the plan of one query statement (or its error).
func (s *session) explainQuery(st statement) bool {
	e, ok := s.eng.(interface {
		Explain(text string) (string, error)
	})
	if !ok {
		fmt.Fprintln(s.stderr, "error: this engine cannot explain queries")
		s.failed = true
		return false
	}
	p, err := e.Explain(st.Text)
	if err != nil {
		s.failed = true
		s.printQueryError(st, err)
		return false
	}
	fmt.Fprint(s.out(), p)
	return true
}

// writeWrapped writes the words after label, wrapped at width columns with
// the continuation lines indented under the first word.
func writeWrapped(sb *strings.Builder, label string, words []string, width int) {
	sb.WriteString(label)
	col := len(label)
	for i, w := range words {
		if i > 0 && col+1+len(w) > width {
			sb.WriteString("\n" + strings.Repeat(" ", len(label)))
			col = len(label)
		} else if i > 0 {
			sb.WriteByte(' ')
			col++
		}
		sb.WriteString(w)
		col += len(w)
	}
	sb.WriteByte('\n')
}
