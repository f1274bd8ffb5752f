package exec

import (
	"context"
	"regexp"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// parseOp fills columns from the groups of the parse pattern; a row that
// does not match gets empty strings and nulls.
// https://learn.microsoft.com/kusto/query/parse-operator
type parseOp struct {
	n  *plan.Parse
	in Operator
	e  expr
	re *regexp.Regexp

	stop *stopper
}

func newParse(n *plan.Parse, in Operator, s *stopper) (*parseOp, error) {
	e, err := compile(n.Expr, s)
	if err != nil {
		return nil, err
	}
	return &parseOp{n: n, in: in, e: e, re: regexp.MustCompile(n.Pattern), stop: s}, nil
}

func (p *parseOp) Next(ctx context.Context) (*column.Batch, error) {
	b, err := p.in.Next(ctx)
	if b == nil || err != nil {
		return nil, err
	}
	src := p.e.eval(b)
	vals := make([][]any, len(p.n.Cols))
	for i := 0; i < b.Len; i++ {
		p.stop.row(i)
		m := p.re.FindStringSubmatch(src.Str(i))
		for k := range p.n.Cols {
			var v any
			if m != nil {
				v = m[k+1]
			}
			vals[k] = append(vals[k], v)
		}
	}
	out := &column.Batch{Len: b.Len, Cols: make([]*column.Vector, len(p.n.Schema))}
	copy(out.Cols, b.Cols)
	for k, c := range p.n.Cols {
		t := p.n.Schema[c].Type
		conv := make([]any, len(vals[k]))
		for i, v := range vals[k] {
			s, _ := v.(string)
			if v == nil {
				conv[i] = nil
				continue
			}
			conv[i] = parseText(s, t)
		}
		out.Cols[c] = typedVector(t, conv)
	}
	return out, nil
}

// parseText converts captured text to a value that typedVector accepts for
// type t (nil when it does not parse).
func parseText(s string, t column.Type) any {
	switch t {
	case column.String, column.Guid, column.Datetime, column.Timespan:
		return s
	case column.Long, column.Int:
		v := toIntVec(column.NewConst(column.String, s, 1), 1, column.Long)
		if v.IsNull(0) {
			return nil
		}
		return v.Int(0)
	case column.Real:
		v := toRealVec([]*column.Vector{column.NewConst(column.String, s, 1)}, 1)
		if v.IsNull(0) {
			return nil
		}
		return v.Float(0)
	case column.Bool:
		v := toBoolVec([]*column.Vector{column.NewConst(column.String, s, 1)}, 1)
		if v.IsNull(0) {
			return nil
		}
		return v.Bool(0)
	case column.Dynamic:
		return parseDynamicText(s)
	}
	return nil
}
