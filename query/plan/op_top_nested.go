package plan

import (
	"errors"
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("top-nested",
		"T | top-nested [N] of [Name =] Expr [with others = Value] by [Name =] Aggregation [asc | desc], top-nested ...",
		"hierarchical top: the top N values of each level within each value of the level above, with their aggregations",
		"top-nested-operator", "range x from 1 to 20 step 1 | top-nested 2 of g = x % 3 by s = sum(x), top-nested 1 of x by max(x)")
}

// TopNested is hierarchical aggregation and selection. Level 0 groups the
// input by its key and keeps the top N groups by the level's aggregation;
// each level below does the same within each group the level above kept.
// With others = Value, the rows of the groups not kept form one more group
// per parent, keyed Value; a level without it passes them on to a deeper
// level that has it as a group keyed null. The output has a key and an
// aggregation column per level, one row per group of the deepest level.
// https://learn.microsoft.com/kusto/query/top-nested-operator
type TopNested struct {
	// Input is the operator's input with each level's key appended.
	Input Node
	// Source is the leaf of the levels' aggregations: rows of Input and
	// their group at the level (a long, the last column).
	Source *RowSource
	Levels []TopNestedLevel
	Schema column.Schema
}

// TopNestedLevel is one clause of top-nested.
type TopNestedLevel struct {
	// Key is the column of Input holding the level's value.
	Key int
	// N is how many groups to keep per parent; -1 keeps all.
	N int64
	// Others is the key of the group of the rows not kept, or nil.
	Others *Const
	Asc    bool
	// Agg aggregates Source by its group column: the group, then the
	// aggregation.
	Agg Node
}

func (n *TopNested) Out() column.Schema { return n.Schema }
func (n *TopNested) Inputs() []Node {
	ins := []Node{n.Input}
	for _, l := range n.Levels {
		ins = append(ins, l.Agg)
	}
	return ins
}
func (*TopNested) node() {}
func (n *TopNested) setInput(i int, x Node) {
	if i == 0 {
		n.Input = x
	} else {
		n.Levels[i-1].Agg = x
	}
}

func (n *TopNested) describe() string {
	var parts []string
	for i, l := range n.Levels {
		s := "top-nested "
		if l.N >= 0 {
			s += fmt.Sprint(l.N) + " "
		}
		s += "of " + quoteName(n.Schema[2*i].Name)
		if l.Others != nil {
			s += " with others = " + l.Others.String()
		}
		s += " by " + quoteName(n.Schema[2*i+1].Name)
		if l.Asc {
			s += " asc"
		}
		parts = append(parts, s)
	}
	return "TopNested " + strings.Join(parts, ", ") + " -> " + schemaText(n.Schema)
}

// topNestedGroup names the group column of TopNested's Source.
const topNestedGroup = "\x00group"

func (b *builder) topNested(in Node, op *syntax.TopNestedOp) (Node, error) {
	sc := b.scopeOf(in)
	ext := &Project{Input: in}
	for i, f := range in.Out() {
		ext.Exprs = append(ext.Exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
		ext.Schema = append(ext.Schema, f)
	}
	n := &TopNested{Input: ext}
	names := map[string]bool{}
	addName := func(pos syntax.Position, name string) error {
		if names[name] {
			return errAt(pos, "top-nested produces column '%s' twice: name one of them (Name = ...)", name)
		}
		names[name] = true
		return nil
	}
	var keyTypes []column.Type
	for i, l := range op.Levels {
		key, err := b.expr(l.Key.Expr, sc)
		if err != nil {
			return nil, err
		}
		if key.Type() == column.Dynamic {
			return nil, errAt(l.Key.Pos, "top-nested: a level's value cannot be dynamic: convert it with tostring() or tolong()")
		}
		name := unquoteIdent(l.Key.Name)
		if name == "" {
			if name = derivedName(l.Key.Expr, key); name == "" {
				name = fmt.Sprintf("Column%d", i+1)
			}
		}
		if err := addName(l.Key.Pos, name); err != nil {
			return nil, err
		}
		level := TopNestedLevel{Key: len(ext.Exprs), N: -1, Asc: l.Dir == "asc"}
		ext.Exprs = append(ext.Exprs, key)
		ext.Schema = append(ext.Schema, column.Field{Name: fmt.Sprintf("\x00key%d", i), Type: key.Type()})
		keyTypes = append(keyTypes, key.Type())
		if l.N != nil {
			if level.N, err = b.count(in, l.N, "top-nested"); err != nil {
				return nil, err
			}
		}
		if l.Others != nil {
			e, err := b.expr(l.Others, &scope{})
			if err != nil {
				return nil, err
			}
			k, ok := e.(*Const)
			if !ok {
				return nil, errAt(l.Others.Pos, "top-nested: with others needs a constant value")
			}
			v, ok := convertConst(k, key.Type())
			if !ok && k.Val != nil {
				return nil, errAt(l.Others.Pos, "top-nested: with others needs a %s value like the level's, got %s", key.Type(), k.T)
			}
			level.Others = &Const{T: key.Type(), Val: v}
		}
		n.Schema = append(n.Schema, column.Field{Name: name, Type: key.Type()})
		aggName := unquoteIdent(l.Agg.Name)
		if aggName == "" {
			aggName = "aggregated_" + name
		}
		if err := addName(l.Agg.Pos, aggName); err != nil {
			return nil, err
		}
		n.Levels = append(n.Levels, level)
		n.Schema = append(n.Schema, column.Field{Name: aggName})
	}
	n.Source = &RowSource{Schema: append(append(column.Schema{}, ext.Schema...), column.Field{Name: topNestedGroup, Type: column.Long})}
	group := topNestedGroup
	for i, l := range op.Levels {
		agg := &syntax.NamedExpr{Pos: l.Agg.Pos, Name: "Value", Expr: l.Agg.Expr}
		by := &syntax.NamedExpr{Pos: l.Agg.Pos, Name: "Group", Expr: identExpr(group, l.Agg.Pos)}
		a, err := b.summarize(n.Source, &syntax.SummarizeOp{Pos: l.Agg.Pos, Keyword: "summarize", Aggs: []*syntax.NamedExpr{agg}, By: []*syntax.NamedExpr{by}})
		if err != nil {
			// The level's aggregation is planned as a summarize; say
			// which operator the message is about.
			var se *syntax.Error
			if errors.As(err, &se) {
				se.Msg = "top-nested: " + strings.TrimPrefix(se.Msg, "summarize: ")
			}
			return nil, err
		}
		if len(a.Out()) != 2 {
			return nil, errAt(l.Agg.Pos, "top-nested: the aggregation must give one value, such as sum(x) or count()")
		}
		n.Levels[i].Agg = Optimize(a)
		t := a.Out()[1].Type
		if t == column.Dynamic {
			return nil, errAt(l.Agg.Pos, "top-nested: the aggregation must give a value to order by, not a dynamic one")
		}
		n.Schema[2*i+1].Type = t
	}
	return n, nil
}

// identExpr is an expression naming a column.
func identExpr(name string, pos syntax.Position) *syntax.Expr {
	return &syntax.Expr{Pos: pos, Left: &syntax.AndExpr{Pos: pos, Left: &syntax.CmpExpr{Pos: pos, Left: &syntax.AddExpr{Pos: pos, Left: &syntax.MulExpr{Pos: pos,
		Left: &syntax.Unary{Pos: pos, Operand: &syntax.Postfix{Pos: pos, Primary: &syntax.Primary{Pos: pos, Ident: &name}}}}}}}}
}
