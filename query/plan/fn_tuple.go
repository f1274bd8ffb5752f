package plan

import (
	"fmt"
	"sort"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Functions that return several columns (series_stats, series_fit_line,
// series_decompose, ...). Kusto lets them stand alone in extend or project:
//
//	extend series_stats(x)                  // series_stats_x_min, series_stats_x_min_idx, ...
//	extend (lo, lo_at) = series_stats(x)    // only lo and lo_at
//	project (lo, lo_at) = series_stats(x)   // lo, lo_at, then the others by their derived names
//
// Such a call is planned as a call returning a property bag of its fields
// (the exec kernel of the same key builds it), computed once per row in a
// hidden column of a projection below the extend/project, which then reads
// each field at its type.
// https://learn.microsoft.com/kusto/query/series-fit-2lines-function

// tupleField is one output column of a multi-column function: the bag key,
// which is also the suffix of its derived column name, and its type.
type tupleField struct {
	Name string
	T    column.Type
}

// tupleSig types a multi-column function: its arguments as a scalar
// function's, and its fields in output order.
type tupleSig struct {
	sig    funcSig
	fields []tupleField
	// spread marks a scalar function's call spread into columns (its
	// funcSig's columns): its value is an array read by position, and the
	// field names are the whole column names.
	spread bool
}

// tupleFuncs is the registry of multi-column functions.
var tupleFuncs = map[string]tupleSig{}

// addTupleFuncs registers multi-column functions; a name registered twice,
// or also as a scalar function, is a bug.
func addTupleFuncs(m map[string]tupleSig) {
	for k, v := range m {
		if _, dup := tupleFuncs[k]; dup {
			panic("BUG: function registered twice: " + k)
		}
		tupleFuncs[k] = v
	}
}

// tupleFunctionNames lists the multi-column functions, sorted.
func tupleFunctionNames() []string {
	names := make([]string, 0, len(tupleFuncs))
	for n := range tupleFuncs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// tupleCall is one multi-column call found in an extend/project list.
type tupleCall struct {
	sig    tupleSig
	hidden int      // index of the column holding its bag
	col    string   // that column's name
	names  []string // output column names, one per field kept
}

// hiddenColumn names the columns that carry a multi-column call's bag
// between two projections: no query text can name them.
func hiddenColumn(i int) string { return fmt.Sprintf("\x00tuple%d", i) }

// tupleColumns finds the multi-column calls among cols. When there are
// any, it returns a projection of in that appends each call's bag as a
// hidden column, and the calls by their NamedExpr; else in and nil.
func (b *builder) tupleColumns(in Node, cols []*syntax.NamedExpr, extend bool) (Node, map[*syntax.NamedExpr]*tupleCall, error) {
	var tuples map[*syntax.NamedExpr]*tupleCall
	var pre *Project
	sc := b.scopeOf(in)
	for _, ne := range cols {
		p := primaryOf(ne.Expr)
		var ts tupleSig
		var call Expr
		ok := false
		if p != nil && p.Call != nil {
			if _, user := b.funcs[p.Call.Name]; !user {
				ts, ok = tupleFuncs[p.Call.Name]
			}
			if sig, fn := functions[p.Call.Name]; !ok && fn && sig.columns != nil {
				if _, user := b.funcs[p.Call.Name]; !user {
					e, err := b.call(p.Call, sc)
					if err != nil {
						return nil, nil, err
					}
					if names := sig.columns(p.Call, e); names != nil {
						ts, call, ok = tupleSig{sig: sig, spread: true}, e, true
						for _, n := range names {
							ts.fields = append(ts.fields, tupleField{Name: n, T: column.Dynamic})
						}
					}
				}
			}
		}
		if !ok {
			if len(ne.Names) > 0 {
				return nil, nil, errAt(ne.Pos, "only a function that returns several columns (such as series_stats) takes a list of names")
			}
			continue
		}
		c := p.Call
		if call == nil {
			var err error
			if call, err = b.tupleCallExpr(c, ts, sc); err != nil {
				return nil, nil, err
			}
		}
		if pre == nil {
			pre = &Project{Input: in}
			for i, f := range in.Out() {
				pre.Exprs = append(pre.Exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
				pre.Schema = append(pre.Schema, f)
			}
			tuples = map[*syntax.NamedExpr]*tupleCall{}
		}
		tc := &tupleCall{sig: ts, hidden: len(pre.Exprs), col: hiddenColumn(len(tuples))}
		pre.Exprs = append(pre.Exprs, call)
		pre.Schema = append(pre.Schema, column.Field{Name: tc.col, Type: column.Dynamic})
		// Derived names: fn_arg_field, arg being the first argument's
		// column name ("" for an expression).
		arg := ""
		if len(c.Args) > 0 && c.Args[0].Expr != nil {
			if name, _, ok := identOf(c.Args[0].Expr); ok {
				arg = name
			}
		}
		given := ne.Names
		if ne.Name != "" {
			given = []string{ne.Name}
		}
		if len(given) > len(ts.fields) {
			return nil, nil, errAt(ne.Pos, "%s() returns %d columns, got %d names", c.Name, len(ts.fields), len(given))
		}
		for k, f := range ts.fields {
			switch {
			case k < len(given):
				tc.names = append(tc.names, unquoteIdent(given[k]))
			case ts.spread && (len(given) == 0 || !extend):
				tc.names = append(tc.names, f.Name)
			case len(given) == 0 || !extend:
				tc.names = append(tc.names, c.Name+"_"+arg+"_"+f.Name)
			}
		}
		tuples[ne] = tc
	}
	if pre == nil {
		return in, nil, nil
	}
	return pre, tuples, nil
}

// tupleCallExpr plans the arguments of a multi-column call and resolves it.
func (b *builder) tupleCallExpr(c *syntax.Call, ts tupleSig, sc *scope) (Expr, error) {
	if len(c.Args) < ts.sig.minArgs || len(c.Args) > ts.sig.maxArgs {
		return nil, errAt(c.Pos, "%s() takes %s, got %d", c.Name, ts.sig.argsText, len(c.Args))
	}
	args := make([]Expr, len(c.Args))
	for i, a := range c.Args {
		if a.Star || a.Expr == nil || len(a.Ops) > 0 {
			return nil, errAt(a.Pos, "%s() takes scalar arguments", c.Name)
		}
		e, err := b.expr(a.Expr, sc)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	return ts.sig.resolve(b, c, args)
}

// field reads field k of the call's bag from the hidden column, at the
// field's type.
func (tc *tupleCall) field(k int) Expr {
	f := tc.sig.fields[k]
	bag := &ColRef{Index: tc.hidden, Name: tc.col, T: column.Dynamic}
	var key Expr = &Const{T: column.String, Val: f.Name}
	if tc.sig.spread {
		key = &Const{T: column.Long, Val: int64(k)}
	}
	get := &Call{Fn: "dyn_get", Args: []Expr{bag, key}, T: column.Dynamic}
	return convertTo(get, f.T)
}
