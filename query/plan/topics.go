package plan

import (
	"sort"
	"strings"
)

// Topic documents one name of the language: an operator, a function, an
// aggregation, a string predicate or a statement. The REPL's completion and
// .help are built from Topics, and a test checks that every registered name
// has each field.
type Topic struct {
	Kind TopicKind
	Name string
	// Syntax is the usage line, e.g. "T | take NumberOfRows" or
	// "substring(Source, Start [, Length])".
	Syntax string
	// Description is one line saying what it does.
	Description string
	// DocURL is Microsoft's documentation page.
	DocURL string
	// Example is a query using it.
	Example string
}

// TopicKind says what a Topic names.
type TopicKind string

// The kinds of Topic.
const (
	KindOperator    TopicKind = "operator"    // a tabular operator, after a pipe or as a source
	KindStatement   TopicKind = "statement"   // let, set, declare ...
	KindPredicate   TopicKind = "predicate"   // a binary string or set operator: has, in, between ...
	KindFunction    TopicKind = "function"    // a scalar function
	KindAggregation TopicKind = "aggregation" // an aggregation function (summarize, make-series)
	KindPlugin      TopicKind = "plugin"      // an evaluate plugin
)

// docBase is where Microsoft's KQL reference lives.
const docBase = "https://learn.microsoft.com/kusto/query/"

// topics holds the operators, statements, predicates and plugins; the
// functions and aggregations are documented in their signatures.
var topics = map[topicKey]Topic{}

type topicKey struct {
	kind TopicKind
	name string
}

// addTopic registers t; registering a name of a kind twice is a bug. The
// operator files call it from init, beside the operator they document.
func addTopic(t Topic) {
	k := topicKey{t.Kind, t.Name}
	if _, dup := topics[k]; dup {
		panic("BUG: topic registered twice: " + string(t.Kind) + " " + t.Name)
	}
	topics[k] = t
}

// operatorTopic registers a tabular operator documented on page (the part
// of the URL after .../kusto/query/).
func operatorTopic(name, syntax, description, page, example string) {
	addTopic(Topic{Kind: KindOperator, Name: name, Syntax: syntax, Description: description, DocURL: docBase + page, Example: example})
}

