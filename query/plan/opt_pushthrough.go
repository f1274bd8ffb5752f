package plan

import "clickhunt/column"

// pushThrough moves a where below an extend or project that passes the
// columns it reads through unchanged, and into every input of a union, so
// that it reaches the table scans, where pushFilters merges it (the scan
// then skips blocks by their min/max and decodes the other columns only
// for the rows that pass). `T | extend v = f(x) | where Timestamp > t`
// and `union T, (datatable(...)[]) | where ...` (the report's Clicks)
// otherwise decode every block whole before the filter.
//
// A where moves only when the result cannot change: its predicate is
// made of columns, constants and function calls (a row's value depends on
// that row alone; window functions are columns of a Window node, which
// nothing moves past), every column it reads is a plain column of the
// input, and a union column an input lacks reads as a null of its type.
func pushThrough(n Node) Node {
	rewriteInputs(n, pushThrough)
	f, ok := n.(*Filter)
	if !ok {
		return n
	}
	switch in := f.Input.(type) {
	case *Project:
		pred, ok := remapColumns(f.Pred, func(i int) (Expr, bool) {
			if i < 0 || i >= len(in.Exprs) {
				return nil, false
			}
			c, ok := in.Exprs[i].(*ColRef)
			if !ok {
				return nil, false
			}
			return &ColRef{Index: c.Index, Name: c.Name, T: c.T}, true
		})
		if !ok {
			return n
		}
		in.Input = pushThrough(&Filter{Input: in.Input, Pred: pred})
		return in
	case *Union:
		preds := make([]Expr, len(in.Ins))
		for k, child := range in.Ins {
			out := child.Out()
			pred, ok := remapColumns(f.Pred, func(i int) (Expr, bool) {
				if i < 0 || i >= len(in.Schema) || k >= len(in.Maps) || i >= len(in.Maps[k]) {
					return nil, false
				}
				if i == 0 && in.Source {
					return &Const{T: column.String, Val: in.Names[k]}, true
				}
				src := in.Maps[k][i]
				if src < 0 {
					return &Const{T: in.Schema[i].Type}, true // null: the input lacks the column
				}
				if src >= len(out) || out[src].Type != in.Schema[i].Type {
					return nil, false
				}
				return &ColRef{Index: src, Name: out[src].Name, T: out[src].Type}, true
			})
			if !ok {
				return n
			}
			preds[k] = pred
		}
		for k := range in.Ins {
			in.Ins[k] = pushThrough(&Filter{Input: in.Ins[k], Pred: preds[k]})
		}
		return in
	case *Join:
		return pushIntoJoin(f, in)
	}
	return n
}

// pushIntoJoin moves the conjuncts of a where over a join that read only
// one side's columns onto that side, where the join kind keeps the result
// the same. Kusto's optimizer does the same, so that a where on the left
// columns of an innerunique join filters before the left side's keys are
// deduplicated (the join's documentation shows it).
func pushIntoJoin(f *Filter, j *Join) Node {
	var pushable [2]bool
	switch j.Kind {
	case "inner", "innerunique":
		pushable = [2]bool{true, true}
	case "leftouter", "leftsemi", "leftanti":
		pushable[0] = true
	case "rightouter", "rightsemi", "rightanti":
		pushable[1] = true
	}
	var keep []Expr
	var sides [2][]Expr
	for _, c := range conjuncts(f.Pred) {
		moved := false
		for s := 0; s < 2 && !moved; s++ {
			if !pushable[s] {
				continue
			}
			out := j.Inputs()[s].Out()
			e, ok := remapColumns(c, func(i int) (Expr, bool) {
				if i < 0 || i >= len(j.Cols) || j.Cols[i].Side != s {
					return nil, false
				}
				k := j.Cols[i].Index
				return &ColRef{Index: k, Name: out[k].Name, T: out[k].Type}, true
			})
			if ok {
				sides[s], moved = append(sides[s], e), true
			}
		}
		if !moved {
			keep = append(keep, c)
		}
	}
	if len(sides[0]) > 0 {
		j.Left = pushThrough(&Filter{Input: j.Left, Pred: andAll(sides[0])})
	}
	if len(sides[1]) > 0 {
		j.Right = pushThrough(&Filter{Input: j.Right, Pred: andAll(sides[1])})
	}
	if len(keep) == 0 {
		return j
	}
	return &Filter{Input: j, Pred: andAll(keep)}
}

// conjuncts splits a and b and c into its parts.
func conjuncts(e Expr) []Expr {
	if c, ok := e.(*Call); ok && c.Fn == "and" && len(c.Args) == 2 {
		return append(conjuncts(c.Args[0]), conjuncts(c.Args[1])...)
	}
	return []Expr{e}
}

// andAll joins predicates with and.
func andAll(es []Expr) Expr {
	out := es[0]
	for _, e := range es[1:] {
		out = &Call{Fn: "and", Args: []Expr{out, e}, T: column.Bool}
	}
	return out
}

// remapColumns returns a copy of e with each column reference replaced by
// col(its index); ok is false when col refuses one, or e holds anything
// but columns, constants and function calls.
func remapColumns(e Expr, col func(int) (Expr, bool)) (Expr, bool) {
	switch e := e.(type) {
	case *ColRef:
		return col(e.Index)
	case *Const:
		return &Const{T: e.T, Val: e.Val}, true
	case *TypeLit:
		return &TypeLit{T: e.T}, true
	case *Call:
		c := &Call{Fn: e.Fn, T: e.T, Args: make([]Expr, len(e.Args))}
		for i, a := range e.Args {
			x, ok := remapColumns(a, col)
			if !ok {
				return nil, false
			}
			c.Args[i] = x
		}
		return c, true
	}
	return nil, false
}
