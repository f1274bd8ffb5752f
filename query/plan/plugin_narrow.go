package plan

import "clickhunt/column"

// narrow turns each row into one row per column: Row (the row's number),
// Column (its name) and Value (its text).
// https://learn.microsoft.com/kusto/query/narrow-plugin
func init() {
	addPlugin("narrow",
		"T | evaluate narrow()",
		"unpivots a table: one Row, Column, Value row per cell, the value as text",
		"narrow-plugin",
		`print a = 1, b = "x" | evaluate narrow()`,
		plugin{build: func(b *builder, in Node, c *pluginCall) (Node, error) {
			if err := c.arity(0, 0, "no arguments"); err != nil {
				return nil, err
			}
			if err := c.onlyNamed(); err != nil {
				return nil, err
			}
			out := column.Schema{{Name: "Row", Type: column.Int}, {Name: "Column", Type: column.String}, {Name: "Value", Type: column.String}}
			return &Evaluate{Ins: []Node{in}, Plugin: "narrow", Schema: out}, nil
		}})
}
