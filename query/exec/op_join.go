package exec

import (
	"context"
	"encoding/binary"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// joinOp is a hash join: it reads the right side whole and indexes its
// rows by key, then reads the left side a batch at a time and hands on the
// pairs of each batch (at most joinOutRows rows at a time, plus the rest
// of one left row's matches) before reading the next, so that what comes
// after (summarize, count) never holds the join's output. innerunique
// keeps one left row per key, as Kusto does; the outer and right kinds add
// the right rows no left row matched at the end.
// https://learn.microsoft.com/kusto/query/join-operator
type joinOp struct {
	n              *plan.Join
	left, right    Operator
	lkeys, rkeys   []expr
	ltypes, rtypes []column.Type
	mem            *budget
	stop           *stopper

	built     bool
	rb        *column.Batch
	ins       []*interner
	index     map[string][]int32
	rightUsed []bool
	seenLeft  map[string]bool
	// The left batch being paired, its keys, and the next row to pair.
	lb       *column.Batch
	lk       []string
	lok      []bool
	pos      int
	leftDone bool
	done     bool
}

// joinOutRows is about how many rows one output batch of a join holds.
const joinOutRows = 65536

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
	if !j.built {
		if err := j.build(ctx); err != nil {
			return nil, err
		}
	}
	for !j.done {
		if j.lb == nil || j.pos >= j.lb.Len {
			if j.leftDone {
				j.done = true
				return j.unmatched(), nil
			}
			lb, err := j.left.Next(ctx)
			if err != nil {
				return nil, err
			}
			if lb == nil {
				j.leftDone, j.lb = true, nil
				continue
			}
			j.lb, j.pos = lb, 0
			j.lk, j.lok = joinKeys(lb, j.lkeys, j.ins)
		}
		if out := j.pair(); out != nil {
			return out, nil
		}
	}
	return nil, nil
}

// build reads the right side and indexes its rows by key.
func (j *joinOp) build(ctx context.Context) error {
	j.built = true
	rb, err := drain(ctx, j.right, j.rtypes)
	if err != nil {
		return err
	}
	if err := j.mem.charge(batchBytes(rb), "join"); err != nil {
		return err
	}
	j.rb = rb
	j.ins = make([]*interner, len(j.lkeys))
	for k := range j.ins {
		j.ins[k] = newInterner(j.n.LeftKeys[k].Type())
	}
	rk, rok := joinKeys(rb, j.rkeys, j.ins)
	j.index = map[string][]int32{}
	for i, k := range rk {
		j.stop.row(i)
		if rok[i] {
			j.index[k] = append(j.index[k], int32(i))
		}
	}
	j.rightUsed = make([]bool, rb.Len)
	j.seenLeft = map[string]bool{}
	return nil
}

// pair pairs the current left batch's rows from pos on, up to about
// joinOutRows output rows, and returns them (nil: none, read on).
func (j *joinOp) pair() *column.Batch {
	var li, ri []int32 // row pairs; -1 = no row on that side
	kind := j.n.Kind
	lk, lok := j.lk, j.lok
	for ; j.pos < j.lb.Len && len(li) < joinOutRows; j.pos++ {
		i := j.pos
		j.stop.row(i)
		k := lk[i]
		matches := j.index[k]
		if !lok[i] {
			matches = nil
		}
		switch kind {
		case "innerunique":
			if !lok[i] || j.seenLeft[k] {
				continue
			}
			j.seenLeft[k] = true
			for _, r := range matches {
				li, ri = append(li, int32(i)), append(ri, r)
			}
		case "inner", "rightsemi", "rightanti":
			for _, r := range matches {
				if kind == "inner" {
					li, ri = append(li, int32(i)), append(ri, r)
				}
				j.rightUsed[r] = true
			}
		case "leftouter", "fullouter", "rightouter":
			for _, r := range matches {
				li, ri = append(li, int32(i)), append(ri, r)
				j.rightUsed[r] = true
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
	if len(li) == 0 {
		return nil
	}
	return j.output(j.lb, li, ri)
}

// unmatched returns the right rows the outer and right kinds add once the
// left side is read (nil: none).
func (j *joinOp) unmatched() *column.Batch {
	var li, ri []int32
	switch kind := j.n.Kind; kind {
	case "rightouter", "fullouter":
		for r, used := range j.rightUsed {
			if !used {
				li, ri = append(li, -1), append(ri, int32(r))
			}
		}
	case "rightsemi", "rightanti":
		for r, used := range j.rightUsed {
			if used == (kind == "rightsemi") {
				ri = append(ri, int32(r))
			}
		}
	}
	if len(ri) == 0 {
		return nil
	}
	lb := &column.Batch{Cols: make([]*column.Vector, len(j.ltypes))}
	for i, t := range j.ltypes {
		lb.Cols[i] = column.NewBuilder(t, 0).Build()
	}
	return j.output(lb, li, ri)
}

// output gathers the join's columns for the pairs (li[k], ri[k]); the
// right kinds give ri alone.
func (j *joinOp) output(lb *column.Batch, li, ri []int32) *column.Batch {
	n := len(li)
	if kind := j.n.Kind; kind == "rightsemi" || kind == "rightanti" {
		n = len(ri)
	}
	out := &column.Batch{Len: n, Cols: make([]*column.Vector, len(j.n.Cols))}
	for c, jc := range j.n.Cols {
		src, idx := lb, li
		if jc.Side == 1 {
			src, idx = j.rb, ri
		}
		if v := src.Cols[jc.Index]; v != nil {
			out.Cols[c] = gatherNullable(v, j.n.Schema[c].Type, idx)
		}
	}
	return out
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
