package plan

import "clickhunt/column"

// RowsNear holds rows_near's arguments: the condition, and how many rows
// before and after a matching row to keep.
// https://learn.microsoft.com/kusto/query/rows-near-plugin
type RowsNear struct {
	Cond          Expr
	Before, After int64
}

func init() {
	addPlugin("rows_near",
		"T | evaluate rows_near(Condition, NumRows [, RowsAfter])",
		"keeps the rows that match a condition and the NumRows rows before and after each (RowsAfter after, when given)",
		"rows-near-plugin",
		`range x from 1 to 10 step 1 | evaluate rows_near(x == 5, 1)`,
		plugin{build: func(b *builder, in Node, c *pluginCall) (Node, error) {
			if err := c.arity(2, 3, "a condition, a number of rows and optionally a number of rows after"); err != nil {
				return nil, err
			}
			if err := c.onlyNamed(); err != nil {
				return nil, err
			}
			cond, err := c.scalar(c.pos[0])
			if err != nil {
				return nil, err
			}
			if cond.Type() != column.Bool {
				return nil, errAt(c.pos[0].Pos, "rows_near(): the condition must be a bool, got %s", cond.Type())
			}
			p := &RowsNear{Cond: cond}
			count := func(a int) (int64, error) {
				v, err := c.constant(c.pos[a], column.Long, "a number of rows")
				if err != nil {
					return 0, err
				}
				n, _ := v.(int64)
				if n < 0 {
					return 0, errAt(c.pos[a].Pos, "rows_near(): a number of rows must be >= 0")
				}
				return n, nil
			}
			if p.Before, err = count(1); err != nil {
				return nil, err
			}
			p.After = p.Before
			if len(c.pos) == 3 {
				if p.After, err = count(2); err != nil {
					return nil, err
				}
			}
			return &Evaluate{Ins: []Node{in}, Plugin: "rows_near", Params: p, Schema: in.Out()}, nil
		}})
}
