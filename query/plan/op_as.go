package plan

import "clickhunt/query/syntax"

func init() {
	operatorTopic("as",
		"T | as [hint.materialized = true] Name",
		"names its input for union withsource= and returns it unchanged",
		"as-operator", "range x from 1 to 3 step 1 | as Numbers | count")
}

// as names its input for union withsource= (the name also works as a
// table name in Kusto's later statements; here it is only the source
// name). https://learn.microsoft.com/kusto/query/as-operator
func (b *builder) as(in Node, op *syntax.AsOp) Node {
	b.asNames[in] = op.Name
	return in
}
