package kusto

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/Azure/azure-kusto-go/azkustodata/query"
	"github.com/Azure/azure-kusto-go/azkustodata/value"

	"clickhunt/column"
)

// columnType maps a Kusto column type onto clickhunt's; decimals become
// reals (clickhunt has no decimal), as ingest and the planner treat them.
func columnType(t string) (column.Type, error) {
	if t == "decimal" {
		return column.Real, nil
	}
	ct, ok := column.ParseType(t)
	if !ok {
		return column.Invalid, fmt.Errorf("unknown column type %q", t)
	}
	return ct, nil
}

// tableBatch turns a result table into a schema and one batch.
func tableBatch(t query.Table) (column.Schema, *column.Batch, error) {
	cols := t.Columns()
	schema := make(column.Schema, len(cols))
	builders := make([]*column.Builder, len(cols))
	rows := t.Rows()
	for i, c := range cols {
		ct, err := columnType(string(c.Type()))
		if err != nil {
			return nil, nil, fmt.Errorf("column %s: %w", c.Name(), err)
		}
		schema[i] = column.Field{Name: c.Name(), Type: ct}
		if ct == column.Dynamic {
			builders[i] = column.NewDynamicBuilder(len(rows))
		} else {
			builders[i] = column.NewBuilder(ct, len(rows))
		}
	}
	for r, row := range rows {
		vals := row.Values()
		if len(vals) != len(cols) {
			return nil, nil, fmt.Errorf("row %d has %d values for %d columns", r+1, len(vals), len(cols))
		}
		for i, v := range vals {
			if err := appendValue(builders[i], v); err != nil {
				return nil, nil, fmt.Errorf("row %d, column %s: %w", r+1, cols[i].Name(), err)
			}
		}
	}
	b := &column.Batch{Len: len(rows), Cols: make([]*column.Vector, len(cols))}
	for i, bl := range builders {
		b.Cols[i] = bl.Build()
	}
	return schema, b, nil
}

// appendValue appends one SDK value (nil pointer: null) to a builder of its
// column's type.
func appendValue(b *column.Builder, v value.Kusto) error {
	switch x := v.(type) {
	case *value.String:
		b.AppendString(x.Value)
	case *value.Bool:
		if p := x.Ptr(); p != nil {
			b.AppendBool(*p)
		} else {
			b.AppendNull()
		}
	case *value.Int:
		if p := x.Ptr(); p != nil {
			b.AppendInt(int64(*p))
		} else {
			b.AppendNull()
		}
	case *value.Long:
		if p := x.Ptr(); p != nil {
			b.AppendInt(*p)
		} else {
			b.AppendNull()
		}
	case *value.Real:
		if p := x.Ptr(); p != nil {
			b.AppendFloat(*p)
		} else {
			b.AppendNull()
		}
	case *value.Decimal:
		if p := x.Ptr(); p != nil {
			f, _ := p.Float64()
			b.AppendFloat(f)
		} else {
			b.AppendNull()
		}
	case *value.DateTime:
		if p := x.Ptr(); p != nil {
			b.AppendInt(column.TicksFromTime(*p))
		} else {
			b.AppendNull()
		}
	case *value.Timespan:
		if p := x.Ptr(); p != nil {
			b.AppendInt(int64(*p) / 100) // nanoseconds to 100-ns ticks
		} else {
			b.AppendNull()
		}
	case *value.GUID:
		if p := x.Ptr(); p != nil {
			b.AppendString(p.String())
		} else {
			b.AppendNull()
		}
	case *value.Dynamic:
		if x.Value == nil {
			b.AppendNull()
			return nil
		}
		d, err := column.ParseDynamic(string(x.Value))
		if err != nil {
			return err
		}
		b.AppendDynamic(d)
	default:
		return fmt.Errorf("value of type %T", v)
	}
	return nil
}

// visualization reads the render operator's properties from the
// @ExtendedProperties table: a row whose Key is "Visualization" and whose
// Value is a JSON object ({"Visualization":"barchart","Title":...}).
func visualization(t query.Table) map[string]any {
	for _, row := range t.Rows() {
		key, err := row.StringByName("Key")
		if err != nil || key != "Visualization" {
			continue
		}
		v, err := row.ValueByName("Value")
		if err != nil {
			continue
		}
		var text []byte
		switch x := v.(type) {
		case *value.Dynamic:
			text = x.Value
			// A dynamic string holding the JSON object, as the service
			// sends it.
			var s string
			if json.Unmarshal(text, &s) == nil {
				text = []byte(s)
			}
		case *value.String:
			text = []byte(x.Value)
		}
		var m map[string]any
		if json.Unmarshal(text, &m) == nil {
			if kind, _ := m["Visualization"].(string); kind != "" {
				return m
			}
		}
	}
	return nil
}

// RenderProperties turns a Visualization entry into the render kind and
// its with(...) properties as clickhunt names them (title, xtitle, ytitle,
// xcolumn, ycolumns, series, legend, kind, accumulate, ymin, ymax...).
// Properties the cluster leaves null are left out.
func RenderProperties(vis map[string]any) (kind string, props map[string]any) {
	kind, _ = vis["Visualization"].(string)
	props = map[string]any{}
	for k, v := range vis {
		if k == "Visualization" || v == nil {
			continue
		}
		name := strings.ToLower(k)
		switch x := v.(type) {
		case string:
			if x == "" || x == "NaN" {
				continue
			}
			props[name] = x
		case bool:
			if !x {
				continue // the cluster's default for every flag
			}
			props[name] = x
		case float64:
			if x == float64(int64(x)) {
				props[name] = int64(x)
			} else {
				props[name] = x
			}
		case []any:
			var parts []string
			for _, p := range x {
				if s, ok := p.(string); ok {
					parts = append(parts, s)
				}
			}
			if len(parts) > 0 {
				props[name] = strings.Join(parts, ",")
			}
		}
	}
	return kind, props
}

func sortTables(ts []TableInfo) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
}
