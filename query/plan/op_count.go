package plan

import "clickhunt/column"

func init() {
	operatorTopic("count",
		"T | count",
		"the number of input rows, as one column Count",
		"count-operator", "range x from 1 to 10 step 1 | where x > 3 | count")
}

// Count returns one row with the number of input rows.
type Count struct {
	Input Node
}

func (n *Count) Out() column.Schema { return column.Schema{{Name: "Count", Type: column.Long}} }

func (n *Count) Inputs() []Node { return []Node{n.Input} }

func (*Count) node() {}

func (n *Count) describe() string { return "Count -> " + schemaText(n.Out()) }
