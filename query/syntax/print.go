package syntax

import (
	"fmt"
	"strings"
)

// String methods print a tree back as KQL that Parse turns into the same tree
// (positions aside), with canonical spacing:
//
//	T | where A == 1 | summarize count() by B
//
// Literals print as the lexer saw them (quotes, escapes, verbatim @"..."
// strings, datetime(...) and timespan text), so no value is reinterpreted.
// Comments are not part of the tree and do not print.

// kqlWriter is a node that appends its KQL text to b.
type kqlWriter interface {
	writeKQL(b *strings.Builder)
}

func kqlString(n kqlWriter) string {
	var b strings.Builder
	n.writeKQL(&b)
	return b.String()
}

// writeList writes the nodes separated by ", ".
func writeList[N kqlWriter](b *strings.Builder, nodes []N) {
	for i, n := range nodes {
		if i > 0 {
			b.WriteString(", ")
		}
		n.writeKQL(b)
	}
}

// kqlList returns the nodes separated by ", ".
func kqlList[N kqlWriter](nodes []N) string {
	var b strings.Builder
	writeList(&b, nodes)
	return b.String()
}

// String prints the script, one statement a line, each but the last ending
// in ";". The semicolons matter: without them two statements could read as
// one.
func (s *Script) String() string { return kqlString(s) }

func (s *Script) writeKQL(b *strings.Builder) {
	for i, st := range s.Statements {
		if i > 0 {
			b.WriteString(";\n")
		}
		st.writeKQL(b)
	}
}

// String prints the statement as KQL.
func (s *Statement) String() string { return kqlString(s) }

func (s *Statement) writeKQL(b *strings.Builder) {
	switch {
	case s.Let != nil:
		s.Let.writeKQL(b)
	case s.Set != nil:
		s.Set.writeKQL(b)
	case s.Pattern != nil:
		s.Pattern.writeKQL(b)
	case s.Query != nil:
		s.Query.writeKQL(b)
	default:
		panic("BUG: syntax: empty Statement")
	}
}

// String prints the set statement as KQL.
func (s *SetStmt) String() string { return kqlString(s) }

func (s *SetStmt) writeKQL(b *strings.Builder) {
	b.WriteString("set ")
	b.WriteString(s.Name)
	if s.Value != nil {
		b.WriteString(" = ")
		s.Value.writeKQL(b)
	}
}

// String prints the pattern statement as KQL.
func (p *PatternStmt) String() string { return kqlString(p) }

func (p *PatternStmt) writeKQL(b *strings.Builder) {
	b.WriteString("declare pattern ")
	b.WriteString(p.Name)
	if len(p.Params) == 0 {
		return
	}
	b.WriteString(" = (")
	for i, par := range p.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(par.Name + ":" + par.Type)
	}
	b.WriteString(")")
	if p.Path != nil {
		b.WriteString("[" + p.Path.Name + ":" + p.Path.Type + "]")
	}
	b.WriteString(" { ")
	for _, r := range p.Rules {
		b.WriteString("(" + strings.Join(r.Args, ", ") + ")")
		if r.Path != nil {
			b.WriteString("." + *r.Path)
		}
		b.WriteString(" = { ")
		r.Body.writeKQL(b)
		b.WriteString(" }; ")
	}
	b.WriteString("}")
}

// String prints the let statement as KQL.
func (l *LetStmt) String() string { return kqlString(l) }

func (l *LetStmt) writeKQL(b *strings.Builder) {
	b.WriteString("let ")
	b.WriteString(l.Name)
	b.WriteString(" = ")
	if l.Func != nil {
		if l.View {
			b.WriteString("view ")
		}
		l.Func.writeKQL(b)
		return
	}
	l.Value.writeKQL(b)
}

// String prints the function definition as KQL.
func (f *FuncDef) String() string { return kqlString(f) }

