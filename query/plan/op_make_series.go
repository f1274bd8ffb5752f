package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("make-series",
		"T | make-series [Name =] Aggregation [default = Value], ... on Axis [from Start] [to End] step Step [by GroupExpression, ...]",
		"one row per group holding arrays of aggregations over equal steps of Axis",
		"make-series-operator", "range x from 1 to 10 step 1 | make-series total = sum(x) on x from 0 to 10 step 5")
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
	// NonEmpty (kind=nonempty) gives a row of defaults for an empty input
	// without by keys, which otherwise gives no row.
	NonEmpty bool
}

func (n *MakeSeries) Out() column.Schema { return n.Schema }

func (n *MakeSeries) Inputs() []Node { return []Node{n.Input} }

func (*MakeSeries) node() {}

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
	for _, p := range op.Params {
		if len(p.Name) != 1 || p.Name[0] != "kind" {
			if p.Name[0] == "hint" {
				continue // hints change no result
			}
			return nil, errAt(p.Pos, "make-series takes kind=nonempty, not %s", strings.Join(p.Name, "."))
		}
		switch p.Value {
		case "nonempty":
			ms.NonEmpty = true
		default:
			return nil, errAt(p.Pos, "make-series kind must be nonempty, got %s", p.Value)
		}
	}
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
		calls, err := b.seriesAggregates(sa.Agg, sc)
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

func (n *MakeSeries) describe() string {
	s := "MakeSeries"
	if n.From != nil {
		s += " from " + exprText(n.From)
	}
	if n.To != nil {
		s += " to " + exprText(n.To)
	}
	s += " step " + exprText(n.Step) + " default " + exprsText(n.Defaults)
	return s + " -> " + schemaText(n.Schema)
}

// seriesAggregates plans one make-series aggregation. Besides aggregation
// functions, Kusto takes a constant (other = -1): the value of each bin
// that has rows, the default for the others.
func (b *builder) seriesAggregates(ne *syntax.NamedExpr, sc *scope) ([]namedAgg, error) {
	if p := primaryOf(ne.Expr); p == nil || p.Call == nil {
		if x, err := b.expr(ne.Expr, &scope{}); err == nil && isConstant(x) {
			name := unquoteIdent(ne.Name)
			if name == "" {
				return nil, errAt(ne.Pos, "make-series needs a name for a constant: Name = %s", ne.Expr)
			}
			return []namedAgg{{name: name, call: &AggCall{Fn: "take_any", Arg: x, Type: x.Type()}}}, nil
		}
	}
	return b.aggregates(ne, sc)
}
