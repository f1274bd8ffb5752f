// Package plan turns a syntax tree into a typed logical plan: it resolves
// every table, column and function against the catalog and reports errors
// with positions before anything runs. The exec package runs plans.
package plan

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func (b *builder) operator(in Node, op syntax.Operator) (Node, error) {
	switch op := op.(type) {
	case *syntax.WhereOp:
		return b.where(in, op)
	case *syntax.ProjectOp:
		return b.project(in, op.Columns, false)
	case *syntax.ExtendOp:
		return b.project(in, op.Columns, true)
	case *syntax.SummarizeOp:
		return b.summarize(in, op)
	case *syntax.SortOp:
		keys, err := b.sortKeys(in, op.Keys)
		if err != nil {
			return nil, err
		}
		return &Sort{Input: in, Keys: keys, Limit: -1}, nil
	case *syntax.TopOp:
		n, err := b.count(in, op.N, "top")
		if err != nil {
			return nil, err
		}
		keys, err := b.sortKeys(in, []*syntax.SortKey{op.By})
		if err != nil {
			return nil, err
		}
		return &Sort{Input: in, Keys: keys, Limit: n}, nil
	case *syntax.TakeOp:
		n, err := b.count(in, op.N, op.Keyword)
		if err != nil {
			return nil, err
		}
		return &Limit{Input: in, N: n}, nil
	case *syntax.DistinctOp:
		return b.distinct(in, op)
	case *syntax.CountOp:
		return &Count{Input: in}, nil
	case *syntax.RenderOp:
		return b.render(in, op)
	case *syntax.JoinOp:
		return b.join(in, op)
	case *syntax.UnionOp:
		return b.union(in, op)
	case *syntax.MakeSeriesOp:
		return b.makeSeries(in, op)
	case *syntax.MvExpandOp:
		return b.mvExpand(in, op)
	case *syntax.MvApplyOp:
		return b.mvApply(in, op)
	case *syntax.ProjectNamesOp:
		return b.projectNames(in, op)
	case *syntax.ProjectRenameOp:
		return b.projectRename(in, op)
	case *syntax.ParseOp:
		return b.parse(in, op)
	case *syntax.EvaluateOp:
		return b.evaluate(in, op)
	case *syntax.GetschemaOp:
		return getschema(in), nil
	case *syntax.InvokeOp:
		panic("BUG: invoke is planned by tabular, which knows the pipeline before it")
	case *syntax.ScanOp:
		return b.scanSteps(in, op)
	case *syntax.PartitionOp:
		return b.partition(in, op)
	case *syntax.ReduceOp:
		return b.reduce(in, op)
	case *syntax.TopNestedOp:
		return b.topNested(in, op)
	case *syntax.SearchOp:
		return b.search(in, op)
	case *syntax.AsOp:
		return b.as(in, op), nil
	case *syntax.SerializeOp:
		return b.serialize(in, op)
	}
	panic(fmt.Sprintf("BUG: unhandled operator %T", op))
}

func (b *builder) scopeOf(in Node) *scope { return &scope{schema: in.Out()} }

func paramMap(ps []*syntax.Param) map[string]string {
	m := map[string]string{}
	for _, p := range ps {
		v := p.Value
		if strings.HasPrefix(v, "\"") || strings.HasPrefix(v, "'") || strings.HasPrefix(v, "@") {
			if u, err := unquote(v); err == nil {
				v = u
			}
		}
		m[strings.Join(p.Name, ".")] = v
	}
	return m
}

func didYouMean(name string, s column.Schema) string {
	names := make([]string, len(s))
	for i, f := range s {
		names[i] = f.Name
	}
	if m := Suggest(name, names); m != "" {
		return fmt.Sprintf(" (did you mean '%s'?)", m)
	}
	return ""
}