func (f *FuncDef) writeKQL(b *strings.Builder) {
	b.WriteString("(")
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Name)
		b.WriteString(":")
		switch {
		case p.Tabular && len(p.Columns) > 0:
			b.WriteByte('(')
			writeList(b, p.Columns)
			b.WriteByte(')')
		case p.Tabular:
			b.WriteString("(*)")
		default:
			b.WriteString(p.Type)
		}
		if p.Default != nil {
			b.WriteString(" = ")
			p.Default.writeKQL(b)
		}
	}
	b.WriteString(") { ")
	for i, st := range f.Body {
		if i > 0 {
			b.WriteString("; ")
		}
		st.writeKQL(b)
	}
	b.WriteString(" }")
}

// String prints the pipeline as KQL.
func (p *Pipeline) String() string { return kqlString(p) }

func (p *Pipeline) writeKQL(b *strings.Builder) {
	switch {
	case p.Union != nil:
		p.Union.writeKQL(b)
	case p.Search != nil:
		p.Search.writeKQL(b)
	case p.Datatable != nil:
		p.Datatable.writeKQL(b)
	case p.Print != nil:
		p.Print.writeKQL(b)
	case p.Range != nil:
		p.Range.writeKQL(b)
	case p.Source != nil:
		p.Source.writeKQL(b)
	default:
		panic("BUG: syntax: Pipeline with no source")
	}
	writeOps(b, p.Ops)
}

// String prints the source as KQL.
func (r *RangeSrc) String() string { return kqlString(r) }

func (r *RangeSrc) writeKQL(b *strings.Builder) {
	b.WriteString("range ")
	b.WriteString(r.Column)
	b.WriteString(" from ")
	r.From.writeKQL(b)
	b.WriteString(" to ")
	r.To.writeKQL(b)
	b.WriteString(" step ")
	r.Step.writeKQL(b)
}

// writeOps writes each operator after " | ".
func writeOps(b *strings.Builder, ops []Operator) {
	for _, op := range ops {
		b.WriteString(" | ")
		w, ok := op.(kqlWriter)
		if !ok {
			panic(fmt.Sprintf("BUG: syntax: operator %T cannot print itself", op))
		}
		w.writeKQL(b)
	}
}

// String prints the operator as KQL.
func (o *WhereOp) String() string { return kqlString(o) }

func (o *WhereOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	b.WriteByte(' ')
	o.Predicate.writeKQL(b)
}

// String prints the operator as KQL.
func (o *SummarizeOp) String() string { return kqlString(o) }

func (o *SummarizeOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	if len(o.Aggs) > 0 {
		b.WriteByte(' ')
		writeList(b, o.Aggs)
	}
	if len(o.By) > 0 {
		b.WriteString(" by ")
		writeList(b, o.By)
	}
}

// String prints the operator as KQL.
func (o *ProjectOp) String() string { return kqlString(o) }

func (o *ProjectOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	b.WriteByte(' ')
	writeList(b, o.Columns)
}

// String prints the operator as KQL.
func (o *ExtendOp) String() string { return kqlString(o) }

func (o *ExtendOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	b.WriteByte(' ')
	writeList(b, o.Columns)
}

// String prints the operator as KQL.
func (o *SortOp) String() string { return kqlString(o) }

func (o *SortOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	b.WriteString(" by ")
	writeList(b, o.Keys)
}

// String prints the sort key as KQL.
func (k *SortKey) String() string { return kqlString(k) }

func (k *SortKey) writeKQL(b *strings.Builder) {
	k.Expr.writeKQL(b)
	if k.Dir != "" {
		b.WriteByte(' ')
		b.WriteString(k.Dir)
	}
	if k.Nulls != "" {
		b.WriteString(" nulls ")
		b.WriteString(k.Nulls)
	}
}

// String prints the operator as KQL.
func (o *TopOp) String() string { return kqlString(o) }

func (o *TopOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	b.WriteByte(' ')
	o.N.writeKQL(b)
	b.WriteString(" by ")
	o.By.writeKQL(b)
}

// String prints the operator as KQL.
func (o *TakeOp) String() string { return kqlString(o) }

