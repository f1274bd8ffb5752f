package plan

import (
	"fmt"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("reduce",
		"T | reduce [kind = source] by Expr [with [threshold = Threshold] [, characters = Characters]]",
		"groups strings by similarity: one Pattern (with * for what varies), Count and Representative row per group",
		"reduce-operator", `range x from 1 to 10 step 1 | project s = strcat("fooZ", x) | reduce by s with characters = "Z"`)
}

// Reduce groups the strings Key gives into patterns of their frequent
// terms (Risto Vaarandi's SLCT, on which Kusto's reduce is based): a term
// is frequent at its position when more than Threshold of the rows hold
// it there; rows with the same frequent terms form a group when more than
// Threshold of the rows do; the other rows are "others". Source keeps the
// input rows and adds their Pattern instead.
// https://learn.microsoft.com/kusto/query/reduce-operator
type Reduce struct {
	Input     Node
	Key       Expr
	Threshold float64
	// Separators are the characters between terms; "" means every
	// character but an ASCII letter or digit.
	Separators string
	Source     bool
	Schema     column.Schema
}

func (n *Reduce) Out() column.Schema      { return n.Schema }
func (n *Reduce) Inputs() []Node          { return []Node{n.Input} }
func (*Reduce) node()                     {}
func (n *Reduce) setInput(_ int, in Node) { n.Input = in }
func (n *Reduce) exprRefs() []*Expr       { return []*Expr{&n.Key} }
func (n *Reduce) describe() string {
	s := fmt.Sprintf("Reduce by %s with threshold = %g", exprText(n.Key), n.Threshold)
	if n.Separators != "" {
		s += fmt.Sprintf(", characters = %q", n.Separators)
	}
	if n.Source {
		s += " (kind=source)"
	}
	return s + " -> " + schemaText(n.Schema)
}

func (b *builder) reduce(in Node, op *syntax.ReduceOp) (Node, error) {
	n := &Reduce{Input: in, Threshold: 0.1}
	for k, v := range paramMap(op.Params) {
		if k != "kind" || v != "source" {
			return nil, errAt(op.Pos, "reduce takes only kind=source, got %s=%s", k, v)
		}
		n.Source = true
	}
	key, err := b.expr(op.By, b.scopeOf(in))
	if err != nil {
		return nil, err
	}
	n.Key = asString(key)
	seen := map[string]bool{}
	for _, w := range op.With {
		if seen[w.Name] {
			return nil, errAt(w.Pos, "reduce: %s is given twice", w.Name)
		}
		seen[w.Name] = true
		e, err := b.expr(w.Value, &scope{})
		if err != nil {
			return nil, err
		}
		k, ok := e.(*Const)
		if !ok || k.Val == nil {
			return nil, errAt(w.Value.Pos, "reduce: %s must be a constant", w.Name)
		}
		switch w.Name {
		case "threshold":
			t, ok := convertConst(k, column.Real)
			if !ok || t.(float64) < 0 || t.(float64) > 1 {
				return nil, errAt(w.Value.Pos, "reduce: threshold must be a number between 0 and 1")
			}
			n.Threshold = t.(float64)
		case "characters":
			s, ok := k.Val.(string)
			if !ok || s == "" {
				return nil, errAt(w.Value.Pos, "reduce: characters must be a non-empty string")
			}
			n.Separators = s
		}
	}
	if n.Source {
		n.Schema = append(append(column.Schema{}, in.Out()...), column.Field{Name: "Pattern", Type: column.String})
	} else {
		n.Schema = column.Schema{{Name: "Pattern", Type: column.String}, {Name: "Count", Type: column.Long}, {Name: "Representative", Type: column.String}}
	}
	return n, nil
}
