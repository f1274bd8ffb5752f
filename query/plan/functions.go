package plan

import (
	"fmt"
	"sort"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// funcSig types a scalar function call. The exec package implements each
// function under the same key (the Call's Fn).
type funcSig struct {
	minArgs, maxArgs int
	argsText         string
	resolve          func(b *builder, c *syntax.Call, args []Expr) (Expr, error)
}

// aggSig types an aggregation function.
type aggSig struct {
	minArgs, maxArgs int
	argsText         string
	// predicateOnly: the argument is a predicate, so the column is named
	// fn_ (countif_) rather than fn_Column.
	predicateOnly bool
	resolve       func(c *syntax.Call, args []Expr) (*AggCall, error)
}

// functions and aggregates are the signature registries. Files add to them
// in init functions (the maps exist before any init runs).
var (
	functions  = map[string]funcSig{}
	aggregates = map[string]aggSig{}
	// typeofFuncs are the functions that take a typeof(T) argument.
	typeofFuncs = map[string]bool{}
)

// addFuncs registers scalar function signatures; a name registered twice is a
// bug.
func addFuncs(m map[string]funcSig) {
	for k, v := range m {
		if _, dup := functions[k]; dup {
			panic("BUG: function registered twice: " + k)
		}
		functions[k] = v
	}
}

// addAggs registers aggregation signatures.
func addAggs(m map[string]aggSig) {
	for k, v := range m {
		if _, dup := aggregates[k]; dup {
			panic("BUG: aggregation registered twice: " + k)
		}
		aggregates[k] = v
	}
}

func aggregateNames() []string {
	names := make([]string, 0, len(aggregates))
	for n := range aggregates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func functionNames() []string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func argErr(c *syntax.Call, i int, want string, got column.Type) error {
	pos := c.Pos
	if i < len(c.Args) {
		pos = c.Args[i].Pos
	}
	return errAt(pos, "%s() argument %d must be %s, got %s", c.Name, i+1, want, got)
}

// simple returns a signature for a function of fixed argument types.
func simple(ret column.Type, fn string, want ...func(column.Type) bool) funcSig {
	return funcSig{minArgs: len(want), maxArgs: len(want), argsText: fmt.Sprintf("%d argument(s)", len(want)),
		resolve: func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			for i, w := range want {
				if !w(args[i].Type()) {
					return nil, argErr(c, i, typeWant(w), args[i].Type())
				}
			}
			return &Call{Fn: fn, Args: args, T: ret}, nil
		}}
}

func isString(t column.Type) bool   { return t == column.String }
func isDatetime(t column.Type) bool { return t == column.Datetime }
func isBool(t column.Type) bool     { return t == column.Bool }
func isAny(t column.Type) bool      { return true }
func isNum(t column.Type) bool      { return t.IsNumeric() }

func typeWant(w func(column.Type) bool) string {
	switch {
	case w(column.String) && w(column.Long):
		return "a scalar"
	case w(column.String):
		return "a string"
	case w(column.Datetime):
		return "a datetime"
	case w(column.Bool):
		return "a bool"
	case w(column.Long):
		return "a number"
	}
	return "of another type"
}

func init() {
	conv := func(ret column.Type, fn string) funcSig { return simple(ret, fn, isAny) }
	addFuncs(map[string]funcSig{
		"ago": {1, 1, "one timespan", func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			if args[0].Type() != column.Timespan {
				return nil, argErr(c, 0, "a timespan such as 7d", args[0].Type())
			}
			now := &Const{T: column.Datetime, Val: b.opts.Now}
			return foldSub(now, args[0]), nil
		}},
		"now": {0, 1, "no argument or one timespan offset", func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			now := &Const{T: column.Datetime, Val: b.opts.Now}
			if len(args) == 0 {
				return now, nil
			}
			if args[0].Type() != column.Timespan {
				return nil, argErr(c, 0, "a timespan", args[0].Type())
			}
			if k, ok := args[0].(*Const); ok && k.Val != nil {
				return &Const{T: column.Datetime, Val: b.opts.Now + k.Val.(int64)}, nil
			}
			return &Call{Fn: "+", Args: []Expr{now, args[0]}, T: column.Datetime}, nil
		}},
		"bin":        binSig("bin"),
		"floor":      binSig("floor"),
		"not":        simple(column.Bool, "not", isBool),
		"isnull":     simple(column.Bool, "isnull", isAny),
		"isnotnull":  simple(column.Bool, "isnotnull", isAny),
		"isempty":    simple(column.Bool, "isempty", isAny),
		"isnotempty": simple(column.Bool, "isnotempty", isAny),
		"tostring":   conv(column.String, "tostring"),
		"tolong":     conv(column.Long, "tolong"),
		"toint":      conv(column.Int, "toint"),
		"todouble":   conv(column.Real, "toreal"),
		"toreal":     conv(column.Real, "toreal"),
		"tobool":     conv(column.Bool, "tobool"),
		"toboolean":  conv(column.Bool, "tobool"),
		"todatetime": conv(column.Datetime, "todatetime"),
		"totimespan": conv(column.Timespan, "totimespan"),
		"iff":        iffSig(),
		"iif":        iffSig(),
		"strcat": {1, 64, "1 to 64 arguments", func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			for i := range args {
				args[i] = asString(args[i])
			}
			return &Call{Fn: "strcat", Args: args, T: column.String}, nil
		}},
	})

	numeric := func(fn string, ret func(column.Type) column.Type) aggSig {
		return aggSig{1, 1, "one argument", false, func(c *syntax.Call, args []Expr) (*AggCall, error) {
			t := args[0].Type()
			if !(t.IsNumeric() || t == column.Timespan) {
				return nil, argErr(c, 0, "a number or timespan", t)
			}
			return &AggCall{Fn: fn, Arg: args[0], Type: ret(t)}, nil
		}}
	}
	addAggs(map[string]aggSig{
		"count": {0, 1, "no argument", false, func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if len(args) == 1 {
				// count(expr) counts rows where expr is not null.
				return &AggCall{Fn: "countnotnull", Arg: args[0], Type: column.Long}, nil
			}
			return &AggCall{Fn: "count", Type: column.Long}, nil
		}},
		"countif": {1, 1, "one bool predicate", true, func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if args[0].Type() != column.Bool {
				return nil, argErr(c, 0, "a bool predicate", args[0].Type())
			}
			return &AggCall{Fn: "countif", Pred: args[0], Type: column.Long}, nil
		}},
		"dcount": {1, 2, "one or two arguments (expression, accuracy)", false, func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if args[0].Type() == column.Dynamic {
				return nil, argErr(c, 0, "a scalar", args[0].Type())
			}
			return &AggCall{Fn: "dcount", Arg: args[0], Type: column.Long}, nil
		}},
		"sum": numeric("sum", func(t column.Type) column.Type {
			if t == column.Int {
				return column.Long
			}
			return t
		}),
		"avg": numeric("avg", func(t column.Type) column.Type {
			if t == column.Timespan {
				return column.Timespan
			}
			return column.Real
		}),
		"min": minMax("min"),
		"max": minMax("max"),
	})
}

