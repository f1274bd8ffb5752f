package plan

import (
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("mv-apply",
		"T | mv-apply [with_itemindex = Index] [Name =] ArrayExpression [to typeof(Type)], ... [limit Rows] on ( SubQuery )",
		"runs a subquery on the elements of each row's arrays and joins its result to the row",
		"mv-apply-operator", "print a = dynamic([3, 1, 2]) | mv-apply x = a to typeof(long) on (top 2 by x)")
}

// MvApply runs Sub once per input row, over the rows the row's arrays
// expand to (each holding the row's columns and the elements), and joins
// each result row to the input row: the input's columns that Sub does not
// produce, then Sub's columns.
// https://learn.microsoft.com/kusto/query/mv-apply-operator
type MvApply struct {
	Input Node
	// Source is Sub's leaf: the one input row being applied to.
	Source *RowSource
	Sub    Node
	// Keep lists the input columns kept before Sub's columns.
	Keep   []int
	Schema column.Schema
}

func (n *MvApply) Out() column.Schema { return n.Schema }
func (n *MvApply) Inputs() []Node     { return []Node{n.Input, n.Sub} }
func (*MvApply) node()                {}
func (n *MvApply) setInput(i int, x Node) {
	if i == 0 {
		n.Input = x
	} else {
		n.Sub = x
	}
}

func (n *MvApply) describe() string { return "MvApply -> " + schemaText(n.Schema) }

// RowSource is a leaf whose rows the executor supplies while it runs the
// node above (one input row of mv-apply).
type RowSource struct {
	Schema column.Schema
}

func (n *RowSource) Out() column.Schema { return n.Schema }
func (n *RowSource) Inputs() []Node     { return nil }
func (*RowSource) node()                {}
func (n *RowSource) describe() string   { return "RowSource -> " + schemaText(n.Schema) }

func (b *builder) mvApply(in Node, op *syntax.MvApplyOp) (Node, error) {
	src := &RowSource{Schema: in.Out()}
	var sub Node
	sub, err := b.mvExpand(src, &syntax.MvExpandOp{Pos: op.Pos, Keyword: "mv-expand", Params: op.Params, Items: op.Items, Limit: op.Limit})
	if err != nil {
		return nil, err
	}
	for _, o := range op.Ops {
		if r, ok := o.(*syntax.RenderOp); ok {
			return nil, errAt(r.Pos, "render must be the last operator of the query")
		}
		if sub, err = b.operator(sub, o); err != nil {
			return nil, err
		}
	}
	sub = Optimize(sub)
	n := &MvApply{Input: in, Source: src, Sub: sub}
	subOut := sub.Out()
	for i, f := range in.Out() {
		if subOut.Index(f.Name) < 0 && !strings.HasPrefix(f.Name, "\x00") {
			n.Keep = append(n.Keep, i)
			n.Schema = append(n.Schema, f)
		}
	}
	n.Schema = append(n.Schema, subOut...)
	return n, nil
}
