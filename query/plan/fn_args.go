package plan

import (
	"fmt"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Argument helpers shared by the function signatures in fn_*.go. Each checks
// (and where Kusto converts implicitly, converts) argument i of call c,
// reporting errors at the argument's position.

type resolveFunc = func(b *builder, c *syntax.Call, args []Expr) (Expr, error)

// fsig is a funcSig literal with the argument-count text derived from the
// bounds.
func fsig(minArgs, maxArgs int, r resolveFunc) funcSig {
	text := fmt.Sprintf("%d to %d arguments", minArgs, maxArgs)
	switch {
	case minArgs == maxArgs && minArgs == 1:
		text = "one argument"
	case minArgs == maxArgs:
		text = fmt.Sprintf("%d arguments", minArgs)
	case maxArgs >= 64:
		text = fmt.Sprintf("at least %d arguments", minArgs)
	}
	return funcSig{minArgs: minArgs, maxArgs: maxArgs, argsText: text, resolve: r}
}

// strArg accepts a string, or a dynamic value read as its text.
func strArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	switch args[i].Type() {
	case column.String:
		return args[i], nil
	case column.Dynamic:
		return asString(args[i]), nil
	}
	return nil, argErr(c, i, "a string", args[i].Type())
}

// textArg accepts any scalar, converted to its text as Kusto does for
// functions documented to cast their argument to string.
func textArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	if _, ok := args[i].(*typeLit); ok {
		return nil, argErr(c, i, "a scalar", args[i].Type())
	}
	return asString(args[i]), nil
}

// intArg accepts an int or long (a real is truncated, as Kusto does).
func intArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	switch t := args[i].Type(); t {
	case column.Long, column.Int:
		return args[i], nil
	case column.Real, column.Dynamic:
		return &Call{Fn: "tolong", Args: []Expr{args[i]}, T: column.Long}, nil
	}
	return nil, argErr(c, i, "an integer", args[i].Type())
}

// numArg accepts an int, long or real, converted to real.
func realArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	switch args[i].Type() {
	case column.Long, column.Int, column.Real, column.Dynamic:
		return toReal(args[i]), nil
	}
	return nil, argErr(c, i, "a number", args[i].Type())
}

// boolArg accepts a bool (a dynamic value is converted).
func boolArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	switch args[i].Type() {
	case column.Bool:
		return args[i], nil
	case column.Dynamic:
		return &Call{Fn: "tobool", Args: []Expr{args[i]}, T: column.Bool}, nil
	}
	return nil, argErr(c, i, "a bool", args[i].Type())
}

// dtArg accepts a datetime (a dynamic or string value is converted).
func dtArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	switch args[i].Type() {
	case column.Datetime:
		return args[i], nil
	case column.Dynamic:
		return &Call{Fn: "todatetime", Args: []Expr{args[i]}, T: column.Datetime}, nil
	}
	return nil, argErr(c, i, "a datetime", args[i].Type())
}

// dynArg converts any scalar to dynamic.
func dynArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	if _, ok := args[i].(*typeLit); ok {
		return nil, argErr(c, i, "a scalar", args[i].Type())
	}
	return asDynamic(args[i]), nil
}

// asDynamic wraps a non-dynamic expression so that it yields dynamic values
// (a string stays a string; it is not parsed as JSON).
func asDynamic(e Expr) Expr {
	if e.Type() == column.Dynamic {
		return e
	}
	return &Call{Fn: "todyn", Args: []Expr{e}, T: column.Dynamic}
}

// constStr returns argument i as a constant string.
func constStr(c *syntax.Call, args []Expr, i int) (string, error) {
	k, ok := args[i].(*Const)
	if !ok || k.T != column.String {
		return "", errAt(argPos(c, i), "%s() argument %d must be a constant string", c.Name, i+1)
	}
	s, _ := k.Val.(string)
	return s, nil
}

// constInt returns argument i as a constant integer.
func constInt(c *syntax.Call, args []Expr, i int) (int64, error) {
	k, ok := args[i].(*Const)
	if ok {
		switch v := k.Val.(type) {
		case int64:
			return v, nil
		case float64:
			return int64(v), nil
		}
	}
	return 0, errAt(argPos(c, i), "%s() argument %d must be a constant integer", c.Name, i+1)
}

func argPos(c *syntax.Call, i int) syntax.Position {
	if i < len(c.Args) {
		return c.Args[i].Pos
	}
	return c.Pos
}

// typeLit is typeof(T) used as an argument (extract's target type). It only
// lives between argument planning and a signature's resolve, which must
// consume it: it never reaches the executor.
type typeLit struct {
	T column.Type
}

func (t *typeLit) Type() column.Type { return t.T }
func (t *typeLit) String() string    { return "typeof(" + t.T.String() + ")" }

// typeofArg recognises typeof(T) as a call argument.
func typeofArg(e *syntax.Expr) (*typeLit, bool, error) {
	p := primaryOf(e)
	if p == nil || p.Call == nil || p.Call.Name != "typeof" {
		return nil, false, nil
	}
	c := p.Call
	if len(c.Args) != 1 || c.Args[0].Expr == nil {
		return nil, true, errAt(c.Pos, "typeof() takes one type name such as string or long")
	}
	name, pos, ok := identOf(c.Args[0].Expr)
	if !ok {
		return nil, true, errAt(c.Args[0].Pos, "typeof() takes a type name such as string or long")
	}
	t, ok := column.ParseType(name)
	if !ok {
		return nil, true, errAt(pos, "unknown type '%s'", name)
	}
	return &typeLit{T: t}, true, nil
}

// convertTo converts e to type t with the to*() conversion functions.
func convertTo(e Expr, t column.Type) Expr {
	if e.Type() == t {
		return e
	}
	fn := map[column.Type]string{
		column.String: "tostring", column.Long: "tolong", column.Int: "toint", column.Real: "toreal",
		column.Bool: "tobool", column.Datetime: "todatetime", column.Timespan: "totimespan",
		column.Dynamic: "parse_json", column.Guid: "tostring",
	}[t]
	if fn == "" {
		return e
	}
	return &Call{Fn: fn, Args: []Expr{e}, T: t}
}

// unifyAll brings the values of case/coalesce/max_of... to one type: numbers
// are promoted (int < long < real); otherwise all must have the same type.
// A null constant of another type adopts the common type.
func unifyAll(c *syntax.Call, vals []Expr) ([]Expr, column.Type, error) {
	var t column.Type
	for _, v := range vals {
		if k, ok := v.(*Const); ok && k.Val == nil && len(vals) > 1 {
			continue
		}
		vt := v.Type()
		switch {
		case t == column.Invalid || t == vt:
			t = vt
		case t.IsNumeric() && vt.IsNumeric():
			if t == column.Real || vt == column.Real {
				t = column.Real
			} else {
				t = column.Long
			}
		default:
			return nil, 0, errAt(c.Pos, "%s() arguments must have the same type, got %s and %s", c.Name, t, vt)
		}
	}
	if t == column.Invalid {
		t = vals[0].Type()
	}
	out := make([]Expr, len(vals))
	for i, v := range vals {
		if k, ok := v.(*Const); ok && k.Val == nil {
			out[i] = &Const{T: t}
			continue
		}
		switch {
		case v.Type() == t:
			out[i] = v
		case t == column.Real:
			out[i] = toReal(v)
		default:
			out[i] = convertTo(v, t)
		}
	}
	return out, t, nil
}
