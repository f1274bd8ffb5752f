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
	sc := b.scopeOf(in)
	sc.window = &windowContext{base: len(in.Out())}
	pred, err := b.expr(op.Predicate, sc)
	if err != nil {
		return nil, err
	}
	if pred.Type() != column.Bool {
		return nil, errAt(op.Predicate.Pos, "where needs a bool predicate, got %s", pred.Type())
	}
	if len(sc.window.calls) == 0 {
		return &Filter{Input: in, Pred: pred}, nil
	}
	// where x > prev(x): filter over the window columns, then drop them.
	f := &Filter{Input: sc.window.window(in), Pred: pred}
	p := &Project{Input: f, Schema: in.Out()}
	for i, c := range in.Out() {
		p.Exprs = append(p.Exprs, &ColRef{Index: i, Name: c.Name, T: c.Type})
	}
	return p, nil
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
