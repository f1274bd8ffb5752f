package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Pivot holds pivot's plan: its input (Ins[0]) is the aggregation by the
// group columns and the pivot column; the runner spreads each group's
// values over one column per pivot value, in Values' order.
// https://learn.microsoft.com/kusto/query/pivot-plugin
type Pivot struct {
	NKeys int // group columns first in the aggregation's output, then the pivot value, then the aggregate
	// Values are the pivot column's distinct values as the output column
	// names them, in order of first appearance.
	Values []string
	// Zero is what a cell with no rows holds: 0 for count, dcount and sum,
	// null for the other aggregations.
	Zero any
}

func init() {
	addPlugin("pivot",
		"T | evaluate pivot(PivotColumn [, Aggregation(Column)] [, Column1, ...]) [: (Name:type, ...)]",
		"one column per value of PivotColumn, holding the aggregation (count() by default) of each group's rows with that value",
		"pivot-plugin",
		`datatable(user:string, action:string)["a", "Allowed", "a", "Blocked", "b", "Blocked"] | evaluate pivot(action)`,
		plugin{build: buildPivot})
}

func buildPivot(b *builder, in Node, c *pluginCall) (Node, error) {
	if err := c.arity(1, 64, "a pivot column, an optional aggregation and optional group columns"); err != nil {
		return nil, err
	}
	if err := c.onlyNamed(); err != nil {
		return nil, err
	}
	pcol, err := c.column(c.pos[0], "the pivot column")
	if err != nil {
		return nil, err
	}
	rest := c.pos[1:]
	aggExpr := &syntax.Expr{Pos: c.op.Pos}
	var agg *AggCall
	aggCol := -1
	if len(rest) > 0 && rest[0].Arg.Expr != nil {
		if p := primaryOf(rest[0].Arg.Expr); p != nil && p.Call != nil {
			aggExpr = rest[0].Arg.Expr
			rest = rest[1:]
			if len(p.Call.Args) == 1 && p.Call.Args[0].Expr != nil {
				if name, _, ok := identOf(p.Call.Args[0].Expr); ok {
					aggCol = c.sc.schema.Index(name)
				}
			}
		}
	}
	if aggExpr.Left == nil {
		agg = &AggCall{Fn: "count", Type: column.Long}
	} else {
		calls, err := b.aggregates(&syntax.NamedExpr{Pos: aggExpr.Pos, Expr: aggExpr}, c.sc)
		if err != nil {
			return nil, err
		}
		if len(calls) != 1 {
			return nil, errAt(aggExpr.Pos, "pivot(): the aggregation must give one value")
		}
		agg = calls[0].call
	}
	var keys []int
	if len(rest) == 0 {
		for i := range c.sc.schema {
			if i != pcol && i != aggCol {
				keys = append(keys, i)
			}
		}
	}
	for _, a := range rest {
		k, err := c.column(a, "a group column")
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	m, err := c.materialize(in)
	if err != nil {
		return nil, err
	}
	aggNode := &Aggregate{Input: m, Aggs: []*AggCall{agg}}
	var schema column.Schema
	for _, k := range keys {
		f := m.Schema[k]
		aggNode.Keys = append(aggNode.Keys, &ColRef{Index: k, Name: f.Name, T: f.Type})
		aggNode.Schema = append(aggNode.Schema, f)
		schema = append(schema, f)
	}
	pf := m.Schema[pcol]
	aggNode.Keys = append(aggNode.Keys, &ColRef{Index: pcol, Name: pf.Name, T: pf.Type})
	aggNode.Schema = append(aggNode.Schema, pf, column.Field{Name: "value", Type: agg.Type})
	p := &Pivot{NKeys: len(keys)}
	switch agg.Fn {
	case "count", "countnotnull", "countif", "dcount", "dcountif", "sum", "sumif":
		p.Zero = zeroOf(agg.Type)
	}
	seen := map[string]bool{}
	vec := m.Batch.Cols[pcol]
	for r := 0; r < m.Batch.Len; r++ {
		name := ""
		if !vec.IsNull(r) {
			name = column.FormatValue(vec, r)
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		p.Values = append(p.Values, name)
		schema = append(schema, column.Field{Name: name, Type: agg.Type})
	}
	return &Evaluate{Ins: []Node{aggNode}, Plugin: "pivot", Params: p, Schema: uniqueNames(schema)}, nil
}
