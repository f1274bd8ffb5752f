package plan

import (
	"fmt"

	"clickhunt/column"
)

// Optimize applies the rewrite passes in order. Each pass is a small named
// function from plan to plan.
func Optimize(n Node) Node {
	n = pushThrough(n) // opt_pushthrough.go
	n = pushFilters(n)
	n = limitSorts(n)
	fuseSplitIndex(n)
	pruneColumns(n, nil)
	return n
}

// rewriteInputs replaces each input of n by f(input).
func rewriteInputs(n Node, f func(Node) Node) {
	switch n := n.(type) {
	case *Filter:
		n.Input = f(n.Input)
	case *Project:
		n.Input = f(n.Input)
	case *Aggregate:
		n.Input = f(n.Input)
	case *Sort:
		n.Input = f(n.Input)
	case *Limit:
		n.Input = f(n.Input)
	case *Count:
		n.Input = f(n.Input)
	case *Render:
		n.Input = f(n.Input)
	case *MakeSeries:
		n.Input = f(n.Input)
	case *MvExpand:
		n.Input = f(n.Input)
	case *Parse:
		n.Input = f(n.Input)
	case *Join:
		n.Left, n.Right = f(n.Left), f(n.Right)
	case *Union:
		for i := range n.Ins {
			n.Ins[i] = f(n.Ins[i])
		}
	case *Scan, *Values:
	case inputNode:
		for i, in := range n.Inputs() {
			n.setInput(i, f(in))
		}
	default:
		if len(n.Inputs()) > 0 {
			panic(fmt.Sprintf("BUG: rewriteInputs: unhandled node %T", n))
		}
	}
}

// pushFilters merges where operators that sit directly on a scan into the
// scan, so the scan can skip blocks by their min/max and read the other
// columns only for rows that pass.
func pushFilters(n Node) Node {
	rewriteInputs(n, pushFilters)
	if f, ok := n.(*Filter); ok {
		if s, ok := f.Input.(*Scan); ok {
			if s.Filter == nil {
				s.Filter = f.Pred
			} else {
				s.Filter = &Call{Fn: "and", Args: []Expr{s.Filter, f.Pred}, T: f.Pred.Type()}
			}
			return s
		}
	}
	return n
}

// limitSorts turns "sort by K | take N" into a top-N sort, which keeps only
// N rows in memory instead of the whole input.
func limitSorts(n Node) Node {
	rewriteInputs(n, limitSorts)
	if l, ok := n.(*Limit); ok {
		if s, ok := l.Input.(*Sort); ok {
			if s.Limit < 0 || l.N < s.Limit {
				s.Limit = l.N
			}
			return s
		}
	}
	return n
}

// pruneColumns marks, on each scan, the columns some operator above reads,
// and those it reads only through their heads (heads.go). needed gives
// how much of each output column of n is used (nil = all of all).
func pruneColumns(n Node, needed []uint8) {
	if needed == nil {
		needed = make([]uint8, len(n.Out()))
		for i := range needed {
			needed[i] = needFull
		}
	}
	// full is needed with every use counted as whole: operators that
	// compare, group or reshape values pass no head-only use through.
	full := func(needed []uint8) []uint8 {
		out := make([]uint8, len(needed))
		for i, l := range needed {
			if l != needNone {
				out[i] = needFull
			}
		}
		return out
	}
	switch n := n.(type) {
	case *Scan:
		// The operators above need these; the scan reads its filter's
		// columns itself (and skips them when an index answers it).
		n.Needed = make([]bool, len(needed))
		all := append([]uint8(nil), needed...)
		if n.Filter != nil {
			markNeeds(n.Filter, all)
		}
		n.HeadOnly = nil
		for i, l := range needed {
			n.Needed[i] = l != needNone
			if all[i] == needHead {
				if n.HeadOnly == nil {
					n.HeadOnly = make([]bool, len(needed))
				}
				n.HeadOnly[i] = true
			}
		}
	case *Filter:
		use := append([]uint8(nil), needed...)
		markNeeds(n.Pred, use)
		pruneColumns(n.Input, use)
	case *Project:
		n.Needed = make([]bool, len(needed))
		use := make([]uint8, len(n.Input.Out()))
		for i, e := range n.Exprs {
			n.Needed[i] = needed[i] != needNone
			switch col, ok := e.(*ColRef); {
			case needed[i] == needNone:
			case ok: // passed through: used as much as the output is
				use[col.Index] = max(use[col.Index], needed[i])
			default:
				markNeeds(e, use)
			}
		}
		pruneColumns(n.Input, use)
	case *Aggregate:
		use := make([]uint8, len(n.Input.Out()))
		for _, e := range n.Keys {
			markNeeds(e, use)
		}
		for _, a := range n.Aggs {
			if a.Arg != nil {
				markNeeds(a.Arg, use)
			}
			if a.Pred != nil {
				markNeeds(a.Pred, use)
			}
			for _, x := range a.Extra {
				markNeeds(x, use)
			}
		}
		pruneColumns(n.Input, use)
	case *Sort:
		use := append([]uint8(nil), needed...)
		for _, k := range n.Keys {
			markNeeds(k.Expr, use)
		}
		pruneColumns(n.Input, use)
	case *Limit, *Render:
		pruneColumns(n.Inputs()[0], needed)
	case *Count:
		pruneColumns(n.Input, make([]uint8, len(n.Input.Out())))
	case *Join:
		// Each side: the output columns it feeds, plus its keys, all
		// whole.
		use := [2][]uint8{make([]uint8, len(n.Left.Out())), make([]uint8, len(n.Right.Out()))}
		for i, c := range n.Cols {
			if needed[i] != needNone {
				use[c.Side][c.Index] = needFull
			}
		}
		for _, k := range n.LeftKeys {
			markNeeds(k, use[0])
		}
		for _, k := range n.RightKeys {
			markNeeds(k, use[1])
		}
		pruneColumns(n.Left, full(use[0]))
		pruneColumns(n.Right, full(use[1]))
	case *Union:
		for i, in := range n.Ins {
			use := make([]uint8, len(in.Out()))
			for o, c := range n.Maps[i] {
				if c >= 0 && needed[o] != needNone {
					use[c] = needFull
				}
			}
			pruneColumns(in, use)
		}
	case *MakeSeries:
		pruneColumns(n.Input, nil)
	default:
		// Other operators read their inputs whole.
		for _, in := range n.Inputs() {
			pruneColumns(in, nil)
		}
	}
}

// fuseSplitIndex rewrites tostring(split(s, sep)[i]) with a constant i into
// split_part(s, sep, i), which builds no dynamic array per row.
func fuseSplitIndex(n Node) {
	_ = MapExprs(n, func(e Expr) (Expr, error) {
		ts, ok := e.(*Call)
		if !ok || ts.Fn != "tostring" || len(ts.Args) != 1 {
			return e, nil
		}
		get, ok := ts.Args[0].(*Call)
		if !ok || get.Fn != "dyn_get" {
			return e, nil
		}
		split, ok := get.Args[0].(*Call)
		idx, isConst := get.Args[1].(*Const)
		if !ok || split.Fn != "split" || len(split.Args) != 2 || !isConst || idx.Val == nil {
			return e, nil
		}
		if _, ok := idx.Val.(int64); !ok {
			return e, nil
		}
		return &Call{Fn: "split_part", Args: []Expr{split.Args[0], split.Args[1], idx}, T: column.String}, nil
	})
}
