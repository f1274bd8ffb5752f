package plan

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Expr is a typed scalar expression.
type Expr interface {
	Type() column.Type
	String() string
}

// ColRef reads input column Index.
type ColRef struct {
	Index int
	Name  string
	T     column.Type
}

// Const is a literal; Val is nil (null), string, int64, float64 or bool.
type Const struct {
	T   column.Type
	Val any
}

// Call applies a function or operator (Fn, a key of the exec package's
// implementations) to Args.
type Call struct {
	Fn   string
	Args []Expr
	T    column.Type
}

func (c *ColRef) Type() column.Type { return c.T }
func (c *Const) Type() column.Type  { return c.T }
func (c *Call) Type() column.Type   { return c.T }

func (c *ColRef) String() string { return c.Name }
func (c *Const) String() string {
	if c.Val == nil {
		return c.T.String() + "(null)"
	}
	switch c.T {
	case column.String:
		return strconv.Quote(c.Val.(string))
	case column.Datetime:
		return "datetime(" + column.FormatDatetime(c.Val.(int64)) + ")"
	case column.Timespan:
		return "timespan(" + column.FormatTimespan(c.Val.(int64)) + ")"
	case column.Real:
		return column.FormatReal(c.Val.(float64))
	}
	return fmt.Sprint(c.Val)
}
func (c *Call) String() string {
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		args[i] = a.String()
	}
	return c.Fn + "(" + strings.Join(args, ", ") + ")"
}

// scope is what names mean inside an expression: the input columns, and
// inside an aggregation expression of summarize, the aggregations (aggs).
type scope struct {
	schema column.Schema
	aggs   *aggContext
	// window, when set, collects window function calls (fn_window.go).
	window *windowContext
	// steps, inside scan's conditions and assignments, are where each
	// step's state columns are (op_scan_steps.go).
	steps *scanScope
	// search, inside a search predicate, lets bare strings and
	// Column:"term" look for terms (op_search.go).
	search *searchContext
}

func (b *builder) expr(e *syntax.Expr, sc *scope) (Expr, error) {
	left, err := b.and(e.Left, sc)
	if err != nil {
		return nil, err
	}
	for _, r := range e.Right {
		right, err := b.and(r, sc)
		if err != nil {
			return nil, err
		}
		if left, err = logical("or", left, right, r.Pos); err != nil {
			return nil, err
		}
	}
	return left, nil
}

func (b *builder) and(e *syntax.AndExpr, sc *scope) (Expr, error) {
	left, err := b.cmp(e.Left, sc)
	if err != nil {
		return nil, err
	}
	for _, r := range e.Right {
		right, err := b.cmp(r, sc)
		if err != nil {
			return nil, err
		}
		if left, err = logical("and", left, right, r.Pos); err != nil {
			return nil, err
		}
	}
	return left, nil
}

func logical(op string, l, r Expr, pos syntax.Position) (Expr, error) {
	if l.Type() != column.Bool || r.Type() != column.Bool {
		return nil, errAt(pos, "'%s' needs bool operands, got %s and %s", op, l.Type(), r.Type())
	}
	return &Call{Fn: op, Args: []Expr{l, r}, T: column.Bool}, nil
}

