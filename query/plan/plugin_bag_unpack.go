package plan

import (
	"sort"

	"clickhunt/column"
)

// BagUnpack holds bag_unpack's arguments: the bag column, the name prefix,
// the conflict rule and the ignored properties. The output schema is the
// input's, less the bag column, plus one column per property found in the
// (materialized) input's bags, sorted by name.
// https://learn.microsoft.com/kusto/query/bag-unpack-plugin
type BagUnpack struct {
	Col int
	// Out maps each output column to an input column (>= 0) or to a
	// property (Prop set).
	Out []BagUnpackColumn
}

// BagUnpackColumn is one output column of bag_unpack.
type BagUnpackColumn struct {
	Input int    // input column index, or -1
	Prop  string // else the property it reads
}

func init() {
	addPlugin("bag_unpack",
		"T | evaluate bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict=error|replace_source|keep_source] [, ignoredProperties=dynamic([...])]) [: (Name:type, ...)]",
		"turns each top-level property of a dynamic column's bags into a column",
		"bag-unpack-plugin",
		`print d = dynamic({"Name": "John", "Age": 20}) | evaluate bag_unpack(d)`,
		plugin{build: buildBagUnpack})
}

func buildBagUnpack(b *builder, in Node, c *pluginCall) (Node, error) {
	if err := c.arity(1, 4, "a dynamic column and up to three options"); err != nil {
		return nil, err
	}
	if err := c.onlyNamed("OutputColumnPrefix", "columnsConflict", "ignoredProperties"); err != nil {
		return nil, err
	}
	col, err := c.column(c.pos[0], "the bag")
	if err != nil {
		return nil, err
	}
	if t := c.sc.schema[col].Type; t != column.Dynamic {
		return nil, errAt(c.pos[0].Pos, "bag_unpack(): the column to unpack must be dynamic, got %s", t)
	}
	// Options come by position (prefix, conflict, ignored) or by name.
	var prefix, conflict string = "", "error"
	var ignored []any
	args := []struct {
		name string
		t    column.Type
	}{{"OutputColumnPrefix", column.String}, {"columnsConflict", column.String}, {"ignoredProperties", column.Dynamic}}
	for i, a := range args {
		arg := c.namedArg(a.name)
		if i+1 < len(c.pos) {
			if arg != nil {
				return nil, errAt(arg.Pos, "bag_unpack(): %s is given twice", a.name)
			}
			arg = c.pos[i+1]
		}
		if arg == nil {
			continue
		}
		v, err := c.constant(arg, a.t, a.name)
		if err != nil {
			return nil, err
		}
		switch i {
		case 0:
			prefix, _ = v.(string)
		case 1:
			if s, _ := v.(string); s != "" {
				conflict = s
			}
			if conflict != "error" && conflict != "replace_source" && conflict != "keep_source" {
				return nil, errAt(arg.Pos, "bag_unpack(): columnsConflict must be error, replace_source or keep_source, got %q", conflict)
			}
		case 2:
			arr, ok := v.([]any)
			if v != nil && !ok {
				return nil, errAt(arg.Pos, "bag_unpack(): ignoredProperties must be a dynamic array of names")
			}
			ignored = arr
		}
	}
	m, err := c.materialize(in)
	if err != nil {
		return nil, err
	}
	skip := map[string]bool{}
	for _, x := range ignored {
		if s, ok := x.(string); ok {
			skip[s] = true
		}
	}
	// The properties and the values each holds, in row order.
	types := map[string]column.Type{}
	vec := m.Batch.Cols[col]
	for r := 0; r < m.Batch.Len; r++ {
		bag, ok := dynamicAt(vec, r).(map[string]any)
		if !ok {
			continue
		}
		for k, v := range bag {
			if skip[k] || v == nil {
				if _, seen := types[k]; !seen && !skip[k] {
					types[k] = column.Invalid
				}
				continue
			}
			types[k] = unifyDynamicType(types[k], v)
		}
	}
	props := make([]string, 0, len(types))
	for k := range types {
		props = append(props, k)
	}
	sort.Strings(props)
	p := &BagUnpack{Col: col}
	var schema column.Schema
	for i, f := range m.Schema {
		if i != col {
			p.Out = append(p.Out, BagUnpackColumn{Input: i})
			schema = append(schema, f)
		}
	}
	for _, k := range props {
		name := prefix + k
		t := types[k]
		if t == column.Invalid {
			t = column.Dynamic // only nulls
		}
		f := column.Field{Name: name, Type: t}
		if i := schema.Index(name); i >= 0 {
			switch conflict {
			case "error":
				return nil, c.errorf("the property '%s' would replace the column of the same name (columnsConflict='replace_source' or 'keep_source' decides)", k)
			case "replace_source":
				p.Out[i] = BagUnpackColumn{Input: -1, Prop: k}
				schema[i] = f
			}
			continue
		}
		p.Out = append(p.Out, BagUnpackColumn{Input: -1, Prop: k})
		schema = append(schema, f)
	}
	return &Evaluate{Ins: []Node{m}, Plugin: "bag_unpack", Params: p, Schema: schema}, nil
}

// unifyDynamicType is the column type holding both values of type t (Invalid
// for none yet) and v: a long, real, string or bool column when all values
// have that type, else dynamic, as the plugin's page says.
func unifyDynamicType(t column.Type, v any) column.Type {
	var vt column.Type
	switch v.(type) {
	case int64:
		vt = column.Long
	case float64:
		vt = column.Real
	case string:
		vt = column.String
	case bool:
		vt = column.Bool
	default:
		vt = column.Dynamic
	}
	if t == column.Invalid || t == vt {
		return vt
	}
	return column.Dynamic
}

// dynamicAt reads row r of a dynamic vector as a Go value, parsing the JSON
// text a stored column holds.
func dynamicAt(v *column.Vector, r int) any {
	x := v.Value(r)
	if s, ok := x.(string); ok && v.Type == column.Dynamic && v.Anys == nil {
		if parsed, err := column.ParseDynamic(s); err == nil {
			return parsed
		}
	}
	return x
}
