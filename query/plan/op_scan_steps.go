package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("scan",
		"T | scan [with_match_id = Column] [declare (Column: Type [= Default], ...)] with ( step Name [output = all | last | none]: Condition [=> Column = Expression, ...]; ... )",
		"matches sequences of rows against ordered steps, carrying declared columns from step to step",
		"scan-operator", "range x from 1 to 5 step 1 | scan declare (total: long = 0) with (step s: true => total = x + s.total;)")
}

// ScanSteps is the scan operator: its input's rows in order, matched
// against Steps as Kusto's scan logic says (each row against the steps
// from the last to the first; a step matches when its condition holds
// with the previous step's state, which it then takes over, or with its
// own). Output rows are the input's columns, the declared columns and,
// with MatchID, the match's number.
// https://learn.microsoft.com/kusto/query/scan-operator
//
// Conditions and assignments are planned over a row of the input's
// columns and the declared columns (the current row, declared columns at
// their defaults), then the same columns once per step (that step's
// record in the state evaluated against: StepName.Column).
type ScanSteps struct {
	Input    Node
	Defaults []Expr // one per declared column
	Steps    []ScanStepPlan
	MatchID  bool
	Schema   column.Schema
}

// ScanStepPlan is one step of scan.
type ScanStepPlan struct {
	Name   string
	Output string // all, last or none
	Cond   Expr
	// Assign gives declared column Decl (0-based among the declared
	// columns) the value of Expr.
	Assign []ScanAssign
}

// ScanAssign is one assignment of a step.
type ScanAssign struct {
	Decl int
	Expr Expr
}

func (n *ScanSteps) Out() column.Schema     { return n.Schema }
func (n *ScanSteps) Inputs() []Node         { return []Node{n.Input} }
func (*ScanSteps) node()                    {}
func (n *ScanSteps) setInput(_ int, x Node) { n.Input = x }
func (n *ScanSteps) exprRefs() []*Expr {
	var refs []*Expr
	for i := range n.Defaults {
		refs = append(refs, &n.Defaults[i])
	}
	for i := range n.Steps {
		refs = append(refs, &n.Steps[i].Cond)
		for j := range n.Steps[i].Assign {
			refs = append(refs, &n.Steps[i].Assign[j].Expr)
		}
	}
	return refs
}

func (n *ScanSteps) describe() string {
	var steps []string
	for _, st := range n.Steps {
		s := st.Name + " output=" + st.Output + ": " + exprText(st.Cond)
		for _, a := range st.Assign {
			s += fmt.Sprintf(", decl%d = %s", a.Decl, exprText(a.Expr))
		}
		steps = append(steps, s)
	}
	return "Scan steps (" + strings.Join(steps, "; ") + ") -> " + schemaText(n.Schema)
}

// scanScope tells the expressions of scan where each step's columns are.
type scanScope struct {
	record column.Schema  // the columns of one record: input, then declared
	base   map[string]int // step name -> index of its record's first column
}

// stepRef resolves StepName.Column to the column of that step's record.
func (sc *scope) stepRef(e *syntax.Postfix) (Expr, bool) {
	if sc.steps == nil || e.Primary.Ident == nil || len(e.Suffix) == 0 || e.Suffix[0].Name() == "" {
		return nil, false
	}
	base, ok := sc.steps.base[unquoteIdent(*e.Primary.Ident)]
	if !ok {
		return nil, false
	}
	name := unquoteIdent(e.Suffix[0].Name())
	i := sc.steps.record.Index(name)
	if i < 0 {
		return nil, false
	}
	return &ColRef{Index: base + i, Name: *e.Primary.Ident + "." + name, T: sc.steps.record[i].Type}, true
}

func (b *builder) scanSteps(in Node, op *syntax.ScanOp) (Node, error) {
	n := &ScanSteps{Input: in, MatchID: op.MatchID != ""}
	record := append(column.Schema{}, in.Out()...)
	for _, d := range op.Declare {
		t, ok := column.ParseType(d.Type)
		if !ok {
			return nil, errAt(d.Pos, "unknown type '%s'", d.Type)
		}
		name := unquoteIdent(d.Name)
		if record.Index(name) >= 0 {
			return nil, errAt(d.Pos, "scan declares '%s', which is already a column", name)
		}
		var def Expr = &Const{T: t}
		if d.Default != nil {
			e, err := b.expr(d.Default, &scope{})
			if err != nil {
				return nil, err
			}
			if def, err = scanValue(e, t, d.Default.Pos, name); err != nil {
				return nil, err
			}
		}
		record = append(record, column.Field{Name: name, Type: t})
		n.Defaults = append(n.Defaults, def)
	}
	nIn := len(in.Out())
	// The planning schema: the current row, then each step's record.
	ss := &scanScope{record: record, base: map[string]int{}}
	schema := append(column.Schema{}, record...)
	for _, st := range op.Steps {
		if _, dup := ss.base[st.Name]; dup {
			return nil, errAt(st.Pos, "scan has two steps named %s", st.Name)
		}
		ss.base[st.Name] = len(schema)
		for _, f := range record {
			schema = append(schema, column.Field{Name: "\x00" + st.Name + "." + f.Name, Type: f.Type})
		}
	}
	sc := &scope{schema: schema, steps: ss}
	for _, st := range op.Steps {
		p := ScanStepPlan{Name: st.Name, Output: strings.ToLower(st.Output)}
		switch p.Output {
		case "":
			p.Output = "all"
		case "all", "last", "none":
		default:
			return nil, errAt(st.Pos, "step %s: output is all, last or none, got %s", st.Name, st.Output)
		}
		cond, err := b.expr(st.Cond, sc)
		if err != nil {
			return nil, err
		}
		if cond.Type() != column.Bool {
			return nil, errAt(st.Cond.Pos, "step %s needs a bool condition, got %s", st.Name, cond.Type())
		}
		p.Cond = cond
		for _, a := range st.Assigns {
			name := unquoteIdent(a.Name)
			k := record.Index(name)
			if name == "" || k < nIn {
				return nil, errAt(a.Pos, "step %s assigns declared columns only: Column = Expression", st.Name)
			}
			e, err := b.expr(a.Expr, sc)
			if err != nil {
				return nil, err
			}
			if e, err = scanValue(e, record[k].Type, a.Pos, name); err != nil {
				return nil, err
			}
			p.Assign = append(p.Assign, ScanAssign{Decl: k - nIn, Expr: e})
		}
		n.Steps = append(n.Steps, p)
	}
	n.Schema = record
	if n.MatchID {
		n.Schema = append(n.Schema, column.Field{Name: unquoteIdent(op.MatchID), Type: column.Long})
	}
	return n, nil
}

// scanValue converts e to a declared column's type t where Kusto would.
func scanValue(e Expr, t column.Type, pos syntax.Position, name string) (Expr, error) {
	switch et := e.Type(); {
	case et == t:
	case t == column.Real && et.IsNumeric():
		e = toReal(e)
	case (t == column.Long || t == column.Int) && (et == column.Long || et == column.Int):
	case t == column.Dynamic:
		e = &Call{Fn: "todyn", Args: []Expr{e}, T: column.Dynamic}
	default:
		if k, ok := e.(*Const); ok && k.Val == nil {
			return &Const{T: t}, nil
		}
		return nil, errAt(pos, "%s is %s, got %s", name, t, et)
	}
	return e, nil
}
