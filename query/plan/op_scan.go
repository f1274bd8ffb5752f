package plan

import (
	"strings"

	"clickhunt/column"
)

// Scan reads a stored table. Filter, if set, is applied while scanning
// (pushed down from where operators); Needed marks the columns the
// operators above the scan read (nil = all): the filter's own columns are
// read by the scan as it needs them.
type Scan struct {
	Table  string
	Schema column.Schema
	Filter Expr
	Needed []bool
	// HeadOnly marks the columns that every operator above and the filter
	// read only through their heads (heads.go; nil = none): the scan may
	// read a stored head column in their place.
	HeadOnly []bool
}

func (n *Scan) Out() column.Schema { return n.Schema }

func (n *Scan) Inputs() []Node { return nil }

func (*Scan) node() {}

func (n *Scan) describe() string {
	s := "Scan " + quoteName(n.Table)
	if n.Needed != nil {
		var cols []string
		for i, f := range n.Schema {
			if n.Needed[i] {
				cols = append(cols, quoteName(f.Name))
			}
		}
		if len(cols) == 0 {
			cols = append(cols, "nothing")
		}
		s += " reads " + strings.Join(cols, ", ")
	} else {
		s += " -> " + schemaText(n.Schema)
	}
	if n.Filter != nil {
		s += " where " + exprText(n.Filter)
	}
	return s
}
