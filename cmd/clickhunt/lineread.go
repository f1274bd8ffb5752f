package main

// This file is the only one that knows github.com/chzyer/readline: the REPL,
// -f batch files and piped stdin all go through lineReader, so the loop is
// shared and the line-editing library can be swapped here alone.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chzyer/readline"
)

// errInterrupted is returned by lineReader.Readline when the user pressed
// Ctrl-C while typing: the REPL drops the pending statement and goes on.
var errInterrupted = errors.New("interrupted")

// lineReader yields input lines one at a time.
type lineReader interface {
	// Readline returns the next line without its line end. At the end of
	// input (Ctrl-D on an empty line) it returns io.EOF; after Ctrl-C it
	// returns errInterrupted.
	Readline() (string, error)
	// SetPrompt sets the prompt shown before the next line (if any is shown).
	SetPrompt(prompt string)
	// AddHistory records one complete statement in the history, if the
	// reader keeps one.
	AddHistory(entry string)
	// Close releases the terminal; the reader must not be used after.
	Close() error
}

// maxTextLine bounds a line of a batch, so that one with no end (-f
// /dev/zero) does not take the machine's memory. A query may be at most
// 1 MiB (query/syntax), but a comment line may be longer.
const maxTextLine = 16 << 20

// lineTooLongError is a batch line longer than maxTextLine.
type lineTooLongError struct{ line int }

func (e *lineTooLongError) Error() string {
	return fmt.Sprintf("line longer than %d MiB (a query may be at most 1 MiB)", maxTextLine>>20)
}

// textReader reads lines from a file or pipe, without prompts or history.
type textReader struct {
	br   *bufio.Reader
	line int // lines returned
	buf  []byte
}

func newTextReader(r io.Reader) *textReader {
	return &textReader{br: bufio.NewReaderSize(r, 64<<10)}
}

func (t *textReader) Readline() (string, error) {
	t.buf = t.buf[:0]
	for {
		chunk, err := t.br.ReadSlice('\n')
		if len(t.buf)+len(chunk) > maxTextLine+2 { // + \r\n
			return "", &lineTooLongError{t.line + 1}
		}
		t.buf = append(t.buf, chunk...)
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(t.buf) == 0:
			return "", io.EOF
		case err != nil && err != io.EOF:
			return "", err
		}
		t.line++
		line := t.buf
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > maxTextLine {
			return "", &lineTooLongError{t.line}
		}
		return string(line), nil
	}
}

func (t *textReader) SetPrompt(string)  {}
func (t *textReader) AddHistory(string) {}
func (t *textReader) Close() error      { return nil }

// lineBreak stands for a line break of a recalled multi-line statement in
// the line editor: readline draws and moves over a one-line buffer, so a
// real "\n" there would break its redrawing. It is a private-use rune
// nobody types, drawn as '↵' (lineBreakPainter), and Readline gives the
// line breaks back.
const lineBreak = '\uE000'

// lineBreakPainter draws lineBreak as '↵' (one column, as readline
// counts it).
type lineBreakPainter struct{}

func (lineBreakPainter) Paint(line []rune, _ int) []rune {
	if !slices.Contains(line, lineBreak) {
		return line
	}
	out := slices.Clone(line)
	for i, r := range out {
		if r == lineBreak {
			out[i] = '↵'
		}
	}
	return out
}

// toEditor and fromEditor turn line breaks into lineBreak and back.
func toEditor(s string) string   { return strings.ReplaceAll(s, "\n", string(lineBreak)) }
func fromEditor(s string) string { return strings.ReplaceAll(s, string(lineBreak), "\n") }

// termReader edits lines on a terminal with chzyer/readline and keeps a
// persistent history file (history.go). Readline keeps the history in
// memory only: its own file holds one line an entry, which would split a
// multi-line query.
type termReader struct {
	rl      *readline.Instance
	history string // the history file, "" for none
}

