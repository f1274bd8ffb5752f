package plan

import (
	"maps"
	"slices"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// User functions: let f = (a:type, t:(*)) { ... }. A call binds each scalar
// parameter to the argument's expression and each tabular parameter to the
// argument's tabular expression, then plans the body in place, so the body
// may refer to columns passed in. https://learn.microsoft.com/kusto/query/functions/user-defined-functions

// bodyResult is the last statement of a function body.
func bodyResult(f *syntax.FuncDef) *syntax.Pipeline {
	if len(f.Body) == 0 {
		return nil
	}
	return f.Body[len(f.Body)-1].Query
}

// isTabularFunc reports whether f's body ends in a tabular expression.
func (b *builder) isTabularFunc(f *syntax.FuncDef) bool {
	p := bodyResult(f)
	if p == nil {
		return false
	}
	if p.Tabular() {
		return true
	}
	if name, _, ok := identOf(p.Source); ok {
		for _, par := range f.Params {
			if par.Name == name {
				return par.Tabular
			}
		}
	}
	return b.isTableRef(p.Source)
}

// withCall binds the arguments of a call to f's parameters and runs body
// with the bindings, restoring the caller's names afterwards.
func (b *builder) withCall(name string, f *syntax.FuncDef, c *syntax.Call, sc *scope, body func(*syntax.Pipeline) error) error {
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > 50 {
		return errAt(c.Pos, "function %s calls itself too deeply", name)
	}
	if len(c.Args) > len(f.Params) {
		return errAt(c.Pos, "%s() takes %d arguments, got %d", name, len(f.Params), len(c.Args))
	}
	args, err := argsByParam(name, f, c)
	if err != nil {
		return err
	}
	savedScalars, savedTables, savedFuncs := maps.Clone(b.scalars), maps.Clone(b.tables), maps.Clone(b.funcs)
	defer func() { b.scalars, b.tables, b.funcs = savedScalars, savedTables, savedFuncs }()
	bind := map[string]Expr{}
	tabs := map[string]*syntax.Pipeline{}
	for i, par := range f.Params {
		if args[i] == nil {
			if par.Default == nil {
				return errAt(c.Pos, "%s() needs argument %s", name, par.Name)
			}
			e, err := b.expr(par.Default, &scope{})
			if err != nil {
				return err
			}
			bind[par.Name] = e
			continue
		}
		a := args[i]
		if a.Star {
			return errAt(a.Pos, "%s() does not take *", name)
		}
		if par.Tabular {
			tabs[par.Name] = a.Pipeline()
			continue
		}
		if a.Tabular() {
			return errAt(a.Pos, "%s(): parameter %s takes a scalar", name, par.Name)
		}
		e, err := b.expr(a.Expr, sc)
		if err != nil {
			return err
		}
		if t, ok := column.ParseType(par.Type); ok && t != e.Type() {
			switch {
			case t == column.Real && e.Type().IsNumeric():
				e = toReal(e)
			case (t == column.Long || t == column.Int) && (e.Type() == column.Long || e.Type() == column.Int):
			case t == column.Dynamic:
			default:
				return errAt(a.Pos, "%s(): parameter %s is %s, got %s", name, par.Name, t, e.Type())
			}
		}
		bind[par.Name] = e
	}
	for n, e := range bind {
		delete(b.tables, n)
		b.scalars[n] = e
	}
	for n, p := range tabs {
		delete(b.scalars, n)
		b.tables[n] = p
	}
	b.fnDepth++
	defer func() { b.fnDepth-- }()
	for _, st := range f.Body[:len(f.Body)-1] {
		if st.Let == nil {
			return errAt(st.Pos, "only let statements may come before a function's result")
		}
		if err := b.let(st.Let); err != nil {
			return err
		}
	}
	p := bodyResult(f)
	if p == nil {
		return errAt(f.Pos, "function %s has no result", name)
	}
	return body(p)
}

// callUser plans a call to a user function in a scalar position.
func (b *builder) callUser(name string, f *syntax.FuncDef, c *syntax.Call, sc *scope) (Expr, error) {
	if b.isTabularFunc(f) {
		return nil, errAt(c.Pos, "%s() returns a table: use it where a table goes", name)
	}
	var out Expr
	err := b.withCall(name, f, c, sc, func(p *syntax.Pipeline) error {
		e, err := b.expr(p.Source, sc)
		out = e
		return err
	})
	return out, err
}

// sourceUser plans a call to a user function in a tabular position.
func (b *builder) sourceUser(name string, f *syntax.FuncDef, c *syntax.Call) (Node, error) {
	if !b.isTabularFunc(f) {
		return nil, errAt(c.Pos, "%s() returns a scalar, not a table", name)
	}
	var out Node
	err := b.withCall(name, f, c, &scope{}, func(p *syntax.Pipeline) error {
		n, err := b.tabular(p)
		out = n
		return err
	})
	return out, err
}

// argsByParam matches a call's arguments to f's parameters: a positional
// one to the parameter at its place, a named one (f(len = 3)) to the
// parameter of its name; a parameter without an argument is nil.
func argsByParam(name string, f *syntax.FuncDef, c *syntax.Call) ([]*syntax.Arg, error) {
	args := make([]*syntax.Arg, len(f.Params))
	for i, a := range c.Args {
		if a.Name == "" {
			if args[i] != nil {
				return nil, errAt(a.Pos, "%s(): parameter %s is given twice", name, f.Params[i].Name)
			}
			args[i] = a
			continue
		}
		k := slices.IndexFunc(f.Params, func(p *syntax.FuncParam) bool { return p.Name == a.Name })
		switch {
		case k < 0:
			return nil, errAt(a.Pos, "%s() has no parameter %s", name, a.Name)
		case args[k] != nil:
			return nil, errAt(a.Pos, "%s(): parameter %s is given twice", name, a.Name)
		}
		args[k] = a
	}
	return args, nil
}
