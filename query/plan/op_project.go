package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("project",
		"T | project [Name =] Expression, ...",
		"keeps, renames or computes columns, in the order given",
		"project-operator", "range x from 1 to 3 step 1 | project x, Square = x * x")
	operatorTopic("extend",
		"T | extend [Name =] Expression, ...",
		"adds computed columns (or replaces a column of the same name)",
		"extend-operator", "range x from 1 to 3 step 1 | extend Double = x * 2")
}

func (b *builder) project(in Node, cols []*syntax.NamedExpr, extend bool) (Node, error) {
	orig := in
	// Functions returning several columns compute below, once per row.
	in, tuples, err := b.tupleColumns(in, cols, extend)
	if err != nil {
		return nil, err
	}
	sc := b.scopeOf(in)
	sc.window = &windowContext{base: len(in.Out())}
	var exprs []Expr
	var schema column.Schema
	if extend {
		for i, f := range orig.Out() {
			exprs = append(exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
			schema = append(schema, f)
		}
	}
	auto := 0
	seen := map[string]syntax.Position{}
	add := func(ne *syntax.NamedExpr, name string, e Expr) error {
		if !extend {
			if p, dup := seen[name]; dup {
				return errAt(ne.Pos, "column '%s' is projected twice (first at %d:%d)", name, p.Line, p.Column)
			}
			seen[name] = ne.Pos
		}
		f := column.Field{Name: name, Type: e.Type()}
		if i := schema.Index(name); i >= 0 {
			exprs[i], schema[i] = e, f // extend replaces a column in place
			return nil
		}
		exprs = append(exprs, e)
		schema = append(schema, f)
		return nil
	}
	assigned := map[string]bool{}
	for i, ne := range cols {
		// Kusto evaluates extend's assignments left to right: a column
		// reading one assigned before it in the same extend reads the new
		// value, so the extend splits there into two.
		if extend && i > 0 && tuples[ne] == nil && b.readsAssigned(ne.Expr, in, assigned) {
			first, err := b.project(orig, cols[:i], true)
			if err != nil {
				return nil, err
			}
			return b.project(first, cols[i:], true)
		}
		if tc := tuples[ne]; tc != nil {
			for _, name := range tc.names {
				assigned[name] = true
			}
			for k, name := range tc.names {
				if err := add(ne, name, tc.field(k)); err != nil {
					return nil, err
				}
			}
			continue
		}
		e, err := b.expr(ne.Expr, sc)
		if err != nil {
			return nil, err
		}
		name := unquoteIdent(ne.Name)
		if name == "" {
			name = derivedName(ne.Expr, e)
			if name == "" {
				auto++
				name = fmt.Sprintf("Column%d", auto)
			}
		}
		if err := add(ne, name, e); err != nil {
			return nil, err
		}
		assigned[name] = true
	}
	return &Project{Input: sc.window.window(in), Exprs: exprs, Schema: schema}, nil
}

// readsAssigned reports whether se, planned over in, reads a column
// named in assigned, or fails to plan there (it may name a column an
// earlier assignment creates). It plans se in a scope of its own, so no
// window function it calls is registered twice.
func (b *builder) readsAssigned(se *syntax.Expr, in Node, assigned map[string]bool) bool {
	sc := b.scopeOf(in)
	sc.window = &windowContext{base: len(in.Out())}
	e, err := b.expr(se, sc)
	if err != nil {
		return true
	}
	var reads func(Expr) bool
	reads = func(e Expr) bool {
		switch e := e.(type) {
		case *ColRef:
			return assigned[e.Name]
		case *Call:
			for _, a := range e.Args {
				if reads(a) {
					return true
				}
			}
		}
		return false
	}
	if reads(e) {
		return true
	}
	for _, c := range sc.window.calls {
		if reads(c) {
			return true
		}
	}
	return false
}

// derivedName is the column name Kusto derives for an unnamed expression: a
// column's own name, or for bin()/conversions the name of their first
// argument; "" when it would be ColumnN.
func derivedName(se *syntax.Expr, e Expr) string {
	if c, ok := e.(*ColRef); ok && !strings.HasPrefix(c.Name, "\x00") {
		return c.Name
	}
	p := primaryOf(se)
	if p == nil || p.Call == nil || len(p.Call.Args) == 0 || p.Call.Args[0].Expr == nil {
		return ""
	}
	switch strings.ToLower(p.Call.Name) {
	case "bin", "floor", "bin_at", "bin_auto", "tostring", "tolong", "toint", "todouble", "toreal", "todatetime", "totimespan", "tobool",
		"todynamic", "parse_json":
		if name, _, ok := identOf(p.Call.Args[0].Expr); ok {
			return name
		}
		// Through nested conversions: todynamic(tostring(x)) is x.
		return derivedName(p.Call.Args[0].Expr, nil)
	}
	if sig, ok := functions[p.Call.Name]; ok && sig.argNamed {
		if name, _, ok := identOf(p.Call.Args[0].Expr); ok {
			return p.Call.Name + "_" + name
		}
	}
	return ""
}

// Project computes one output column per expression (project, extend).
type Project struct {
	Input  Node
	Exprs  []Expr
	Schema column.Schema
	// Needed marks the output columns some operator above reads (nil =
	// all); the others need not be computed.
	Needed []bool
}

func (n *Project) Out() column.Schema { return n.Schema }

func (n *Project) Inputs() []Node { return []Node{n.Input} }

func (*Project) node() {}

func (n *Project) describe() string {
	return "Project " + namedExprs(n.Schema, n.Exprs) + " -> " + schemaText(n.Schema)
}
