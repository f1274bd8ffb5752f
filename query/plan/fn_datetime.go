package plan

import (
	"math"
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
		"startofday":   startEndSig("startofday").doc("startofday(Date [, Offset])", "the start of the day of Date, shifted by Offset days", "print startofday(datetime(2024-03-01 17:45), -1)"),
		"startofweek":  startEndSig("startofweek").doc("startofweek(Date [, Offset])", "the start of the week (Sunday) of Date, shifted by Offset weeks", "print startofweek(datetime(2024-03-01))"),
		"startofmonth": startEndSig("startofmonth").doc("startofmonth(Date [, Offset])", "the start of the month of Date, shifted by Offset months", "print startofmonth(datetime(2024-03-15), 1)"),
		"startofyear":  startEndSig("startofyear").doc("startofyear(Date [, Offset])", "the start of the year of Date, shifted by Offset years", "print startofyear(datetime(2024-03-15))"),
		"endofday":     startEndSig("endofday").doc("endofday(Date [, Offset])", "the last tick of the day of Date, shifted by Offset days", "print endofday(datetime(2024-03-01 17:45))"),
		"endofweek":    startEndSig("endofweek").doc("endofweek(Date [, Offset])", "the last tick of the week (Saturday) of Date, shifted by Offset weeks", "print endofweek(datetime(2024-03-01))"),
		"endofmonth":   startEndSig("endofmonth").doc("endofmonth(Date [, Offset])", "the last tick of the month of Date, shifted by Offset months", "print endofmonth(datetime(2024-02-10))"),
		"endofyear":    startEndSig("endofyear").doc("endofyear(Date [, Offset])", "the last tick of the year of Date, shifted by Offset years", "print endofyear(datetime(2024-02-10))"),
		"hourofday":    dtPartSig("hourofday", column.Int).page("hour-of-day-function").doc("hourofday(Date)", "the hour of the day (0-23)", "print hourofday(datetime(2024-03-01 17:45))"),
		"dayofmonth":   dtPartSig("dayofmonth", column.Int).page("day-of-month-function").doc("dayofmonth(Date)", "the day of the month (1-31)", "print dayofmonth(datetime(2024-03-21))"),
		"dayofweek":    dtPartSig("dayofweek", column.Timespan).page("day-of-week-function").doc("dayofweek(Date)", "the time since the preceding Sunday, as a timespan of whole days", "print dayofweek(datetime(2024-03-01))"),
		"dayofyear":    dtPartSig("dayofyear", column.Int).page("day-of-year-function").doc("dayofyear(Date)", "the day of the year (1-366)", "print dayofyear(datetime(2024-03-01))"),
		"getyear":      dtPartSig("getyear", column.Int).doc("getyear(Date)", "the year of a datetime", "print getyear(datetime(2024-03-01))"),
		"getmonth":     dtPartSig("monthofyear", column.Int).doc("getmonth(Date)", "the month of a datetime (1-12)", "print getmonth(datetime(2024-03-01))"),
		"monthofyear":  dtPartSig("monthofyear", column.Int).doc("monthofyear(Date)", "the month of a datetime (1-12)", "print monthofyear(datetime(2024-03-01))"),
		"weekofyear":   dtPartSig("weekofyear", column.Int).page("weekofyear-function").doc("weekofyear(Date)", "the ISO 8601 week number of a datetime", "print weekofyear(datetime(2024-03-01))"),
		"week_of_year": dtPartSig("weekofyear", column.Int).doc("week_of_year(Date)", "the ISO 8601 week number of a datetime", "print week_of_year(datetime(2024-03-01))"),
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
		}).doc("datetime_diff(Period, Datetime1, Datetime2)", "how many Period boundaries lie from Datetime2 to Datetime1", `print datetime_diff("day", datetime(2024-03-03), datetime(2024-03-01 23:00))`),
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
		}).doc("datetime_add(Period, Amount, Datetime)", "Datetime plus Amount periods (year, quarter, month, week, day, hour...)", `print datetime_add("month", 1, datetime(2024-01-31))`),
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
		}).doc("datetime_part(Part, Datetime)", "one part of a datetime (year, quarter, month, week_of_year, day, dayofyear, hour...)", `print datetime_part("quarter", datetime(2024-05-01))`),
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
		}).doc("format_datetime(Datetime, Format)", "a datetime as text in a format such as yyyy-MM-dd HH:mm:ss.fff", `print format_datetime(datetime(2024-03-01 17:45:09), "yyyy-MM-dd HH:mm")`),
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
		}).doc("format_timespan(Timespan, Format)", "a timespan as text in a format such as d.hh:mm:ss", `print format_timespan(1d + 2h + 3m, "d.hh:mm")`),
		"unixtime_seconds_todatetime":      unixSig("unixtime_seconds_todatetime").doc("unixtime_seconds_todatetime(Seconds)", "the datetime a count of seconds since 1970-01-01 gives", "print unixtime_seconds_todatetime(1546300800)"),
		"unixtime_milliseconds_todatetime": unixSig("unixtime_milliseconds_todatetime").doc("unixtime_milliseconds_todatetime(Milliseconds)", "the datetime a count of milliseconds since 1970-01-01 gives", "print unixtime_milliseconds_todatetime(1546300800000)"),
		"unixtime_microseconds_todatetime": unixSig("unixtime_microseconds_todatetime").doc("unixtime_microseconds_todatetime(Microseconds)", "the datetime a count of microseconds since 1970-01-01 gives", "print unixtime_microseconds_todatetime(1546300800000000)"),
		"unixtime_nanoseconds_todatetime":  unixSig("unixtime_nanoseconds_todatetime").doc("unixtime_nanoseconds_todatetime(Nanoseconds)", "the datetime a count of nanoseconds since 1970-01-01 gives", "print unixtime_nanoseconds_todatetime(1546300800000000000)"),
		// https://learn.microsoft.com/kusto/query/make-datetime-function
		// make_timespan(hours, minutes) / (days, hours, minutes, seconds) ...
		"make_timespan": strFunc(2, 4, "make_timespan", column.Timespan, realArg).doc("make_timespan([Days,] Hours, Minutes [, Seconds])", "the timespan of the given parts", "print make_timespan(1, 12, 30, 55.123)"),
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
		}).doc("make_datetime(Year, Month, Day [, Hour, Minute [, Second]])", "the datetime of the given parts (null when they name no date)", "print make_datetime(2024, 3, 1, 17, 45, 9.5)"),
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

