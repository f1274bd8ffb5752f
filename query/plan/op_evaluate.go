package plan

import (
	"fmt"
	"sort"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Evaluate runs a plugin over its input: T | evaluate Plugin(Args).
// Each plugin (plugin_*.go here, its runner under the same name in exec)
// resolves its arguments into its own parameter struct, kept in Params.
// https://learn.microsoft.com/kusto/query/evaluate-operator
type Evaluate struct {
	// Ins are the input, then the plugin's tabular arguments (the lookup
	// table of ipv4_lookup).
	Ins    []Node
	Plugin string
	Params any
	Schema column.Schema
}

func (n *Evaluate) Out() column.Schema      { return n.Schema }
func (n *Evaluate) Inputs() []Node          { return n.Ins }
func (*Evaluate) node()                     {}
func (n *Evaluate) setInput(i int, in Node) { n.Ins[i] = in }
func (n *Evaluate) describe() string {
	return "Evaluate " + n.Plugin + " " + schemaText(n.Schema)
}

// Materialized is an input the planner has run already: a plugin whose
// output columns depend on the input's rows (bag_unpack, pivot) needs them
// to know its schema, and keeps them rather than running the input twice.
type Materialized struct {
	Schema column.Schema
	Batch  *column.Batch
}

func (n *Materialized) Out() column.Schema { return n.Schema }
func (n *Materialized) Inputs() []Node     { return nil }
func (*Materialized) node()                {}
func (n *Materialized) describe() string {
	return fmt.Sprintf("Materialized %s (%d rows)", schemaText(n.Schema), n.Batch.Len)
}

// plugin plans one evaluate plugin.
type plugin struct {
	// build resolves the call's arguments against the input and returns
	// the Evaluate node (or any plan computing the same rows).
	build func(b *builder, in Node, c *pluginCall) (Node, error)
}

// plugins is the registry of evaluate plugins; plugin_*.go files add to it
// from init, with their topics.
var plugins = map[string]plugin{}

// addPlugin registers a plugin and documents it: page is the part of the
// documentation URL after .../kusto/query/.
func addPlugin(name, syntaxLine, description, page, example string, p plugin) {
	if _, dup := plugins[name]; dup {
		panic("BUG: plugin registered twice: " + name)
	}
	plugins[name] = p
	addPluginTopic(name, syntaxLine, description, page, example)
}

// pluginNames lists the plugins, sorted.
func pluginNames() []string {
	names := make([]string, 0, len(plugins))
	for n := range plugins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (b *builder) evaluate(in Node, op *syntax.EvaluateOp) (Node, error) {
	p, ok := plugins[op.Plugin]
	if !ok {
		msg := fmt.Sprintf("unknown evaluate plugin '%s'", op.Plugin)
		if s := Suggest(op.Plugin, pluginNames()); s != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", s)
		}
		return nil, errAt(op.Pos, "%s", msg)
	}
	c := &pluginCall{b: b, op: op, sc: b.scopeOf(in), named: map[string]*syntax.EvaluateArg{}}
	for _, a := range op.Args {
		if a.Name == "" {
			c.pos = append(c.pos, a)
			continue
		}
		if _, dup := c.named[a.Name]; dup {
			return nil, errAt(a.Pos, "%s(): argument %s is given twice", op.Plugin, a.Name)
		}
		c.named[a.Name] = a
	}
	n, err := p.build(b, in, c)
	if err != nil {
		return nil, err
	}
	if len(op.Schema) > 0 {
		return outputSchema(n, op)
	}
	return n, nil
}

// outputSchema applies evaluate's ": (Name:type, ...)" to a plugin's
// output: the named columns at the given types (null where the plugin gave
// none), after all the plugin's other columns when it starts with *.
func outputSchema(n Node, op *syntax.EvaluateOp) (Node, error) {
	out := n.Out()
	proj := &Project{Input: n}
	star := false
	given := map[string]bool{}
	for _, d := range op.Schema {
		if d.Name != "" {
			given[unquoteIdent(d.Name)] = true
		}
	}
	for _, d := range op.Schema {
		if d.Star {
			if star {
				return nil, errAt(d.Pos, "the output schema has * twice")
			}
			star = true
			for i, f := range out {
				if !given[f.Name] {
					proj.Exprs = append(proj.Exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
					proj.Schema = append(proj.Schema, f)
				}
			}
			continue
		}
		name := unquoteIdent(d.Name)
		t, ok := column.ParseType(d.Type)
		if !ok {
			return nil, errAt(d.Pos, "unknown type '%s'", d.Type)
		}
		var e Expr = &Const{T: t}
		if i := out.Index(name); i >= 0 {
			e = convertTo(&ColRef{Index: i, Name: name, T: out[i].Type}, t)
		}
		proj.Exprs = append(proj.Exprs, e)
		proj.Schema = append(proj.Schema, column.Field{Name: name, Type: t})
	}
	return proj, nil
}

// pluginCall is a plugin's arguments as written: the positional ones in
// order, the named ones by name (op.Args has them all in order, for
// plugins such as sequence_detect that name some of their steps).
type pluginCall struct {
	b     *builder
	op    *syntax.EvaluateOp
	sc    *scope
	pos   []*syntax.EvaluateArg
	named map[string]*syntax.EvaluateArg
}

// errorf reports an error at the plugin call.
func (c *pluginCall) errorf(format string, args ...any) error {
	return errAt(c.op.Pos, "%s(): %s", c.op.Plugin, fmt.Sprintf(format, args...))
}

// arity checks the number of positional arguments.
func (c *pluginCall) arity(min, max int, text string) error {
	if len(c.pos) < min || len(c.pos) > max {
		return errAt(c.op.Pos, "%s() takes %s, got %d", c.op.Plugin, text, len(c.pos))
	}
	return nil
}

// onlyNamed rejects named arguments other than those listed.
func (c *pluginCall) onlyNamed(names ...string) error {
	for n, a := range c.named {
		ok := false
		for _, m := range names {
			if strings.EqualFold(n, m) {
				ok = true
			}
		}
		if !ok {
			if len(names) == 0 {
				return errAt(a.Pos, "%s() takes no named argument %s", c.op.Plugin, n)
			}
			return errAt(a.Pos, "%s() takes no named argument %s (it takes %s)", c.op.Plugin, n, strings.Join(names, ", "))
		}
	}
	return nil
}

// namedArg returns the named argument (names compare case-insensitively,
// as Kusto's examples write them both ways), or nil.
func (c *pluginCall) namedArg(name string) *syntax.EvaluateArg {
	for n, a := range c.named {
		if strings.EqualFold(n, name) {
			return a
		}
	}
	return nil
}

// scalar plans a scalar argument over the input's columns.
func (c *pluginCall) scalar(a *syntax.EvaluateArg) (Expr, error) {
	if a.Arg.Star || a.Arg.Expr == nil || len(a.Arg.Ops) > 0 || a.Arg.Union != nil {
		return nil, errAt(a.Pos, "%s() takes a scalar here", c.op.Plugin)
	}
	return c.b.expr(a.Arg.Expr, c.sc)
}

// constant plans a constant argument and returns its value (nil for a
// null), converted to type t when it is a number or a string.
func (c *pluginCall) constant(a *syntax.EvaluateArg, t column.Type, what string) (any, error) {
	if a.Arg.Star || a.Arg.Expr == nil || len(a.Arg.Ops) > 0 || a.Arg.Union != nil {
		return nil, errAt(a.Pos, "%s() takes %s here", c.op.Plugin, what)
	}
	e, err := c.b.expr(a.Arg.Expr, &scope{})
	if err != nil {
		return nil, err
	}
	k, ok := e.(*Const)
	if !ok {
		return nil, errAt(a.Pos, "%s(): %s must be a constant", c.op.Plugin, what)
	}
	if k.Val == nil {
		return nil, nil
	}
	v, ok := convertConst(k, t)
	if !ok {
		return nil, errAt(a.Pos, "%s(): %s must be %s, got %s", c.op.Plugin, what, t, k.T)
	}
	return v, nil
}

// convertConst converts a constant to t: numbers between long and real,
// datetimes and timespans as their ticks; other types must match.
func convertConst(k *Const, t column.Type) (any, bool) {
	switch {
	case k.T == t:
		return k.Val, true
	case t == column.Real && (k.T == column.Long || k.T == column.Int):
		return float64(k.Val.(int64)), true
	case (t == column.Long || t == column.Int) && k.T == column.Real:
		return int64(k.Val.(float64)), true
	case t == column.Long && k.T == column.Int:
		return k.Val, true
	case t == column.Dynamic:
		return k.Val, true
	}
	return nil, false
}

// column resolves an argument that names an input column.
func (c *pluginCall) column(a *syntax.EvaluateArg, what string) (int, error) {
	if a.Arg.Expr != nil && !a.Arg.Star && len(a.Arg.Ops) == 0 {
		if name, pos, ok := identOf(a.Arg.Expr); ok {
			if i := c.sc.schema.Index(name); i >= 0 {
				return i, nil
			}
			return 0, errAt(pos, "%s(): no column '%s' in the input%s", c.op.Plugin, name, suggestColumn(name, c.sc.schema))
		}
	}
	return 0, errAt(a.Pos, "%s(): %s must be a column of the input", c.op.Plugin, what)
}

// suggestColumn returns " (did you mean 'x'?)" for a near miss, or "".
func suggestColumn(name string, s column.Schema) string {
	names := make([]string, len(s))
	for i, f := range s {
		names[i] = f.Name
	}
	if m := Suggest(name, names); m != "" {
		return fmt.Sprintf(" (did you mean '%s'?)", m)
	}
	return ""
}

// table plans a tabular argument: a table or let name, or a tabular
// expression.
func (c *pluginCall) table(a *syntax.EvaluateArg) (Node, error) {
	if a.Arg.Star {
		return nil, errAt(a.Pos, "%s() takes a table here", c.op.Plugin)
	}
	n, err := c.b.tabular(&syntax.Pipeline{Pos: a.Pos, Union: a.Arg.Union, Source: a.Arg.Expr, Ops: a.Arg.Ops})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// materialize runs a plan now, for a plugin whose columns depend on the
// rows. Without a runner (checking a query without data) it fails.
func (c *pluginCall) materialize(in Node) (*Materialized, error) {
	if c.b.opts.Materialize == nil {
		return nil, c.errorf("its output columns depend on the data, which is not read when only checking the query")
	}
	n := Optimize(in)
	batch, err := c.b.opts.Materialize(n)
	if err != nil {
		return nil, err
	}
	return &Materialized{Schema: n.Out(), Batch: batch}, nil
}

// addPluginTopic documents a plugin for the REPL's completion and .help.
func addPluginTopic(name, syntaxLine, description, page, example string) {
	addTopic(Topic{Kind: KindPlugin, Name: name, Syntax: syntaxLine, Description: description, DocURL: docBase + page, Example: example})
}
