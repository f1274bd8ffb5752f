package plan

import (
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Datetime function signatures; kernels in exec/fn_datetime.go.
// https://learn.microsoft.com/kusto/query/datetime-timespan-arithmetic

// datetimeParts are the period names datetime_diff, datetime_add and
// datetime_part accept (case-insensitive), mapped to a canonical name.
var datetimeParts = map[string]string{
	"year": "year", "quarter": "quarter", "month": "month", "week": "week", "week_of_year": "week",
	"day": "day", "dayofyear": "dayofyear", "hour": "hour", "minute": "minute", "second": "second",
	"millisecond": "millisecond", "microsecond": "microsecond", "nanosecond": "nanosecond",
}

// partArg returns argument i, a constant period name, canonicalised.
func partArg(c *syntax.Call, args []Expr, i int, allowed ...string) (Expr, error) {
	s, err := constStr(c, args, i)
	if err != nil {
		return nil, err
	}
	p, ok := datetimeParts[strings.ToLower(s)]
	if ok && len(allowed) > 0 {
		ok = false
		for _, a := range allowed {
			if a == p {
				ok = true
			}
		}
	}
	if !ok {
		return nil, errAt(argPos(c, i), "%s(): unknown period '%s' (expected Year, Quarter, Month, Week, Day, Hour, Minute, Second, Millisecond, Microsecond or Nanosecond)", c.Name, s)
	}
	return &Const{T: column.String, Val: p}, nil
}

// startEndSig types startofX/endofX(date [, offset]).
func startEndSig(fn string) funcSig {
	return fsig(1, 2, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		d, err := dtArg(c, args, 0)
		if err != nil {
			return nil, err
		}
		off := Expr(&Const{T: column.Long, Val: int64(0)})
		if len(args) == 2 {
			if off, err = intArg(c, args, 1); err != nil {
				return nil, err
			}
		}
		return &Call{Fn: fn, Args: []Expr{d, off}, T: column.Datetime}, nil
	})
}

func dtPartSig(fn string, ret column.Type) funcSig {
	return fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		d, err := dtArg(c, args, 0)
		if err != nil {
			return nil, err
		}
		return &Call{Fn: fn, Args: []Expr{d}, T: ret}, nil
	})
}

func init() {
	addFuncs(map[string]funcSig{
		"startofday":   startEndSig("startofday"),
		"startofweek":  startEndSig("startofweek"),
		"startofmonth": startEndSig("startofmonth"),
		"startofyear":  startEndSig("startofyear"),
		"endofday":     startEndSig("endofday"),
		"endofweek":    startEndSig("endofweek"),
		"endofmonth":   startEndSig("endofmonth"),
		"endofyear":    startEndSig("endofyear"),
		"hourofday":    dtPartSig("hourofday", column.Int),
		"dayofmonth":   dtPartSig("dayofmonth", column.Int),
		"dayofweek":    dtPartSig("dayofweek", column.Timespan),
		"dayofyear":    dtPartSig("dayofyear", column.Int),
		"getyear":      dtPartSig("getyear", column.Int),
		"getmonth":     dtPartSig("monthofyear", column.Int),
		"monthofyear":  dtPartSig("monthofyear", column.Int),
		"weekofyear":   dtPartSig("weekofyear", column.Int),
		"week_of_year": dtPartSig("weekofyear", column.Int),
		// https://learn.microsoft.com/kusto/query/datetime-diff-function
		"datetime_diff": fsig(3, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			p, err := partArg(c, args, 0, "year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond")
			if err != nil {
				return nil, err
			}
			d1, err := dtArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			d2, err := dtArg(c, args, 2)
			if err != nil {
				return nil, err
			}
			return &Call{Fn: "datetime_diff", Args: []Expr{p, d1, d2}, T: column.Long}, nil
		}),
		// https://learn.microsoft.com/kusto/query/datetime-add-function
		"datetime_add": fsig(3, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			p, err := partArg(c, args, 0, "year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond")
			if err != nil {
				return nil, err
			}
			n, err := intArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			d, err := dtArg(c, args, 2)
			if err != nil {
				return nil, err
			}
			return &Call{Fn: "datetime_add", Args: []Expr{p, n, d}, T: column.Datetime}, nil
		}),
		// https://learn.microsoft.com/kusto/query/datetime-part-function
		"datetime_part": fsig(2, 2, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			p, err := partArg(c, args, 0)
			if err != nil {
				return nil, err
			}
			d, err := dtArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			return &Call{Fn: "datetime_part", Args: []Expr{p, d}, T: column.Int}, nil
		}),
		// https://learn.microsoft.com/kusto/query/format-datetime-function
		"format_datetime": fsig(2, 2, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			d, err := dtArg(c, args, 0)
			if err != nil {
				return nil, err
			}
			f, err := strArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			return &Call{Fn: "format_datetime", Args: []Expr{d, f}, T: column.String}, nil
		}),
		// https://learn.microsoft.com/kusto/query/format-timespan-function
		"format_timespan": fsig(2, 2, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			if args[0].Type() != column.Timespan {
				return nil, argErr(c, 0, "a timespan", args[0].Type())
			}
			f, err := strArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			return &Call{Fn: "format_timespan", Args: []Expr{args[0], f}, T: column.String}, nil
		}),
		// https://learn.microsoft.com/kusto/query/bin-at-function
		"bin_at": fsig(3, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			v, size, fixed := args[0], args[1], args[2]
			switch vt, st, ft := v.Type(), size.Type(), fixed.Type(); {
			case vt == column.Datetime && st == column.Timespan && ft == column.Datetime,
				vt == column.Timespan && st == column.Timespan && ft == column.Timespan:
			case vt.IsNumeric() && st.IsNumeric() && ft.IsNumeric():
				if vt == column.Real || st == column.Real || ft == column.Real {
					v, size, fixed = toReal(v), toReal(size), toReal(fixed)
				} else if vt == column.Int {
					v = convertTo(v, column.Long)
				}
			default:
				return nil, errAt(c.Pos, "bin_at() needs a value, bin size and fixed point of matching types (number, or datetime/timespan with a timespan size), got %s, %s and %s", vt, st, ft)
			}
			return &Call{Fn: "bin_at", Args: []Expr{v, size, fixed}, T: v.Type()}, nil
		}),
		"unixtime_seconds_todatetime":      unixSig("unixtime_seconds_todatetime"),
		"unixtime_milliseconds_todatetime": unixSig("unixtime_milliseconds_todatetime"),
		"unixtime_microseconds_todatetime": unixSig("unixtime_microseconds_todatetime"),
		"unixtime_nanoseconds_todatetime":  unixSig("unixtime_nanoseconds_todatetime"),
		// https://learn.microsoft.com/kusto/query/make-datetime-function
		"make_datetime": fsig(3, 6, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			out := make([]Expr, len(args))
			for i := range args {
				var err error
				if i == 5 {
					out[i], err = realArg(c, args, i)
				} else {
					out[i], err = intArg(c, args, i)
				}
				if err != nil {
					return nil, err
				}
			}
			return &Call{Fn: "make_datetime", Args: out, T: column.Datetime}, nil
		}),
	})
}

func unixSig(fn string) funcSig {
	return fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		x, err := realArg(c, args, 0)
		if err != nil {
			return nil, err
		}
		return &Call{Fn: fn, Args: []Expr{x}, T: column.Datetime}, nil
	})
}