func minMax(fn string) aggSig {
	return aggSig{1, 1, "one argument", false, func(c *syntax.Call, args []Expr) (*AggCall, error) {
		t := args[0].Type()
		if !orderable(t) {
			return nil, argErr(c, 0, "a number, string, datetime or timespan", t)
		}
		return &AggCall{Fn: fn, Arg: args[0], Type: t}, nil
	}}
}

// foldSub returns a - b, folded when both are constants.
func foldSub(a *Const, b Expr) Expr {
	if k, ok := b.(*Const); ok {
		if k.Val == nil {
			return &Const{T: column.Datetime}
		}
		return &Const{T: column.Datetime, Val: a.Val.(int64) - k.Val.(int64)}
	}
	return &Call{Fn: "-", Args: []Expr{a, b}, T: column.Datetime}
}

func binSig(fn string) funcSig {
	return funcSig{2, 2, "two arguments (value, bin size)", func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		v, size := args[0], args[1]
		switch vt, st := v.Type(), size.Type(); {
		case (vt == column.Datetime || vt == column.Timespan) && st == column.Timespan:
		case vt.IsNumeric() && st.IsNumeric():
			if vt == column.Real || st == column.Real {
				v, size = toReal(v), toReal(size)
			}
		default:
			return nil, errAt(c.Pos, "%s() needs a number with a numeric size, or a datetime/timespan with a timespan size; got %s and %s", c.Name, vt, st)
		}
		if k, ok := size.(*Const); ok && k.Val != nil {
			if x, ok := k.Val.(int64); ok && x <= 0 {
				return nil, errAt(c.Args[1].Pos, "%s() bin size must be positive", c.Name)
			}
			if x, ok := k.Val.(float64); ok && x <= 0 {
				return nil, errAt(c.Args[1].Pos, "%s() bin size must be positive", c.Name)
			}
		}
		t := v.Type()
		if t == column.Int && size.Type() == column.Long {
			t = column.Long
		}
		return &Call{Fn: "bin", Args: []Expr{v, size}, T: t}, nil
	}}
}

