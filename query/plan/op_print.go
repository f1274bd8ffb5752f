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
	var in Node = &Values{Rows: [][]any{{}}}
	// Functions returning several columns compute below, as in extend.
	in, tuples, err := b.tupleColumns(in, p.Columns, false)
	if err != nil {
		return nil, err
	}
	proj := &Project{Input: in}
	sc := b.scopeOf(in)
	for i, ne := range p.Columns {
		if tc := tuples[ne]; tc != nil {
			for k, name := range tc.names {
				e := tc.field(k)
				proj.Exprs = append(proj.Exprs, e)
				proj.Schema = append(proj.Schema, column.Field{Name: name, Type: e.Type()})
			}
			continue
		}
		e, err := b.expr(ne.Expr, sc)
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
