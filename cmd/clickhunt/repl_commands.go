package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"clickhunt/query"

	"clickhunt/chart"
)

// helpTopic prints what .help TOPIC shows: a dot-command's usage, or each
// operator/function called topic with its syntax and one example.
func (s *session) helpTopic(topic string) error {
	if strings.HasPrefix(topic, ".") {
		for _, c := range dotCommands {
			if c.name == topic {
				fmt.Fprintf(s.stdout, "%s %s\n  %s\n", c.name, c.args, c.help)
				return nil
			}
		}
		return fmt.Errorf("unknown command %s (try .help)", topic)
	}
	ts := topicsNamed(strings.TrimSuffix(topic, "()"))
	if len(ts) == 0 {
		msg := fmt.Sprintf("no help on %q", topic)
		if near := nearest(topic, topics().names); near != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", near)
		}
		return errors.New(msg + "; .help lists the topics")
	}
	for i, t := range ts {
		if i > 0 {
			fmt.Fprintln(s.stdout)
		}
		example := t.Example
		if example == "" {
			example = "(none yet: see the documentation)"
		}
		fmt.Fprintf(s.stdout, "%s (%s): %s\n\n  %s\n\nExample:\n  %s\n\nDocumentation: %s\n", t.Name, t.Kind, t.Description, t.Syntax, example, t.DocURL)
	}
	return nil
}

// nearest returns the name closest to s, if close (the engine's "did you
// mean").
func nearest(s string, names []string) string { return query.Suggest(s, names) }

// statsEngine is what .stats and .ingest need beyond engine: the real
// database (test fakes do not have one).
type statsEngine interface {
	dbStats() (dbStats, error)
	reopenAround(fn func() int) (int, error)
}

// dbStats summarises a database for .stats.
type dbStats struct {
	Dir        string
	DiskBytes  int64
	Tables     int
	Rows       int64
	Blocks     int
	Files      int
	LastFile   string
	LastTable  string
	LastRows   int64
	LastIngest time.Time
}

func (e *dbEngine) dbStats() (dbStats, error) {
	st := dbStats{Dir: e.dir}
	if e.db == nil {
		return st, errNoDB{e.dir}
	}
	var err error
	if st.DiskBytes, err = e.db.DiskUsage(); err != nil {
		return st, err
	}
	snap, err := e.db.Snapshot()
	if err != nil {
		return st, err
	}
	defer snap.Close()
	for _, t := range snap.Tables() {
		st.Tables++
		st.Rows += t.Rows
		st.Blocks += t.Blocks
	}
	files, err := snap.Files()
	if err != nil {
		return st, err
	}
	st.Files = len(files)
	if n := len(files); n > 0 {
		f := files[n-1]
		st.LastFile, st.LastTable, st.LastRows, st.LastIngest = f.Path, f.Table, f.Rows, f.Ingested
	}
	return st, nil
}

// reopenAround closes the database, runs fn (which opens the directory
// read-write itself, as 'clickhunt ingest' does) and reopens it for
// queries. Badger allows one read-write opener per directory, so the REPL
// cannot keep its read-only handle open while it ingests; a failure to
// reopen leaves the engine without a database (queries then say so) and
// is returned.
func (e *dbEngine) reopenAround(fn func() int) (int, error) {
	e.close()
	code := fn()
	db, err := openForQuery(e.dir, true)
	if err != nil {
		return code, err
	}
	e.db = db
	return code, nil
}

func (s *session) dotStats(_ context.Context, _ []string) (bool, error) {
	se, ok := s.eng.(statsEngine)
	if !ok {
		return false, errors.New(".stats needs a database")
	}
	st, err := se.dbStats()
	if err != nil {
		return false, err
	}
	w := s.stdout
	fmt.Fprintf(w, "database   %s\n", st.Dir)
	fmt.Fprintf(w, "on disk    %s\n", fmtBytes(st.DiskBytes))
	fmt.Fprintf(w, "tables     %d (%d rows in %d blocks)\n", st.Tables, st.Rows, st.Blocks)
	fmt.Fprintf(w, "files      %d ingested\n", st.Files)
	if st.Files > 0 {
		fmt.Fprintf(w, "last       %s: %d rows into %s at %s\n", st.LastFile, st.LastRows, st.LastTable, st.LastIngest.In(s.zone()).Format(time.RFC3339))
	}
	return false, nil
}

func (s *session) zone() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