func iffSig() funcSig {
	return funcSig{3, 3, "three arguments (condition, then, else)", func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		if args[0].Type() != column.Bool {
			return nil, argErr(c, 0, "a bool condition", args[0].Type())
		}
		a, e := args[1], args[2]
		if a.Type() != e.Type() {
			if a.Type().IsNumeric() && e.Type().IsNumeric() {
				a, e = toReal(a), toReal(e)
				if args[1].Type() != column.Real && args[2].Type() != column.Real {
					a, e = args[1], args[2] // int and long: both as long
				}
			} else {
				return nil, errAt(c.Pos, "%s() branches must have the same type, got %s and %s", c.Name, a.Type(), e.Type())
			}
		}
		t := a.Type()
		if t == column.Int && e.Type() == column.Long {
			t = column.Long
		}
		return &Call{Fn: "iff", Args: []Expr{args[0], a, e}, T: t}, nil
	}}
}

func (b *builder) call(c *syntax.Call, sc *scope) (Expr, error) {
	name := c.Name
	if f, ok := b.funcs[name]; ok {
		return b.callUser(name, f, c, sc)
	}
	switch name {
	case "typeof":
		return typeOf(c)
	case "toscalar":
		if len(c.Args) != 1 || c.Args[0].Star {
			return nil, errAt(c.Pos, "toscalar() takes one tabular expression")
		}
		a := c.Args[0]
		n, err := b.tabular(&syntax.Pipeline{Pos: a.Pos, Union: a.Union, Source: a.Expr, Ops: a.Ops})
		if err != nil {
			return nil, err
		}
		n = Optimize(n)
		s := n.Out()
		if len(s) == 0 {
			return nil, errAt(c.Pos, "toscalar() of a table with no columns")
		}
		return &Subquery{Node: n, Scalar: true, T: s[0].Type}, nil
	case "materialize":
		return nil, errAt(c.Pos, "materialize() takes a tabular expression and can only be used as one")
	}
	sig, ok := functions[name]
	if !ok {
		if _, tuple := tupleFuncs[name]; tuple {
			return nil, errAt(c.Pos, "%s() returns several columns: use it alone in extend or project, as in extend (a, b) = %s(...)", name, name)
		}
		if _, agg := aggregates[name]; agg {
			return nil, errAt(c.Pos, "%s() is an aggregation function: use it in summarize", name)
		}
		if name == "datetime" || name == "timespan" {
			return b.typedLiteral(c, sc)
		}
		msg := fmt.Sprintf("unknown function '%s'", name)
		if s := Suggest(name, functionNames()); s != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", s)
		} else if lower := strings.ToLower(name); lower != name {
			if _, ok := functions[lower]; ok {
				msg += fmt.Sprintf(" (function names are case-sensitive: '%s')", lower)
			}
		}
		return nil, errAt(c.Pos, "%s", msg)
	}
	if len(c.Args) < sig.minArgs || len(c.Args) > sig.maxArgs {
		return nil, errAt(c.Pos, "%s() takes %s, got %d", name, sig.argsText, len(c.Args))
	}
	args := make([]Expr, len(c.Args))
	for i, a := range c.Args {
		if a.Star {
			return nil, errAt(a.Pos, "%s() does not take *", name)
		}
		if len(a.Ops) > 0 || a.Union != nil {
			return nil, errAt(a.Pos, "%s() takes a scalar, not a tabular expression", name)
		}
		if tl, ok, err := typeofArg(a.Expr); ok {
			if err != nil {
				return nil, err
			}
			if !typeofFuncs[name] {
				return nil, errAt(a.Pos, "%s() does not take a typeof() argument", name)
			}
			args[i] = tl
			continue
		}
		e, err := b.expr(a.Expr, sc)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	return sig.resolve(b, c, args)
}

// typedLiteral handles datetime("...") and timespan("...") with a string.
func (b *builder) typedLiteral(c *syntax.Call, sc *scope) (Expr, error) {
	if len(c.Args) != 1 || c.Args[0].Expr == nil {
		return nil, errAt(c.Pos, "%s() takes one value", c.Name)
	}
	e, err := b.expr(c.Args[0].Expr, sc)
	if err != nil {
		return nil, err
	}
	k, ok := e.(*Const)
	if !ok || k.T != column.String {
		return nil, errAt(c.Pos, "%s() takes a literal value", c.Name)
	}
	if c.Name == "datetime" {
		t, err := column.ParseKQLDatetime(k.Val.(string))
		if err != nil {
			return nil, errAt(c.Args[0].Pos, "%v", err)
		}
		return &Const{T: column.Datetime, Val: t}, nil
	}
	t, err := column.ParseTimespan(k.Val.(string))
	if err != nil {
		return nil, errAt(c.Args[0].Pos, "%v", err)
	}
	return &Const{T: column.Timespan, Val: t}, nil
}
