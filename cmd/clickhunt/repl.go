package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"clickhunt/chart"
	"clickhunt/column"
	"clickhunt/output"
	"clickhunt/query"
)

// runRepl opens the interactive shell on the database. A database that
// does not exist yet is no error here: .ingest creates it. With cf naming
// a cluster the session starts connected to it (.connect).
func runRepl(ctx context.Context, dbDir string, p prefs, stdin io.Reader, stdout, stderr io.Writer, cf clusterFlags) int {
	eng := &dbEngine{dir: dbDir}
	db, err := openForQuery(dbDir, true)
	var noDB errNoDB
	switch {
	case errors.As(err, &noDB):
	case err != nil:
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	default:
		eng.db = db
	}
	defer eng.close()
	s := &session{
		eng:         eng,
		stdout:      stdout,
		stderr:      stderr,
		format:      "table",
		interactive: true,
		dbDir:       dbDir,
		prefs:       p,
	}
	if err := s.applyPrefs(p); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 2
	}
	lr, err := newTermReader(stdin, stdout, stderr, mainPrompt, resolveHistoryFile(), s.complete)
	if err != nil {
		fmt.Fprintf(stderr, "error: cannot open the line editor: %v\n", err)
		return 1
	}
	defer lr.Close()
	s.lr = lr
	fmt.Fprintf(stdout, "clickhunt %s, database %s\nType .help for help; a query runs on an empty line or a final ';'. Tab completes.\n", versionString(), dbDir)
	if eng.db == nil && cf.Cluster == "" {
		fmt.Fprintf(stdout, "The database is empty: load an export with .ingest FILE.\n")
	}
	defer s.disconnect()
	if cf.Cluster != "" {
		args := []string{cf.Cluster, cf.Database}
		if cf.Auth != "" {
			args = append(args, cf.Auth)
		}
		if _, err := s.dotConnect(ctx, args); err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
	}
	defer s.closeOutput()
	return s.repl(ctx, lr)
}

// signalContext is ctx cancelled by Ctrl-C (SIGINT) until stop is called:
// one query or ingest runs under it, so Ctrl-C stops that, not the REPL.
func signalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt)
}

// applyPrefs sets the session's format, zone, now pin, timing and pager
// from p (flags already merged in).
func (s *session) applyPrefs(p prefs) error {
	if p.Format != "" {
		s.format = p.Format
	}
	loc, err := loadZone(p.TZ)
	if err != nil {
		return fmt.Errorf("--tz: %w", err)
	}
	s.loc = loc
	if p.Now != "" {
		t, err := parseNow(p.Now)
		if err != nil {
			return fmt.Errorf("--now: %w", err)
		}
		s.now = t
	}
	s.timing = s.timing || p.Timing
	s.noPager = p.Pager == "off"
	return nil
}

// complete is the REPL's Tab completion: the statement typed so far is
// the pending lines and the current line up to the cursor.
func (s *session) complete(line string) completion {
	text := line
	if s.pending != nil {
		if p := s.pending(); p != "" {
			text = p + "\n" + line
		}
	}
	return complete(text, s.eng)
}

// out is where results go: the .output file, else standard output.
func (s *session) out() io.Writer {
	if s.outFile != nil {
		return s.outFile
	}
	return s.stdout
}

func (s *session) closeOutput() {
	if s.outFile != nil {
		s.outFile.Close()
		s.outFile = nil
	}
}

// terminalSize returns the size of standard output when it is a terminal
// (and results are not going to a file).
func (s *session) terminalSize() (width, height int, ok bool) {
	if s.outFile != nil {
		return 0, 0, false
	}
	f, isFile := s.stdout.(*os.File)
	if !isFile {
		return 0, 0, false
	}
	w, h, err := term.GetSize(int(f.Fd()))
	if err != nil || w <= 0 {
		return 0, 0, false
	}
	return w, h, true
}

