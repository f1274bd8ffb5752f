package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("range",
		"range Column from Start to Stop step Step",
		"a one-column table of the values from Start to Stop (inclusive) in steps of Step",
		"range-operator", "range Day from datetime(2024-03-01) to datetime(2024-03-07) step 1d")
}

// Range is a one-column table of the values From, From+Step, ... up to and
// including To (down to it when Step is negative). From, To and Step are
// constants (or subqueries, resolved before the run).
type Range struct {
	From, To, Step Expr
	Schema         column.Schema
}

func (n *Range) Out() column.Schema { return n.Schema }
func (n *Range) Inputs() []Node     { return nil }
func (*Range) node()                {}
func (n *Range) exprRefs() []*Expr  { return []*Expr{&n.From, &n.To, &n.Step} }

// rangeSrc types a range: numbers (long, or real when any bound or the
// step is real), datetimes stepped by a timespan, or timespans.
func (b *builder) rangeSrc(r *syntax.RangeSrc) (Node, error) {
	var x [3]Expr
	for i, e := range []*syntax.Expr{r.From, r.To, r.Step} {
		v, err := b.expr(e, &scope{})
		if err != nil {
			return nil, err
		}
		if !isConstant(v) {
			return nil, errAt(e.Pos, "range needs constant bounds and step")
		}
		x[i] = v
	}
	from, to, step := x[0], x[1], x[2]
	var t column.Type
	switch ft, tt, st := from.Type(), to.Type(), step.Type(); {
	case ft.IsNumeric() && tt.IsNumeric() && st.IsNumeric():
		t = column.Long
		if ft == column.Real || tt == column.Real || st == column.Real {
			t = column.Real
			from, to, step = toReal(from), toReal(to), toReal(step)
		}
	case ft == column.Datetime && tt == column.Datetime && st == column.Timespan,
		ft == column.Timespan && tt == column.Timespan && st == column.Timespan:
		t = ft
	default:
		return nil, errAt(r.Pos, "range needs numbers, or datetimes or timespans with a timespan step; got %s to %s step %s", ft, tt, st)
	}
	if k, ok := step.(*Const); ok && k.Val != nil && (k.Val == int64(0) || k.Val == 0.0) {
		return nil, errAt(r.Step.Pos, "range step must not be zero")
	}
	return &Range{From: from, To: to, Step: step, Schema: column.Schema{{Name: unquoteIdent(r.Column), Type: t}}}, nil
}

func (n *Range) describe() string {
	return "Range " + schemaText(n.Schema) + " from " + exprText(n.From) + " to " + exprText(n.To) + " step " + exprText(n.Step)
}
