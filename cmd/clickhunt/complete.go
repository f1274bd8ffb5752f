package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"clickhunt/chart"
	"clickhunt/storage"
)

// completion is what Tab offers at the cursor.
type completion struct {
	// Word is the partial word before the cursor the candidates complete.
	Word string
	// Candidates are whole words starting with Word (case-sensitive, as KQL
	// names are), sorted; a function ends in "(".
	Candidates []string
	// Hint is the argument hint when the cursor sits in a function's
	// argument list, e.g. "bin(Value, RoundTo)".
	Hint string
}

// completeCatalog is what completion needs to know of the database.
type completeCatalog interface {
	Tables() ([]storage.TableInfo, error)
}

// complete returns what Tab completes at the end of text, the statement
// typed so far (pending lines joined by "\n", then the current line up to
// the cursor). It is pure apart from reading the catalog and, after
// .ingest, the file system.
//
// Contexts:
//   - a dot-command name; after .ingest/.output/.render a file path; after
//     .help a topic; after .schema a table; after .format a format
//   - the start of a query: table names and let
//   - right after "|": operator names
//   - after an operator: column names of the table in scope (and names
//     the query defined with Name =), scalar functions, aggregations
//     inside summarize, keywords such as by, asc, desc
//   - after render: chart kinds
func complete(text string, cat completeCatalog) completion {
	if strings.HasPrefix(strings.TrimLeft(text, " \t"), ".") && !strings.Contains(text, "\n") {
		return completeDot(strings.TrimLeft(text, " \t"), cat)
	}
	word := trailingWord(text)
	before := text[:len(text)-len(word)]
	c := completion{Word: word}
	if inStringOrComment(before) {
		return c
	}
	// The statement being typed: after the last top-level ';'.
	stmtStart := 0
	scanKQL(before, func(i int, ch byte, depth int) {
		if ch == ';' && depth == 0 {
			stmtStart = i + 1
		}
	})
	stmt := before[stmtStart:]
	lets := letNames(before[:stmtStart])

	// Split the statement at top-level pipes.
	var pipes []int
	scanKQL(stmt, func(i int, ch byte, depth int) {
		if ch == '|' && depth == 0 {
			pipes = append(pipes, i)
		}
	})
	var tables []storage.TableInfo
	if cat != nil {
		tables, _ = cat.Tables()
	}
	if len(pipes) == 0 {
		if strings.TrimSpace(stmt) == "" {
			var names []string
			for _, t := range tables {
				names = append(names, t.Name)
			}
			names = append(names, lets...)
			names = append(names, "let")
			c.Candidates = filterPrefix(names, word)
			return c
		}
		if strings.HasPrefix(strings.TrimSpace(stmt), "let ") {
			// let x = <here>: tables, functions.
			if i := strings.Index(stmt, "="); i >= 0 {
				var names []string
				for _, t := range tables {
					names = append(names, t.Name)
				}
				c.Candidates = filterPrefix(append(names, funcCandidates("function")...), word)
			}
			return c
		}
		return c
	}
	seg := stmt[pipes[len(pipes)-1]+1:]
	if strings.TrimSpace(seg) == "" {
		c.Candidates = filterPrefix(topicNames("operator"), word)
		return c
	}

	op := firstWord(strings.TrimLeft(seg, " \t\n"))
	if op == "render" {
		rest := strings.Fields(seg)
		if len(rest) == 1 {
			c.Candidates = filterPrefix(chart.Kinds, word)
		}
		return c
	}

	// The argument hint of the function whose parentheses the cursor is in.
	if fn := enclosingCall(seg); fn != "" {
		c.Hint, _ = functionHint(fn)
	}

	// Columns in scope: the source table's, plus names defined on the way.
	var names []string
	source := firstWord(strings.TrimLeft(stmt[:pipes[0]], " \t\n"))
	for _, t := range tables {
		if t.Name == source {
			for _, col := range t.Columns {
				names = append(names, col.Name)
			}
		}
	}
	names = append(names, definedNames(stmt)...)

	switch op {
	case "sort", "order", "top":
		if !strings.Contains(seg, " by ") && !strings.HasSuffix(strings.TrimRight(seg, " "), " by") {
			if op == "top" && len(strings.Fields(seg)) < 2 {
				return c // top N: a number comes first
			}
			names = []string{"by"}
		} else {
			names = append(names, "asc", "desc", "nulls")
		}
	case "summarize":
		if !containsWord(seg, "by") {
			names = append(names, funcCandidates("aggregation")...)
			names = append(names, "by")
		}
		names = append(names, funcCandidates("function")...)
	case "take", "limit", "count":
		return c
	default:
		names = append(names, funcCandidates("function")...)
		if op == "where" || op == "filter" {
			names = append(names, "and", "or", "not(")
		}
	}
	c.Candidates = filterPrefix(dedupe(names), word)
	return c
}

