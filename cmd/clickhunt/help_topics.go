package main

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"clickhunt/query"
)

// The REPL's .help and Tab completion are built from the language's own
// registry (query.Topics: every operator, function, aggregation, string
// predicate, statement and plugin the engine supports, each with its
// syntax, description, documentation page and an example), so whatever the
// engine learns is completed and explained without a list here.

// topicIndex is the registry arranged for lookups.
type topicIndex struct {
	byName map[string][]query.Topic // a name may be two kinds: count
	byKind map[query.TopicKind][]string
	names  []string // every distinct name, sorted
}

var topics = sync.OnceValue(func() *topicIndex {
	ix := &topicIndex{byName: map[string][]query.Topic{}, byKind: map[query.TopicKind][]string{}}
	for _, t := range query.Topics() {
		if len(ix.byName[t.Name]) == 0 {
			ix.names = append(ix.names, t.Name)
		}
		ix.byName[t.Name] = append(ix.byName[t.Name], t)
		ix.byKind[t.Kind] = append(ix.byKind[t.Kind], t.Name)
	}
	for k, names := range ix.byKind {
		sort.Strings(names)
		ix.byKind[k] = dedupe(names)
	}
	sort.Strings(ix.names)
	return ix
})

// topicsNamed returns the topics called name (count is both an operator
// and an aggregation), matching case-insensitively when no exact name does.
func topicsNamed(name string) []query.Topic {
	ix := topics()
	if ts := ix.byName[name]; len(ts) > 0 {
		return ts
	}
	var out []query.Topic
	for _, n := range ix.names {
		if strings.EqualFold(n, name) {
			out = append(out, ix.byName[n]...)
		}
	}
	return out
}

// topicNames returns the sorted, distinct names of the topics of kind.
func topicNames(kind query.TopicKind) []string { return topics().byKind[kind] }

// functionHint is the argument hint of a function, aggregation or plugin:
// its syntax line, e.g. "bin(Value, RoundTo)".
func functionHint(name string) (string, bool) {
	for _, t := range topics().byName[name] {
		switch t.Kind {
		case query.KindFunction, query.KindAggregation:
			return t.Syntax, true
		case query.KindPlugin:
			if i := strings.Index(t.Syntax, name+"("); i >= 0 {
				return t.Syntax[i:], true
			}
			return t.Syntax, true
		}
	}
	return "", false
}

// sourceOperators are the operators a query may start with (print, range,
// datatable, union): their syntax does not take an input table.
func sourceOperators() []string {
	var out []string
	for _, n := range topicNames(query.KindOperator) {
		for _, t := range topics().byName[n] {
			if t.Kind == query.KindOperator && !strings.HasPrefix(t.Syntax, "T |") && !strings.HasPrefix(t.Syntax, "LeftT |") {
				out = append(out, n)
			}
		}
	}
	return dedupe(out)
}

// pipeOperators are the operators that follow a pipe: their syntax takes
// an input table ("T | where ..."), and union, whose input is optional
// ("[T |] union ..." in Kusto's documentation).
func pipeOperators() []string {
	var out []string
	for _, n := range topicNames(query.KindOperator) {
		for _, t := range topics().byName[n] {
			if t.Kind == query.KindOperator && (strings.HasPrefix(t.Syntax, "T |") || strings.HasPrefix(t.Syntax, "LeftT |") || n == "union") {
				out = append(out, n)
			}
		}
	}
	return dedupe(out)
}

var (
	kindSyntaxRe = regexp.MustCompile(`kind\s*=\s*`)
	kindDescRe   = regexp.MustCompile(`\(kind: ([^)]*)\)`)
)

// kindAlternatives returns the text after "kind =" up to the end of its
// optional group, nested groups left out: "simple | regex | relaxed" of
// "[kind = simple | regex [flags = Flags] | relaxed]".
func kindAlternatives(syntax string) (string, bool) {
	loc := kindSyntaxRe.FindStringIndex(syntax)
	if loc == nil {
		return "", false
	}
	var b strings.Builder
	depth := 0
	for _, r := range syntax[loc[1]:] {
		switch {
		case r == '[':
			depth++
		case r == ']' && depth == 0:
			return b.String(), true
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

// kindValues are the values of an operator's kind= option, read from its
// syntax line ("[kind = inner | outer]"), or from its description when the
// syntax names them only as Kind ("(kind: innerunique, inner, ...)").
func kindValues(op string) []string {
	var out []string
	for _, t := range topics().byName[op] {
		if t.Kind != query.KindOperator {
			continue
		}
		if alts, ok := kindAlternatives(t.Syntax); ok {
			for _, v := range strings.Split(alts, "|") {
				if v = strings.TrimSpace(v); v != "" && strings.ToLower(v) == v {
					out = append(out, v)
				}
			}
		}
		if m := kindDescRe.FindStringSubmatch(t.Description); len(out) == 0 && m != nil {
			for _, v := range strings.Split(m[1], ",") {
				out = append(out, strings.TrimSpace(v))
			}
		}
	}
	return out
}
