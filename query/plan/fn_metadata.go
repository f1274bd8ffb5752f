package plan

import (
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Metadata function signatures: functions about a query's tables and
// columns rather than its values. estimate_data_size's kernel is in
// exec/fn_metadata.go; column_names_of is known when the query is planned.
// https://learn.microsoft.com/kusto/query/scalar-functions#metadata-functions

func init() {
	addFuncs(map[string]funcSig{
		// https://learn.microsoft.com/kusto/query/column-names-of-function
		"column_names_of": planned(1, 1, columnNamesOf).doc("column_names_of(TabularExpression)", "the column names of a tabular expression (a table, a tabular let, a function call), as a dynamic array", "let T = datatable(A:string, B:int) []; print column_names_of(T)"),
		// https://learn.microsoft.com/kusto/query/estimate-data-size-function
		"estimate_data_size": planned(1, 64, estimateDataSize).doc("estimate_data_size(* | Column, ...)", "the estimated size in bytes of the row's columns (all of them with *): 8 for a long, real, datetime or timespan, 4 for an int, 1 for a bool, 16 for a guid, a string's UTF-8 length, a dynamic value's JSON length", "range x from 1 to 3 step 1 | extend Text = 'abc' | summarize sum(estimate_data_size(*))"),
	})
}

// planned is a funcSig planned from its syntax by p.
func planned(minArgs, maxArgs int, p func(b *builder, c *syntax.Call, sc *scope) (Expr, error)) funcSig {
	s := fsig(minArgs, maxArgs, nil)
	s.planCall = p
	return s
}

// scalarArg plans argument i of c as a scalar expression, refusing what
// the generic argument planning refuses.
func (b *builder) scalarArg(c *syntax.Call, i int, sc *scope) (Expr, error) {
	a := c.Args[i]
	switch {
	case a.Name != "":
		return nil, errAt(a.Pos, "%s() takes no named arguments", c.Name)
	case a.Star:
		return nil, errAt(a.Pos, "%s() does not take *", c.Name)
	case a.Tabular():
		return nil, errAt(a.Pos, "%s() takes a scalar, not a tabular expression", c.Name)
	}
	return b.expr(a.Expr, sc)
}

// columnNamesOf plans column_names_of(T): the schema is known at planning,
// so the call is a constant array.
func columnNamesOf(b *builder, c *syntax.Call, sc *scope) (Expr, error) {
	a := c.Args[0]
	if a.Star || a.Name != "" || (!a.Tabular() && !b.isTableRef(a.Expr)) {
		return nil, errAt(a.Pos, "column_names_of() takes a tabular expression (a table, a tabular let or a function returning a table)")
	}
	n, err := b.tabular(a.Pipeline())
	if err != nil {
		return nil, err
	}
	names := []any{}
	for _, f := range n.Out() {
		if !strings.HasPrefix(f.Name, "\x00") {
			names = append(names, f.Name)
		}
	}
	return &Const{T: column.Dynamic, Val: names}, nil
}

// estimateDataSize plans estimate_data_size(*) or (Col, ...): the columns
// of the row in scope, the hidden ones left out.
func estimateDataSize(b *builder, c *syntax.Call, sc *scope) (Expr, error) {
	var args []Expr
	for i, a := range c.Args {
		if a.Star {
			for j, f := range sc.schema {
				if !strings.HasPrefix(f.Name, "\x00") {
					args = append(args, &ColRef{Index: j, Name: f.Name, T: f.Type})
				}
			}
			continue
		}
		e, err := b.scalarArg(c, i, sc)
		if err != nil {
			return nil, err
		}
		args = append(args, e)
	}
	return &Call{Fn: "estimate_data_size", Args: args, T: column.Long}, nil
}
