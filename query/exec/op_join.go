package exec

import (
	"context"
	"encoding/binary"
	"fmt"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// joinOp is a hash join: it reads both sides whole, groups right rows by
// key, then pairs rows as the join kind says. innerunique first keeps one
// left row per key, as Kusto does.
// https://learn.microsoft.com/kusto/query/join-operator
type joinOp struct {
	n              *plan.Join
	left, right    Operator
	lkeys, rkeys   []expr
	ltypes, rtypes []column.Type
	done           bool
	mem            *budget
	stop           *stopper
}

func newJoin(n *plan.Join, left, right Operator, s *stopper) (*joinOp, error) {
	j := &joinOp{n: n, left: left, right: right, stop: s, ltypes: types(n.Left.Out()), rtypes: types(n.Right.Out())}
	for i := range n.LeftKeys {
		l, err := compile(n.LeftKeys[i], s)
		if err != nil {
			return nil, err
		}
		r, err := compile(n.RightKeys[i], s)
		if err != nil {
			return nil, err
		}
		j.lkeys, j.rkeys = append(j.lkeys, l), append(j.rkeys, r)
	}
	return j, nil
}

// drain reads an operator to its end as one batch (nil if no rows).
func drain(ctx context.Context, op Operator, ts []column.Type) (*column.Batch, error) {
	var bs []*column.Batch
	for {
		b, err := op.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		if b.Len > 0 {
			bs = append(bs, b)
		}
	}
	if len(bs) == 0 {
		b := &column.Batch{Cols: make([]*column.Vector, len(ts))}
		for i, t := range ts {
			b.Cols[i] = column.NewBuilder(t, 0).Build()
		}
		return b, nil
	}
	return column.Concat(ts, bs), nil
}

// joinKeys computes one key string per row (null keys never match: ok
// false). Both sides share the interners so equal values get equal ids.
func joinKeys(b *column.Batch, keys []expr, ins []*interner) ([]string, []bool) {
	ids := make([][]uint32, len(keys))
	nulls := make([]bool, b.Len)
	for k, e := range keys {
		v := e.eval(b)
		ids[k] = ins[k].ids(v, b.Len, nil)
		if v.Type != column.String {
			for i := 0; i < b.Len; i++ {
				if v.IsNull(i) {
					nulls[i] = true
				}
			}
		}
	}
	out := make([]string, b.Len)
	buf := make([]byte, 4*len(keys))
	for i := 0; i < b.Len; i++ {
		for k := range keys {
			binary.LittleEndian.PutUint32(buf[4*k:], ids[k][i])
		}
		out[i] = string(buf)
	}
	ok := make([]bool, b.Len)
	for i := range ok {
		ok[i] = !nulls[i]
	}
	return out, ok
}

func (j *joinOp) Next(ctx context.Context) (*column.Batch, error) {
	if j.done {
		return nil, nil
	}
	j.done = true
	lb, err := drain(ctx, j.left, j.ltypes)
	if err != nil {
		return nil, err
	}
	rb, err := drain(ctx, j.right, j.rtypes)
	if err != nil {
		return nil, err
	}
	if err := j.mem.charge(batchBytes(lb)+batchBytes(rb), "join"); err != nil {
		return nil, err
	}
	ins := make([]*interner, len(j.lkeys))
	for k := range ins {
		ins[k] = newInterner(j.n.LeftKeys[k].Type())
	}
	lk, lok := joinKeys(lb, j.lkeys, ins)
	rk, rok := joinKeys(rb, j.rkeys, ins)
	index := map[string][]int32{}
	for i, k := range rk {
		j.stop.row(i)
		if rok[i] {
			index[k] = append(index[k], int32(i))
		}
	}
	var li, ri []int32 // row pairs; -1 = no row on that side
	rightUsed := make([]bool, rb.Len)
	seenLeft := map[string]bool{}
	kind := j.n.Kind
	// pairBytes is what one output row costs, for the memory budget.
	pairBytes := int64(8 + 8*len(j.n.Cols))
	charged := 0
	for i, k := range lk {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if len(li)-charged >= 65536 {
			if err := j.mem.charge(int64(len(li)-charged)*pairBytes, fmt.Sprintf("join producing %d rows", len(li))); err != nil {
				return nil, err
			}
			charged = len(li)
		}
		matches := index[k]
		if !lok[i] {
			matches = nil
		}
		switch kind {
		case "innerunique":
			if !lok[i] || seenLeft[k] {
				continue
			}
			seenLeft[k] = true
			for _, r := range matches {
				li, ri = append(li, int32(i)), append(ri, r)
			}
		case "inner", "rightsemi", "rightanti":
			for _, r := range matches {
				if kind == "inner" {
					li, ri = append(li, int32(i)), append(ri, r)
				}
				rightUsed[r] = true
			}
		case "leftouter", "fullouter", "rightouter":
			for _, r := range matches {
				li, ri = append(li, int32(i)), append(ri, r)
				rightUsed[r] = true
			}
			if len(matches) == 0 && kind != "rightouter" {
				li, ri = append(li, int32(i)), append(ri, -1)
			}
		case "leftsemi":
			if len(matches) > 0 {
				li = append(li, int32(i))
			}
		case "leftanti":
			if len(matches) == 0 {
				li = append(li, int32(i))
			}
		}
	}
	switch kind {
	case "rightouter", "fullouter":
		for r := range rightUsed {
			if !rightUsed[r] {
				li, ri = append(li, -1), append(ri, int32(r))
			}
		}
	case "rightsemi", "rightanti":
		for r := range rightUsed {
			if rightUsed[r] == (kind == "rightsemi") {
				ri = append(ri, int32(r))
			}
		}
	}
	n := len(li)
	if kind == "rightsemi" || kind == "rightanti" {
		n = len(ri)
	}
	out := &column.Batch{Len: n, Cols: make([]*column.Vector, len(j.n.Cols))}
	for c, jc := range j.n.Cols {
		src, idx := lb, li
		if jc.Side == 1 {
			src, idx = rb, ri
		}
		if v := src.Cols[jc.Index]; v != nil {
			out.Cols[c] = gatherNullable(v, j.n.Schema[c].Type, idx)
		}
	}
	return out, nil
}

// gatherNullable gathers rows idx of v; -1 gives a null ("" for strings).
func gatherNullable(v *column.Vector, t column.Type, idx []int32) *column.Vector {
	missing := false
	for _, i := range idx {
		if i < 0 {
			missing = true
			break
		}
	}
	if !missing {
		u := make([]uint32, len(idx))
		for k, i := range idx {
			u[k] = uint32(i)
		}
		return v.Gather(u)
	}
	var b *column.Builder
	if v.Anys != nil {
		b = column.NewDynamicBuilder(len(idx))
	} else {
		b = column.NewBuilder(t, len(idx))
	}
	for _, i := range idx {
		if i < 0 {
			b.AppendNull()
			continue
		}
		b.AppendValue(v.Value(int(i)))
	}
	return b.Build()
}
