package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("partition",
		"T | partition [hint.strategy = native | shuffle] by Column ( SubQuery )",
		"runs a subquery on each group of rows with the same value of Column and unions the results",
		"partition-operator", "range x from 1 to 6 step 1 | extend g = x % 2 | partition by g (top 1 by x)")
}

// Partition runs Sub once per distinct value of column Key of its input,
// over the rows with that value, and returns the results one after the
// other. https://learn.microsoft.com/kusto/query/partition-operator
type Partition struct {
	Input Node
	Key   int
	// Source is Sub's leaf: the rows of one partition.
	Source *RowSource
	Sub    Node
}

func (n *Partition) Out() column.Schema { return n.Sub.Out() }
func (n *Partition) Inputs() []Node     { return []Node{n.Input, n.Sub} }
func (*Partition) node()                {}
func (n *Partition) setInput(i int, x Node) {
	if i == 0 {
		n.Input = x
	} else {
		n.Sub = x
	}
}

func (n *Partition) describe() string {
	return "Partition by " + quoteName(n.Input.Out()[n.Key].Name) + " -> " + schemaText(n.Out())
}

func (b *builder) partition(in Node, op *syntax.PartitionOp) (Node, error) {
	params := paramMap(op.Params)
	switch s := params["hint.strategy"]; s {
	case "", "native", "shuffle", "legacy":
	default:
		return nil, errAt(op.Pos, "unknown partition strategy '%s' (native, shuffle or legacy)", s)
	}
	name := unquoteIdent(op.By)
	key := in.Out().Index(name)
	if key < 0 {
		return nil, errAt(op.Pos, "partition by: unknown column '%s'%s", name, didYouMean(name, in.Out()))
	}
	if t := in.Out()[key].Type; t == column.Dynamic {
		return nil, errAt(op.Pos, "partition by needs a scalar column, got %s", t)
	}
	src := &RowSource{Schema: in.Out()}
	var sub Node = src
	var err error
	for _, o := range op.Ops {
		if r, ok := o.(*syntax.RenderOp); ok {
			return nil, errAt(r.Pos, "render must be the last operator of the query")
		}
		if sub, err = b.operator(sub, o); err != nil {
			return nil, err
		}
	}
	return &Partition{Input: in, Key: key, Source: src, Sub: Optimize(sub)}, nil
}