// sourceName resolves a table or tabular let by name.
func (b *builder) sourceName(name string, pos syntax.Position) (Node, error) {
	return b.source(&syntax.Expr{Pos: pos, Left: &syntax.AndExpr{Left: &syntax.CmpExpr{Left: &syntax.AddExpr{
		Left: &syntax.MulExpr{Left: &syntax.Unary{Operand: &syntax.Postfix{Primary: &syntax.Primary{Pos: pos, Ident: &name}}}}}}}})
}

// sortedNames lists a schema's names, for messages.
func sortedNames(s column.Schema) []string {
	n := make([]string, len(s))
	for i, f := range s {
		n[i] = f.Name
	}
	sort.Strings(n)
	return n
}

// ErrUnknownTable is what the error of a query naming a table the
// catalog does not hold is a case of (errors.Is).
var ErrUnknownTable = errors.New("unknown table")

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

// exprNode is a node holding expressions, which MapExprs visits (nodes
// the switch there does not list implement it).
type exprNode interface {
	Node
	// exprRefs returns the node's expression fields, for rewriting in
	// place; nil entries are skipped.
	exprRefs() []*Expr
}

// inputNode is a node whose inputs optimizer passes may replace (nodes the
// switch of rewriteInputs does not list implement it).
type inputNode interface {
	Node
	// setInput replaces input i (in the order of Inputs).
	setInput(i int, n Node)
}

// Options configure planning.
type Options struct {
	// Now is what now() and ago() mean, in datetime ticks.
	Now int64
	// Materialize runs a plan and returns its rows, for evaluate plugins
	// whose output columns depend on the data (bag_unpack, pivot); nil
	// when the query is only checked (they then report an error).
	Materialize func(Node) (*column.Batch, error)
	// Lenient, when set, is told of each construct the query uses that
	// clickhunt accepts by a rule of its own and Kusto (Azure Data
	// Explorer) refuses (lenient.go): where, and what to write instead.
	Lenient func(pos syntax.Position, msg string)
}

