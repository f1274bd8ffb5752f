package plan

import "clickhunt/column"

func init() {
	operatorTopic("getschema",
		"T | getschema",
		"the columns of the input and their types",
		"getschema-operator", "range x from 1 to 3 step 1 | getschema")
}

var clrTypes = map[column.Type]string{
	column.String: "System.String", column.Long: "System.Int64", column.Int: "System.Int32",
	column.Real: "System.Double", column.Bool: "System.SByte", column.Datetime: "System.DateTime",
	column.Timespan: "System.TimeSpan", column.Dynamic: "System.Object", column.Guid: "System.Guid",
}

func getschema(in Node) Node {
	v := &Values{Schema: column.Schema{
		{Name: "ColumnName", Type: column.String}, {Name: "ColumnOrdinal", Type: column.Int},
		{Name: "DataType", Type: column.String}, {Name: "ColumnType", Type: column.String},
	}}
	for i, f := range in.Out() {
		v.Rows = append(v.Rows, []any{f.Name, int64(i), clrTypes[f.Type], f.Type.String()})
	}
	return v
}