func (o *TakeOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	b.WriteByte(' ')
	o.N.writeKQL(b)
}

// String prints the operator as KQL.
func (o *DistinctOp) String() string { return kqlString(o) }

func (o *DistinctOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	if o.Star {
		b.WriteString(" *")
		return
	}
	b.WriteByte(' ')
	writeList(b, o.Columns)
}

// String prints the operator as KQL.
func (o *CountOp) String() string { return kqlString(o) }

func (o *CountOp) writeKQL(b *strings.Builder) { b.WriteString(o.Keyword) }

// String prints the expression as KQL, with its name if it has one.
func (n *NamedExpr) String() string { return kqlString(n) }

func (n *NamedExpr) writeKQL(b *strings.Builder) {
	if len(n.Names) > 0 {
		b.WriteString("(")
		b.WriteString(strings.Join(n.Names, ", "))
		b.WriteString(") = ")
	}
	if n.Name != "" {
		b.WriteString(n.Name)
		b.WriteString(" = ")
	}
	n.Expr.writeKQL(b)
}

// String prints the expression as KQL.
func (e *Expr) String() string { return kqlString(e) }

func (e *Expr) writeKQL(b *strings.Builder) {
	e.Left.writeKQL(b)
	for _, r := range e.Right {
		b.WriteString(" or ")
		r.writeKQL(b)
	}
}

// String prints the expression as KQL.
func (e *AndExpr) String() string { return kqlString(e) }

func (e *AndExpr) writeKQL(b *strings.Builder) {
	e.Left.writeKQL(b)
	for _, r := range e.Right {
		b.WriteString(" and ")
		r.writeKQL(b)
	}
}

// String prints the expression as KQL.
func (e *CmpExpr) String() string { return kqlString(e) }

func (e *CmpExpr) writeKQL(b *strings.Builder) {
	e.Left.writeKQL(b)
	switch {
	case e.In != nil:
		b.WriteByte(' ')
		e.In.writeKQL(b)
	case e.Between != nil:
		b.WriteByte(' ')
		e.Between.writeKQL(b)
	case e.Binary != nil:
		b.WriteByte(' ')
		e.Binary.writeKQL(b)
	}
}

// String prints the operator and its list, as in: in ("a", "b").
func (t *InTail) String() string { return kqlString(t) }

func (t *InTail) writeKQL(b *strings.Builder) {
	b.WriteString(t.Op)
	b.WriteString(" (")
	writeList(b, t.Items)
	b.WriteByte(')')
}

// String prints the operator and its range, as in: between (1 .. 5).
func (t *BetweenTail) String() string { return kqlString(t) }

func (t *BetweenTail) writeKQL(b *strings.Builder) {
	b.WriteString(t.Op)
	b.WriteString(" (")
	t.Lo.writeKQL(b)
	b.WriteString(" .. ")
	t.Hi.writeKQL(b)
	b.WriteByte(')')
}

// String prints the operator and its right operand, as in: == 1.
func (t *BinTail) String() string { return kqlString(t) }

func (t *BinTail) writeKQL(b *strings.Builder) {
	b.WriteString(t.Op)
	if t.Regex {
		b.WriteString(" regex")
	}
	b.WriteByte(' ')
	t.Right.writeKQL(b)
}

// String prints the expression as KQL.
func (e *AddExpr) String() string { return kqlString(e) }

func (e *AddExpr) writeKQL(b *strings.Builder) {
	e.Left.writeKQL(b)
	for _, r := range e.Right {
		b.WriteByte(' ')
		r.writeKQL(b)
	}
}

// String prints the step as KQL, as in: + 1.
func (o *AddOp) String() string { return kqlString(o) }

func (o *AddOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Op)
	b.WriteByte(' ')
	o.Right.writeKQL(b)
}

// String prints the expression as KQL.
func (e *MulExpr) String() string { return kqlString(e) }