// completeDot completes a dot-command line.
func completeDot(line string, cat completeCatalog) completion {
	fields := strings.Fields(line)
	endsInSpace := strings.HasSuffix(line, " ") || strings.HasSuffix(line, "\t")
	if len(fields) <= 1 && !endsInSpace {
		var names []string
		for _, d := range dotCommands {
			names = append(names, d.name)
		}
		w := ""
		if len(fields) == 1 {
			w = fields[0]
		}
		return completion{Word: w, Candidates: filterPrefix(names, w)}
	}
	word := ""
	if !endsInSpace {
		word = fields[len(fields)-1]
	}
	c := completion{Word: word}
	switch fields[0] {
	case ".ingest", ".output", ".render", ".read":
		c.Candidates = completePath(word)
	case ".help":
		var names []string
		for _, t := range helpTopics {
			names = append(names, t.name)
		}
		for _, d := range dotCommands {
			names = append(names, d.name)
		}
		c.Candidates = filterPrefix(dedupe(names), word)
	case ".schema":
		if cat != nil {
			tables, _ := cat.Tables()
			var names []string
			for _, t := range tables {
				names = append(names, t.Name)
			}
			c.Candidates = filterPrefix(names, word)
		}
	case ".format":
		c.Candidates = filterPrefix(replFormats, word)
	case ".timing", ".pager":
		c.Candidates = filterPrefix([]string{"off", "on"}, word)
	case ".now":
		c.Candidates = filterPrefix([]string{"off"}, word)
	}
	return c
}

// completePath lists the files and directories starting with word
// (directories end in "/"; hidden files only when word names them).
func completePath(word string) []string {
	dir, base := filepath.Split(word)
	if strings.HasPrefix(word, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			entries, _ := os.ReadDir(filepath.Join(home, dir[2:]))
			return pathCandidates(entries, dir, base)
		}
	}
	readDir := dir
	if readDir == "" {
		readDir = "."
	}
	entries, _ := os.ReadDir(readDir)
	return pathCandidates(entries, dir, base)
}

func pathCandidates(entries []os.DirEntry, dir, base string) []string {
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		if e.IsDir() {
			name += "/"
		}
		out = append(out, dir+name)
	}
	sort.Strings(out)
	return out
}

// trailingWord is the identifier (letters, digits, _ and -) at the end of
// text.
func trailingWord(text string) string {
	i := len(text)
	for i > 0 {
		ch := text[i-1]
		if ch == '_' || ch == '-' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' {
			i--
			continue
		}
		break
	}
	return text[i:]
}

// inStringOrComment reports whether the end of text is inside a string
// literal or a // comment.
func inStringOrComment(text string) bool {
	last := -1
	scanKQL(text, func(i int, _ byte, _ int) { last = i })
	// scanKQL reports a comment's newline and every code byte; a string or
	// comment that runs to the end leaves trailing bytes unreported.
	tail := strings.TrimLeft(text[last+1:], "@")
	switch {
	case tail == "":
		return false
	case strings.HasPrefix(tail, "//"):
		return true
	case tail[0] == '"' || tail[0] == '\'':
		// Closed unless the quote is alone or escaped at the end.
		return len(tail) == 1 || tail[len(tail)-1] != tail[0] || strings.HasSuffix(tail, "\\"+tail[:1])
	}
	return false
}

// enclosingCall returns the name of the function whose open parenthesis
// the end of seg is in ("" when none).
func enclosingCall(seg string) string {
	var opens []int
	scanKQL(seg, func(i int, ch byte, _ int) {
		switch ch {
		case '(':
			opens = append(opens, i)
		case ')':
			if len(opens) > 0 {
				opens = opens[:len(opens)-1]
			}
		}
	})
	if len(opens) == 0 {
		return ""
	}
	return trailingWord(strings.TrimRight(seg[:opens[len(opens)-1]], " "))
}

// definedNames returns the names a statement defines with "Name =" (in
// extend, project, summarize), so later operators complete them too.
func definedNames(stmt string) []string {
	var out []string
	code := make([]byte, 0, len(stmt))
	scanKQL(stmt, func(_ int, ch byte, _ int) { code = append(code, ch) })
	s := string(code)
	for i := 0; i < len(s); i++ {
		if s[i] != '=' || i+1 < len(s) && (s[i+1] == '=' || s[i+1] == '~') || i > 0 && strings.ContainsRune("=!<>", rune(s[i-1])) {
			continue
		}
		name := trailingWord(strings.TrimRight(s[:i], " "))
		if name != "" && name[0] != '-' && !(name[0] >= '0' && name[0] <= '9') {
			out = append(out, name)
		}
	}
	return out
}

// letNames returns the names bound by let statements in text.
func letNames(text string) []string {
	var out []string
	for _, s := range topLevelStatements(text) {
		if f := strings.Fields(s); len(f) >= 2 && f[0] == "let" {
			out = append(out, strings.TrimRight(f[1], "="))
		}
	}
	return out
}

// funcCandidates lists the functions of a kind as "name(".
func funcCandidates(kind string) []string {
	var out []string
	for _, n := range topicNames(kind) {
		out = append(out, n+"(")
	}
	return out
}

func containsWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

func filterPrefix(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return dedupe(out)
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	out := names[:0:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// replFormats are the REPL's output formats.
var replFormats = []string{"csv", "json", "jsonl", "table", "vertical"}
