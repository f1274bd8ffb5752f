package plan

import "clickhunt/column"

// SchemaMerge holds schema_merge's argument: whether each column must keep
// the ordinal it had in the first schema that has it.
// https://learn.microsoft.com/kusto/query/schema-merge-plugin
type SchemaMerge struct {
	PreserveOrder bool
}

func init() {
	addPlugin("schema_merge",
		"T | evaluate schema_merge([PreserveOrder])",
		"merges schemas in getschema's form (ColumnName, ColumnOrdinal, DataType, ColumnType) into one",
		"schema-merge-plugin",
		`union (datatable(a:string)[] | getschema), (datatable(a:string, b:long)[] | getschema) | evaluate schema_merge()`,
		plugin{build: func(b *builder, in Node, c *pluginCall) (Node, error) {
			if err := c.arity(0, 1, "an optional PreserveOrder flag"); err != nil {
				return nil, err
			}
			if err := c.onlyNamed("PreserveOrder"); err != nil {
				return nil, err
			}
			p := &SchemaMerge{PreserveOrder: true}
			arg := c.namedArg("PreserveOrder")
			if len(c.pos) == 1 {
				arg = c.pos[0]
			}
			if arg != nil {
				v, err := c.constant(arg, column.Bool, "PreserveOrder")
				if err != nil {
					return nil, err
				}
				if v != nil {
					p.PreserveOrder = v.(bool)
				}
			}
			s := in.Out()
			for _, name := range []string{"ColumnName", "ColumnOrdinal", "DataType", "ColumnType"} {
				if s.Index(name) < 0 {
					return nil, c.errorf("the input must have getschema's columns ColumnName, ColumnOrdinal, DataType and ColumnType; it has no %s", name)
				}
			}
			out := column.Schema{{Name: "ColumnName", Type: column.String}, {Name: "ColumnOrdinal", Type: column.Long},
				{Name: "DataType", Type: column.String}, {Name: "ColumnType", Type: column.String}}
			return &Evaluate{Ins: []Node{in}, Plugin: "schema_merge", Params: p, Schema: out}, nil
		}})
}
