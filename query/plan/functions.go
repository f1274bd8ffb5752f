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
	fnDoc            // topics.go
}

// aggSig types an aggregation function.
type aggSig struct {
	minArgs, maxArgs int
	argsText         string
	// predicateOnly: the argument is a predicate, so the column is named
	// fn_ (countif_) rather than fn_Column.
	predicateOnly bool
	resolve       func(c *syntax.Call, args []Expr) (*AggCall, error)
	fnDoc         // topics.go
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
		"ago": funcSig{minArgs: 1, maxArgs: 1, argsText: "one timespan", resolve: func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			if args[0].Type() != column.Timespan {
				return nil, argErr(c, 0, "a timespan such as 7d", args[0].Type())
			}
			now := &Const{T: column.Datetime, Val: b.opts.Now}
			return foldSub(now, args[0]), nil
		}}.doc("ago(Timespan)", "now() minus Timespan", "print ago(1h)"),
		"now": funcSig{minArgs: 0, maxArgs: 1, argsText: "no argument or one timespan offset", resolve: func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
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
		}}.doc("now([Offset])", "the current time, plus an optional timespan Offset", "print now(-1d)"),
		"bin":        binSig("bin").doc("bin(Value, RoundTo)", "rounds Value down to a multiple of RoundTo (datetimes from 0001-01-01)", "print bin(4.5, 1), bin(datetime(2024-03-01 17:45), 1h)"),
		"floor":      binSig("floor").doc("floor(Value, RoundTo)", "the same as bin()", "print floor(-4.5, 1)"),
		"not":        simple(column.Bool, "not", isBool).doc("not(Predicate)", "the logical negation of Predicate", "print not(1 > 2)"),
		"isnull":     simple(column.Bool, "isnull", isAny).doc("isnull(Expr)", "true when Expr is null", "print isnull(long(null)), isnull(0)"),
		"isnotnull":  simple(column.Bool, "isnotnull", isAny).doc("isnotnull(Expr)", "true when Expr is not null", "print isnotnull(long(null)), isnotnull(0)"),
		"isempty":    simple(column.Bool, "isempty", isAny).doc("isempty(Expr)", "true when Expr is null or an empty string", `print isempty(""), isempty("a")`),
		"isnotempty": simple(column.Bool, "isnotempty", isAny).doc("isnotempty(Expr)", "true when Expr is neither null nor an empty string", `print isnotempty(""), isnotempty("a")`),
		"tostring":   conv(column.String, "tostring").doc("tostring(Expr)", "Expr as a string", "print tostring(123)"),
		"tolong":     conv(column.Long, "tolong").doc("tolong(Expr)", "Expr as a long, or null if it does not convert", `print tolong("42"), tolong("x")`),
		"toint":      conv(column.Int, "toint").doc("toint(Expr)", "Expr as an int, or null if it does not convert", `print toint("42")`),
		"todouble":   conv(column.Real, "toreal").doc("todouble(Expr)", "Expr as a real, or null if it does not convert", `print todouble("1.5")`),
		"toreal":     conv(column.Real, "toreal").page("todouble-function").doc("toreal(Expr)", "the same as todouble()", `print toreal("1.5")`),
		"tobool":     conv(column.Bool, "tobool").doc("tobool(Expr)", "Expr as a bool, or null if it does not convert", `print tobool("true"), tobool(0)`),
		"toboolean":  conv(column.Bool, "tobool").page("tobool-function").doc("toboolean(Expr)", "the same as tobool()", `print toboolean("false")`),
		"todatetime": conv(column.Datetime, "todatetime").doc("todatetime(Expr)", "Expr as a datetime, or null if it does not convert", `print todatetime("2024-03-01 10:00")`),
		"totimespan": conv(column.Timespan, "totimespan").doc("totimespan(Expr)", "Expr as a timespan, or null if it does not convert", `print totimespan("01:30:00")`),
		"iff":        iffSig().doc("iff(Predicate, IfTrue, IfFalse)", "IfTrue where Predicate holds, else IfFalse", `print iff(2 > 1, "yes", "no")`),
		"iif":        iffSig().page("iff-function").doc("iif(Predicate, IfTrue, IfFalse)", "the same as iff()", `print iif(2 > 1, "yes", "no")`),
		"strcat": funcSig{minArgs: 1, maxArgs: 64, argsText: "1 to 64 arguments", resolve: func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			for i := range args {
				args[i] = asString(args[i])
			}
			return &Call{Fn: "strcat", Args: args, T: column.String}, nil
		}}.doc("strcat(Expr1, Expr2, ...)", "its 1 to 64 arguments as strings, concatenated", `print strcat("a", 1, "b")`),
	})

	numeric := func(fn string, ret func(column.Type) column.Type) aggSig {
		return aggSig{minArgs: 1, maxArgs: 1, argsText: "one argument", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			t := args[0].Type()
			if !(t.IsNumeric() || t == column.Timespan) {
				return nil, argErr(c, 0, "a number or timespan", t)
			}
			return &AggCall{Fn: fn, Arg: args[0], Type: ret(t)}, nil
		}}
	}
	addAggs(map[string]aggSig{
		"count": aggSig{minArgs: 0, maxArgs: 1, argsText: "no argument", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if len(args) == 1 {
				// count(expr) counts rows where expr is not null.
				return &AggCall{Fn: "countnotnull", Arg: args[0], Type: column.Long}, nil
			}
			return &AggCall{Fn: "count", Type: column.Long}, nil
		}}.doc("count()", "the number of rows of the group (column count_)", "range x from 1 to 10 step 1 | summarize count()"),
		"countif": aggSig{minArgs: 1, maxArgs: 1, argsText: "one bool predicate", predicateOnly: true, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if args[0].Type() != column.Bool {
				return nil, argErr(c, 0, "a bool predicate", args[0].Type())
			}
			return &AggCall{Fn: "countif", Pred: args[0], Type: column.Long}, nil
		}}.doc("countif(Predicate)", "the number of rows where Predicate is true (column countif_)", "range x from 1 to 10 step 1 | summarize countif(x % 2 == 0)"),
		"dcount": aggSig{minArgs: 1, maxArgs: 2, argsText: "one or two arguments (expression, accuracy)", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
			if args[0].Type() == column.Dynamic {
				return nil, argErr(c, 0, "a scalar", args[0].Type())
			}
			return &AggCall{Fn: "dcount", Arg: args[0], Type: column.Long}, nil
		}}.doc("dcount(Expr [, Accuracy])", "an estimate of the number of distinct values of Expr", "range x from 1 to 10 step 1 | summarize dcount(x % 3)"),
		"sum": numeric("sum", func(t column.Type) column.Type {
			if t == column.Int {
				return column.Long
			}
			return t
		}).doc("sum(Expr)", "the sum of Expr over the group", "range x from 1 to 10 step 1 | summarize sum(x)"),
		"avg": numeric("avg", func(t column.Type) column.Type {
			if t == column.Timespan {
				return column.Timespan
			}
			return column.Real
		}).doc("avg(Expr)", "the mean of Expr over the group", "range x from 1 to 10 step 1 | summarize avg(x)"),
		"min": minMax("min").doc("min(Expr)", "the smallest value of Expr over the group", "range x from 1 to 10 step 1 | summarize min(x)"),
		"max": minMax("max").doc("max(Expr)", "the largest value of Expr over the group", "range x from 1 to 10 step 1 | summarize max(x)"),
	})
}

