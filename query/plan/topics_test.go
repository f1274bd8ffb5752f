package plan

import (
	"strings"
	"testing"
)

// TestTopicsComplete walks the registry: every operator, function,
// aggregation, predicate and statement has a syntax line, a description,
// Microsoft's page and an example. The names in undocumented (registered
// before the registry had documentation) show their argument text instead
// until each gets its own, and leave the list when they do.
func TestTopicsComplete(t *testing.T) {
	topics := Topics()
	if len(topics) < len(functions)+len(aggregates) {
		t.Fatalf("Topics() has %d entries for %d functions and %d aggregations", len(topics), len(functions), len(aggregates))
	}
	seen := map[string]bool{}
	for _, tp := range topics {
		key := string(tp.Kind) + " " + tp.Name
		if seen[key] {
			t.Errorf("%s is listed twice", key)
		}
		seen[key] = true
		if tp.Name == "" || tp.Kind == "" {
			t.Errorf("a topic without a name or kind: %+v", tp)
			continue
		}
		if !strings.HasPrefix(tp.DocURL, docBase) || len(tp.DocURL) == len(docBase) {
			t.Errorf("%s: DocURL %q is not a page of %s", key, tp.DocURL, docBase)
		}
		if tp.Syntax == "" || tp.Description == "" {
			t.Errorf("%s: missing its syntax line or description", key)
		}
		if !strings.Contains(tp.Syntax, strings.Fields(tp.Name)[0]) {
			t.Errorf("%s: the syntax line %q does not show the name", key, tp.Syntax)
		}
		if undocumented[tp.Name] && (tp.Kind == KindFunction || tp.Kind == KindAggregation) {
			continue
		}
		if tp.Example == "" {
			t.Errorf("%s: missing its example", key)
		}
	}
	for name := range undocumented {
		f, isFunc := functions[name]
		a, isAgg := aggregates[name]
		tf, isTuple := tupleFuncs[name]
		switch {
		case !isFunc && !isAgg && !isTuple:
			t.Errorf("undocumented lists %q, which is no function or aggregation", name)
		case isFunc && f.fnDoc.syntax != "", isAgg && a.fnDoc.syntax != "", isTuple && tf.sig.fnDoc.syntax != "":
			t.Errorf("%q is documented now: delete it from undocumented", name)
		}
	}
}

func TestTopicDocURLFromName(t *testing.T) {
	f := func(kind TopicKind, name, want string) {
		t.Helper()
		for _, tp := range Topics() {
			if tp.Kind == kind && tp.Name == name {
				if tp.DocURL != want {
					t.Errorf("%s %s: DocURL %q, want %q", kind, name, tp.DocURL, want)
				}
				return
			}
		}
		t.Errorf("no topic %s %s", kind, name)
	}
	f(KindAggregation, "countif", "https://learn.microsoft.com/kusto/query/countif-aggregation-function")
	f(KindFunction, "iif", "https://learn.microsoft.com/kusto/query/iff-function")
	f(KindFunction, "isnotempty", "https://learn.microsoft.com/kusto/query/isnotempty-function")
	f(KindOperator, "mv-expand", "https://learn.microsoft.com/kusto/query/mv-expand-operator")
	f(KindOperator, "limit", "https://learn.microsoft.com/kusto/query/take-operator")
}
