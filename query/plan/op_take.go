package plan

import (
	"fmt"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("take",
		"T | take NumberOfRows",
		"returns up to NumberOfRows rows, in no particular order",
		"take-operator", "range x from 1 to 10 step 1 | take 3")
	operatorTopic("limit",
		"T | limit NumberOfRows",
		"the same as take",
		"take-operator", "range x from 1 to 10 step 1 | limit 3")
}

// count evaluates the row count of take/top: a constant non-negative long.
func (b *builder) count(in Node, e *syntax.Expr, opName string) (int64, error) {
	x, err := b.expr(e, &scope{})
	if err != nil {
		return 0, err
	}
	c, ok := x.(*Const)
	if !ok || !(c.T == column.Long || c.T == column.Int) || c.Val == nil {
		return 0, errAt(e.Pos, "%s needs a constant number of rows", opName)
	}
	n := c.Val.(int64)
	if n < 0 {
		return 0, errAt(e.Pos, "%s needs a number of rows >= 0, got %d", opName, n)
	}
	return n, nil
}

// Limit keeps the first N rows (take).
type Limit struct {
	Input Node
	N     int64
}

func (n *Limit) Out() column.Schema { return n.Input.Out() }

func (n *Limit) Inputs() []Node { return []Node{n.Input} }

func (*Limit) node() {}

func (n *Limit) describe() string { return fmt.Sprintf("Limit %d", n.N) }
