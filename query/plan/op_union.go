package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("union",
		"union [kind = inner | outer] [withsource = Column] [isfuzzy = true] T, ...",
		"the rows of several tables, one after the other",
		"union-operator", "union (print x = 1), (print x = 2)")
}

// Union concatenates its inputs; Maps[i][c] is the column of input i that
// feeds output column c, or -1 (null). With Source, output column 0 holds
// Names[i].
type Union struct {
	Ins    []Node
	Maps   [][]int
	Source bool
	Names  []string
	Schema column.Schema
}

func (n *Union) Out() column.Schema { return n.Schema }

func (n *Union) Inputs() []Node { return n.Ins }

func (*Union) node() {}

func (b *builder) union(first Node, op *syntax.UnionOp) (Node, error) {
	params := paramMap(op.Params)
	fuzzy := params["isfuzzy"] == "true"
	inner := params["kind"] == "inner"
	var ins []Node
	var names []string
	if first != nil {
		ins, names = append(ins, first), append(names, "union_arg0")
	}
	var firstErr error
	for i, it := range op.Items {
		var n Node
		var err error
		name := fmt.Sprintf("union_arg%d", len(names))
		if it.Pipe != nil {
			n, err = b.tabular(it.Pipe)
		} else {
			name = unquoteIdent(*it.Name)
			n, err = b.sourceName(name, it.Pos)
		}
		if err != nil {
			if fuzzy {
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			return nil, err
		}
		_ = i
		ins, names = append(ins, n), append(names, name)
	}
	if len(ins) == 0 {
		return nil, firstErr
	}
	u := &Union{Ins: ins, Names: names}
	// Columns by name; a name with several types becomes name_type for each.
	types := map[string][]column.Type{}
	var order []string
	count := map[string]int{}
	for _, in := range ins {
		for _, f := range in.Out() {
			if _, ok := types[f.Name]; !ok {
				order = append(order, f.Name)
			}
			if !containsType(types[f.Name], f.Type) {
				types[f.Name] = append(types[f.Name], f.Type)
			}
			count[f.Name]++
		}
	}
	if src, ok := params["withsource"]; ok {
		u.Source = true
		u.Schema = append(u.Schema, column.Field{Name: src, Type: column.String})
	}
	type key struct {
		name string
		t    column.Type
	}
	outIdx := map[key]int{}
	for _, name := range order {
		if inner && count[name] < len(ins) {
			continue
		}
		for _, t := range types[name] {
			out := name
			if len(types[name]) > 1 {
				out = name + "_" + t.String()
			}
			outIdx[key{name, t}] = len(u.Schema)
			u.Schema = append(u.Schema, column.Field{Name: out, Type: t})
		}
	}
	for _, in := range ins {
		m := make([]int, len(u.Schema))
		for i := range m {
			m[i] = -1
		}
		for i, f := range in.Out() {
			if o, ok := outIdx[key{f.Name, f.Type}]; ok {
				m[o] = i
			}
		}
		u.Maps = append(u.Maps, m)
	}
	return u, nil
}

func containsType(ts []column.Type, t column.Type) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func (n *Union) describe() string {
	s := "Union"
	if n.Source {
		s += " withsource=" + quoteName(n.Schema[0].Name) + " (" + strings.Join(n.Names, ", ") + ")"
	}
	return s + " -> " + schemaText(n.Schema)
}
