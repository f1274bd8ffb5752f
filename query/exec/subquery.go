package exec

import (
	"context"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// resolveSubqueries runs every tabular expression used as a value
// (toscalar(T), x in (T)) and puts its result in its place as constants.
func resolveSubqueries(ctx context.Context, n plan.Node, store Store, st *Stats) error {
	return plan.MapExprs(n, func(e plan.Expr) (plan.Expr, error) {
		sq, ok := e.(*plan.Subquery)
		if !ok {
			return e, nil
		}
		if err := resolveSubqueries(ctx, sq.Node, store, st); err != nil {
			return nil, err
		}
		op, err := build(sq.Node, store, st)
		if err != nil {
			return nil, err
		}
		b, err := drain(ctx, op, types(sq.Node.Out()))
		if err != nil {
			return nil, err
		}
		if sq.Scalar {
			if b.Len == 0 || b.Cols[0] == nil {
				return &plan.Const{T: sq.T}, nil
			}
			return &plan.Const{T: sq.T, Val: b.Cols[0].Value(0)}, nil
		}
		// A list: one constant per distinct value of the first column, as
		// the left side's type.
		var items []plan.Expr
		seen := map[any]bool{}
		if b.Len > 0 && b.Cols[0] != nil {
			v := b.Cols[0]
			for i := 0; i < b.Len; i++ {
				x := v.Value(i)
				if x == nil {
					continue
				}
				if sq.T == column.String {
					x = column.FormatValue(v, i)
				}
				if _, isMap := x.(map[string]any); isMap {
					continue
				}
				if _, isArr := x.([]any); isArr {
					continue
				}
				if seen[x] {
					continue
				}
				seen[x] = true
				items = append(items, &plan.Const{T: sq.T, Val: x})
			}
		}
		return plan.ExpandArgs(items), nil
	})
}
