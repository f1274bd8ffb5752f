package plan

import (
	"fmt"

	"clickhunt/column"
)

// dcountIntersect estimates, per row, the distinct counts of the
// intersections of the sets whose hll digests the arguments hold: s0 is
// |S1|, s1 is |S1 ∩ S2|, ... up to the intersection of all of them.
// https://learn.microsoft.com/kusto/query/dcount-intersect-plugin
func init() {
	addPlugin("dcount_intersect",
		"T | evaluate dcount_intersect(Hll1, Hll2 [, Hll3, ...])",
		"distinct counts of the intersections S1, S1∩S2, S1∩S2∩S3 ... of 2 to 16 hll digests, as columns s0, s1, ...",
		"dcount-intersect-plugin",
		"range x from 1 to 100 step 1 | summarize a = hll(iff(x % 2 == 0, x, 0)), b = hll(iff(x % 3 == 0, x, 0)) | evaluate dcount_intersect(a, b)",
		plugin{build: func(b *builder, in Node, c *pluginCall) (Node, error) {
			if err := c.arity(2, 16, "2 to 16 hll digests"); err != nil {
				return nil, err
			}
			if err := c.onlyNamed(); err != nil {
				return nil, err
			}
			p := &DcountIntersectParams{}
			for _, a := range c.pos {
				e, err := c.scalar(a)
				if err != nil {
					return nil, err
				}
				if e.Type() != column.Dynamic {
					return nil, errAt(a.Pos, "dcount_intersect(): expected an hll digest (the dynamic value hll() gives), got %s", e.Type())
				}
				p.Digests = append(p.Digests, e)
			}
			// The input's columns, then s0 ... s(n-1).
			out := append(column.Schema{}, in.Out()...)
			for i := range p.Digests {
				out = append(out, column.Field{Name: fmt.Sprintf("s%d", i), Type: column.Long})
			}
			return &Evaluate{Ins: []Node{in}, Plugin: "dcount_intersect", Params: p, Schema: out}, nil
		}})
}

// DcountIntersectParams are dcount_intersect's arguments: the digest
// expressions, over the input's columns.
type DcountIntersectParams struct {
	Digests []Expr
}
