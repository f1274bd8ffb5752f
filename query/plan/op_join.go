package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("join",
		"LeftT | join [kind = Kind] (RightT) on Key, ... | $left.Column == $right.Column",
		"combines rows of two tables whose keys match (kind: innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi, rightsemi)",
		"join-operator", "range x from 1 to 3 step 1 | join kind=inner (range x from 2 to 4 step 1 | extend y = x * 10) on x")
	operatorTopic("lookup",
		"LeftT | lookup [kind = leftouter | inner] (RightT) on Key, ...",
		"extends the rows of a fact table with the columns of a dimension table whose keys match",
		"lookup-operator", `range x from 1 to 3 step 1 | lookup (datatable(x:long, Name:string) [1, "one", 2, "two"]) on x`)
}

// Join combines rows of Left and Right whose keys are equal.
// https://learn.microsoft.com/kusto/query/join-operator
type Join struct {
	Left, Right         Node
	Kind                string // innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi, rightsemi
	LeftKeys, RightKeys []Expr
	Schema              column.Schema
	// Cols says where each output column comes from: Side 0 left, 1 right.
	Cols []JoinCol
}

// JoinCol is one output column of a join.
type JoinCol struct {
	Side  int
	Index int
}

func (n *Join) Out() column.Schema { return n.Schema }

func (n *Join) Inputs() []Node { return []Node{n.Left, n.Right} }

func (*Join) node() {}

var joinKinds = map[string]string{
	"innerunique": "innerunique", "inner": "inner", "leftouter": "leftouter", "rightouter": "rightouter",
	"fullouter": "fullouter", "leftanti": "leftanti", "anti": "leftanti", "leftantisemi": "leftanti",
	"rightanti": "rightanti", "rightantisemi": "rightanti", "leftsemi": "leftsemi", "rightsemi": "rightsemi",
}

// sideKey recognises $left.Name / $right.Name.
func sideKey(e *syntax.AddExpr) (side, name string, ok bool) {
	if len(e.Right) > 0 || len(e.Left.Right) > 0 || e.Left.Left.Sign != "" {
		return "", "", false
	}
	pf := e.Left.Left.Operand
	if pf.Primary.Ident == nil || len(pf.Suffix) != 1 || pf.Suffix[0].Name() == "" {
		return "", "", false
	}
	switch *pf.Primary.Ident {
	case "$left", "$right":
		return *pf.Primary.Ident, unquoteIdent(pf.Suffix[0].Name()), true
	}
	return "", "", false
}

func (b *builder) join(left Node, op *syntax.JoinOp) (Node, error) {
	params := paramMap(op.Params)
	lookup := op.Keyword == "lookup"
	kind := "innerunique"
	if lookup {
		kind = "leftouter"
	}
	if k, ok := params["kind"]; ok {
		kind, ok = joinKinds[k]
		if !ok || (lookup && kind != "leftouter" && kind != "inner") {
			return nil, errAt(op.Pos, "unknown %s kind '%s'", op.Keyword, k)
		}
	}
	var right Node
	var err error
	if op.RightPipe != nil {
		right, err = b.tabular(op.RightPipe)
	} else {
		right, err = b.sourceName(unquoteIdent(*op.RightName), op.Pos)
	}
	if err != nil {
		return nil, err
	}
	ls, rs := left.Out(), right.Out()
	j := &Join{Left: left, Right: right, Kind: kind}
	dropRight := map[int]bool{} // lookup: right key columns are not repeated
	for _, on := range op.On {
		var ln, rn string
		if name, _, ok := identOf(on); ok {
			ln, rn = name, name
		} else {
			c := on.Left.Left
			if len(on.Right) > 0 || len(on.Left.Right) > 0 || c.Binary == nil || c.Binary.Op != "==" {
				return nil, errAt(on.Pos, "join keys are column names or $left.Column == $right.Column")
			}
			s1, n1, ok1 := sideKey(c.Left)
			s2, n2, ok2 := sideKey(c.Binary.Right)
			if !ok1 || !ok2 || s1 == s2 {
				return nil, errAt(on.Pos, "join keys are column names or $left.Column == $right.Column")
			}
			if s1 == "$left" {
				ln, rn = n1, n2
			} else {
				ln, rn = n2, n1
			}
		}
		li, ri := ls.Index(ln), rs.Index(rn)
		if li < 0 {
			return nil, errAt(on.Pos, "join key '%s' is not a column of the left side%s", ln, didYouMean(ln, ls))
		}
		if ri < 0 {
			return nil, errAt(on.Pos, "join key '%s' is not a column of the right side%s", rn, didYouMean(rn, rs))
		}
		var l, r Expr = &ColRef{Index: li, Name: ln, T: ls[li].Type}, &ColRef{Index: ri, Name: rn, T: rs[ri].Type}
		if l.Type() != r.Type() {
			if l.Type().IsNumeric() && r.Type().IsNumeric() {
				l, r = toReal(l), toReal(r)
			} else {
				return nil, errAt(on.Pos, "join key types differ: %s is %s on the left, %s is %s on the right", ln, ls[li].Type, rn, rs[ri].Type)
			}
		}
		j.LeftKeys = append(j.LeftKeys, l)
		j.RightKeys = append(j.RightKeys, r)
		if lookup {
			dropRight[ri] = true
		}
	}
	add := func(side int, i int, f column.Field) {
		name := f.Name
		for n := 1; j.Schema.Index(name) >= 0; n++ {
			name = fmt.Sprintf("%s%d", f.Name, n)
		}
		j.Schema = append(j.Schema, column.Field{Name: name, Type: f.Type})
		j.Cols = append(j.Cols, JoinCol{Side: side, Index: i})
	}
	if kind != "rightsemi" && kind != "rightanti" {
		for i, f := range ls {
			add(0, i, f)
		}
	}
	if kind != "leftsemi" && kind != "leftanti" {
		for i, f := range rs {
			if !dropRight[i] {
				add(1, i, f)
			}
		}
	}
	return j, nil
}

func (n *Join) describe() string {
	var on []string
	for i := range n.LeftKeys {
		on = append(on, "$left."+exprText(n.LeftKeys[i])+" == $right."+exprText(n.RightKeys[i]))
	}
	return "Join kind=" + n.Kind + " on " + strings.Join(on, ", ") + " -> " + schemaText(n.Schema)
}