func (b *builder) cmp(e *syntax.CmpExpr, sc *scope) (Expr, error) {
	if sc.search != nil {
		if p, ok, err := b.searchCmp(e, sc); ok {
			return p, err
		}
	}
	if e.Binary != nil && e.Binary.Op == ":" {
		return nil, errAt(e.Binary.Pos, "Column:\"term\" is only valid in a search predicate (elsewhere write Column has \"term\")")
	}
	left, err := b.add(e.Left, sc)
	if err != nil {
		return nil, err
	}
	switch {
	case e.In != nil:
		return b.in(left, e.In, sc)
	case e.Between != nil:
		lo, err := b.add(e.Between.Lo, sc)
		if err != nil {
			return nil, err
		}
		hi, err := b.add(e.Between.Hi, sc)
		if err != nil {
			return nil, err
		}
		l1, lo, err := unify(left, lo, e.Between.Pos, e.Between.Op)
		if err != nil {
			return nil, err
		}
		l2, hi, err := unify(left, hi, e.Between.Pos, e.Between.Op)
		if err != nil {
			return nil, err
		}
		if l1.Type() != l2.Type() {
			l1, l2 = toReal(l1), toReal(l2)
		}
		if !orderable(l1.Type()) {
			return nil, errAt(e.Between.Pos, "'%s' needs numbers, datetimes or timespans, got %s", e.Between.Op, left.Type())
		}
		return &Call{Fn: e.Between.Op, Args: []Expr{l1, lo, hi}, T: column.Bool}, nil
	case e.Binary != nil:
		right, err := b.add(e.Binary.Right, sc)
		if err != nil {
			return nil, err
		}
		op := e.Binary.Op
		if e.Binary.Regex && op != "matches" {
			return nil, errAt(e.Binary.Pos, "'regex' only follows 'matches' (matches regex \"...\")")
		}
		if op == "matches" {
			if !e.Binary.Regex {
				return nil, errAt(e.Binary.Pos, "expected 'matches regex'")
			}
			op = "matches regex"
		}
		if op == "<>" {
			op = "!="
		}
		b.noteBoolCompare(left, right, op, e.Binary.Pos) // lenient.go
		return compare(op, left, right, e.Binary.Pos)
	}
	return left, nil
}

func orderable(t column.Type) bool {
	return t.IsNumeric() || t == column.Datetime || t == column.Timespan || t == column.String || t == column.Bool
}

// stringOps are the string predicates; "!x" forms are listed too.
var stringOps = map[string]bool{}

func init() {
	for _, op := range []string{"=~", "!~", "has", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs",
		"contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs", "matches regex", "like", "notlike"} {
		stringOps[op] = true
		if !strings.HasPrefix(op, "!") && !strings.Contains(op, "~") && op != "matches regex" {
			stringOps["!"+op] = true
		}
	}
	delete(stringOps, "like")
	delete(stringOps, "notlike")
	delete(stringOps, "!like")
	delete(stringOps, "!notlike")
}

// compare types a binary comparison or string predicate.
func compare(op string, l, r Expr, pos syntax.Position) (Expr, error) {
	if strings.HasPrefix(op, "!") && op != "!=" && op != "!~" && !stringOps[op] {
		return nil, errAt(pos, "unknown operator '%s'", op)
	}
	if stringOps[op] {
		if op == "matches regex" {
			c, ok := r.(*Const)
			if !ok || c.T != column.String {
				return nil, errAt(pos, "'matches regex' needs a constant string pattern")
			}
		}
		return &Call{Fn: op, Args: []Expr{asString(l), asString(r)}, T: column.Bool}, nil
	}
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
	default:
		return nil, errAt(pos, "unknown operator '%s'", op)
	}
	l, r, err := unify(l, r, pos, op)
	if err != nil {
		return nil, err
	}
	if op != "==" && op != "!=" && !orderable(l.Type()) {
		return nil, errAt(pos, "'%s' cannot compare %s values", op, l.Type())
	}
	return &Call{Fn: op, Args: []Expr{l, r}, T: column.Bool}, nil
}

// dynConst is a scalar element of a dynamic array as a constant.
func dynConst(x any) *Const {
	switch v := x.(type) {
	case string:
		return &Const{T: column.String, Val: v}
	case int64:
		return &Const{T: column.Long, Val: v}
	case float64:
		return &Const{T: column.Real, Val: v}
	case bool:
		return &Const{T: column.Bool, Val: v}
	}
	return nil
}

func asStringIf(e Expr, yes bool) Expr {
	if yes {
		return asString(e)
	}
	return e
}

// subquery plans a tabular expression used as a value.
func (b *builder) subquery(e *syntax.Expr) (Node, error) {
	n, err := b.source(e)
	if err != nil {
		return nil, err
	}
	return Optimize(n), nil
}

// asString converts a non-string operand of a string predicate to its text,
// as Kusto does.
func asString(e Expr) Expr {
	if e.Type() == column.String {
		return e
	}
	return &Call{Fn: "tostring", Args: []Expr{e}, T: column.String}
}

