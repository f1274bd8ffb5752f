package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("sort",
		"T | sort by Expression [asc | desc] [nulls first | nulls last], ...",
		"orders the rows (descending unless asc)",
		"sort-operator", "range x from 1 to 5 step 1 | sort by x desc")
	operatorTopic("order",
		"T | order by Expression [asc | desc] [nulls first | nulls last], ...",
		"the same as sort",
		"sort-operator", "range x from 1 to 5 step 1 | order by x asc")
}

func (b *builder) sortKeys(in Node, keys []*syntax.SortKey) ([]SortKey, error) {
	sc := b.scopeOf(in)
	var out []SortKey
	for _, k := range keys {
		e, err := b.expr(k.Expr, sc)
		if err != nil {
			return nil, err
		}
		if e.Type() == column.Dynamic {
			return nil, errAt(k.Pos, "cannot sort by a dynamic value: convert it with tostring() or tolong()")
		}
		desc := k.Dir != "asc"
		nullsFirst := !desc
		switch k.Nulls {
		case "first":
			nullsFirst = true
		case "last":
			nullsFirst = false
		}
		out = append(out, SortKey{Expr: e, Desc: desc, NullsFirst: nullsFirst})
	}
	return out, nil
}

// Sort orders rows by Keys; Limit >= 0 keeps only the first Limit rows
// (top N).
type Sort struct {
	Input Node
	Keys  []SortKey
	Limit int64
}

// SortKey is one ordering term.
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

func (n *Sort) Out() column.Schema { return n.Input.Out() }

func (n *Sort) Inputs() []Node { return []Node{n.Input} }

func (*Sort) node() {}

func (n *Sort) describe() string {
	var keys []string
	for _, k := range n.Keys {
		s := exprText(k.Expr)
		if k.Desc {
			s += " desc"
		} else {
			s += " asc"
		}
		if k.NullsFirst {
			s += " nulls first"
		} else {
			s += " nulls last"
		}
		keys = append(keys, s)
	}
	if n.Limit >= 0 {
		return fmt.Sprintf("Top %d by %s", n.Limit, strings.Join(keys, ", "))
	}
	return "Sort by " + strings.Join(keys, ", ")
}