// foldSub returns a - b, folded when both are constants.
func foldSub(a *Const, b Expr) Expr {
	if k, ok := b.(*Const); ok {
		if k.Val == nil {
			return &Const{T: column.Datetime}
		}
		return datetimeConst(a.Val.(int64), -k.Val.(int64), k.Val.(int64) == math.MinInt64)
	}
	return &Call{Fn: "-", Args: []Expr{a, b}, T: column.Datetime}
}

// datetimeConst folds the datetime t + d (overflow: d cannot be negated),
// null when it overflows or leaves Kusto's range (0001-01-01 to
// 9999-12-31) as the kernel's sum would be: ago(-3650000d) is null, not the
// year 12020.
func datetimeConst(t, d int64, overflow bool) *Const {
	r := t + d
	if overflow || (d != 0 && (d > 0) != (r > t)) || !column.InDatetimeRange(r) {
		return &Const{T: column.Datetime}
	}
	return &Const{T: column.Datetime, Val: r}
}

func init() {
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
				return datetimeConst(b.opts.Now, k.Val.(int64), false), nil
			}
			return &Call{Fn: "+", Args: []Expr{now, args[0]}, T: column.Datetime}, nil
		}}.doc("now([Offset])", "the current time, plus an optional timespan Offset", "print now(-1d)"),
	})
}