func toReal(e Expr) Expr {
	if e.Type() == column.Real {
		return e
	}
	if c, ok := e.(*Const); ok {
		if c.Val == nil {
			return &Const{T: column.Real}
		}
		if x, ok := c.Val.(int64); ok {
			return &Const{T: column.Real, Val: float64(x)}
		}
	}
	return &Call{Fn: "toreal", Args: []Expr{e}, T: column.Real}
}

// unify brings two comparison operands to one type, or explains why not.
func unify(l, r Expr, pos syntax.Position, op string) (Expr, Expr, error) {
	lt, rt := l.Type(), r.Type()
	switch {
	case lt == rt:
		return l, r, nil
	case lt.IsNumeric() && rt.IsNumeric():
		if lt == column.Real || rt == column.Real {
			return toReal(l), toReal(r), nil
		}
		return l, r, nil // int and long compare as int64
	case lt == column.Bool && rt == column.String:
		if c, ok := boolFromString(r); ok {
			return l, c, nil
		}
	case lt == column.String && rt == column.Bool:
		if c, ok := boolFromString(l); ok {
			return c, r, nil
		}
	case lt == column.Bool && rt.IsNumeric():
		if c, ok := boolFromNumber(r); ok {
			return l, c, nil
		}
	case lt.IsNumeric() && rt == column.Bool:
		if c, ok := boolFromNumber(l); ok {
			return c, r, nil
		}
	}
	return nil, nil, errAt(pos, "'%s' cannot compare %s with %s", op, lt, rt)
}

// boolFromString turns the literals "0", "1", "true", "false" (any case)
// into bools, so that Advanced Hunting's `IsClickedThrough != "0"` works.
func boolFromString(e Expr) (Expr, bool) {
	c, ok := e.(*Const)
	if !ok || c.Val == nil {
		return nil, false
	}
	switch strings.ToLower(strings.TrimSpace(c.Val.(string))) {
	case "1", "true":
		return &Const{T: column.Bool, Val: true}, true
	case "0", "false":
		return &Const{T: column.Bool, Val: false}, true
	}
	return nil, false
}

func boolFromNumber(e Expr) (Expr, bool) {
	c, ok := e.(*Const)
	if !ok || c.Val == nil {
		return nil, false
	}
	switch c.Val {
	case int64(0), float64(0):
		return &Const{T: column.Bool, Val: false}, true
	case int64(1), float64(1):
		return &Const{T: column.Bool, Val: true}, true
	}
	return nil, false
}

func (b *builder) in(left Expr, t *syntax.InTail, sc *scope) (Expr, error) {
	if len(t.Items) == 0 {
		return nil, errAt(t.Pos, "'%s' needs at least one value", t.Op)
	}
	args := []Expr{left}
	ci := strings.HasSuffix(t.Op, "~") || strings.HasPrefix(t.Op, "has_")
	// x in (T): the values of T's first column, found when the query runs.
	if len(t.Items) == 1 && b.isTableRef(t.Items[0]) {
		n, err := b.subquery(t.Items[0])
		if err != nil {
			return nil, err
		}
		if ci || t.Op == "in" || t.Op == "!in" {
			left = asStringIf(left, ci || left.Type() == column.String)
		}
		return &Call{Fn: t.Op, Args: []Expr{left, &Subquery{Node: n, T: left.Type()}}, T: column.Bool}, nil
	}
	var items []*Const
	var itemPos []syntax.Position
	for _, it := range t.Items {
		e, err := b.expr(it, sc)
		if err != nil {
			return nil, err
		}
		c, ok := e.(*Const)
		if !ok {
			return nil, errAt(it.Pos, "'%s' needs constant values", t.Op)
		}
		// A dynamic array (let terms = dynamic(["a", "b"])) stands for its
		// elements.
		if arr, ok := c.Val.([]any); ok && c.T == column.Dynamic {
			for _, x := range arr {
				k := dynConst(x)
				if k == nil {
					return nil, errAt(it.Pos, "'%s': the array holds a value that is not a scalar", t.Op)
				}
				items, itemPos = append(items, k), append(itemPos, it.Pos)
			}
			continue
		}
		items, itemPos = append(items, c), append(itemPos, it.Pos)
	}
	for i, c := range items {
		pos := itemPos[i]
		if ci || left.Type() == column.String {
			if c.T != column.String {
				return nil, errAt(pos, "'%s' on a string needs string values, got %s", t.Op, c.T)
			}
		} else {
			b.noteBoolCompare(left, c, t.Op, pos) // lenient.go
			_, r, err := unify(left, c, pos, t.Op)
			if err != nil {
				return nil, err
			}
			c = r.(*Const)
			if c.T != left.Type() {
				left = toReal(left)
				args[0] = left
			}
		}
		args = append(args, c)
	}
	if ci {
		args[0] = asString(left)
	}
	if !ci && left.Type() == column.Real {
		for i := 1; i < len(args); i++ {
			args[i] = toReal(args[i])
		}
	}
	return &Call{Fn: t.Op, Args: args, T: column.Bool}, nil
}

