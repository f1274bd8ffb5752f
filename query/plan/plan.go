// Package plan turns a syntax tree into a typed logical plan: it resolves
// every table, column and function against the catalog and reports errors
// with positions before anything runs. The exec package runs plans.
package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Catalog is what the planner needs to know about stored tables.
type Catalog interface {
	// TableSchema returns the columns of the named table (case-sensitive).
	TableSchema(name string) (column.Schema, bool)
	// TableNames lists the tables, for error messages.
	TableNames() []string
}

// Node is a tabular plan node. Out is the node's output schema.
type Node interface {
	Out() column.Schema
	Inputs() []Node
	node()
}

// Scan reads a stored table. Filter, if set, is applied while scanning
// (pushed down from where operators); Needed marks the columns the
// operators above the scan read (nil = all): the filter's own columns are
// read by the scan as it needs them.
type Scan struct {
	Table  string
	Schema column.Schema
	Filter Expr
	Needed []bool
	// HeadOnly marks the columns that every operator above and the filter
	// read only through their heads (heads.go; nil = none): the scan may
	// read a stored head column in their place.
	HeadOnly []bool
}

// Filter keeps the rows where Pred is true.
type Filter struct {
	Input Node
	Pred  Expr
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

// Aggregate groups by Keys and computes Aggs per group (summarize,
// distinct). Output: key columns, then aggregate columns.
type Aggregate struct {
	Input  Node
	Keys   []Expr
	Aggs   []*AggCall
	Schema column.Schema
}

// AggCall is one aggregation: Fn over Arg (nil for count()); Pred for the
// *if variants; Extra for further arguments (arg_max's returned column,
// make_list's size limit, percentile's rank, as constants or expressions).
type AggCall struct {
	Fn    string
	Arg   Expr
	Pred  Expr
	Extra []Expr
	Type  column.Type
}

// Sort orders rows by Keys; Limit >= 0 keeps only the first Limit rows
// (top N).
type Sort struct {
	Input Node
	Keys  []SortKey
	Limit int64
}

// SortKey is one ordering term.
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

// Limit keeps the first N rows (take).
type Limit struct {
	Input Node
	N     int64
}

// Count returns one row with the number of input rows.
type Count struct {
	Input Node
}

func (n *Scan) Out() column.Schema      { return n.Schema }
func (n *Filter) Out() column.Schema    { return n.Input.Out() }
func (n *Project) Out() column.Schema   { return n.Schema }
func (n *Aggregate) Out() column.Schema { return n.Schema }
func (n *Sort) Out() column.Schema      { return n.Input.Out() }
func (n *Limit) Out() column.Schema     { return n.Input.Out() }
func (n *Count) Out() column.Schema     { return column.Schema{{Name: "Count", Type: column.Long}} }

func (n *Scan) Inputs() []Node      { return nil }
func (n *Filter) Inputs() []Node    { return []Node{n.Input} }
func (n *Project) Inputs() []Node   { return []Node{n.Input} }
func (n *Aggregate) Inputs() []Node { return []Node{n.Input} }
func (n *Sort) Inputs() []Node      { return []Node{n.Input} }
func (n *Limit) Inputs() []Node     { return []Node{n.Input} }
func (n *Count) Inputs() []Node     { return []Node{n.Input} }

func (*Scan) node()      {}
func (*Filter) node()    {}
func (*Project) node()   {}
func (*Aggregate) node() {}
func (*Sort) node()      {}
func (*Limit) node()     {}
func (*Count) node()     {}

// Render is a render operator: it passes rows through unchanged and tells
// the client how to draw them. It may only end a query.
type Render struct {
	Input Node
	Kind  string
	// Properties are the with(...) properties, constants only (title,
	// xtitle, ytitle, legend, ...), by name.
	Properties map[string]any
}

func (n *Render) Out() column.Schema { return n.Input.Out() }
func (n *Render) Inputs() []Node     { return []Node{n.Input} }
func (*Render) node()                {}

// RenderKinds are the chart kinds render accepts.
var RenderKinds = map[string]bool{
	"table": true, "barchart": true, "columnchart": true, "piechart": true, "timechart": true,
	"linechart": true, "areachart": true, "stackedareachart": true, "scatterchart": true,
	"anomalychart": true, "pivotchart": true, "timepivot": true, "card": true, "treemap": true,
	"ladderchart": true, "3Dchart": true, "list": true,
}

// Options configure planning.
type Options struct {
	// Now is what now() and ago() mean, in datetime ticks.
	Now int64
	// Materialize runs a plan and returns its rows, for evaluate plugins
	// whose output columns depend on the data (bag_unpack, pivot); nil
	// when the query is only checked (they then report an error).
	Materialize func(Node) (*column.Batch, error)
}

// Build plans a parsed script: let statements, then exactly one tabular
// expression.
func Build(s *syntax.Script, cat Catalog, opts Options) (Node, error) {
	b := &builder{cat: cat, opts: opts, scalars: map[string]Expr{}, tables: map[string]*syntax.Pipeline{}, funcs: map[string]*syntax.FuncDef{}}
	var query *syntax.Pipeline
	for _, st := range s.Statements {
		if st.Let != nil {
			if err := b.let(st.Let); err != nil {
				return nil, err
			}
			continue
		}
		if query != nil {
			return nil, errAt(st.Pos, "only one query can run at a time: separate queries with a blank line in a batch file")
		}
		query = st.Query
	}
	if query == nil {
		return nil, errAt(s.Pos, "the script has only let statements: add a query such as UrlClickEvents | take 10")
	}
	n, err := b.tabular(query)
	if err != nil {
		return nil, err
	}
	return Optimize(n), nil
}

type builder struct {
	cat     Catalog
	opts    Options
	scalars map[string]Expr
	tables  map[string]*syntax.Pipeline
	funcs   map[string]*syntax.FuncDef
	depth   int
}

func errAt(p syntax.Position, format string, args ...any) *syntax.Error {
	return syntax.Errorf(syntax.Pos{Line: p.Line, Col: p.Column}, format, args...)
}

func (b *builder) let(l *syntax.LetStmt) error {
	delete(b.scalars, l.Name)
	delete(b.tables, l.Name)
	delete(b.funcs, l.Name)
	if l.Func != nil {
		b.funcs[l.Name] = l.Func
		return nil
	}
	if len(l.Value.Ops) > 0 || l.Value.Union != nil || l.Value.Datatable != nil || l.Value.Print != nil || b.isTableRef(l.Value.Source) {
		b.tables[l.Name] = l.Value
		return nil
	}
	e, err := b.expr(l.Value.Source, &scope{})
	if err != nil {
		return err
	}
	if !isConstant(e) {
		return errAt(l.Value.Pos, "let %s: expected a constant value or a tabular expression", l.Name)
	}
	b.scalars[l.Name] = e
	return nil
}

// isConstant reports whether e refers to no column.
func isConstant(e Expr) bool {
	switch e := e.(type) {
	case *Const, *Subquery, *TypeLit:
		return true
	case *ColRef:
		return false
	case *Call:
		for _, a := range e.Args {
			if !isConstant(a) {
				return false
			}
		}
		return true
	}
	return false
}

// isTableRef reports whether a pipeline source names a table or a tabular let.
func (b *builder) isTableRef(e *syntax.Expr) bool {
	if name, _, ok := identOf(e); ok {
		if _, ok := b.tables[name]; ok {
			return true
		}
		if _, ok := b.scalars[name]; ok {
			return false
		}
		_, ok := b.cat.TableSchema(name)
		return ok
	}
	if p := parenOf(e); p != nil {
		return len(p.Ops) > 0 || p.Union != nil || p.Datatable != nil || p.Print != nil || b.isTableRef(p.Source)
	}
	if p := primaryOf(e); p != nil && p.Call != nil {
		if p.Call.Name == "materialize" {
			return true
		}
		if f, ok := b.funcs[p.Call.Name]; ok {
			return b.isTabularFunc(f)
		}
	}
	return false
}

// identOf returns the bare identifier an expression consists of, if any.
func identOf(e *syntax.Expr) (string, syntax.Position, bool) {
	p := primaryOf(e)
	if p == nil || p.Ident == nil {
		return "", syntax.Position{}, false
	}
	return unquoteIdent(*p.Ident), p.Pos, true
}

// parenOf returns the parenthesised pipeline an expression consists of.
func parenOf(e *syntax.Expr) *syntax.Pipeline {
	if p := primaryOf(e); p != nil {
		return p.Paren
	}
	return nil
}

// primaryOf unwraps an expression that is a single primary with no operators.
func primaryOf(e *syntax.Expr) *syntax.Primary {
	if e == nil || len(e.Right) > 0 || len(e.Left.Right) > 0 {
		return nil
	}
	c := e.Left.Left
	if c.In != nil || c.Between != nil || c.Binary != nil || len(c.Left.Right) > 0 {
		return nil
	}
	m := c.Left.Left
	if len(m.Right) > 0 || m.Left.Sign != "" || len(m.Left.Operand.Suffix) > 0 {
		return nil
	}
	return m.Left.Operand.Primary
}

func (b *builder) tabular(p *syntax.Pipeline) (Node, error) {
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > 50 {
		return nil, errAt(p.Pos, "tabular expressions nest too deep (a let refers to itself?)")
	}
	var n Node
	var err error
	switch {
	case p.Union != nil:
		n, err = b.union(nil, p.Union)
	case p.Datatable != nil:
		n, err = b.datatable(p.Datatable)
	case p.Print != nil:
		n, err = b.print(p.Print)
	default:
		n, err = b.source(p.Source)
	}
	if err != nil {
		return nil, err
	}
	for i, op := range p.Ops {
		if r, ok := op.(*syntax.RenderOp); ok && (i != len(p.Ops)-1 || b.depth > 1) {
			return nil, errAt(r.Pos, "render must be the last operator of the query")
		}
		if n, err = b.operator(n, op); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (b *builder) source(e *syntax.Expr) (Node, error) {
	if name, pos, ok := identOf(e); ok {
		if p, ok := b.tables[name]; ok {
			return b.tabular(p)
		}
		if schema, ok := b.cat.TableSchema(name); ok {
			return &Scan{Table: name, Schema: schema}, nil
		}
		tables := b.cat.TableNames()
		names := append([]string(nil), tables...)
		for n := range b.tables {
			names = append(names, n)
		}
		msg := fmt.Sprintf("unknown table '%s'", name)
		if s := Suggest(name, names); s != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", s)
		} else if len(tables) == 0 {
			msg += ": the database holds no tables yet (run 'clickhunt ingest FILE')"
		} else {
			msg += fmt.Sprintf(" (tables: %s)", strings.Join(tables, ", "))
		}
		return nil, errAt(pos, "%s", msg)
	}
	if p := parenOf(e); p != nil {
		return b.tabular(p)
	}
	if p := primaryOf(e); p != nil && p.Call != nil {
		if f, ok := b.funcs[p.Call.Name]; ok {
			return b.sourceUser(p.Call.Name, f, p.Call)
		}
	}
	if p := primaryOf(e); p != nil && p.Call != nil && p.Call.Name == "materialize" && len(p.Call.Args) == 1 && !p.Call.Args[0].Star {
		// materialize(T) caches T in Kusto; here it is T itself.
		a := p.Call.Args[0]
		return b.tabular(&syntax.Pipeline{Pos: a.Pos, Union: a.Union, Source: a.Expr, Ops: a.Ops})
	}
	return nil, errAt(e.Pos, "expected a table name such as UrlClickEvents")
}

// Suggest returns the candidate closest to name (case-insensitively, within
// a small edit distance), or "": the "did you mean" of error messages.
func Suggest(name string, candidates []string) string {
	best, bestD := "", 3
	if len(name) <= 3 {
		bestD = 2
	}
	for _, c := range candidates {
		if strings.EqualFold(c, name) {
			return c
		}
		if d := editDistance(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