func (s *session) dotIngest(ctx context.Context, args []string) (bool, error) {
	if len(args) == 0 {
		return false, errors.New("usage: .ingest FILE...")
	}
	se, ok := s.eng.(statsEngine)
	if !ok {
		return false, errors.New(".ingest needs a database")
	}
	files := make([]string, len(args))
	for i, a := range args {
		files[i] = expandHome(a)
	}
	// Ctrl-C stops the ingest (the file being loaded is not stored), not
	// the session.
	ictx, stop := signalContext(ctx)
	defer stop()
	_, err := se.reopenAround(func() int {
		return runIngest(ictx, s.dbDir, &ingestCmd{Format: "auto", Files: files}, nil, s.stdout, s.stderr, isTerminal(s.stderr))
	})
	if err != nil {
		return false, fmt.Errorf("cannot reopen the database after the ingest: %w", err)
	}
	return false, nil
}

func (s *session) dotOutput(_ context.Context, args []string) (bool, error) {
	switch len(args) {
	case 0:
		if s.outFile != nil {
			fmt.Fprintf(s.stdout, "results were written to %s\n", s.outFile.Name())
		}
		s.closeOutput()
		return false, nil
	case 1:
		f, err := os.Create(args[0])
		if err != nil {
			return false, err
		}
		s.closeOutput()
		s.outFile = f
		return false, nil
	}
	return false, errors.New("usage: .output [FILE]")
}

func (s *session) dotExplain(_ context.Context, args []string) (bool, error) {
	text := strings.TrimSuffix(strings.TrimSpace(strings.Join(args, " ")), ";")
	if text == "" {
		if text = s.lastQuery; text == "" {
			return false, fmt.Errorf("usage: .explain QUERY (no query has run yet)")
		}
	}
	s.explainQuery(statement{Text: text, Line: 1})
	return false, nil
}

func (s *session) dotTiming(_ context.Context, args []string) (bool, error) {
	if len(args) == 0 {
		fmt.Fprintf(s.stdout, "timing: %s\n", onOff(s.timing))
		return false, nil
	}
	b, err := parseOnOff(args[0])
	if err != nil {
		return false, fmt.Errorf("usage: .timing on|off")
	}
	s.timing, s.prefs.Timing = b, b
	return false, nil
}

func (s *session) dotPager(_ context.Context, args []string) (bool, error) {
	if len(args) == 0 {
		fmt.Fprintf(s.stdout, "pager: %s\n", onOff(!s.noPager))
		return false, nil
	}
	b, err := parseOnOff(args[0])
	if err != nil {
		return false, fmt.Errorf("usage: .pager on|off")
	}
	s.noPager = !b
	s.prefs.Pager = ""
	if !b {
		s.prefs.Pager = "off"
	}
	return false, nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (s *session) dotRender(_ context.Context, args []string) (bool, error) {
	if len(args) != 1 {
		return false, errors.New("usage: .render FILE.svg|FILE.html|FILE.png")
	}
	if s.last == nil || s.last.Render == nil {
		return false, errors.New("the last query has no render operator: end a query with | render timechart (or barchart, columnchart, piechart, linechart, areachart)")
	}
	c, err := chart.Build(s.last.Schema, s.last.Batch, s.last.Render.Kind, s.last.Render.Properties, s.loc)
	if err != nil {
		return false, err
	}
	if err := chart.WriteFile(args[0], c); err != nil {
		return false, err
	}
	fmt.Fprintf(s.stdout, "%s written to %s\n", s.last.Render.Kind, args[0])
	return false, nil
}

func (s *session) dotEdit(ctx context.Context, _ []string) (bool, error) {
	text, err := editQuery(s.lastQuery, os.Stdin, s.stdout, s.stderr)
	if err != nil {
		return false, err
	}
	if strings.TrimSpace(text) == "" || onlyComments(text) {
		fmt.Fprintln(s.stderr, "(empty query: nothing run)")
		return false, nil
	}
	fmt.Fprintln(s.stdout, text)
	if s.lr != nil {
		s.lr.AddHistory(text)
	}
	qctx, stop := signalContext(ctx)
	s.runQuery(qctx, statement{Text: text, Line: 1})
	stop()
	return false, nil
}

func (s *session) dotTZ(_ context.Context, args []string) (bool, error) {
	if len(args) == 0 {
		fmt.Fprintf(s.stdout, "tz: %s\n", s.zone())
		return false, nil
	}
	loc, err := loadZone(args[0])
	if err != nil {
		return false, err
	}
	s.loc = loc
	s.prefs.TZ = args[0]
	return false, nil
}

func (s *session) dotSave(_ context.Context, _ []string) (bool, error) {
	p := s.prefs
	if p.DB == "" {
		p.DB = s.dbDir
	}
	path := configFile()
	if err := p.save(path); err != nil {
		return false, err
	}
	fmt.Fprintf(s.stdout, "settings saved to %s\n", path)
	return false, nil
}
