package plan

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Join combines rows of Left and Right whose keys are equal.
// https://learn.microsoft.com/kusto/query/join-operator
type Join struct {
	Left, Right         Node
	Kind                string // innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi, rightsemi
	LeftKeys, RightKeys []Expr
	Schema              column.Schema
	// Cols says where each output column comes from: Side 0 left, 1 right.
	Cols []JoinCol
}

// JoinCol is one output column of a join.
type JoinCol struct {
	Side  int
	Index int
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

// MakeSeries turns the output of an Aggregate whose last key is the series
// bin into one row per group with arrays: the first NKeys columns are the
// group keys, then one array per aggregation, then the axis array.
// https://learn.microsoft.com/kusto/query/make-series-operator
type MakeSeries struct {
	Input          Node
	NKeys          int
	From, To, Step Expr // From/To may be nil: taken from the data
	Defaults       []Expr
	AxisType       column.Type
	Schema         column.Schema
}

// MvExpand expands dynamic arrays and bags into rows.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
type MvExpand struct {
	Input  Node
	Items  []MvItem
	Limit  int64
	Schema column.Schema
}

// MvItem is one expanded column: Expr's elements go to output column Col,
// converted to Type (dynamic unless to typeof()).
type MvItem struct {
	Expr Expr
	Col  int
	Type column.Type
}

// Parse extracts columns from a string with a regular expression built from
// the parse pattern; Cols are the output columns its groups fill.
// https://learn.microsoft.com/kusto/query/parse-operator
type Parse struct {
	Input   Node
	Expr    Expr
	Pattern string
	Cols    []int
	Schema  column.Schema
}

// Values is a constant table (datatable, print, getschema).
type Values struct {
	Schema column.Schema
	Rows   [][]any
}

func (n *Join) Out() column.Schema       { return n.Schema }
func (n *Union) Out() column.Schema      { return n.Schema }
func (n *MakeSeries) Out() column.Schema { return n.Schema }
func (n *MvExpand) Out() column.Schema   { return n.Schema }
func (n *Parse) Out() column.Schema      { return n.Schema }
func (n *Values) Out() column.Schema     { return n.Schema }

func (n *Join) Inputs() []Node       { return []Node{n.Left, n.Right} }
func (n *Union) Inputs() []Node      { return n.Ins }
func (n *MakeSeries) Inputs() []Node { return []Node{n.Input} }
func (n *MvExpand) Inputs() []Node   { return []Node{n.Input} }
func (n *Parse) Inputs() []Node      { return []Node{n.Input} }
func (n *Values) Inputs() []Node     { return nil }

func (*Join) node()       {}
func (*Union) node()      {}
func (*MakeSeries) node() {}
func (*MvExpand) node()   {}
func (*Parse) node()      {}
func (*Values) node()     {}

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

var joinKinds = map[string]string{
	"innerunique": "innerunique", "inner": "inner", "leftouter": "leftouter", "rightouter": "rightouter",
	"fullouter": "fullouter", "leftanti": "leftanti", "anti": "leftanti", "leftantisemi": "leftanti",
	"rightanti": "rightanti", "rightantisemi": "rightanti", "leftsemi": "leftsemi", "rightsemi": "rightsemi",
}

// sideKey recognises $left.Name / $right.Name.
func sideKey(e *syntax.AddExpr) (side, name string, ok bool) {
	if len(e.Right) > 0 || len(e.Left.Right) > 0 || e.Left.Left.Sign != "" {
		return "", "", false
	}
	pf := e.Left.Left.Operand
	if pf.Primary.Ident == nil || len(pf.Suffix) != 1 || pf.Suffix[0].Member == "" {
		return "", "", false
	}
	switch *pf.Primary.Ident {
	case "$left", "$right":
		return *pf.Primary.Ident, unquoteIdent(pf.Suffix[0].Member), true
	}
	return "", "", false
}

func (b *builder) join(left Node, op *syntax.JoinOp) (Node, error) {
	params := paramMap(op.Params)
	lookup := op.Keyword == "lookup"
	kind := "innerunique"
	if lookup {
		kind = "leftouter"
	}
	if k, ok := params["kind"]; ok {
		kind, ok = joinKinds[k]
		if !ok || (lookup && kind != "leftouter" && kind != "inner") {
			return nil, errAt(op.Pos, "unknown %s kind '%s'", op.Keyword, k)
		}
	}
	var right Node
	var err error
	if op.RightPipe != nil {
		right, err = b.tabular(op.RightPipe)
	} else {
		right, err = b.sourceName(unquoteIdent(*op.RightName), op.Pos)
	}
	if err != nil {
		return nil, err
	}
	ls, rs := left.Out(), right.Out()
	j := &Join{Left: left, Right: right, Kind: kind}
	dropRight := map[int]bool{} // lookup: right key columns are not repeated
	for _, on := range op.On {
		var ln, rn string
		if name, _, ok := identOf(on); ok {
			ln, rn = name, name
		} else {
			c := on.Left.Left
			if len(on.Right) > 0 || len(on.Left.Right) > 0 || c.Binary == nil || c.Binary.Op != "==" {
				return nil, errAt(on.Pos, "join keys are column names or $left.Column == $right.Column")
			}
			s1, n1, ok1 := sideKey(c.Left)
			s2, n2, ok2 := sideKey(c.Binary.Right)
			if !ok1 || !ok2 || s1 == s2 {
				return nil, errAt(on.Pos, "join keys are column names or $left.Column == $right.Column")
			}
			if s1 == "$left" {
				ln, rn = n1, n2
			} else {
				ln, rn = n2, n1
			}
		}
		li, ri := ls.Index(ln), rs.Index(rn)
		if li < 0 {
			return nil, errAt(on.Pos, "join key '%s' is not a column of the left side%s", ln, didYouMean(ln, ls))
		}
		if ri < 0 {
			return nil, errAt(on.Pos, "join key '%s' is not a column of the right side%s", rn, didYouMean(rn, rs))
		}
		var l, r Expr = &ColRef{Index: li, Name: ln, T: ls[li].Type}, &ColRef{Index: ri, Name: rn, T: rs[ri].Type}
		if l.Type() != r.Type() {
			if l.Type().IsNumeric() && r.Type().IsNumeric() {
				l, r = toReal(l), toReal(r)
			} else {
				return nil, errAt(on.Pos, "join key types differ: %s is %s on the left, %s is %s on the right", ln, ls[li].Type, rn, rs[ri].Type)
			}
		}
		j.LeftKeys = append(j.LeftKeys, l)
		j.RightKeys = append(j.RightKeys, r)
		if lookup {
			dropRight[ri] = true
		}
	}
	add := func(side int, i int, f column.Field) {
		name := f.Name
		for n := 1; j.Schema.Index(name) >= 0; n++ {
			name = fmt.Sprintf("%s%d", f.Name, n)
		}
		j.Schema = append(j.Schema, column.Field{Name: name, Type: f.Type})
		j.Cols = append(j.Cols, JoinCol{Side: side, Index: i})
	}
	if kind != "rightsemi" && kind != "rightanti" {
		for i, f := range ls {
			add(0, i, f)
		}
	}
	if kind != "leftsemi" && kind != "leftanti" {
		for i, f := range rs {
			if !dropRight[i] {
				add(1, i, f)
			}
		}
	}
	return j, nil
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

func (b *builder) makeSeries(in Node, op *syntax.MakeSeriesOp) (Node, error) {
	sc := b.scopeOf(in)
	axis, err := b.expr(op.On, sc)
	if err != nil {
		return nil, err
	}
	at := axis.Type()
	if !(at == column.Datetime || at == column.Timespan || at.IsNumeric()) {
		return nil, errAt(op.On.Pos, "make-series needs a datetime, timespan or number axis, got %s", at)
	}
	constOf := func(e *syntax.Expr, what string, want column.Type) (Expr, error) {
		if e == nil {
			return nil, nil
		}
		x, err := b.expr(e, &scope{})
		if err != nil {
			return nil, err
		}
		if !isConstant(x) {
			return nil, errAt(e.Pos, "make-series %s must be a constant", what)
		}
		if x.Type() != want && !(want.IsNumeric() && x.Type().IsNumeric()) {
			return nil, errAt(e.Pos, "make-series %s must be %s, got %s", what, want, x.Type())
		}
		return x, nil
	}
	stepType := at
	if at == column.Datetime {
		stepType = column.Timespan
	}
	from, err := constOf(op.From, "from", at)
	if err != nil {
		return nil, err
	}
	to, err := constOf(op.To, "to", at)
	if err != nil {
		return nil, err
	}
	step, err := constOf(op.Step, "step", stepType)
	if err != nil {
		return nil, err
	}
	if at == column.Real {
		from, to, step = realOrNil(from), realOrNil(to), toReal(step)
	}
	// Rows outside [from, to) take no part.
	var input Node = in
	var conds []Expr
	if from != nil {
		conds = append(conds, &Call{Fn: ">=", Args: []Expr{axis, from}, T: column.Bool})
	}
	if to != nil {
		conds = append(conds, &Call{Fn: "<", Args: []Expr{axis, to}, T: column.Bool})
	}
	for _, c := range conds {
		input = &Filter{Input: input, Pred: c}
	}
	origin := from
	if origin == nil {
		origin = &Const{T: at, Val: zeroOf(at)}
	}
	agg := &Aggregate{Input: input}
	ms := &MakeSeries{From: from, To: to, Step: step, AxisType: at}
	names := map[string]bool{}
	var keyFields column.Schema
	for i, ne := range op.By {
		e, err := b.expr(ne.Expr, sc)
		if err != nil {
			return nil, err
		}
		name := unquoteIdent(ne.Name)
		if name == "" {
			if name = derivedName(ne.Expr, e); name == "" {
				name = fmt.Sprintf("Column%d", i+1)
			}
		}
		names[name] = true
		agg.Keys = append(agg.Keys, e)
		keyFields = append(keyFields, column.Field{Name: name, Type: e.Type()})
	}
	ms.NKeys = len(agg.Keys)
	agg.Keys = append(agg.Keys, &Call{Fn: "bin_at", Args: []Expr{axis, step, origin}, T: at})
	agg.Schema = append(append(column.Schema{}, keyFields...), column.Field{Name: "bin", Type: at})
	ms.Schema = append(ms.Schema, keyFields...)
	for _, sa := range op.Aggs {
		calls, err := b.aggregates(sa.Agg, sc)
		if err != nil {
			return nil, err
		}
		if len(calls) != 1 {
			return nil, errAt(sa.Pos, "make-series aggregations give one value each")
		}
		c := calls[0]
		if !(c.call.Type.IsNumeric() || c.call.Type == column.Timespan || c.call.Type == column.Datetime) {
			return nil, errAt(sa.Pos, "make-series needs aggregations with numeric results, got %s", c.call.Type)
		}
		var def Expr = &Const{T: c.call.Type, Val: zeroOf(c.call.Type)}
		if sa.Default != nil {
			d, err := b.expr(sa.Default, &scope{})
			if err != nil {
				return nil, err
			}
			if !isConstant(d) {
				return nil, errAt(sa.Default.Pos, "make-series default must be a constant")
			}
			def = d
		}
		if names[c.name] {
			return nil, errAt(sa.Pos, "make-series produces column '%s' twice", c.name)
		}
		names[c.name] = true
		agg.Aggs = append(agg.Aggs, c.call)
		agg.Schema = append(agg.Schema, column.Field{Name: c.name, Type: c.call.Type})
		ms.Defaults = append(ms.Defaults, def)
		ms.Schema = append(ms.Schema, column.Field{Name: c.name, Type: column.Dynamic})
	}
	axisName := derivedName(op.On, axis)
	if axisName == "" {
		axisName = "Axis"
	}
	ms.Schema = append(ms.Schema, column.Field{Name: axisName, Type: column.Dynamic})
	ms.Input = agg
	return ms, nil
}

func realOrNil(e Expr) Expr {
	if e == nil {
		return nil
	}
	return toReal(e)
}

func zeroOf(t column.Type) any {
	switch t {
	case column.Real:
		return 0.0
	case column.String:
		return ""
	case column.Bool:
		return false
	}
	return int64(0)
}

func (b *builder) mvExpand(in Node, op *syntax.MvExpandOp) (Node, error) {
	sc := b.scopeOf(in)
	schema := append(column.Schema{}, in.Out()...)
	m := &MvExpand{Input: in, Limit: -1}
	params := paramMap(op.Params)
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

func (b *builder) projectNames(in Node, op *syntax.ProjectNamesOp) (Node, error) {
	s := in.Out()
	named := map[int]bool{}
	var order []int
	for _, raw := range op.Names {
		name := unquoteIdent(raw)
		i := s.Index(name)
		if i < 0 {
			return nil, errAt(op.Pos, "%s: unknown column '%s'%s", op.Keyword, name, didYouMean(name, s))
		}
		if !named[i] {
			named[i] = true
			order = append(order, i)
		}
	}
	var keep []int
	switch op.Keyword {
	case "project-away":
		for i := range s {
			if !named[i] {
				keep = append(keep, i)
			}
		}
	case "project-keep":
		for i := range s {
			if named[i] {
				keep = append(keep, i)
			}
		}
	default: // project-reorder: the named columns first, the rest after
		keep = order
		for i := range s {
			if !named[i] {
				keep = append(keep, i)
			}
		}
	}
	p := &Project{Input: in}
	for _, i := range keep {
		p.Exprs = append(p.Exprs, &ColRef{Index: i, Name: s[i].Name, T: s[i].Type})
		p.Schema = append(p.Schema, s[i])
	}
	return p, nil
}

func (b *builder) projectRename(in Node, op *syntax.ProjectRenameOp) (Node, error) {
	s := in.Out()
	p := &Project{Input: in, Schema: append(column.Schema{}, s...)}
	for i, f := range s {
		p.Exprs = append(p.Exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
	}
	for _, r := range op.Renames {
		old, _, ok := identOf(r.Expr)
		if !ok || r.Name == "" {
			return nil, errAt(r.Pos, "project-rename takes NewName = ExistingColumn")
		}
		i := s.Index(old)
		if i < 0 {
			return nil, errAt(r.Pos, "project-rename: unknown column '%s'%s", old, didYouMean(old, s))
		}
		p.Schema[i].Name = unquoteIdent(r.Name)
	}
	return p, nil
}

func (b *builder) parse(in Node, op *syntax.ParseOp) (Node, error) {
	sc := b.scopeOf(in)
	e, err := b.expr(op.Expr, sc)
	if err != nil {
		return nil, err
	}
	e = asString(e)
	kind := op.Kind
	if kind == "" {
		kind = "simple"
	}
	if kind != "simple" && kind != "regex" && kind != "relaxed" {
		return nil, errAt(op.Pos, "unknown parse kind '%s'", kind)
	}
	schema := append(column.Schema{}, in.Out()...)
	p := &Parse{Input: in, Expr: e}
	var re strings.Builder
	re.WriteString("^")
	if kind == "regex" {
		re.Reset()
		re.WriteString("(?s)")
	}
	for i, part := range op.Parts {
		switch {
		case part.Star:
			re.WriteString(".*?")
		case part.Lit != nil:
			lit, err := unquote(*part.Lit)
			if err != nil {
				return nil, errAt(part.Pos, "%v", err)
			}
			if kind == "regex" {
				re.WriteString(lit)
			} else {
				re.WriteString(regexp.QuoteMeta(lit))
			}
		default:
			name := unquoteIdent(part.Column)
			t := column.String
			if part.Type != "" {
				var ok bool
				if t, ok = column.ParseType(part.Type); !ok {
					return nil, errAt(part.Pos, "unknown type '%s'", part.Type)
				}
			}
			col := schema.Index(name)
			if col < 0 {
				col = len(schema)
				schema = append(schema, column.Field{Name: name, Type: t})
			} else {
				schema[col].Type = t
			}
			p.Cols = append(p.Cols, col)
			if i == len(op.Parts)-1 {
				re.WriteString("(.*)")
			} else {
				re.WriteString("(.*?)")
			}
		}
	}
	p.Pattern = re.String()
	if _, err := regexp.Compile(p.Pattern); err != nil {
		return nil, errAt(op.Pos, "bad parse pattern: %v", err)
	}
	p.Schema = schema
	return p, nil
}

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

func (b *builder) print(p *syntax.PrintOp) (Node, error) {
	one := &Values{Rows: [][]any{{}}}
	proj := &Project{Input: one}
	for i, ne := range p.Columns {
		e, err := b.expr(ne.Expr, &scope{})
		if err != nil {
			return nil, err
		}
		name := unquoteIdent(ne.Name)
		if name == "" {
			name = fmt.Sprintf("print_%d", i)
		}
		proj.Exprs = append(proj.Exprs, e)
		proj.Schema = append(proj.Schema, column.Field{Name: name, Type: e.Type()})
	}
	return proj, nil
}

var clrTypes = map[column.Type]string{
	column.String: "System.String", column.Long: "System.Int64", column.Int: "System.Int32",
	column.Real: "System.Double", column.Bool: "System.SByte", column.Datetime: "System.DateTime",
	column.Timespan: "System.TimeSpan", column.Dynamic: "System.Object", column.Guid: "System.Guid",
}

func getschema(in Node) Node {
	v := &Values{Schema: column.Schema{
		{Name: "ColumnName", Type: column.String}, {Name: "ColumnOrdinal", Type: column.Int},
		{Name: "DataType", Type: column.String}, {Name: "ColumnType", Type: column.String},
	}}
	for i, f := range in.Out() {
		v.Rows = append(v.Rows, []any{f.Name, int64(i), clrTypes[f.Type], f.Type.String()})
	}
	return v
}

func (b *builder) serialize(in Node, op *syntax.SerializeOp) (Node, error) {
	if len(op.Columns) == 0 {
		return in, nil
	}
	return b.project(in, op.Columns, true)
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
