package plan

import (
	"fmt"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("distinct",
		"T | distinct Column, ... | T | distinct *",
		"the distinct combinations of the columns given",
		"distinct-operator", "range x from 1 to 10 step 1 | extend Odd = x % 2 | distinct Odd")
}

func (b *builder) distinct(in Node, op *syntax.DistinctOp) (Node, error) {
	agg := &Aggregate{Input: in}
	if op.Star {
		for i, f := range in.Out() {
			agg.Keys = append(agg.Keys, &ColRef{Index: i, Name: f.Name, T: f.Type})
			agg.Schema = append(agg.Schema, f)
		}
		return agg, nil
	}
	sc := b.scopeOf(in)
	for _, c := range op.Columns {
		e, err := b.expr(c, sc)
		if err != nil {
			return nil, err
		}
		name := derivedName(c, e)
		if name == "" {
			name = fmt.Sprintf("Column%d", len(agg.Keys)+1)
		}
		agg.Keys = append(agg.Keys, e)
		agg.Schema = append(agg.Schema, column.Field{Name: name, Type: e.Type()})
	}
	return agg, nil
}
