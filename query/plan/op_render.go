package plan

import (
	"fmt"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("render",
		"T | render Visualization [with (Property = Value, ...)]",
		"asks the client to draw the result as a chart (timechart, barchart, piechart ...)",
		"render-operator", `range x from 1 to 10 step 1 | extend y = x * x | render linechart with (title = "Squares")`)
}

// render checks a render operator: a known chart kind and constant
// properties. https://learn.microsoft.com/kusto/query/render-operator
func (b *builder) render(in Node, op *syntax.RenderOp) (Node, error) {
	if !RenderKinds[op.Kind] {
		kinds := make([]string, 0, len(RenderKinds))
		for k := range RenderKinds {
			kinds = append(kinds, k)
		}
		msg := fmt.Sprintf("unknown chart kind '%s'", op.Kind)
		if s := Suggest(op.Kind, kinds); s != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", s)
		}
		return nil, errAt(op.Pos, "%s", msg)
	}
	r := &Render{Input: in, Kind: op.Kind, Properties: map[string]any{}}
	for _, p := range op.Properties {
		if p.Name == "" {
			return nil, errAt(p.Pos, "render properties are written name = value, e.g. title = \"Clicks per day\"")
		}
		// Property values are constants; names like xcolumn refer to
		// columns and are kept as their text.
		if name, _, ok := identOf(p.Expr); ok {
			r.Properties[p.Name] = name
			continue
		}
		e, err := b.expr(p.Expr, &scope{})
		if err != nil {
			return nil, err
		}
		c, ok := e.(*Const)
		if !ok {
			return nil, errAt(p.Pos, "render property %s needs a constant value", p.Name)
		}
		r.Properties[p.Name] = c.Val
	}
	return r, nil
}

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

func (n *Render) Inputs() []Node { return []Node{n.Input} }

func (*Render) node() {}

// RenderKinds are the chart kinds render accepts.
var RenderKinds = map[string]bool{
	"table": true, "barchart": true, "columnchart": true, "piechart": true, "timechart": true,
	"linechart": true, "areachart": true, "stackedareachart": true, "scatterchart": true,
	"anomalychart": true, "pivotchart": true, "timepivot": true, "card": true, "treemap": true,
	"ladderchart": true, "3Dchart": true, "list": true,
}

func (n *Render) describe() string { return "Render " + n.Kind }
