package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// schema_merge: the union of the columns of schemas in getschema's form,
// each at the position it first appears at. With PreserveOrder a column
// found at another ordinal than in the first schema holding it is an
// error (ordinal -1); types differing other than as numbers to widen are
// errors too.
// https://learn.microsoft.com/kusto/query/schema-merge-plugin
func init() {
	registerPlugin("schema_merge", func(ctx context.Context, n *plan.Evaluate, ins []*column.Batch, st *Stats) (*column.Batch, error) {
		p := n.Params.(*plan.SchemaMerge)
		in := ins[0]
		s := n.Ins[0].Out()
		name, ord, dt, ct := in.Cols[s.Index("ColumnName")], in.Cols[s.Index("ColumnOrdinal")], in.Cols[s.Index("DataType")], in.Cols[s.Index("ColumnType")]
		type merged struct {
			name, dataType, colType string
			ordinal                 int64 // in the first schema holding it
			err                     string
		}
		var cols []*merged
		index := func(nm string) int {
			for i, c := range cols {
				if c.name == nm {
					return i
				}
			}
			return -1
		}
		for r := 0; r < in.Len; r++ {
			if name.IsNull(r) {
				continue
			}
			nm := name.Str(r)
			o := int64(-1)
			if !ord.IsNull(r) {
				o = ord.Int(r)
			}
			i := index(nm)
			if i < 0 {
				c := &merged{name: nm, dataType: dt.Str(r), colType: ct.Str(r), ordinal: o}
				at := int(max(0, min(o, int64(len(cols)))))
				cols = append(cols[:at], append([]*merged{c}, cols[at:]...)...)
				continue
			}
			c := cols[i]
			if c.err != "" {
				continue
			}
			if p.PreserveOrder && o != c.ordinal {
				c.err = "columns are out of order"
				continue
			}
			if t := ct.Str(r); t != c.colType {
				if w, ok := widerNumber(c.colType, t); ok {
					c.colType, c.dataType = w, clrName[w]
				} else {
					c.err = "types " + c.colType + " and " + t + " do not merge"
				}
			}
		}
		rb := newRowsBuilder(n.Schema)
		ordinal := int64(0)
		for _, c := range cols {
			if c.err != "" {
				rb.add(c.name, int64(-1), "ERROR(unknown CSL type:ERROR("+c.err+"))", "ERROR("+c.err+")")
				continue
			}
			rb.add(c.name, ordinal, c.dataType, c.colType)
			ordinal++
		}
		return rb.build(), nil
	})
}

// clrName is the .NET type getschema shows for a numeric column type.
var clrName = map[string]string{"int": "System.Int32", "long": "System.Int64", "real": "System.Double", "decimal": "System.Data.SqlTypes.SqlDecimal"}

// widerNumber is the type both numeric types widen to.
func widerNumber(a, b string) (string, bool) {
	rank := map[string]int{"int": 1, "long": 2, "decimal": 3, "real": 4}
	ra, rb := rank[a], rank[b]
	if ra == 0 || rb == 0 {
		return "", false
	}
	if ra > rb {
		return a, true
	}
	return b, true
}