func (e *MulExpr) writeKQL(b *strings.Builder) {
	e.Left.writeKQL(b)
	for _, r := range e.Right {
		b.WriteByte(' ')
		r.writeKQL(b)
	}
}

// String prints the step as KQL, as in: * 2.
func (o *MulOp) String() string { return kqlString(o) }

func (o *MulOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Op)
	b.WriteByte(' ')
	o.Right.writeKQL(b)
}

// String prints the expression as KQL.
func (u *Unary) String() string { return kqlString(u) }

func (u *Unary) writeKQL(b *strings.Builder) {
	b.WriteString(u.Sign)
	u.Operand.writeKQL(b)
}

// String prints the expression as KQL.
func (p *Postfix) String() string { return kqlString(p) }

func (p *Postfix) writeKQL(b *strings.Builder) {
	p.Primary.writeKQL(b)
	for _, s := range p.Suffix {
		s.writeKQL(b)
	}
}

// String prints the accessor as KQL: .name or [index].
func (s *Suffix) String() string { return kqlString(s) }

func (s *Suffix) writeKQL(b *strings.Builder) {
	switch {
	case s.Index != nil:
		writeBracketed(b, kqlString(s.Index), " //\n")
	case s.DotIndex != nil:
		b.WriteByte('.')
		writeBracketed(b, kqlString(s.DotIndex), " //\n")
	case s.Quoted != "":
		b.WriteString(s.Quoted) // a quoted name: ["k"] or ['k']
	case strings.HasPrefix(s.Member, "["):
		b.WriteByte('.')
		b.WriteString(s.Member) // .["k"]
	default:
		b.WriteByte('.')
		b.WriteString(s.Member)
	}
}

// writeBracketed writes [inner]. The lexer reads ["k"] and ['k'] as one
// QIdent token, a quoted name, so where inner is a lone quoted string that
// came from a list or index split by a comment, writeBracketed puts tail
// before the "]" to keep the brackets apart: a trailing comma where the
// grammar allows one, else an empty comment.
func writeBracketed(b *strings.Builder, inner, tail string) {
	b.WriteByte('[')
	b.WriteString(inner)
	if lexesAs("["+inner+"]", "QIdent") {
		b.WriteString(tail)
	}
	b.WriteByte(']')
}

// String prints the expression as KQL. Literals print their source text.
func (p *Primary) String() string { return kqlString(p) }

func (p *Primary) writeKQL(b *strings.Builder) {
	switch {
	case p.Datetime != nil:
		b.WriteString(*p.Datetime)
	case p.Timespan != nil:
		b.WriteString(*p.Timespan)
	case p.Guid != nil:
		b.WriteString(*p.Guid)
	case p.Number != nil:
		b.WriteString(*p.Number)
	case len(p.Strings) > 0:
		for i, s := range p.Strings {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s)
		}
	case p.Bool != nil:
		b.WriteString(*p.Bool)
	case p.Dynamic != nil:
		p.Dynamic.writeKQL(b)
	case p.Call != nil:
		p.Call.writeKQL(b)
	case p.Ident != nil:
		b.WriteString(*p.Ident)
	case p.Paren != nil:
		b.WriteByte('(')
		p.Paren.writeKQL(b)
		b.WriteByte(')')
	default:
		panic("BUG: syntax: empty Primary")
	}
}

// String prints the call as KQL.
func (c *Call) String() string { return kqlString(c) }