func minMax(fn string) aggSig {
	return aggSig{minArgs: 1, maxArgs: 1, argsText: "one argument", predicateOnly: false, resolve: func(c *syntax.Call, args []Expr) (*AggCall, error) {
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
	return funcSig{minArgs: 2, maxArgs: 2, argsText: "two arguments (value, bin size)", resolve: func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
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
	return funcSig{minArgs: 3, maxArgs: 3, argsText: "three arguments (condition, then, else)", resolve: func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
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

// builtinCalls are the calls b.call plans itself, not through the
// function registry.
var builtinCalls = map[string]bool{"typeof": true, "toscalar": true, "materialize": true}

func (b *builder) call(c *syntax.Call, sc *scope) (Expr, error) {
	name := c.Name
	if f, ok := b.funcs[name]; ok {
		return b.callUser(name, f, c, sc)
	}
	if w, ok := windowFuncs[name]; ok {
		return b.windowCall(c, sc, w)
	}
	if _, ok := aggregates[name]; ok && sc.aggs != nil {
		return b.liftAggregate(c, sc.aggs)
	}
	switch name {
	case "typeof":
		return typeOf(c)
	case "toscalar":
		if len(c.Args) != 1 || c.Args[0].Star {
			return nil, errAt(c.Pos, "toscalar() takes one tabular expression")
		}
		a := c.Args[0]
		n, err := b.tabular(a.Pipeline())
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
		if _, ok := literalTypes[name]; ok {
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
		if a.Tabular() {
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
