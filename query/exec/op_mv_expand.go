package exec

import (
	"context"
	"sort"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// mvExpandOp turns each element of a dynamic array (or each property of a
// bag, as a one-property bag) into its own row. A null value gives one row
// with null; an empty array or bag gives no row. Several columns expand in
// parallel, the shorter padded with nulls.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
type mvExpandOp struct {
	n     *plan.MvExpand
	in    Operator
	exprs []expr
	stop  *stopper
}

func newMvExpand(n *plan.MvExpand, in Operator, s *stopper) (*mvExpandOp, error) {
	m := &mvExpandOp{n: n, in: in, stop: s}
	for _, it := range n.Items {
		if it.Expr == nil {
			m.exprs = append(m.exprs, nil) // with_itemindex
			continue
		}
		e, err := compile(it.Expr, s)
		if err != nil {
			return nil, err
		}
		m.exprs = append(m.exprs, e)
	}
	return m, nil
}

// elements lists what x expands to: an array's elements, a bag's
// properties in key order (one-property bags, or with array [key, value]
// pairs), a scalar itself.
func elements(x any, array bool) []any {
	switch v := x.(type) {
	case nil:
		return []any{nil}
	case []any:
		return v
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			if array {
				out[i] = []any{k, v[k]}
			} else {
				out[i] = map[string]any{k: v[k]}
			}
		}
		return out
	}
	return []any{x}
}

func (m *mvExpandOp) Next(ctx context.Context) (*column.Batch, error) {
	for {
		b, err := m.in.Next(ctx)
		if b == nil || err != nil {
			return nil, err
		}
		vals := make([]*column.Vector, len(m.exprs))
		for k, e := range m.exprs {
			if e != nil {
				vals[k] = e.eval(b)
			}
		}
		var rows []uint32
		items := make([][]any, len(m.exprs))
		var index []any
		for i := 0; i < b.Len; i++ {
			m.stop.row(i)
			var els [][]any
			longest := 0
			for k, v := range vals {
				if v == nil {
					els = append(els, nil)
					continue
				}
				e := elements(dynValueAt(v, i), m.n.Array)
				els = append(els, e)
				if len(e) > longest {
					longest = len(e)
				}
				_ = k
			}
			if m.n.Limit >= 0 && int64(longest) > m.n.Limit {
				longest = int(m.n.Limit)
			}
			for r := 0; r < longest; r++ {
				rows = append(rows, uint32(i))
				index = append(index, int64(r))
				for k := range m.exprs {
					var x any
					if els[k] != nil && r < len(els[k]) {
						x = els[k][r]
					}
					items[k] = append(items[k], x)
				}
			}
		}
		if len(rows) == 0 {
			continue
		}
		in := b.Gather(rows)
		out := &column.Batch{Len: len(rows), Cols: make([]*column.Vector, len(m.n.Schema))}
		copy(out.Cols, in.Cols)
		for k, it := range m.n.Items {
			src := items[k]
			if m.exprs[k] == nil {
				src = index
			}
			out.Cols[it.Col] = typedVector(it.Type, src)
		}
		return out, nil
	}
}

// typedVector builds a vector of type t from dynamic values; values that
// are not of type t become null (to typeof() casts, it does not convert).
func typedVector(t column.Type, vals []any) *column.Vector {
	if t == column.Dynamic {
		b := column.NewDynamicBuilder(len(vals))
		for _, v := range vals {
			b.AppendDynamic(v)
		}
		return b.Build()
	}
	b := column.NewBuilder(t, len(vals))
	for _, v := range vals {
		switch x := v.(type) {
		case string:
			switch t {
			case column.String, column.Guid:
				b.AppendString(x)
			case column.Datetime:
				if d, err := column.ParseKQLDatetime(x); err == nil {
					b.AppendInt(d)
				} else {
					b.AppendNull()
				}
			case column.Timespan:
				if d, err := column.ParseTimespan(x); err == nil {
					b.AppendInt(d)
				} else {
					b.AppendNull()
				}
			default:
				b.AppendNull()
			}
		case int64:
			switch t {
			case column.Long, column.Int:
				b.AppendInt(x)
			case column.Real:
				b.AppendFloat(float64(x))
			case column.String:
				b.AppendString(column.DynamicText(x))
			default:
				b.AppendNull()
			}
		case float64:
			switch t {
			case column.Real:
				b.AppendFloat(x)
			case column.String:
				b.AppendString(column.DynamicText(x))
			default:
				b.AppendNull()
			}
		case bool:
			switch t {
			case column.Bool:
				b.AppendBool(x)
			case column.String:
				b.AppendString(column.DynamicText(x))
			default:
				b.AppendNull()
			}
		case nil:
			b.AppendNull()
		default:
			if t == column.String {
				b.AppendString(column.DynamicText(x))
			} else {
				b.AppendNull()
			}
		}
	}
	return b.Build()
}
