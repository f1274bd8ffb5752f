package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("mv-expand",
		"T | mv-expand [kind = bag | array] [with_itemindex = Index] [Name =] ArrayExpression [to typeof(Type)], ... [limit Rows]",
		"one row per element of a dynamic array or property bag",
		"mv-expand-operator", "print a = dynamic([1, 2, 3]) | mv-expand a")
}

// MvExpand expands dynamic arrays and bags into rows.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
type MvExpand struct {
	Input  Node
	Items  []MvItem
	Limit  int64
	Schema column.Schema
	// Array expands a property bag into [key, value] arrays (kind=array)
	// instead of one-property bags.
	Array bool
}

// MvItem is one expanded column: Expr's elements go to output column Col,
// converted to Type (dynamic unless to typeof()).
type MvItem struct {
	Expr Expr
	Col  int
	Type column.Type
}

func (n *MvExpand) Out() column.Schema { return n.Schema }

func (n *MvExpand) Inputs() []Node { return []Node{n.Input} }

func (*MvExpand) node() {}

func (b *builder) mvExpand(in Node, op *syntax.MvExpandOp) (Node, error) {
	sc := b.scopeOf(in)
	schema := append(column.Schema{}, in.Out()...)
	m := &MvExpand{Input: in, Limit: -1}
	params := paramMap(op.Params)
	switch k := params["kind"] + params["bagexpansion"]; k {
	case "", "bag":
	case "array":
		m.Array = true
	default:
		return nil, errAt(op.Pos, "unknown mv-expand kind '%s' (bag or array)", k)
	}
	for _, it := range op.Items {
		e, err := b.expr(it.Expr.Expr, sc)
		if err != nil {
			return nil, err
		}
		switch e.Type() {
		case column.Dynamic:
		case column.String:
			e = &Call{Fn: "dynamic_of", Args: []Expr{e}, T: column.Dynamic}
		default:
			return nil, errAt(it.Pos, "mv-expand needs a dynamic array or bag, got %s", e.Type())
		}
		t := column.Dynamic
		if it.ToType != "" {
			var ok bool
			if t, ok = column.ParseType(it.ToType); !ok {
				return nil, errAt(it.Pos, "unknown type '%s'", it.ToType)
			}
		}
		name := unquoteIdent(it.Expr.Name)
		if name == "" {
			name = derivedName(it.Expr.Expr, e)
			if c, ok := e.(*Call); ok && c.Fn == "dynamic_of" {
				if col, ok := c.Args[0].(*ColRef); ok {
					name = col.Name
				}
			}
			if name == "" {
				name = fmt.Sprintf("Column%d", len(m.Items)+1)
			}
		}
		col := schema.Index(name)
		if col < 0 {
			col = len(schema)
			schema = append(schema, column.Field{Name: name, Type: t})
		} else {
			schema[col].Type = t
		}
		m.Items = append(m.Items, MvItem{Expr: e, Col: col, Type: t})
	}
	if idx, ok := params["with_itemindex"]; ok {
		m.Items = append(m.Items, MvItem{Col: len(schema), Type: column.Long})
		schema = append(schema, column.Field{Name: idx, Type: column.Long})
	}
	if op.Limit != nil {
		n, err := b.count(in, op.Limit, "mv-expand limit")
		if err != nil {
			return nil, err
		}
		m.Limit = n
	}
	m.Schema = schema
	return m, nil
}

func (n *MvExpand) describe() string {
	var items []string
	for _, it := range n.Items {
		if it.Expr == nil {
			items = append(items, "with_itemindex="+quoteName(n.Schema[it.Col].Name))
			continue
		}
		items = append(items, quoteName(n.Schema[it.Col].Name)+" = "+exprText(it.Expr)+" to typeof("+it.Type.String()+")")
	}
	s := "MvExpand " + strings.Join(items, ", ")
	if n.Limit >= 0 {
		s += fmt.Sprintf(" limit %d", n.Limit)
	}
	return s + " -> " + schemaText(n.Schema)
}
