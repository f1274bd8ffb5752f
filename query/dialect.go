package query

import (
	"sort"
	"time"

	"clickhunt/column"
	"clickhunt/query/plan"
	"clickhunt/query/syntax"
	"clickhunt/storage"
)

// Finding is a construct of a query that clickhunt accepts and Kusto
// (Azure Data Explorer) would refuse: where it is (1-based) and what to
// write instead.
type Finding struct {
	Pos syntax.Pos
	Msg string
}

// CheckKusto parses and plans text against snap (nil: the known schemas
// in schemas) as Check does, and lists what Kusto would not accept, in
// the order of the text. An invalid query is an *Error, as with Check.
func CheckKusto(snap *storage.Snapshot, schemas map[string]column.Schema, text string) ([]Finding, error) {
	script, err := syntax.Parse(text)
	if err != nil {
		return nil, err
	}
	var cat plan.Catalog = catalog{snap}
	if snap == nil {
		cat = schemaCatalog(schemas)
	}
	seen := map[Finding]bool{}
	var out []Finding
	opts := plan.Options{Now: column.TicksFromTime(time.Now()), Lenient: func(pos syntax.Position, msg string) {
		// A let's tabular expression is planned at every use: say it once.
		f := Finding{Pos: syntax.Pos{Line: pos.Line, Col: pos.Column}, Msg: msg}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}}
	if _, err := plan.Build(script, cat, opts); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return out, nil
}