// runEngine runs a query; on an interactive terminal a status line shows
// the elapsed time and the rows scanned so far once the query has run for
// half a second, until it ends (Ctrl-C cancels it).
func (s *session) runEngine(ctx context.Context, text string) (*query.Result, error) {
	if !s.interactive || !isTerminal(s.stderr) {
		return s.eng.Run(ctx, text, s.now)
	}
	var scanned atomic.Int64
	pe, counts := s.eng.(progressEngine)
	done := make(chan struct{})
	stopped := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(stopped)
		shown := false
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(s.stderr, "\r\x1b[K")
				}
				return
			case now := <-tick.C:
				if d := now.Sub(start); d >= 500*time.Millisecond {
					fmt.Fprintf(s.stderr, "\r\x1b[K%s", runningLine(d, scanned.Load(), counts))
					shown = true
				}
			}
		}
	}()
	var res *query.Result
	var err error
	if counts {
		res, err = pe.RunProgress(ctx, text, s.now, &scanned)
	} else {
		res, err = s.eng.Run(ctx, text, s.now)
	}
	close(done)
	<-stopped
	return res, err
}

// runningLine is the status line of a running query:
// "running 3.2s, 4,194,304 rows scanned (Ctrl-C cancels)"; without a row
// count (an engine that does not count) it leaves the rows out.
func runningLine(elapsed time.Duration, rows int64, counted bool) string {
	if !counted {
		return fmt.Sprintf("running %.1fs (Ctrl-C cancels)", elapsed.Seconds())
	}
	unit := "rows"
	if rows == 1 {
		unit = "row"
	}
	return fmt.Sprintf("running %.1fs, %s %s scanned (Ctrl-C cancels)", elapsed.Seconds(), fmtThousands(rows), unit)
}

// fmtThousands writes n with commas between groups of three digits.
func fmtThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// writeResult prints a query result the session's way: a chart in the
// terminal when the query ends in render and the format is table, the
// chart file of --render-out, datetimes in the display zone, tables fit to
// the terminal width, long output through the pager, then the timing line.
func (s *session) writeResult(res *query.Result, st statement) error {
	s.last = res
	s.lastQuery = st.Text
	schema, b := res.Schema, res.Batch
	if s.loc != nil && s.loc != time.UTC {
		schema, b = inZone(schema, b, s.loc)
	}
	var buf bytes.Buffer
	w := io.Writer(&buf)
	paged := s.interactive && s.outFile == nil
	if !paged {
		w = s.out()
	}
	var err error
	drawn := false
	if res.Render != nil && chart.Supported(res.Render.Kind) && (s.renderOut != "" || s.format == "table") {
		c, cerr := chart.Build(res.Schema, res.Batch, res.Render.Kind, res.Render.Properties, s.loc)
		if cerr != nil {
			fmt.Fprintf(s.stderr, "warning: %v; showing the rows\n", cerr)
		} else {
			if s.renderOut != "" {
				if err := chart.WriteFile(s.renderOut, c); err != nil {
					return err
				}
				fmt.Fprintf(s.stderr, "%s written to %s\n", res.Render.Kind, s.renderOut)
			}
			if s.format == "table" {
				width := 100
				if tw, _, ok := s.terminalSize(); ok {
					width = min(tw, 160)
				}
				err = chart.WriteText(w, c, width)
				if s.interactive {
					fmt.Fprintf(w, "(%s of %d rows; .format csv shows the rows, .render FILE.svg draws it)\n", res.Render.Kind, b.Len)
				} else {
					fmt.Fprintf(w, "(%s of %d rows; --format csv shows the rows, --render-out FILE.svg draws it)\n", res.Render.Kind, b.Len)
				}
				drawn = true
			}
		}
	}
	if !drawn {
		format, opts := s.format, output.Options{SpreadsheetSafe: s.excelSafe}
		if format == "table" {
			if tw, _, ok := s.terminalSize(); ok {
				var vertical bool
				opts, vertical = output.FitTable(schema, b, tw)
				if vertical {
					format = "vertical"
				}
			}
		}
		err = output.Write(w, format, schema, b, opts)
	}
	if err != nil {
		return err
	}
	if paged {
		err = s.page(buf.Bytes())
	}
	if s.timing {
		fmt.Fprintf(s.stderr, "Time: %s, %d rows read, %d of %d blocks\n", fmtElapsed(res.Stats.Elapsed), res.Stats.RowsRead, res.Stats.BlocksRead, res.Stats.BlocksTotal)
	}
	return err
}