// Topics returns every documented name, sorted by name then kind.
func Topics() []Topic {
	out := make([]Topic, 0, len(topics)+len(functions)+len(aggregates))
	for _, t := range topics {
		out = append(out, t)
	}
	for name, f := range functions {
		out = append(out, f.topic(name))
	}
	for name, a := range aggregates {
		out = append(out, a.topic(name))
	}
	for name, t := range tupleFuncs {
		out = append(out, t.sig.topic(name))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}

// fnDoc is the documentation part of a function or aggregation signature.
type fnDoc struct {
	syntax, description, example string
	// url overrides the page derived from the name (aliases such as iif
	// share their function's page).
	url string
}

// doc returns s with its syntax line, one-line description and example.
func (s funcSig) doc(syntax, description, example string) funcSig {
	s.fnDoc = fnDoc{syntax: syntax, description: description, example: example, url: s.url}
	return s
}

// page returns s documented on Microsoft's page (the part of the URL after
// .../kusto/query/) instead of the one its name gives.
func (s funcSig) page(p string) funcSig {
	s.url = docBase + p
	return s
}

// doc returns s with its syntax line, one-line description and example.
func (s aggSig) doc(syntax, description, example string) aggSig {
	s.fnDoc = fnDoc{syntax: syntax, description: description, example: example, url: s.url}
	return s
}

// page returns s documented on Microsoft's page instead of the one its
// name gives.
func (s aggSig) page(p string) aggSig {
	s.url = docBase + p
	return s
}

func (s funcSig) topic(name string) Topic {
	return s.fnDoc.topic(KindFunction, name, "-function", s.argsText)
}

func (s aggSig) topic(name string) Topic {
	return s.fnDoc.topic(KindAggregation, name, "-aggregation-function", s.argsText)
}

// topic builds the Topic of a function. The page is derived from the name
// as Microsoft names its pages (make_set: make-set-aggregation-function).
// A name registered before the registry had documentation (undocumented)
// shows its argument text until it gets its own.
func (d fnDoc) topic(kind TopicKind, name, suffix, argsText string) Topic {
	t := Topic{Kind: kind, Name: name, Syntax: d.syntax, Description: d.description, Example: d.example, DocURL: d.url}
	if t.DocURL == "" {
		t.DocURL = docBase + strings.ReplaceAll(name, "_", "-") + suffix
	}
	if undocumented[name] {
		if t.Syntax == "" {
			t.Syntax = name + "(...)"
		}
		if t.Description == "" {
			t.Description = name + "() takes " + argsText
		}
	}
	return t
}

// undocumented are the functions and aggregations registered before this
// registry had documentation: until each gets its .doc(...), Topics shows
// its argument text, and the registry test lets it pass. Document a name,
// then delete it here (the test fails on a documented name still listed).
var undocumented = map[string]bool{}

func init() {
	addTopic(Topic{Kind: KindStatement, Name: "let", Syntax: "let Name = ScalarExpression | TabularExpression | (Parameters) { Body };",
		Description: "binds a name to a value, a tabular expression or a function for the statements that follow",
		DocURL:      docBase + "let-statement", Example: "let limit = 3; let T = range x from 1 to 10 step 1; T | where x <= limit"})
	predicate := func(name, syntax, description, page, example string) {
		addTopic(Topic{Kind: KindPredicate, Name: name, Syntax: syntax, Description: description, DocURL: docBase + page, Example: example})
	}
	predicate("==", "Expr == Expr", "equal (case-sensitive for strings)", "equals-cs-operator", `print "a" == "a", 1 == 2`)
	predicate("!=", "Expr != Expr", "not equal (case-sensitive for strings)", "not-equals-cs-operator", `print "a" != "A"`)
	predicate("=~", "String =~ String", "equal, case-insensitive", "equals-operator", `print "abc" =~ "ABC"`)
	predicate("!~", "String !~ String", "not equal, case-insensitive", "not-equals-operator", `print "abc" !~ "ABD"`)
	predicate("has", `String has "term"`, "a whole term, case-insensitive (also !has, has_cs, !has_cs)", "has-operator", `print "North America" has "america"`)
	predicate("has_cs", `String has_cs "term"`, "a whole term, case-sensitive", "has-cs-operator", `print "North America" has_cs "America"`)
	predicate("has_any", `String has_any ("term", ...)`, "any of the terms, case-insensitive", "has-any-operator", `print "a red car" has_any ("blue", "red")`)
	predicate("has_all", `String has_all ("term", ...)`, "all of the terms, case-insensitive", "has-all-operator", `print "a red car" has_all ("car", "red")`)
	predicate("hasprefix", `String hasprefix "text"`, "a term starting with text, case-insensitive (also _cs)", "hasprefix-operator", `print "North America" hasprefix "ame"`)
	predicate("hassuffix", `String hassuffix "text"`, "a term ending with text, case-insensitive (also _cs)", "hassuffix-operator", `print "North America" hassuffix "ica"`)
	predicate("contains", `String contains "text"`, "a substring, case-insensitive (also !contains, contains_cs)", "contains-operator", `print "FabriKam" contains "brik"`)
	predicate("startswith", `String startswith "text"`, "a prefix, case-insensitive (also !startswith, startswith_cs)", "startswith-operator", `print "Fabrikam" startswith "fab"`)
	predicate("endswith", `String endswith "text"`, "a suffix, case-insensitive (also !endswith, endswith_cs)", "endswith-operator", `print "Fabrikam" endswith "KAM"`)
	predicate("matches regex", `String matches regex "pattern"`, "a match of an RE2 regular expression", "matches-regex-operator", `print "10.0.0.1" matches regex @"^\d+\.\d+\.\d+\.\d+$"`)
	predicate("in", "Expr in (Value, ...)", "one of the values, case-sensitive (also !in)", "in-operator", `print "b" in ("a", "b")`)
	predicate("in~", "String in~ (Value, ...)", "one of the values, case-insensitive (also !in~)", "in-operator", `print "B" in~ ("a", "b")`)
	predicate("between", "Expr between (Low .. High)", "within an inclusive range (also !between)", "between-operator", `print 5 between (1 .. 10)`)
}
