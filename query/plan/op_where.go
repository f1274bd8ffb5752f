package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("where",
		"T | where Predicate",
		"keeps the rows where Predicate is true",
		"where-operator", "range x from 1 to 10 step 1 | where x % 3 == 0")
	operatorTopic("filter",
		"T | filter Predicate",
		"the same as where",
		"where-operator", "range x from 1 to 10 step 1 | filter x > 7")
}

func (b *builder) where(in Node, op *syntax.WhereOp) (Node, error) {
	pred, err := b.expr(op.Predicate, b.scopeOf(in))
	if err != nil {
		return nil, err
	}
	if pred.Type() != column.Bool {
		return nil, errAt(op.Predicate.Pos, "where needs a bool predicate, got %s", pred.Type())
	}
	return &Filter{Input: in, Pred: pred}, nil
}

// Filter keeps the rows where Pred is true.
type Filter struct {
	Input Node
	Pred  Expr
}

func (n *Filter) Out() column.Schema { return n.Input.Out() }

func (n *Filter) Inputs() []Node { return []Node{n.Input} }

func (*Filter) node() {}

func (n *Filter) describe() string { return "Filter " + exprText(n.Pred) }