// page shows text through $PAGER (else less -FRSX) when it is longer than
// the terminal, else writes it to standard output.
func (s *session) page(text []byte) error {
	_, height, ok := s.terminalSize()
	if !ok || s.noPager || bytes.Count(text, []byte("\n")) < height-1 {
		_, err := s.stdout.Write(text)
		return err
	}
	pager := os.Getenv("PAGER")
	if pager == "" {
		if _, err := exec.LookPath("less"); err != nil {
			_, err := s.stdout.Write(text)
			return err
		}
		pager = "less -FRSX"
	}
	cmd := shellCommand(pager)
	cmd.Stdin = bytes.NewReader(text)
	cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
	if err := cmd.Run(); err != nil {
		// A pager that cannot start should not hide the result.
		fmt.Fprintf(s.stderr, "warning: pager %q: %v\n", pager, err)
		_, err = s.stdout.Write(text)
		return err
	}
	return nil
}

// inZone returns the result with its datetime columns turned into strings
// in zone loc (ISO 8601 with the zone's offset).
func inZone(schema column.Schema, b *column.Batch, loc *time.Location) (column.Schema, *column.Batch) {
	if b == nil {
		return schema, b
	}
	out := &column.Batch{Len: b.Len, Cols: make([]*column.Vector, len(b.Cols))}
	sch := make(column.Schema, len(schema))
	copy(sch, schema)
	copy(out.Cols, b.Cols)
	for i, f := range schema {
		if f.Type != column.Datetime || i >= len(b.Cols) {
			continue
		}
		v := b.Cols[i]
		nb := column.NewBuilder(column.String, b.Len)
		for r := 0; r < b.Len; r++ {
			if v.IsNull(r) {
				nb.AppendString("")
				continue
			}
			nb.AppendString(column.TimeFromTicks(v.Int(r)).In(loc).Format("2006-01-02T15:04:05.9999999-07:00"))
		}
		out.Cols[i] = nb.Build()
		sch[i].Type = column.String
	}
	return sch, out
}

// editQuery writes text to a temporary .kql file, opens $VISUAL or
// $EDITOR (else vi) on it and returns what was saved.
func editQuery(text string, stdin io.Reader, stdout, stderr io.Writer) (string, error) {
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
		if runtime.GOOS == "windows" {
			editor = "notepad"
		}
	}
	f, err := os.CreateTemp("", "clickhunt-*.kql")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(text + "\n"); err != nil {
		f.Close()
		return "", err
	}
	f.Close()
	cmd := shellCommand(editor, f.Name())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("editor %q: %w", editor, err)
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(data), " \t\r\n"), nil
}

// shellCommand runs the command line cmdline (as $PAGER and $EDITOR are
// written: a program and its options) with arg appended as one argument,
// through sh, or cmd on Windows.
func shellCommand(cmdline string, arg ...string) *exec.Cmd {
	if runtime.GOOS == "windows" {
		line := cmdline
		for _, a := range arg {
			line += ` "` + a + `"`
		}
		return exec.Command("cmd", "/C", line)
	}
	if len(arg) == 0 {
		return exec.Command("sh", "-c", cmdline)
	}
	return exec.Command("sh", append([]string{"-c", cmdline + ` "$@"`, "sh"}, arg...)...)
}