func (c *Call) writeKQL(b *strings.Builder) {
	b.WriteString(c.Name)
	if isLiteralCall(c.Name) {
		// The lexer reads datetime(x) with no space as one DatetimeLit token,
		// and likewise time(...) and timespan(...), while datetime (x) is a
		// call: keep a space where the call would otherwise become a literal.
		text := c.Name + "(" + kqlList(c.Args) + ")"
		if !lexesAs(text, "Ident") {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('(')
	writeList(b, c.Args)
	b.WriteByte(')')
}

// isLiteralCall reports whether name( may start a literal token.
func isLiteralCall(name string) bool {
	return name == "datetime" || name == "time" || name == "timespan"
}

// lexesAs reports whether text starts with a token of the named lexer rule.
func lexesAs(text, rule string) bool {
	lex, err := kqlLexer().LexString("", text)
	if err != nil {
		return false
	}
	tok, err := lex.Next()
	return err == nil && tok.Type == kqlLexer().Symbols()[rule]
}

// String prints the argument as KQL.
func (a *Arg) String() string { return kqlString(a) }

func (a *Arg) writeKQL(b *strings.Builder) {
	if a.Name != "" {
		b.WriteString(a.Name)
		b.WriteString(" = ")
	}
	switch {
	case a.Star:
		b.WriteByte('*')
		return
	case a.Union != nil:
		a.Union.writeKQL(b)
	case a.Search != nil:
		a.Search.writeKQL(b)
	case a.Datatable != nil:
		a.Datatable.writeKQL(b)
	case a.Print != nil:
		a.Print.writeKQL(b)
	case a.Range != nil:
		a.Range.writeKQL(b)
	case a.Expr != nil:
		a.Expr.writeKQL(b)
	default:
		panic("BUG: syntax: empty call argument")
	}
	writeOps(b, a.Ops) // a tabular argument: materialize(T | where ...)
}

// String prints the parameter as KQL: kind=inner, hint.strategy=shuffle.
func (p *Param) String() string { return kqlString(p) }

func (p *Param) writeKQL(b *strings.Builder) {
	b.WriteString(strings.Join(p.Name, "."))
	b.WriteByte('=')
	b.WriteString(p.Value)
}

// writeParams writes each parameter after a space.
func writeParams(b *strings.Builder, params []*Param) {
	for _, p := range params {
		b.WriteByte(' ')
		p.writeKQL(b)
	}
}

// String prints the operator as KQL.
func (o *JoinOp) String() string { return kqlString(o) }

func (o *JoinOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	writeParams(b, o.Params)
	switch {
	case o.RightPipe != nil:
		b.WriteString(" (")
		o.RightPipe.writeKQL(b)
		b.WriteByte(')')
	case o.RightName != nil:
		b.WriteByte(' ')
		b.WriteString(*o.RightName)
	default:
		panic("BUG: syntax: join with no right side")
	}
	b.WriteString(" on ")
	writeList(b, o.On)
}

// String prints the operator as KQL.
func (o *UnionOp) String() string { return kqlString(o) }

func (o *UnionOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	writeParams(b, o.Params)
	b.WriteByte(' ')
	writeList(b, o.Items)
}

// String prints the union input as KQL.
func (u *UnionItem) String() string { return kqlString(u) }

func (u *UnionItem) writeKQL(b *strings.Builder) {
	switch {
	case u.Pipe != nil:
		b.WriteByte('(')
		u.Pipe.writeKQL(b)
		b.WriteByte(')')
	case u.Call != nil:
		u.Call.writeKQL(b)
		if u.Path != "" {
			b.WriteString("." + u.Path)
		}
	case u.Name != nil:
		b.WriteString(*u.Name)
	default:
		panic("BUG: syntax: empty union item")
	}
}

// String prints the operator as KQL.
func (o *MakeSeriesOp) String() string { return kqlString(o) }

func (o *MakeSeriesOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	writeParams(b, o.Params)
	b.WriteByte(' ')
	writeList(b, o.Aggs)
	b.WriteString(" on ")
	o.On.writeKQL(b)
	if o.From != nil {
		b.WriteString(" from ")
		o.From.writeKQL(b)
	}
	if o.To != nil {
		b.WriteString(" to ")
		o.To.writeKQL(b)
	}
	b.WriteString(" step ")
	o.Step.writeKQL(b)
	if len(o.By) > 0 {
		b.WriteString(" by ")
		writeList(b, o.By)
	}
}

// String prints the aggregation as KQL.
func (a *SeriesAgg) String() string { return kqlString(a) }

func (a *SeriesAgg) writeKQL(b *strings.Builder) {
	a.Agg.writeKQL(b)
	if a.Default != nil {
		b.WriteString(" default = ")
		a.Default.writeKQL(b)
	}
}

// String prints the operator as KQL.
func (o *MvExpandOp) String() string { return kqlString(o) }

func (o *MvExpandOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	writeParams(b, o.Params)
	b.WriteByte(' ')
	writeList(b, o.Items)
	if o.Limit != nil {
		b.WriteString(" limit ")
		o.Limit.writeKQL(b)
	}
}

// String prints the operator as KQL.
func (o *ScanOp) String() string { return kqlString(o) }

func (o *ScanOp) writeKQL(b *strings.Builder) {
	b.WriteString("scan")
	if o.MatchID != "" {
		b.WriteString(" with_match_id=")
		b.WriteString(o.MatchID)
	}
	if len(o.Declare) > 0 {
		b.WriteString(" declare (")
		for i, d := range o.Declare {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(d.Name)
			b.WriteString(":")
			b.WriteString(d.Type)
			if d.Default != nil {
				b.WriteString(" = ")
				d.Default.writeKQL(b)
			}
		}
		b.WriteByte(')')
	}
	b.WriteString(" with (")
	for _, st := range o.Steps {
		b.WriteString(" step ")
		b.WriteString(st.Name)
		if st.Output != "" {
			b.WriteString(" output=")
			b.WriteString(st.Output)
		}
		b.WriteString(": ")
		st.Cond.writeKQL(b)
		if len(st.Assigns) > 0 {
			b.WriteString(" => ")
			writeList(b, st.Assigns)
		}
		b.WriteByte(';')
	}
	b.WriteString(" )")
}

// String prints the operator as KQL.
func (o *PartitionOp) String() string { return kqlString(o) }

func (o *PartitionOp) writeKQL(b *strings.Builder) {
	b.WriteString("partition")
	writeParams(b, o.Params)
	b.WriteString(" by ")
	b.WriteString(o.By)
	b.WriteString(" (")
	var sub strings.Builder
	writeOps(&sub, o.Ops)
	b.WriteString(strings.TrimPrefix(sub.String(), " | "))
	b.WriteByte(')')
}

// String prints the operator as KQL.
func (o *SearchOp) String() string { return kqlString(o) }

func (o *SearchOp) writeKQL(b *strings.Builder) {
	b.WriteString("search")
	writeParams(b, o.Params)
	if len(o.In) > 0 {
		b.WriteString(" in (")
		writeList(b, o.In)
		b.WriteString(")")
	}
	b.WriteByte(' ')
	if o.Star {
		b.WriteByte('*')
		return
	}
	o.Pred.writeKQL(b)
}

// String prints the operator as KQL.
func (o *ReduceOp) String() string { return kqlString(o) }

func (o *ReduceOp) writeKQL(b *strings.Builder) {
	b.WriteString("reduce")
	writeParams(b, o.Params)
	b.WriteString(" by ")
	o.By.writeKQL(b)
	for i, w := range o.With {
		if i == 0 {
			b.WriteString(" with ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(w.Name)
		b.WriteString(" = ")
		w.Value.writeKQL(b)
	}
}

// String prints the operator as KQL.
func (o *TopNestedOp) String() string { return kqlString(o) }

func (o *TopNestedOp) writeKQL(b *strings.Builder) {
	for i, l := range o.Levels {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("top-nested ")
		if l.N != nil {
			l.N.writeKQL(b)
			b.WriteByte(' ')
		}
		b.WriteString("of ")
		l.Key.writeKQL(b)
		if l.Others != nil {
			b.WriteString(" with others = ")
			l.Others.writeKQL(b)
		}
		b.WriteString(" by ")
		l.Agg.writeKQL(b)
		if l.Dir != "" {
			b.WriteByte(' ')
			b.WriteString(l.Dir)
		}
	}
}

// String prints the operator as KQL.
func (o *InvokeOp) String() string { return kqlString(o) }

func (o *InvokeOp) writeKQL(b *strings.Builder) {
	b.WriteString("invoke ")
	o.Call.writeKQL(b)
}

// String prints the operator as KQL.
func (o *MvApplyOp) String() string { return kqlString(o) }

func (o *MvApplyOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	writeParams(b, o.Params)
	b.WriteByte(' ')
	writeList(b, o.Items)
	if o.Limit != nil {
		b.WriteString(" limit ")
		o.Limit.writeKQL(b)
	}
	b.WriteString(" on (")
	var sub strings.Builder
	writeOps(&sub, o.Ops)
	b.WriteString(strings.TrimPrefix(sub.String(), " | "))
	b.WriteByte(')')
}

// String prints the column as KQL.
func (e *ExpandItem) String() string { return kqlString(e) }

func (e *ExpandItem) writeKQL(b *strings.Builder) {
	e.Expr.writeKQL(b)
	if e.ToType != "" {
		b.WriteString(" to typeof(")
		b.WriteString(e.ToType)
		b.WriteByte(')')
	}
}

// String prints the operator as KQL.
func (o *ProjectNamesOp) String() string { return kqlString(o) }

func (o *ProjectNamesOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	b.WriteByte(' ')
	for i, n := range o.Names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n.Name)
		if n.Order != "" {
			b.WriteByte(' ')
			b.WriteString(n.Order)
		}
	}
}

// String prints the operator as KQL.
func (o *ProjectRenameOp) String() string { return kqlString(o) }

func (o *ProjectRenameOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	b.WriteByte(' ')
	writeList(b, o.Renames)
}

// String prints the operator as KQL.
func (o *ParseOp) String() string { return kqlString(o) }

func (o *ParseOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	if o.Kind != "" {
		b.WriteString(" kind=")
		b.WriteString(o.Kind)
		if o.Flags != "" {
			b.WriteString(" flags=")
			b.WriteString(o.Flags)
		}
	}
	b.WriteByte(' ')
	o.Expr.writeKQL(b)
	b.WriteString(" with")
	for _, p := range o.Parts {
		b.WriteByte(' ')
		p.writeKQL(b)
	}
}

// String prints the pattern element as KQL.
func (p *ParsePart) String() string { return kqlString(p) }

func (p *ParsePart) writeKQL(b *strings.Builder) {
	switch {
	case p.Star:
		b.WriteByte('*')
	case p.Lit != nil:
		b.WriteString(*p.Lit)
	default:
		b.WriteString(p.Column)
		if p.Type != "" {
			b.WriteByte(':')
			b.WriteString(p.Type)
		}
	}
}

// String prints the source as KQL.
func (d *DatatableSrc) String() string { return kqlString(d) }

func (d *DatatableSrc) writeKQL(b *strings.Builder) {
	b.WriteString(d.Keyword)
	b.WriteByte('(')
	writeList(b, d.Columns)
	b.WriteString(") ")
	if d.One != nil {
		b.WriteString(*d.One)
		return
	}
	// A trailing comma keeps a lone string value from reading as ["x"],
	// which the lexer takes for one quoted-name token.
	writeBracketed(b, kqlList(d.Values), ",")
}

// String prints the column declaration as KQL: Name:type.
func (c *ColumnDecl) String() string { return kqlString(c) }

func (c *ColumnDecl) writeKQL(b *strings.Builder) {
	b.WriteString(c.Name)
	b.WriteByte(':')
	b.WriteString(c.Type)
}

// String prints the source as KQL.
func (o *PrintOp) String() string { return kqlString(o) }

func (o *PrintOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	b.WriteByte(' ')
	writeList(b, o.Columns)
}

// String prints the operator as KQL.
func (o *GetschemaOp) String() string { return kqlString(o) }

func (o *GetschemaOp) writeKQL(b *strings.Builder) { b.WriteString(o.Keyword) }

// String prints the operator as KQL.
func (o *AsOp) String() string { return kqlString(o) }

func (o *AsOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	writeParams(b, o.Params)
	b.WriteByte(' ')
	b.WriteString(o.Name)
}

// String prints the operator as KQL.
func (o *SerializeOp) String() string { return kqlString(o) }

func (o *SerializeOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	if len(o.Columns) > 0 {
		b.WriteByte(' ')
		writeList(b, o.Columns)
	}
}

// String prints the operator as KQL.
func (o *EvaluateOp) String() string { return kqlString(o) }

func (o *EvaluateOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	writeParams(b, o.Params)
	b.WriteByte(' ')
	b.WriteString(o.Plugin)
	b.WriteByte('(')
	for i, a := range o.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		if a.Name != "" {
			b.WriteString(a.Name)
			b.WriteString(" = ")
		}
		a.Arg.writeKQL(b)
	}
	b.WriteByte(')')
	if len(o.Schema) > 0 {
		b.WriteString(" : (")
		for i, c := range o.Schema {
			if i > 0 {
				b.WriteString(", ")
			}
			if c.Star {
				b.WriteByte('*')
				continue
			}
			b.WriteString(c.Name)
			b.WriteByte(':')
			b.WriteString(c.Type)
		}
		b.WriteByte(')')
	}
}

// String prints the operator as KQL.
func (o *RenderOp) String() string { return kqlString(o) }

func (o *RenderOp) writeKQL(b *strings.Builder) {
	b.WriteString(o.Keyword)
	b.WriteByte(' ')
	b.WriteString(o.Kind)
	if len(o.Properties) > 0 {
		b.WriteString(" with (")
		writeList(b, o.Properties)
		b.WriteByte(')')
	}
}

// String prints the literal as KQL: dynamic(...).
func (d *DynamicLit) String() string { return kqlString(d) }

func (d *DynamicLit) writeKQL(b *strings.Builder) {
	b.WriteString("dynamic(")
	d.Value.writeKQL(b)
	b.WriteByte(')')
}

// String prints the value as it appears inside dynamic(...).
func (v *JSONValue) String() string { return kqlString(v) }

func (v *JSONValue) writeKQL(b *strings.Builder) {
	switch {
	case v.Null:
		b.WriteString("null")
	case v.Bool != nil:
		b.WriteString(*v.Bool)
	case v.Number != nil:
		if v.Neg {
			b.WriteByte('-')
		}
		b.WriteString(*v.Number)
	case v.Str != nil:
		b.WriteString(*v.Str)
	case v.One != nil:
		b.WriteString(*v.One) // ["x"]: one token to the lexer
	case v.Array != nil:
		v.Array.writeKQL(b)
	case v.Object != nil:
		v.Object.writeKQL(b)
	case v.Dynamic != nil:
		b.WriteString("dynamic(")
		v.Dynamic.writeKQL(b)
		b.WriteByte(')')
	case v.Literal != nil:
		v.Literal.writeKQL(b)
	default:
		panic("BUG: syntax: empty JSON value")
	}
}

// String prints the array as it appears inside dynamic(...).
func (a *JSONArray) String() string { return kqlString(a) }

func (a *JSONArray) writeKQL(b *strings.Builder) {
	// No trailing comma here: a lone string item split from its brackets
	// by a comment keeps the split as an empty comment.
	writeBracketed(b, kqlList(a.Items), " //\n")
}

// String prints the object as it appears inside dynamic(...).
func (o *JSONObject) String() string { return kqlString(o) }

func (o *JSONObject) writeKQL(b *strings.Builder) {
	b.WriteByte('{')
	writeList(b, o.Pairs)
	b.WriteByte('}')
}

// String prints the pair as it appears inside dynamic(...).
func (p *JSONPair) String() string { return kqlString(p) }

func (p *JSONPair) writeKQL(b *strings.Builder) {
	b.WriteString(p.Key)
	b.WriteString(": ")
	p.Value.writeKQL(b)
}
