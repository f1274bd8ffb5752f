package plan

import (
	"fmt"
	"slices"
	"sort"
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
	// Each input is named for withsource= by its table, view or as name,
	// else union_argN.
	add := func(n Node, name string) {
		if as, ok := b.asNames[n]; ok {
			name = as
		}
		if name == "" {
			name = fmt.Sprintf("union_arg%d", len(names))
		}
		ins, names = append(ins, n), append(names, name)
	}
	if first != nil {
		add(first, "")
	}
	var firstErr error
	fail := func(err error) error {
		if !fuzzy {
			return err
		}
		if firstErr == nil {
			firstErr = err
		}
		return nil
	}
	for _, it := range op.Items {
		if it.Pipe != nil {
			n, err := b.tabular(it.Pipe)
			if err != nil {
				if err := fail(err); err != nil {
					return nil, err
				}
				continue
			}
			add(n, "")
			continue
		}
		if it.Call != nil {
			n, err := b.source(callSource(it.Call, it.Path))
			if err != nil {
				if err := fail(err); err != nil {
					return nil, err
				}
				continue
			}
			add(n, "")
			continue
		}
		name := unquoteIdent(*it.Name)
		if prefix, ok := strings.CutSuffix(name, "*"); ok {
			// A pattern: every table and view whose name starts so.
			matched := b.tableNames(prefix)
			if len(matched) == 0 {
				if err := fail(errAt(it.Pos, "no table or view matches %s", name)); err != nil {
					return nil, err
				}
			}
			for _, m := range matched {
				n, err := b.sourceName(m, it.Pos)
				if err != nil {
					return nil, err
				}
				add(n, m)
			}
			continue
		}
		n, err := b.sourceName(name, it.Pos)
		if err != nil {
			if err := fail(err); err != nil {
				return nil, err
			}
			continue
		}
		add(n, name)
	}
	if len(ins) == 0 {
		if firstErr == nil {
			firstErr = errAt(op.Pos, "union has no input")
		}
		return nil, firstErr
	}
	return newUnion(ins, names, params["withsource"], inner), nil
}

// newUnion concatenates ins, named names for a withsource column (source,
// "" for none); inner keeps only the columns every input has.
func newUnion(ins []Node, names []string, source string, inner bool) *Union {
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
	if source != "" {
		u.Source = true
		u.Schema = append(u.Schema, column.Field{Name: source, Type: column.String})
	}
	type key struct {
		name string
		t    column.Type
	}
	outIdx := map[key]int{}
	// A name_type that some input already uses as a plain name gets a
	// number (x_long1).
	taken := map[string]bool{}
	for _, name := range order {
		if len(types[name]) == 1 {
			taken[name] = true
		}
	}
	for _, name := range order {
		if inner && count[name] < len(ins) {
			continue
		}
		for _, t := range types[name] {
			out := name
			if len(types[name]) > 1 {
				out = name + "_" + t.String()
				for k := 1; taken[out]; k++ {
					out = fmt.Sprintf("%s_%s%d", name, t, k)
				}
				taken[out] = true
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
	return u
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

// tableNames lists the tables, tabular lets and views whose names start
// with prefix, sorted.
func (b *builder) tableNames(prefix string) []string {
	var out []string
	for _, n := range b.cat.TableNames() {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	for n := range b.tables {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	for n, f := range b.funcs {
		if b.views[f] && strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// callSource is the expression Call[.Path]: a tabular function call or a
// pattern invocation as a union input.
func callSource(c *syntax.Call, path string) *syntax.Expr {
	e := callExpr(c)
	if path != "" {
		pf := e.Left.Left.Left.Left.Left.Operand
		s := &syntax.Suffix{Pos: c.Pos}
		if strings.HasPrefix(path, "[") {
			s.Quoted = path
		} else {
			s.Member = path
		}
		pf.Suffix = append(pf.Suffix, s)
	}
	return e
}
