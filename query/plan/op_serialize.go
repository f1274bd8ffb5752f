package plan

import "clickhunt/query/syntax"

func init() {
	operatorTopic("serialize",
		"T | serialize [Name = Expression, ...]",
		"marks the rows as ordered, so that window functions such as row_number() may run",
		"serialize-operator", "range x from 1 to 5 step 1 | serialize")
}

func (b *builder) serialize(in Node, op *syntax.SerializeOp) (Node, error) {
	if len(op.Columns) == 0 {
		return in, nil
	}
	return b.project(in, op.Columns, true)
}