// Build plans a parsed script: let statements, then exactly one tabular
// expression.
func Build(s *syntax.Script, cat Catalog, opts Options) (Node, error) {
	b := &builder{cat: cat, opts: opts, scalars: map[string]Expr{}, tables: map[string]*syntax.Pipeline{}, funcs: map[string]*syntax.FuncDef{},
		views: map[*syntax.FuncDef]bool{}, asNames: map[Node]string{}, patterns: map[string]*syntax.PatternStmt{}}
	var query *syntax.Pipeline
	for _, st := range s.Statements {
		if st.Let != nil {
			if err := b.let(st.Let); err != nil {
				return nil, err
			}
			continue
		}
		if st.Pattern != nil {
			if err := b.declarePattern(st.Pattern); err != nil {
				return nil, err
			}
			continue
		}
		if st.Set != nil {
			if query != nil {
				return nil, errAt(st.Pos, "a set statement must come before the query")
			}
			if err := b.set(st.Set); err != nil {
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
	if b.takeMax != nil {
		// set query_take_max_records = N: the result keeps its first N
		// rows.
		n = &Limit{Input: n, N: max(*b.takeMax, 0)}
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
	// fnDepth counts the user function bodies being planned.
	fnDepth int
	// views are the functions declared view () { ... }, which a query
	// names as tables.
	views map[*syntax.FuncDef]bool
	// asNames are the names as operators gave tabular expressions, for
	// union withsource=.
	asNames map[Node]string
	// binAutoSize and binAutoAt are bin_auto()'s bin size and fixed point
	// (*Const), from set query_bin_auto_size / query_bin_auto_at.
	binAutoSize, binAutoAt any
	// takeMax is set query_take_max_records, or nil.
	takeMax *int64
	// patterns are the declared patterns by name.
	patterns map[string]*syntax.PatternStmt
}

func errAt(p syntax.Position, format string, args ...any) *syntax.Error {
	return syntax.Errorf(syntax.Pos{Line: p.Line, Col: p.Column}, format, args...)
}

func (b *builder) let(l *syntax.LetStmt) error {
	name := unquoteIdent(l.Name)
	delete(b.scalars, name)
	delete(b.tables, name)
	delete(b.funcs, name)
	if l.Func != nil {
		b.funcs[name] = l.Func
		if l.View {
			if len(l.Func.Params) > 0 {
				return errAt(l.Func.Pos, "a view takes no parameters")
			}
			b.views[l.Func] = true
		}
		return nil
	}
	if l.Value.Tabular() || b.isTableRef(l.Value.Source) {
		b.tables[name] = l.Value
		return nil
	}
	e, err := b.expr(l.Value.Source, &scope{})
	if err != nil {
		return err
	}
	// Inside a function body a let may compute from the parameters, which
	// stand for the caller's expressions.
	if !isConstant(e) && b.fnDepth == 0 {
		return errAt(l.Value.Pos, "let %s: expected a constant value or a tabular expression", name)
	}
	b.scalars[name] = e
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
		if f, ok := b.funcs[name]; ok && b.views[f] {
			return true
		}
		_, ok := b.cat.TableSchema(name)
		return ok
	}
	if p := parenOf(e); p != nil {
		return p.Tabular() || b.isTableRef(p.Source)
	}
	if p := postfixOf(e); p != nil && p.Primary.Call != nil && len(p.Suffix) <= 1 && b.patterns[p.Primary.Call.Name] != nil {
		return true
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
	if p := postfixOf(e); p != nil && len(p.Suffix) == 0 {
		return p.Primary
	}
	return nil
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
	case p.Search != nil:
		n, err = b.search(nil, p.Search)
	case p.Datatable != nil:
		n, err = b.datatable(p.Datatable)
	case p.Print != nil:
		n, err = b.print(p.Print)
	case p.Range != nil:
		n, err = b.rangeSrc(p.Range)
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
		if inv, ok := op.(*syntax.InvokeOp); ok {
			// f's first argument is the pipeline so far, planned anew.
			prefix := &syntax.Arg{Pos: p.Pos, Union: p.Union, Search: p.Search, Datatable: p.Datatable, Print: p.Print, Range: p.Range, Expr: p.Source, Ops: p.Ops[:i]}
			if n, err = b.invoke(prefix, inv); err != nil {
				return nil, err
			}
			continue
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
		if f, ok := b.funcs[name]; ok && b.views[f] {
			n, err := b.sourceUser(name, f, &syntax.Call{Pos: pos, Name: name})
			if err == nil {
				b.asNames[n] = name
			}
			return n, err
		}
		if schema, ok := b.cat.TableSchema(name); ok {
			return &Scan{Table: name, Schema: schema}, nil
		}
		tables := b.cat.TableNames()
		names := append([]string(nil), tables...)
		for n := range b.tables {
			names = append(names, n)
		}
		for n, f := range b.funcs {
			if b.views[f] {
				names = append(names, n)
			}
		}
		msg := fmt.Sprintf("unknown table '%s'", name)
		if s := Suggest(name, names); s != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", s)
		} else if len(tables) == 0 {
			msg += ": the database holds no tables yet (run 'clickhunt ingest FILE')"
		} else {
			msg += fmt.Sprintf(" (tables: %s)", strings.Join(tables, ", "))
		}
		err := errAt(pos, "%s", msg)
		err.Err = ErrUnknownTable
		return nil, err
	}
	if p := parenOf(e); p != nil {
		return b.tabular(p)
	}
	if n, ok, err := b.pattern(e); ok {
		return n, err
	}
	if p := primaryOf(e); p != nil && p.Call != nil {
		if f, ok := b.funcs[p.Call.Name]; ok {
			return b.sourceUser(p.Call.Name, f, p.Call)
		}
	}
	if p := primaryOf(e); p != nil && p.Call != nil && p.Call.Name == "materialize" && len(p.Call.Args) == 1 && !p.Call.Args[0].Star {
		// materialize(T) caches T in Kusto; here it is T itself.
		a := p.Call.Args[0]
		return b.tabular(a.Pipeline())
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
