package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"clickhunt/chart"
	"clickhunt/query"
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
// .ingest, the file system. Every name of the language comes from its
// registry (help_topics.go).
//
// Contexts:
//   - a dot-command name; after .ingest/.output/.render a file path; after
//     .help a topic; after .schema a table; after .format a format
//   - the start of a query: tables, let names, let and the operators a
//     query may start with (print, range, datatable, union)
//   - right after "|": operators; after evaluate: plugins
//   - where an operand goes: the columns of the table in scope (and names
//     the query defined with Name =), let names, functions; aggregations
//     inside summarize and make-series before by
//   - after an operand: the string and comparison operators (has,
//     contains, ==, in ...), and, or; by, asc, desc ... where they fit
//   - kind= values after join, lookup, union, mv-expand, parse; chart kinds
//     after render; a subquery in join (...), lookup (...), union (...)
//     completes as a query of its own
//
// Keywords complete with a space after them, functions with "(".
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
	cc := &completer{lets: letNames(before[:stmtStart])}
	if cat != nil {
		cc.tables, _ = cat.Tables()
	}
	cands, hint := cc.statement(before[stmtStart:])
	c.Candidates, c.Hint = filterPrefix(cands, word), hint
	return c
}

// completer holds what a completion knows besides the text: the tables
// and the let names bound before the statement.
type completer struct {
	tables []storage.TableInfo
	lets   []string
}

func (cc *completer) tableNames() []string {
	var out []string
	for _, t := range cc.tables {
		out = append(out, t.Name)
	}
	return out
}

// columns returns the columns of table name (none when it is not a
// table).
func (cc *completer) columns(name string) []string {
	var out []string
	for _, t := range cc.tables {
		if t.Name == name {
			for _, col := range t.Columns {
				out = append(out, col.Name)
			}
		}
	}
	return out
}

// statement returns the candidates at the end of stmt (the word being
// typed left out) and the argument hint, if any.
func (cc *completer) statement(stmt string) (cands []string, hint string) {
	// Inside a subquery's parentheses: a query of its own.
	if open := subqueryOpen(stmt); open >= 0 {
		return cc.statement(stmt[open+1:])
	}
	var pipes []int
	scanKQL(stmt, func(i int, ch byte, depth int) {
		if ch == '|' && depth == 0 {
			pipes = append(pipes, i)
		}
	})
	head := strings.TrimLeft(stmt, " \t\n")
	if len(pipes) == 0 {
		first := firstWord(head)
		switch {
		case head == "":
			return cc.queryStart(), ""
		case first == "let":
			if strings.Contains(head, "=") {
				return append(cc.queryStart(), cc.operand(nil, "")...), hintAt(head)
			}
			return nil, ""
		case slices.Contains(sourceOperators(), first):
			return cc.segment(first, head[len(first):], nil), hintAt(head)
		}
		return nil, ""
	}
	seg := stmt[pipes[len(pipes)-1]+1:]
	body := strings.TrimLeft(seg, " \t\n")
	if body == "" {
		return keywords(append(pipeOperators(), evaluateIf())...), ""
	}
	op := opWord(body)
	cols := append(cc.columns(firstWord(strings.TrimLeft(stmt[:pipes[0]], " \t\n"))), definedNames(stmt)...)
	return cc.segment(op, body[len(op):], cols), hintAt(seg)
}

// queryStart is what a query may start with.
func (cc *completer) queryStart() []string {
	// The statements (let, set ...) and the sources.
	out := keywords(append(sourceOperators(), topicNames(query.KindStatement)...)...)
	out = append(out, keywords(cc.tableNames()...)...)
	return append(out, cc.lets...)
}

// evaluateIf is "evaluate" when the engine has plugins.
func evaluateIf() string {
	if len(topicNames(query.KindPlugin)) > 0 {
		return "evaluate"
	}
	return ""
}

// segment returns the candidates inside one pipe segment: operator op,
// then rest (the text after it up to the word being typed), over columns
// cols.
func (cc *completer) segment(op, rest string, cols []string) []string {
	t := strings.TrimRight(rest, " \t\n")
	if kindRe.MatchString(t) {
		return keywords(kindValues(op)...)
	}
	after := operandEnd(t)
	switch op {
	case "render":
		if strings.TrimSpace(rest) == "" {
			return keywords(chart.Kinds...)
		}
		return keywords("with")
	case "evaluate":
		if strings.TrimSpace(rest) == "" {
			return funcNames(topicNames(query.KindPlugin))
		}
		return cc.expression(cols, after, nil)
	case "take", "limit", "count", "as", "getschema":
		return nil
	case "sort", "order", "top":
		if !containsWord(t, "by") {
			if op == "top" && strings.TrimSpace(rest) == "" {
				return nil // top N: a number comes first
			}
			return keywords("by")
		}
		if after {
			return keywords("asc", "desc", "nulls")
		}
		return cc.operand(cols, "")
	case "summarize", "make-series":
		if !containsWord(t, "by") {
			if after {
				extra := []string{"by"}
				if op == "make-series" {
					extra = append(extra, "on", "from", "to", "step", "default")
				}
				return append(cc.expression(cols, true, nil), keywords(extra...)...)
			}
			return append(cc.operand(cols, ""), funcNames(topicNames(query.KindAggregation))...)
		}
		return cc.expression(cols, after, nil)
	case "join", "lookup":
		if after && strings.HasSuffix(t, ")") {
			return keywords("on")
		}
		if strings.Contains(t, ")") { // on keys: columns and $left, $right
			return cc.expression(cols, after, nil)
		}
		return append(keywords("kind="), cc.queryStart()...)
	case "union":
		return append(keywords("kind=", "withsource=", "isfuzzy="), cc.queryStart()...)
	case "mv-expand":
		return cc.expression(cols, after, keywords("kind=", "with_itemindex=", "to", "limit"))
	case "parse", "parse-where":
		if after {
			return keywords("with")
		}
		return append(cc.operand(cols, ""), keywords("kind=")...)
	case "where", "filter":
		return cc.expression(cols, after, keywords("and", "or"))
	}
	return cc.expression(cols, after, nil)
}

