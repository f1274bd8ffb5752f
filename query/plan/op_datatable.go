package plan

import (
	"fmt"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("datatable",
		"datatable (Column: Type, ...) [Value, ...]",
		"a table written inline, its values row by row",
		"datatable-operator", `datatable (Name: string, Clicks: long) ["alice", 3, "bob", 5]`)
}

// Values is a constant table (datatable, print, getschema).
type Values struct {
	Schema column.Schema
	Rows   [][]any
}

func (n *Values) Out() column.Schema { return n.Schema }

func (n *Values) Inputs() []Node { return nil }

func (*Values) node() {}

func (b *builder) datatable(d *syntax.DatatableSrc) (Node, error) {
	v := &Values{}
	for _, c := range d.Columns {
		t, ok := column.ParseType(c.Type)
		if !ok {
			return nil, errAt(c.Pos, "unknown type '%s'", c.Type)
		}
		v.Schema = append(v.Schema, column.Field{Name: unquoteIdent(c.Name), Type: t})
	}
	var vals []Expr
	if d.One != nil {
		vals = append(vals, &Const{T: column.String, Val: unquoteIdent(*d.One)})
	}
	for _, e := range d.Values {
		x, err := b.expr(e, &scope{})
		if err != nil {
			return nil, err
		}
		vals = append(vals, x)
	}
	n := len(v.Schema)
	if len(vals)%n != 0 {
		return nil, errAt(d.Pos, "datatable has %d values for %d columns: the count must be a multiple", len(vals), n)
	}
	for r := 0; r < len(vals); r += n {
		row := make([]any, n)
		for c := 0; c < n; c++ {
			x, err := constValue(vals[r+c], v.Schema[c].Type)
			if err != nil {
				return nil, errAt(d.Values[min(r+c, len(d.Values)-1)].Pos, "datatable column %s: %v", v.Schema[c].Name, err)
			}
			row[c] = x
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// constValue converts a constant expression to a value of type t.
func constValue(e Expr, t column.Type) (any, error) {
	c, ok := e.(*Const)
	if !ok {
		if call, ok := e.(*Call); ok && isConstant(call) {
			return nil, fmt.Errorf("expected a literal value")
		}
		return nil, fmt.Errorf("expected a literal value")
	}
	if c.Val == nil {
		return nil, nil
	}
	switch {
	case c.T == t:
		return c.Val, nil
	case t == column.Real && c.T.IsNumeric():
		if x, ok := c.Val.(int64); ok {
			return float64(x), nil
		}
		return c.Val, nil
	case (t == column.Long || t == column.Int) && c.T.IsNumeric():
		if x, ok := c.Val.(float64); ok {
			return int64(x), nil
		}
		return c.Val, nil
	case t == column.Dynamic:
		return c.Val, nil
	case t == column.Guid && c.T == column.String:
		return c.Val, nil
	}
	return nil, fmt.Errorf("expected a %s value, got %s", t, c.T)
}

func (n *Values) describe() string {
	return fmt.Sprintf("Values %d rows -> %s", len(n.Rows), schemaText(n.Schema))
}
