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
	n      *plan.Parse
	in     Operator
	e      expr
	re     *regexp.Regexp
	groups []int // the group of each column of n.Cols

	stop *stopper
}

func newParse(n *plan.Parse, in Operator, s *stopper) (*parseOp, error) {
	e, err := compile(n.Expr, s)
	if err != nil {
		return nil, err
	}
	p := &parseOp{n: n, in: in, e: e, re: regexp.MustCompile(n.Pattern), stop: s}
	for k := range n.Cols {
		p.groups = append(p.groups, p.re.SubexpIndex(plan.ParseGroup(k)))
	}
	return p, nil
}

func (p *parseOp) Next(ctx context.Context) (*column.Batch, error) {
	for {
		b, err := p.in.Next(ctx)
		if b == nil || err != nil {
			return nil, err
		}
		src := p.e.eval(b)
		vals := make([][]any, len(p.n.Cols))
		var keep []uint32 // parse-where: the rows that matched
		for i := 0; i < b.Len; i++ {
			p.stop.row(i)
			m := p.re.FindStringSubmatch(src.Str(i))
			row := make([]any, len(p.n.Cols))
			ok := m != nil
			for k, c := range p.n.Cols {
				if !ok {
					break
				}
				t := p.n.Schema[c].Type
				row[k] = parseText(m[p.groups[k]], t)
				if row[k] == nil && p.n.Strict && t != column.String {
					ok = false
				}
			}
			if !ok {
				if p.n.Where {
					continue
				}
				clear(row) // a row that does not match: empty strings and nulls
			}
			keep = append(keep, uint32(i))
			for k := range p.n.Cols {
				vals[k] = append(vals[k], row[k])
			}
		}
		if len(keep) == 0 && b.Len > 0 {
			continue
		}
		if len(keep) < b.Len {
			b = b.Gather(keep)
		}
		out := &column.Batch{Len: b.Len, Cols: make([]*column.Vector, len(p.n.Schema))}
		copy(out.Cols, b.Cols)
		for k, c := range p.n.Cols {
			out.Cols[c] = typedVector(p.n.Schema[c].Type, vals[k])
		}
		return out, nil
	}
}

// parseText converts captured text to a value that typedVector accepts for
// type t (nil when it does not parse).
func parseText(s string, t column.Type) any {
	switch t {
	case column.String, column.Guid:
		return s
	case column.Datetime:
		if _, err := column.ParseKQLDatetime(s); err != nil {
			return nil
		}
		return s // typedVector reads it
	case column.Timespan:
		if _, err := column.ParseTimespan(s); err != nil {
			return nil
		}
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