func (b *builder) add(e *syntax.AddExpr, sc *scope) (Expr, error) {
	left, err := b.mul(e.Left, sc)
	if err != nil {
		return nil, err
	}
	for _, r := range e.Right {
		right, err := b.mul(r.Right, sc)
		if err != nil {
			return nil, err
		}
		if left, err = arith(r.Op, left, right, r.Pos); err != nil {
			return nil, err
		}
	}
	return left, nil
}

func (b *builder) mul(e *syntax.MulExpr, sc *scope) (Expr, error) {
	left, err := b.unary(e.Left, sc)
	if err != nil {
		return nil, err
	}
	for _, r := range e.Right {
		right, err := b.unary(r.Right, sc)
		if err != nil {
			return nil, err
		}
		if left, err = arith(r.Op, left, right, r.Pos); err != nil {
			return nil, err
		}
	}
	return left, nil
}

// arith types + - * / % following Kusto's rules for numbers, datetimes and
// timespans.
func arith(op string, l, r Expr, pos syntax.Position) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	var t column.Type
	switch {
	case lt.IsNumeric() && rt.IsNumeric():
		switch {
		case lt == column.Real || rt == column.Real:
			l, r, t = toReal(l), toReal(r), column.Real
		case lt == column.Int && rt == column.Int:
			t = column.Int
		default:
			t = column.Long
		}
	case lt == column.Datetime && rt == column.Datetime && op == "-":
		t = column.Timespan
	case lt == column.Datetime && rt == column.Timespan && (op == "+" || op == "-"):
		t = column.Datetime
	case lt == column.Timespan && rt == column.Datetime && op == "+":
		l, r, t = r, l, column.Datetime
	case lt == column.Timespan && rt == column.Timespan:
		switch op {
		case "+", "-", "%":
			t = column.Timespan
		case "/":
			l, r, t = toReal(&Call{Fn: "ticks", Args: []Expr{l}, T: column.Long}), toReal(&Call{Fn: "ticks", Args: []Expr{r}, T: column.Long}), column.Real
		}
	case lt == column.Timespan && rt.IsNumeric() && (op == "*" || op == "/"):
		t = column.Timespan
	case lt.IsNumeric() && rt == column.Timespan && op == "*":
		l, r, t = r, l, column.Timespan
	}
	if t == column.Invalid {
		hint := ""
		if lt == column.String && rt == column.String && op == "+" {
			hint = ": use strcat() to join strings"
		}
		return nil, errAt(pos, "'%s' cannot combine %s and %s%s", op, lt, rt, hint)
	}
	return &Call{Fn: op, Args: []Expr{l, r}, T: t}, nil
}

func (b *builder) unary(e *syntax.Unary, sc *scope) (Expr, error) {
	x, err := b.postfix(e.Operand, sc)
	if err != nil {
		return nil, err
	}
	if e.Sign == "" || e.Sign == "+" {
		if e.Sign == "+" && !(x.Type().IsNumeric() || x.Type() == column.Timespan) {
			return nil, errAt(e.Pos, "unary '+' needs a number or timespan, got %s", x.Type())
		}
		return x, nil
	}
	t := x.Type()
	if !(t.IsNumeric() || t == column.Timespan) {
		return nil, errAt(e.Pos, "unary '-' needs a number or timespan, got %s", t)
	}
	if c, ok := x.(*Const); ok && c.Val != nil {
		switch v := c.Val.(type) {
		case int64:
			return &Const{T: t, Val: -v}, nil
		case float64:
			return &Const{T: t, Val: -v}, nil
		}
	}
	return &Call{Fn: "neg", Args: []Expr{x}, T: t}, nil
}