// newTermReader opens a line editor on stdin/stdout. historyFile may be ""
// for no history; its directory is created if needed. complete, if not
// nil, serves Tab: it gets the line up to the cursor.
func newTermReader(stdin io.Reader, stdout, stderr io.Writer, prompt, historyFile string, complete func(line string) completion) (*termReader, error) {
	if historyFile != "" {
		if err := os.MkdirAll(filepath.Dir(historyFile), 0o700); err != nil {
			historyFile = ""
		}
	}
	rc, ok := stdin.(io.ReadCloser)
	if !ok {
		rc = io.NopCloser(stdin)
	}
	t := &termReader{history: historyFile}
	var ac readline.AutoCompleter
	if complete != nil {
		ac = &tabCompleter{t: t, complete: complete}
	}
	rl, err := readline.NewEx(&readline.Config{
		AutoComplete:           ac,
		Painter:                lineBreakPainter{},
		FuncFilterInputRune:    t.filterKey,
		Prompt:                 prompt,
		HistoryLimit:           historyLimit,
		DisableAutoSaveHistory: true, // a multi-line statement is saved as one entry
		HistorySearchFold:      true,
		InterruptPrompt:        "^C",
		Stdin:                  rc,
		Stdout:                 stdout,
		Stderr:                 stderr,
	})
	if err != nil {
		return nil, err
	}
	t.rl = rl
	if historyFile != "" {
		entries, lines, err := readHistory(historyFile, historyLimit)
		if err != nil {
			// History is a convenience: say so and go on without it.
			t.history = ""
			_, _ = rl.Stderr().Write([]byte("warning: history " + historyFile + ": " + err.Error() + "\n"))
		}
		for _, e := range entries {
			_ = rl.SaveHistory(toEditor(e))
		}
		if lines > historyLimit+historyLimit/2 {
			_ = rewriteHistory(historyFile, entries) // keep the file from growing without end
		}
	}
	return t, nil
}

// tabCompleter adapts complete to readline, which inserts the rest of a
// single candidate and lists several. An argument hint (the cursor right
// after "bin(") is printed above the prompt instead.
type tabCompleter struct {
	t        *termReader
	complete func(line string) completion
}

func (c *tabCompleter) Do(line []rune, pos int) ([][]rune, int) {
	comp := c.complete(fromEditor(string(line[:pos])))
	if comp.Hint != "" && comp.Word == "" {
		hint := comp.Hint
		// Write redraws the prompt and line after the text; it must run
		// after Do has returned to readline's loop.
		go func() { _, _ = c.t.rl.Write([]byte(hint + "\n")) }()
		return nil, 0
	}
	out := make([][]rune, 0, len(comp.Candidates))
	for _, cand := range comp.Candidates {
		out = append(out, []rune(cand[len(comp.Word):]))
	}
	return out, len([]rune(comp.Word))
}

// filterKey runs in readline's loop before it handles a key. Ctrl-C while
// a Tab list is shown would only close the list; leaving the list first
// lets this Ctrl-C clear the line, as it does everywhere else.
func (t *termReader) filterKey(r rune) (rune, bool) {
	if r == readline.CharInterrupt && t.rl != nil && t.rl.Operation.IsInCompleteMode() {
		t.rl.Operation.ExitCompleteMode(false)
	}
	return r, true
}

func (t *termReader) Readline() (string, error) {
	line, err := t.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", errInterrupted
	}
	return fromEditor(line), err
}

func (t *termReader) SetPrompt(p string) { t.rl.SetPrompt(p) }

func (t *termReader) AddHistory(entry string) {
	if strings.TrimSpace(entry) == "" {
		return
	}
	// History is a convenience; never fail a statement over it.
	_ = t.rl.SaveHistory(toEditor(entry))
	if t.history != "" {
		_ = appendHistory(t.history, entry)
	}
}

func (t *termReader) Close() error { return t.rl.Close() }
