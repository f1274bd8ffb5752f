package main

import "strings"

// statement is one unit of input the loop acts on: a query or a dot-command.
type statement struct {
	// Text is the query text, lines joined by "\n", or the dot-command line.
	Text string
	// Line is the input line (1-based) the statement starts on, so query
	// error positions can be reported relative to the whole input.
	Line int
	// Dot marks a dot-command such as ".tables".
	Dot bool
	// Semi marks an interactive query ended by a final ';' (dropped from
	// Text).
	Semi bool
	// Raw is the statement's lines as typed, a final ';' and comments
	// included: its history entry.
	Raw string
}

// assembler turns input lines into statements. It is pure: no I/O, no
// terminal, so its rules are easy to test.
//
// In batch mode (-f files, piped stdin) statements are separated by blank
// lines (lines of only whitespace), as in Kusto Explorer. Lines that are
// only // comments belong to the query that follows; a chunk of only
// comments is skipped. Dot-commands do not exist in batch mode.
//
// In interactive mode (the REPL) a query may span lines and runs when
//   - an empty line is entered, or
//   - a line ends with ';' (outside strings and comments) and the text holds
//     a tabular statement, not only let statements: "let x = 3;" waits for
//     more, "let x = 3; T | count;" runs. The final ';' is dropped.
//
// A line starting with '.' on an empty buffer is a dot-command and is
// complete by itself.
type assembler struct {
	interactive bool
	lines       []string // pending lines
	start       int      // input line of lines[0]
	lineNo      int      // input lines seen so far
}

// newAssembler returns an assembler in interactive (REPL) or batch mode.
func newAssembler(interactive bool) *assembler {
	return &assembler{interactive: interactive}
}

// Pending reports whether a statement is partly typed (the REPL then shows
// its continuation prompt).
func (a *assembler) Pending() bool { return len(a.lines) > 0 }

// Reset drops the pending lines (Ctrl-C while typing). Line numbering goes on.
func (a *assembler) Reset() { a.lines = a.lines[:0] }

// Add feeds one input line (without its newline) and returns a statement
// when the line completes one.
func (a *assembler) Add(line string) (statement, bool) {
	a.lineNo++
	blank := strings.TrimSpace(line) == ""
	if len(a.lines) == 0 {
		if blank {
			return statement{}, false
		}
		if a.interactive && strings.HasPrefix(strings.TrimSpace(line), ".") {
			return statement{Text: strings.TrimSpace(line), Line: a.lineNo, Dot: true, Raw: strings.TrimSpace(line)}, true
		}
		a.start = a.lineNo
	}
	if blank {
		return a.Flush()
	}
	a.lines = append(a.lines, line)
	if a.interactive {
		if last, ok := lastSignificant(line); ok && last == ';' {
			text := strings.Join(a.lines, "\n")
			if hasTabular(text) {
				a.lines = a.lines[:0]
				return statement{Text: trimFinalSemicolon(text), Line: a.start, Semi: true, Raw: text}, true
			}
		}
	}
	return statement{}, false
}

// Flush returns the pending statement, if it holds more than comments, and
// empties the buffer. Call it at end of input.
func (a *assembler) Flush() (statement, bool) {
	if len(a.lines) == 0 {
		return statement{}, false
	}
	text := strings.Join(a.lines, "\n")
	a.lines = a.lines[:0]
	if onlyComments(text) {
		return statement{}, false
	}
	return statement{Text: text, Line: a.start, Raw: text}, true
}

// splitBatch splits a batch text into queries (batch-mode assembler rules).
func splitBatch(text string) []statement {
	a := newAssembler(false)
	var out []statement
	text = strings.TrimPrefix(text, "\ufeff")
	for _, line := range strings.Split(text, "\n") {
		if s, ok := a.Add(strings.TrimSuffix(line, "\r")); ok {
			out = append(out, s)
		}
	}
	if s, ok := a.Flush(); ok {
		out = append(out, s)
	}
	return out
}

// scanKQL calls fn for every byte of text that is code: outside string
// literals and // comments. depth is the bracket nesting at that byte.
// String literals: '...' and "..." with backslash escapes, verbatim
// @'...' / @"..." (doubled quote escapes), and ``` multi-line ``` strings.
func scanKQL(text string, fn func(i int, c byte, depth int)) {
	depth := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '/' && i+1 < len(text) && text[i+1] == '/':
			for i < len(text) && text[i] != '\n' {
				i++
			}
			if i < len(text) {
				fn(i, '\n', depth)
			}
		case strings.HasPrefix(text[i:], "```"):
			end := strings.Index(text[i+3:], "```")
			if end < 0 {
				return
			}
			i += 3 + end + 2
		case c == '@' && i+1 < len(text) && (text[i+1] == '\'' || text[i+1] == '"'):
			q := text[i+1]
			i += 2
			for i < len(text) {
				if text[i] == q {
					if i+1 < len(text) && text[i+1] == q {
						i += 2
						continue
					}
					break
				}
				i++
			}
		case c == '\'' || c == '"':
			q := c
			i++
			for i < len(text) && text[i] != q && text[i] != '\n' {
				if text[i] == '\\' {
					i++
				}
				i++
			}
		default:
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			}
			fn(i, c, depth)
		}
	}
}

// lastSignificant returns the last code byte of line that is not space.
func lastSignificant(line string) (byte, bool) {
	var last byte
	ok := false
	scanKQL(line, func(_ int, c byte, _ int) {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			last, ok = c, true
		}
	})
	return last, ok
}

// topLevelStatements splits text at ';' outside strings, comments and
// brackets and returns the non-empty statements, comments removed.
func topLevelStatements(text string) []string {
	var out []string
	var cur strings.Builder
	scanKQL(text, func(_ int, c byte, depth int) {
		if c == ';' && depth == 0 {
			if s := strings.TrimSpace(cur.String()); s != "" {
				out = append(out, s)
			}
			cur.Reset()
			return
		}
		cur.WriteByte(c)
	})
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// hasTabular reports whether text holds a statement other than let (and
// the query-level set / declare statements).
func hasTabular(text string) bool {
	for _, s := range topLevelStatements(text) {
		switch firstWord(s) {
		case "let", "set", "declare":
			continue
		}
		return true
	}
	return false
}

func firstWord(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
			return s[:i]
		}
	}
	return s
}

// onlyComments reports whether text holds nothing but comments and space.
func onlyComments(text string) bool {
	empty := true
	scanKQL(text, func(_ int, c byte, _ int) {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			empty = false
		}
	})
	// A string literal is code too, though scanKQL skips over its bytes.
	if empty {
		for _, l := range strings.Split(text, "\n") {
			t := strings.TrimSpace(l)
			if t != "" && !strings.HasPrefix(t, "//") {
				return false
			}
		}
	}
	return empty
}

// trimFinalSemicolon drops the ';' that ended an interactive statement
// (and anything after it on that line, which can only be space or a
// comment), keeping the positions of everything before it.
func trimFinalSemicolon(text string) string {
	pos := -1
	scanKQL(text, func(i int, c byte, _ int) {
		if c == ';' {
			pos = i
		}
	})
	if pos < 0 {
		return text
	}
	return strings.TrimRight(text[:pos], " \t")
}