func (b *builder) postfix(e *syntax.Postfix, sc *scope) (Expr, error) {
	suffix := e.Suffix
	var x Expr
	var err error
	if ref, ok := sc.stepRef(e); ok {
		// scan's StepName.Column: a column of that step's state.
		x, suffix = ref, suffix[1:]
	} else if x, err = b.primary(e.Primary, sc); err != nil || len(suffix) == 0 {
		return x, err
	}
	for _, s := range suffix {
		var key Expr
		index := s.Index
		if index == nil {
			index = s.DotIndex
		}
		if s.Name() != "" {
			key = &Const{T: column.String, Val: unquoteIdent(s.Name())}
		} else {
			if key, err = b.expr(index, sc); err != nil {
				return nil, err
			}
			if t := key.Type(); t != column.String && t != column.Long && t != column.Int {
				return nil, errAt(s.Pos, "an index must be a string or a number, got %s", t)
			}
		}
		switch x.Type() {
		case column.Dynamic:
		case column.String:
			// JSON text, as exports store dynamic columns.
			b.noteStringIndex(s.Pos, x) // lenient.go
			x = &Call{Fn: "dynamic_of", Args: []Expr{x}, T: column.Dynamic}
		default:
			return nil, errAt(s.Pos, "only dynamic values have members or elements, got %s", x.Type())
		}
		x = &Call{Fn: "dyn_get", Args: []Expr{x, key}, T: column.Dynamic}
	}
	return x, nil
}

func (b *builder) primary(p *syntax.Primary, sc *scope) (Expr, error) {
	switch {
	case p.Datetime != nil:
		s := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(*p.Datetime, "datetime("), ")"))
		if s == "null" {
			return &Const{T: column.Datetime}, nil
		}
		t, err := column.ParseKQLDatetime(s)
		if err != nil {
			return nil, errAt(p.Pos, "%v", err)
		}
		return &Const{T: column.Datetime, Val: t}, nil
	case p.Guid != nil:
		s := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(*p.Guid, "guid("), ")"))
		return &Const{T: column.Guid, Val: strings.ToLower(s)}, nil
	case p.Timespan != nil:
		s := *p.Timespan
		if i := strings.IndexByte(s, '('); i >= 0 {
			s = strings.TrimSuffix(s[i+1:], ")")
		}
		if strings.TrimSpace(s) == "null" {
			return &Const{T: column.Timespan}, nil
		}
		t, err := column.ParseTimespan(s)
		if err != nil {
			return nil, errAt(p.Pos, "%v", err)
		}
		return &Const{T: column.Timespan, Val: t}, nil
	case p.Number != nil:
		return parseNumber(*p.Number, p.Pos)
	case p.Strings != nil:
		var sb strings.Builder
		for _, s := range p.Strings {
			u, err := unquote(s)
			if err != nil {
				return nil, errAt(p.Pos, "%v", err)
			}
			sb.WriteString(u)
		}
		return &Const{T: column.String, Val: sb.String()}, nil
	case p.Bool != nil:
		return &Const{T: column.Bool, Val: strings.EqualFold(*p.Bool, "true")}, nil
	case p.Dynamic != nil:
		v, err := jsonValue(p.Dynamic.Value)
		if se := (*syntax.Error)(nil); errors.As(err, &se) {
			return nil, se // already placed
		}
		if err != nil {
			return nil, errAt(p.Pos, "%v", err)
		}
		return &Const{T: column.Dynamic, Val: v}, nil
	case p.Call != nil:
		return b.call(p.Call, sc)
	case p.Ident != nil:
		return b.ident(*p.Ident, p.Pos, sc)
	case p.Paren != nil:
		if len(p.Paren.Ops) > 0 {
			return nil, errAt(p.Pos, "a tabular expression cannot be used as a scalar value")
		}
		return b.expr(p.Paren.Source, sc)
	}
	panic("BUG: empty primary expression")
}

