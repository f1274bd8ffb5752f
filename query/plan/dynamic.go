package plan

import (
	"fmt"
	"strconv"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// jsonValue turns a dynamic(...) literal into a dynamic value.
func jsonValue(j *syntax.JSONValue) (any, error) {
	switch {
	case j.Null:
		return nil, nil
	case j.Bool != nil:
		return *j.Bool == "true", nil
	case j.Number != nil:
		s := *j.Number
		if j.Neg {
			s = "-" + s
		}
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %s in dynamic literal", s)
		}
		return f, nil
	case j.Str != nil:
		return unquote(*j.Str)
	case j.One != nil:
		// ["x"] was read as a quoted identifier: an array of one string.
		return []any{unquoteIdent(*j.One)}, nil
	case j.Array != nil:
		out := make([]any, 0, len(j.Array.Items))
		for _, it := range j.Array.Items {
			v, err := jsonValue(it)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case j.Object != nil:
		out := make(map[string]any, len(j.Object.Pairs))
		for _, p := range j.Object.Pairs {
			k, err := unquote(p.Key)
			if err != nil {
				return nil, err
			}
			v, err := jsonValue(p.Value)
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case j.Dynamic != nil:
		return jsonValue(j.Dynamic)
	case j.Literal != nil:
		return literalInDynamic(j.Literal)
	}
	return nil, nil
}

// literalInDynamic is the value of a typed literal written inside a
// dynamic literal (datetime(2022-01-01), timespan(1d), guid(...)):
// datetimes and timespans as their text, which dynamic values hold.
func literalInDynamic(p *syntax.Primary) (any, error) {
	if p.Ident != nil || p.Paren != nil || p.Dynamic != nil || (p.Call != nil && literalTypes[p.Call.Name] == column.Invalid) {
		return nil, errAt(p.Pos, "a dynamic literal holds values, not expressions")
	}
	b := &builder{scalars: map[string]Expr{}, tables: map[string]*syntax.Pipeline{}, funcs: map[string]*syntax.FuncDef{}, views: map[*syntax.FuncDef]bool{}, asNames: map[Node]string{}, patterns: map[string]*syntax.PatternStmt{}}
	e, err := b.primary(p, &scope{})
	if err != nil {
		return nil, err
	}
	k, ok := e.(*Const)
	if !ok || k.Val == nil {
		return nil, nil
	}
	switch k.T {
	case column.Datetime:
		return column.FormatDatetime(k.Val.(int64)), nil
	case column.Timespan:
		return column.FormatTimespan(k.Val.(int64)), nil
	}
	return k.Val, nil
}

// TypeLit is typeof(T): a type given as an argument (extract, mv-expand).
type TypeLit struct{ T column.Type }

func (t *TypeLit) Type() column.Type { return column.Invalid }
func (t *TypeLit) String() string    { return "typeof(" + t.T.String() + ")" }

// Subquery is a tabular expression used as a value: toscalar(T) (Scalar,
// the first column of the first row) or the list of an in/has_any (the
// first column's values). The executor runs it before the query and puts
// constants in its place.
type Subquery struct {
	Node   Node
	Scalar bool
	T      column.Type
}

func (s *Subquery) Type() column.Type { return s.T }
func (s *Subquery) String() string    { return "toscalar(...)" }

// typeOf resolves typeof(name).
func typeOf(c *syntax.Call) (Expr, error) {
	if len(c.Args) != 1 || c.Args[0].Expr == nil {
		return nil, errAt(c.Pos, "typeof() takes one type name, e.g. typeof(string)")
	}
	name, _, ok := identOf(c.Args[0].Expr)
	if !ok {
		return nil, errAt(c.Pos, "typeof() takes one type name, e.g. typeof(string)")
	}
	t, ok := column.ParseType(name)
	if !ok {
		return nil, errAt(c.Args[0].Pos, "unknown type '%s'", name)
	}
	return &TypeLit{T: t}, nil
}

// MapExprs calls f on every expression of every node under n (children
// first), replacing each with what f returns.
func MapExprs(n Node, f func(Expr) (Expr, error)) error {
	for _, in := range n.Inputs() {
		if err := MapExprs(in, f); err != nil {
			return err
		}
	}
	var walk func(e Expr) (Expr, error)
	walk = func(e Expr) (Expr, error) {
		if e == nil {
			return nil, nil
		}
		if c, ok := e.(*Call); ok {
			args := make([]Expr, 0, len(c.Args))
			for _, a := range c.Args {
				x, err := walk(a)
				if err != nil {
					return nil, err
				}
				// A subquery list may expand into several arguments.
				if l, ok := x.(*exprList); ok {
					args = append(args, l.items...)
					continue
				}
				args = append(args, x)
			}
			c.Args = args
		}
		return f(e)
	}
	each := func(es []Expr) error {
		for i := range es {
			x, err := walk(es[i])
			if err != nil {
				return err
			}
			es[i] = x
		}
		return nil
	}
	one := func(e *Expr) error {
		x, err := walk(*e)
		if err != nil {
			return err
		}
		*e = x
		return nil
	}
	switch n := n.(type) {
	case *Scan:
		return one(&n.Filter)
	case *Filter:
		return one(&n.Pred)
	case *Project:
		return each(n.Exprs)
	case *Aggregate:
		if err := each(n.Keys); err != nil {
			return err
		}
		for _, a := range n.Aggs {
			if err := one(&a.Arg); err != nil {
				return err
			}
			if err := one(&a.Pred); err != nil {
				return err
			}
			if err := each(a.Extra); err != nil {
				return err
			}
		}
	case *Sort:
		for i := range n.Keys {
			if err := one(&n.Keys[i].Expr); err != nil {
				return err
			}
		}
	case *Join:
		if err := each(n.LeftKeys); err != nil {
			return err
		}
		return each(n.RightKeys)
	case *MvExpand:
		for i := range n.Items {
			if err := one(&n.Items[i].Expr); err != nil {
				return err
			}
		}
	case *Parse:
		return one(&n.Expr)
	case *MakeSeries:
		if err := one(&n.From); err != nil {
			return err
		}
		if err := one(&n.To); err != nil {
			return err
		}
		if err := one(&n.Step); err != nil {
			return err
		}
		return each(n.Defaults)
	case exprNode:
		for _, e := range n.exprRefs() {
			if err := one(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// exprList is what a subquery list resolves to: several arguments in place
// of one.
type exprList struct{ items []Expr }

func (l *exprList) Type() column.Type { return column.Invalid }
func (l *exprList) String() string    { return "(...)" }

// ExpandArgs returns an expression standing for several call arguments, for
// MapExprs callbacks that replace a subquery by its values.
func ExpandArgs(items []Expr) Expr { return &exprList{items: items} }
