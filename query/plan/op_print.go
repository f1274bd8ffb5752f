package plan

import (
	"fmt"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("print",
		"print [Name =] Expression, ...",
		"one row of computed columns (print_0, print_1 ... when unnamed)",
		"print-operator", `print x = 1 + 1, s = strcat("a", "b")`)
}

func (b *builder) print(p *syntax.PrintOp) (Node, error) {
	one := &Values{Rows: [][]any{{}}}
	proj := &Project{Input: one}
	for i, ne := range p.Columns {
		e, err := b.expr(ne.Expr, &scope{})
		if err != nil {
			return nil, err
		}
		name := unquoteIdent(ne.Name)
		if name == "" {
			name = fmt.Sprintf("print_%d", i)
		}
		proj.Exprs = append(proj.Exprs, e)
		proj.Schema = append(proj.Schema, column.Field{Name: name, Type: e.Type()})
	}
	return proj, nil
}