func (b *builder) ident(name string, pos syntax.Position, sc *scope) (Expr, error) {
	name = unquoteIdent(name)
	if i := sc.schema.Index(name); i >= 0 {
		return &ColRef{Index: i, Name: name, T: sc.schema[i].Type}, nil
	}
	// Sentinel calls the click time TimeGenerated, Defender Timestamp:
	// either name reads the other when only one exists.
	if alias, ok := timeAliases[name]; ok {
		if i := sc.schema.Index(alias); i >= 0 && sc.schema[i].Type == column.Datetime {
			b.noteTimeAlias(pos, name, alias) // lenient.go
			return &ColRef{Index: i, Name: name, T: column.Datetime}, nil
		}
	}
	if e, ok := b.scalars[name]; ok {
		return e, nil
	}
	if sc.aggs != nil && sc.aggs.in.schema.Index(name) >= 0 {
		return nil, errAt(pos, "summarize: '%s' is neither a by column nor inside an aggregation such as max(%s)", name, name)
	}
	if _, ok := b.tables[name]; ok {
		return nil, errAt(pos, "'%s' is a tabular expression and cannot be used as a scalar value", name)
	}
	if _, ok := functions[name]; ok {
		return nil, errAt(pos, "'%s' is a function: call it as %s(...)", name, name)
	}
	names := make([]string, 0, len(sc.schema)+len(b.scalars))
	for _, f := range sc.schema {
		names = append(names, f.Name)
	}
	for n := range b.scalars {
		names = append(names, n)
	}
	msg := fmt.Sprintf("unknown column '%s'", name)
	if s := Suggest(name, names); s != "" {
		msg += fmt.Sprintf(" (did you mean '%s'?)", s)
	}
	return nil, errAt(pos, "%s", msg)
}

var timeAliases = map[string]string{"TimeGenerated": "Timestamp", "Timestamp": "TimeGenerated"}

// unquoteIdent turns ['Name'] or ["Name"] into Name; other names are
// returned as they are.
func unquoteIdent(s string) string {
	if len(s) < 4 || s[0] != '[' {
		return s
	}
	inner := strings.TrimSpace(s[1 : len(s)-1])
	u, err := unquote(inner)
	if err != nil {
		return inner
	}
	return u
}

func parseNumber(s string, pos syntax.Position) (Expr, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		v, err := strconv.ParseInt(s[2:], 16, 64)
		if err != nil {
			return nil, errAt(pos, "number %s does not fit in a long", s)
		}
		return &Const{T: column.Long, Val: v}, nil
	}
	if strings.ContainsAny(s, ".eE") {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) {
			return nil, errAt(pos, "bad real number %s", s)
		}
		return &Const{T: column.Real, Val: v}, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, errAt(pos, "number %s does not fit in a long", s)
	}
	return &Const{T: column.Long, Val: v}, nil
}

// unquote decodes a KQL string literal: "..." or '...' with backslash
// escapes, @"..." / @'...' verbatim (a doubled quote stands for one), and
// the h prefix of obfuscated literals.
func unquote(s string) (string, error) {
	if s[0] == 'h' || s[0] == 'H' {
		s = s[1:]
	}
	if s[0] == '@' {
		q := s[1:2]
		return strings.ReplaceAll(s[2:len(s)-1], q+q, q), nil
	}
	body := s[1 : len(s)-1]
	if !strings.Contains(body, `\`) {
		return body, nil
	}
	var sb strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		i++
		switch body[i] {
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case 'r':
			sb.WriteByte('\r')
		case '0':
			sb.WriteByte(0)
		case '\\', '"', '\'':
			sb.WriteByte(body[i])
		case 'u':
			if i+5 > len(body) {
				return "", fmt.Errorf("bad \\u escape in string %s", s)
			}
			v, err := strconv.ParseUint(body[i+1:i+5], 16, 32)
			if err != nil {
				return "", fmt.Errorf("bad \\u escape in string %s", s)
			}
			sb.WriteRune(rune(v))
			i += 4
		default:
			return "", fmt.Errorf("unknown escape \\%c in string %s", body[i], s)
		}
	}
	if !utf8.ValidString(sb.String()) {
		return "", fmt.Errorf("string %s is not valid UTF-8", s)
	}
	return sb.String(), nil
}
