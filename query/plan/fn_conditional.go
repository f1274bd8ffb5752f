package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Conditional function signatures; kernels in exec/fn_conditional.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#conditional-functions

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

// extremeSig types max_of()/min_of(): two or more values of one orderable
// type. https://learn.microsoft.com/kusto/query/max-of-function
func extremeSig(fn string) funcSig {
	return fsig(2, 64, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		vals, t, err := unifyAll(c, args)
		if err != nil {
			return nil, err
		}
		if !orderable(t) {
			return nil, errAt(c.Pos, "%s() needs numbers, strings, datetimes or timespans, got %s", c.Name, t)
		}
		return &Call{Fn: fn, Args: vals, T: t}, nil
	})
}

// assertSig types assert(Condition, Message): the condition must not
// depend on a row (Kusto evaluates it while analysing the query) and the
// message must be a string literal.
// https://learn.microsoft.com/kusto/query/assert-function
func assertSig() funcSig {
	return fsig(2, 2, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		if args[0].Type() != column.Bool {
			return nil, argErr(c, 0, "a bool condition", args[0].Type())
		}
		if !isConstant(args[0]) {
			return nil, errAt(argPos(c, 0), "assert() condition must be a constant: it cannot depend on a row's columns")
		}
		msg, err := constStr(c, args, 1)
		if err != nil {
			return nil, err
		}
		return &Call{Fn: "assert", Args: []Expr{args[0], &Const{T: column.String, Val: msg}}, T: column.Bool}, nil
	})
}

// aroundSig types around(Value, Center, Delta): numbers (compared as
// reals), or datetimes or timespans with a timespan delta (compared as
// ticks).
// https://learn.microsoft.com/kusto/query/around-function
func aroundSig() funcSig {
	return fsig(3, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		v, ctr, d := args[0], args[1], args[2]
		switch vt := v.Type(); {
		case vt.IsNumeric() && ctr.Type().IsNumeric() && d.Type().IsNumeric():
			return &Call{Fn: "around", Args: []Expr{toReal(v), toReal(ctr), toReal(d)}, T: column.Bool}, nil
		case (vt == column.Datetime || vt == column.Timespan) && ctr.Type() == vt && d.Type() == column.Timespan:
			return &Call{Fn: "around", Args: args, T: column.Bool}, nil
		}
		return nil, errAt(c.Pos, "around() needs three numbers, or a datetime or timespan value and center with a timespan delta; got %s, %s and %s", v.Type(), ctr.Type(), d.Type())
	})
}

func init() {
	addFuncs(map[string]funcSig{
		"assert": assertSig().doc("assert(Condition, Message)", "true when the constant Condition holds; otherwise the query fails with Message", `print assert(1 < 2, "one is less than two")`),
		"around": aroundSig().doc("around(Value, Center, Delta)", "whether Value lies within Delta of Center, bounds included (null if any argument is null)", "range dt from datetime(2021-01-01 01:00) to datetime(2021-01-01 02:00) step 1min | where around(dt, datetime(2021-01-01 01:30), 1min)"),
		"iff":    iffSig().doc("iff(Predicate, IfTrue, IfFalse)", "IfTrue where Predicate holds, else IfFalse", `print iff(2 > 1, "yes", "no")`),
		"iif":    iffSig().page("iff-function").doc("iif(Predicate, IfTrue, IfFalse)", "the same as iff()", `print iif(2 > 1, "yes", "no")`),
		// https://learn.microsoft.com/kusto/query/case-function
		"case": fsig(3, 64, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			if len(args)%2 == 0 {
				return nil, errAt(c.Pos, "case() takes predicate, value pairs and a final else value (an odd number of arguments), got %d", len(args))
			}
			var vals []Expr
			for i := 0; i < len(args)-1; i += 2 {
				if args[i].Type() != column.Bool {
					return nil, argErr(c, i, "a bool predicate", args[i].Type())
				}
				vals = append(vals, args[i+1])
			}
			vals = append(vals, args[len(args)-1])
			vals, t, err := unifyAll(c, vals)
			if err != nil {
				return nil, err
			}
			out := make([]Expr, len(args))
			for i := 0; i < len(args)-1; i += 2 {
				out[i], out[i+1] = args[i], vals[i/2]
			}
			out[len(args)-1] = vals[len(vals)-1]
			return &Call{Fn: "case", Args: out, T: t}, nil
		}).doc("case(Predicate1, Then1, Predicate2, Then2, ..., Else)", "the value after the first true predicate, else the last argument", `print case(5 > 10, "big", 5 > 3, "medium", "small")`),
		// https://learn.microsoft.com/kusto/query/coalesce-function
		"coalesce": fsig(1, 64, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			vals, t, err := unifyAll(c, args)
			if err != nil {
				return nil, err
			}
			return &Call{Fn: "coalesce", Args: vals, T: t}, nil
		}).doc("coalesce(Expr1, Expr2, ...)", "the first argument that is not null (nor an empty string)", "print coalesce(long(null), 5, 10)"),
		"max_of": extremeSig("max_of").doc("max_of(Expr1, Expr2, ...)", "the largest of its arguments (nulls ignored)", "print max_of(10, 1, -3, 17)"),
		"min_of": extremeSig("min_of").doc("min_of(Expr1, Expr2, ...)", "the smallest of its arguments (nulls ignored)", "print min_of(10, 1, -3, 17)"),
	})
}