// expression is an expression context: after an operand, the predicates
// (and more, the operator's keywords); else an operand.
func (cc *completer) expression(cols []string, afterOperand bool, more []string) []string {
	if afterOperand {
		return append(keywords(topicNames(query.KindPredicate)...), more...)
	}
	return cc.operand(cols, "")
}

// operand is what may start an operand: columns, let names, functions.
func (cc *completer) operand(cols []string, _ string) []string {
	out := append([]string(nil), cols...)
	out = append(out, cc.lets...)
	return append(out, funcNames(topicNames(query.KindFunction))...)
}

// kindRe matches text ending in "kind=" (or "kind =").
var kindRe = regexp.MustCompile(`(^|\s)kind\s*=$`)

// keywordSet holds the words that never end an operand: a word before
// the cursor that is one of them asks for an operand next.
var keywordSet = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"and", "or", "not", "by", "on", "with", "from", "to", "step", "default", "asc", "desc", "nulls", "first", "last", "kind", "let", "typeof", "of"} {
		m[w] = true
	}
	for _, k := range []query.TopicKind{query.KindPredicate, query.KindOperator} {
		for _, n := range topicNames(k) {
			for _, w := range strings.Fields(n) {
				m[w] = true
			}
		}
	}
	return m
})

// operandEnd reports whether t (trimmed) ends with a whole operand: a
// name that is no keyword, a number, a closed string, a closing bracket.
func operandEnd(t string) bool {
	if t == "" {
		return false
	}
	switch ch := t[len(t)-1]; {
	case ch == '"' || ch == '\'' || ch == ')' || ch == ']':
		return true
	case ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9':
		w := trailingWord(t)
		return !keywordSet()[w] && !strings.HasSuffix(t[:len(t)-len(w)], "$") || w[0] >= '0' && w[0] <= '9'
	}
	return false
}

// subqueryOpen returns the position of the innermost unclosed "(" of
// stmt that opens a query (after join, lookup, union and their options,
// materialize or toscalar), or -1.
func subqueryOpen(stmt string) int {
	open := innermostOpen(stmt)
	if open < 0 {
		return -1
	}
	t := strings.TrimRight(stmt[:open], " \t\n")
	for {
		m := optionRe.FindStringIndex(t)
		if m == nil {
			break
		}
		t = strings.TrimRight(t[:m[0]], " \t\n")
	}
	switch trailingWord(t) {
	case "join", "lookup", "union", "materialize", "toscalar":
		return open
	}
	if strings.HasSuffix(t, ",") && strings.Contains(t, "union") {
		return open
	}
	return -1
}

// optionRe matches an operator option at the end of text: kind=inner,
// withsource=T, isfuzzy=true, hint.strategy=broadcast.
var optionRe = regexp.MustCompile(`(kind|withsource|isfuzzy|hint\.\w+)\s*=\s*[\w.]+$`)

// hintAt is the argument hint of the function whose parentheses the end of
// text is in.
func hintAt(text string) string {
	if fn := enclosingCall(text); fn != "" {
		h, _ := functionHint(fn)
		return h
	}
	return ""
}

// opWord is the operator name s starts with (letters, digits, _ and -:
// mv-expand, project-away).
func opWord(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-' || i > 0 && c >= '0' && c <= '9') {
			return s[:i]
		}
	}
	return s
}

// keywords returns words completed with a space after them; an option
// such as "kind=" takes its value right after the "=".
func keywords(words ...string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if w == "" {
			continue
		}
		if len(w) > 1 && w[len(w)-1] == '=' && (w[len(w)-2] >= 'a' && w[len(w)-2] <= 'z') {
			out = append(out, w)
			continue
		}
		out = append(out, w+" ")
	}
	return out
}

// funcNames returns names completed with "(".
func funcNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + "("
	}
	return out
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
		names := append([]string(nil), topics().names...)
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

// innermostOpen returns the position of the innermost "(" of s still open
// at its end (outside strings and comments), or -1.
func innermostOpen(s string) int {
	var opens []int
	scanKQL(s, func(i int, ch byte, _ int) {
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
		return -1
	}
	return opens[len(opens)-1]
}

// enclosingCall returns the name of the function whose open parenthesis
// the end of seg is in ("" when none).
func enclosingCall(seg string) string {
	open := innermostOpen(seg)
	if open < 0 {
		return ""
	}
	return trailingWord(strings.TrimRight(seg[:open], " "))
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
