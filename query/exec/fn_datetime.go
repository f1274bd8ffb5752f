package exec

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"

	"clickhunt/column"
)

// Datetime functions, in UTC. Datetimes are ticks since the Unix epoch.
// https://learn.microsoft.com/kusto/query/datetime-timespan-arithmetic
func init() {
	// https://learn.microsoft.com/kusto/query/hourofday-function
	registerK("hourofday", hourOfDayVec)
	// dayofweek is the timespan since the preceding Sunday; 1970-01-01 was
	// a Thursday. https://learn.microsoft.com/kusto/query/dayofweek-function
	registerK("dayofweek", dateVec(column.Timespan, func(t int64) int64 { return weekday(t) * column.Day }))
	registerK("dayofmonth", dateVec(column.Int, func(t int64) int64 { return int64(column.TimeFromTicks(t).Day()) }))
	registerK("dayofyear", dateVec(column.Int, func(t int64) int64 { return int64(column.TimeFromTicks(t).YearDay()) }))
	registerK("getyear", dateVec(column.Int, func(t int64) int64 { return int64(column.TimeFromTicks(t).Year()) }))
	registerK("monthofyear", dateVec(column.Int, func(t int64) int64 { return int64(column.TimeFromTicks(t).Month()) }))
	// week_of_year is the ISO 8601 week number.
	// https://learn.microsoft.com/kusto/query/week-of-year-function
	registerK("weekofyear", dateVec(column.Int, func(t int64) int64 { _, w := column.TimeFromTicks(t).ISOWeek(); return int64(w) }))

	// startofX/endofX(date, offset): offset in units of X.
	// https://learn.microsoft.com/kusto/query/startofweek-function
	starts := map[string]func(t, off int64) int64{
		"day": func(t, off int64) int64 { return t - floorMod(t, column.Day) + off*column.Day },
		"week": func(t, off int64) int64 {
			d := floorDiv(t, column.Day)
			return (d-weekday(t))*column.Day + off*7*column.Day
		},
		"month": func(t, off int64) int64 {
			tm := column.TimeFromTicks(t)
			return column.TicksFromTime(time.Date(tm.Year(), tm.Month()+time.Month(off), 1, 0, 0, 0, 0, time.UTC))
		},
		"year": func(t, off int64) int64 {
			tm := column.TimeFromTicks(t)
			return column.TicksFromTime(time.Date(tm.Year()+int(off), 1, 1, 0, 0, 0, 0, time.UTC))
		},
	}
	for unit, f := range starts {
		f := f
		registerK("startof"+unit, dateVec2(func(t, off int64) int64 { return f(t, off) }))
		registerK("endof"+unit, dateVec2(func(t, off int64) int64 { return f(t, off+1) - 1 }))
	}
	// https://learn.microsoft.com/kusto/query/datetime-diff-function
	registerK("datetime_diff", valueKernel(column.Long, func(a []any) any {
		p, _ := a[0].(string)
		t1, ok1 := a[1].(int64)
		t2, ok2 := a[2].(int64)
		if !ok1 || !ok2 {
			return nil
		}
		// Nanoseconds between two datetimes over 292 years apart
		// overflow a long: null, never a wrapped-around count.
		if d := t1 - t2; p == "nanosecond" && (d > math.MaxInt64/100 || d < math.MinInt64/100) {
			return nil
		}
		return datetimeDiff(p, t1, t2)
	}))
	// https://learn.microsoft.com/kusto/query/datetime-add-function
	registerK("datetime_add", valueKernel(column.Datetime, func(a []any) any {
		p, _ := a[0].(string)
		n, ok1 := a[1].(int64)
		t, ok2 := a[2].(int64)
		if !ok1 || !ok2 {
			return nil
		}
		return datetimeAdd(p, n, t)
	}))
	// https://learn.microsoft.com/kusto/query/datetime-part-function
	registerK("datetime_part", valueKernel(column.Int, func(a []any) any {
		p, _ := a[0].(string)
		t, ok := a[1].(int64)
		if !ok {
			return nil
		}
		return datetimePart(p, t)
	}))
	// https://learn.microsoft.com/kusto/query/format-datetime-function
	registerK("format_datetime", valueKernel(column.String, func(a []any) any {
		t, ok := a[0].(int64)
		if !ok {
			return ""
		}
		f, _ := a[1].(string)
		return formatDatetime(t, f)
	}))
	// https://learn.microsoft.com/kusto/query/format-timespan-function
	registerK("format_timespan", valueKernel(column.String, func(a []any) any {
		t, ok := a[0].(int64)
		if !ok {
			return ""
		}
		f, _ := a[1].(string)
		return formatTimespan(t, f)
	}))
	for name, unit := range map[string]float64{"seconds": float64(column.Second), "milliseconds": float64(column.Millisecond),
		"microseconds": float64(column.Microsecond), "nanoseconds": 0.01} {
		unit := unit
		// https://learn.microsoft.com/kusto/query/unixtime-seconds-todatetime-function
		registerK("unixtime_"+name+"_todatetime", valueKernel(column.Datetime, func(a []any) any {
			f, ok := a[0].(float64)
			if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil
			}
			return rangedDatetime(math.Round(f * unit))
		}))
	}
	// make_timespan(hour, minute), (hour, minute, second) or (day, hour,
	// minute, second); seconds may have a fraction. Null outside the
	// range of a timespan.
	// https://learn.microsoft.com/kusto/query/make-timespan-function
	registerK("make_timespan", valueKernel(column.Timespan, func(a []any) any {
		parts := make([]float64, len(a))
		for i, x := range a {
			f, ok := x.(float64)
			if !ok {
				return nil
			}
			parts[i] = f
		}
		var d, h, m, s float64
		switch len(parts) {
		case 2:
			h, m = parts[0], parts[1]
		case 3:
			h, m, s = parts[0], parts[1], parts[2]
		default:
			d, h, m, s = parts[0], parts[1], parts[2], parts[3]
		}
		t := math.Round(d)*float64(column.Day) + math.Round(h)*float64(column.Hour) + math.Round(m)*float64(column.Minute) + s*float64(column.Second)
		if math.IsNaN(t) || math.Abs(t) >= 9.2e18 {
			return nil
		}
		return int64(math.Round(t))
	}))
	// https://learn.microsoft.com/kusto/query/make-datetime-function
	registerK("make_datetime", valueKernel(column.Datetime, func(a []any) any {
		var p [5]int
		for i := 0; i < len(a) && i < 5; i++ {
			v, ok := a[i].(int64)
			if !ok {
				return nil
			}
			p[i] = int(v)
		}
		var sec float64
		if len(a) > 5 {
			f, ok := a[5].(float64)
			if !ok {
				return nil
			}
			sec = f
		}
		if p[1] < 1 || p[1] > 12 || p[2] < 1 || p[2] > 31 || p[3] < 0 || p[3] > 23 || p[4] < 0 || p[4] > 59 || sec < 0 || sec >= 60 {
			return nil
		}
		tm := time.Date(p[0], time.Month(p[1]), p[2], p[3], p[4], 0, 0, time.UTC)
		if tm.Day() != p[2] || p[0] < 1 || p[0] > 9999 {
			return nil
		}
		return column.TicksFromTime(tm) + int64(math.Round(sec*float64(column.Second)))
	}))
}

// rangedDatetime converts a tick count computed in floating point to a
// datetime, or null outside Kusto's range.
func rangedDatetime(f float64) any {
	if math.IsNaN(f) || f < float64(column.MinDatetime) || f > float64(column.MaxDatetime) {
		return nil
	}
	return int64(f)
}

// weekday is 0 for Sunday.
func weekday(t int64) int64 { return floorMod(floorDiv(t, column.Day)+4, 7) }

// dateVec2 applies f(datetime, offset) per row; nulls propagate.
func dateVec2(f func(t, off int64) int64) kernel {
	return func(a []*column.Vector, n int) *column.Vector {
		x, off := a[0], a[1]
		out := newInts(column.Datetime, n)
		out.Nulls = orNulls(n, x, off)
		for i := 0; i < n; i++ {
			if out.Nulls == nil || !out.Nulls[i] {
				o := off.Int(i)
				if o < -120000 || o > 120000 { // far beyond year 9999 in any unit
					setNull(out, i)
					continue
				}
				r := f(x.Int(i), o)
				if !column.InDatetimeRange(r) {
					setNull(out, i)
					continue
				}
				out.Ints[i] = r
			}
		}
		return out
	}
}

func monthIndex(t int64) int64 {
	tm := column.TimeFromTicks(t)
	return int64(tm.Year())*12 + int64(tm.Month()) - 1
}

// datetimeDiff counts period boundaries crossed from t2 to t1.
func datetimeDiff(p string, t1, t2 int64) int64 {
	unit := func(u int64) int64 { return floorDiv(t1, u) - floorDiv(t2, u) }
	switch p {
	case "year":
		return int64(column.TimeFromTicks(t1).Year() - column.TimeFromTicks(t2).Year())
	case "quarter":
		return floorDiv(monthIndex(t1), 3) - floorDiv(monthIndex(t2), 3)
	case "month":
		return monthIndex(t1) - monthIndex(t2)
	case "week":
		return (floorDiv(t1, column.Day) - weekday(t1) - (floorDiv(t2, column.Day) - weekday(t2))) / 7
	case "day":
		return unit(column.Day)
	case "hour":
		return unit(column.Hour)
	case "minute":
		return unit(column.Minute)
	case "second":
		return unit(column.Second)
	case "millisecond":
		return unit(column.Millisecond)
	case "microsecond":
		return unit(column.Microsecond)
	case "nanosecond":
		return (t1 - t2) * 100
	}
	return 0
}

// addMonths adds months, clamping the day to the target month's length as
// .NET's AddMonths does (Jan 31 + 1 month = Feb 28/29).
func addMonths(t int64, months int64) any {
	if months < -12*10000 || months > 12*10000 {
		return nil
	}
	tm := column.TimeFromTicks(t)
	y, m := tm.Year(), int64(tm.Month())-1+months
	y += int(floorDiv(m, 12))
	m = floorMod(m, 12)
	if y < 1 || y > 9999 {
		return nil
	}
	last := time.Date(y, time.Month(m+2), 0, 0, 0, 0, 0, time.UTC).Day()
	d := min(tm.Day(), last)
	out := time.Date(y, time.Month(m+1), d, 0, 0, 0, 0, time.UTC)
	return column.TicksFromTime(out) + floorMod(t, column.Day)
}

// datetimeAdd adds n periods to t; a result outside Kusto's datetime range
// (or an overflow on the way) is null.
func datetimeAdd(p string, n, t int64) any {
	step := func(unit int64) any {
		hi, lo := bits.Mul64(uint64(absInt(n)), uint64(unit))
		if hi != 0 || lo > uint64(column.MaxDatetime-column.MinDatetime) {
			return nil
		}
		d := int64(lo)
		if n < 0 {
			d = -d
		}
		if r := t + d; column.InDatetimeRange(r) {
			return r
		}
		return nil
	}
	if (p == "year" || p == "quarter" || p == "month") && (n < -120000 || n > 120000) {
		return nil // 10,000 years: beyond the range from any start
	}
	switch p {
	case "year":
		return addMonths(t, 12*n)
	case "quarter":
		return addMonths(t, 3*n)
	case "month":
		return addMonths(t, n)
	case "week":
		return step(7 * column.Day)
	case "day":
		return step(column.Day)
	case "hour":
		return step(column.Hour)
	case "minute":
		return step(column.Minute)
	case "second":
		return step(column.Second)
	case "millisecond":
		return step(column.Millisecond)
	case "microsecond":
		return step(column.Microsecond)
	case "nanosecond":
		if r := t + n/100; column.InDatetimeRange(r) && (n/100 > 0) == (r > t) {
			return r
		}
		if n/100 == 0 {
			return t
		}
		return nil
	}
	return nil
}

func datetimePart(p string, t int64) any {
	tm := column.TimeFromTicks(t)
	frac := floorMod(t, column.Second)
	switch p {
	case "year":
		return int64(tm.Year())
	case "quarter":
		return int64(tm.Month()-1)/3 + 1
	case "month":
		return int64(tm.Month())
	case "week":
		_, w := tm.ISOWeek()
		return int64(w)
	case "day":
		return int64(tm.Day())
	case "dayofyear":
		return int64(tm.YearDay())
	case "hour":
		return int64(tm.Hour())
	case "minute":
		return int64(tm.Minute())
	case "second":
		return int64(tm.Second())
	case "millisecond":
		return frac / column.Millisecond
	case "microsecond":
		return frac / column.Microsecond
	case "nanosecond":
		return frac * 100
	}
	return nil
}

// formatTokens splits a .NET-style format string into runs of one format
// letter and literal separators.
func formatTokens(f string, letters string) []string {
	var out []string
	for i := 0; i < len(f); {
		c := f[i]
		j := i + 1
		if strings.IndexByte(letters, c) >= 0 {
			for j < len(f) && f[j] == c {
				j++
			}
		}
		out = append(out, f[i:j])
		i = j
	}
	return out
}

// fracDigits renders the first len(tok) digits of a 7-digit tick fraction;
// F forms drop trailing zeros.
func fracDigits(frac int64, tok string) string {
	s := fmt.Sprintf("%07d", frac)
	if len(tok) > 7 {
		tok = tok[:7]
	}
	s = s[:len(tok)]
	if tok[0] == 'F' {
		s = strings.TrimRight(s, "0")
	}
	return s
}

func pad(v int64, width int) string { return fmt.Sprintf("%0*d", width, v) }

// formatDatetime implements format_datetime's specifiers: y yy yyyy, M MM,
// d dd, H HH, h hh, m mm, s ss, f.. F.., tt; other characters are copied.
func formatDatetime(t int64, f string) string {
	tm := column.TimeFromTicks(t)
	frac := floorMod(t, column.Second)
	var sb strings.Builder
	for _, tok := range formatTokens(f, "yMdHhmsfFt") {
		n := len(tok)
		switch tok[0] {
		case 'y':
			y := int64(tm.Year())
			if n <= 2 {
				sb.WriteString(pad(y%100, n))
			} else {
				sb.WriteString(pad(y, n))
			}
		case 'M':
			sb.WriteString(pad(int64(tm.Month()), min(n, 2)))
		case 'd':
			sb.WriteString(pad(int64(tm.Day()), min(n, 2)))
		case 'H':
			sb.WriteString(pad(int64(tm.Hour()), min(n, 2)))
		case 'h':
			h := int64(tm.Hour()) % 12
			if h == 0 {
				h = 12
			}
			sb.WriteString(pad(h, min(n, 2)))
		case 'm':
			sb.WriteString(pad(int64(tm.Minute()), min(n, 2)))
		case 's':
			sb.WriteString(pad(int64(tm.Second()), min(n, 2)))
		case 'f', 'F':
			sb.WriteString(fracDigits(frac, tok))
		case 't':
			ampm := "AM"
			if tm.Hour() >= 12 {
				ampm = "PM"
			}
			sb.WriteString(ampm[:min(n, 2)])
		default:
			sb.WriteString(tok)
		}
	}
	return sb.String()
}

// formatTimespan implements format_timespan's specifiers: d.. (days), h hh
// / H HH (hours of the day), m mm, s ss, f.. F..; other characters are
// copied.
func formatTimespan(t int64, f string) string {
	var sb strings.Builder
	if t < 0 {
		sb.WriteByte('-')
		t = -t
	}
	for _, tok := range formatTokens(f, "dhHmsfF") {
		n := len(tok)
		switch tok[0] {
		case 'd':
			sb.WriteString(pad(t/column.Day, n))
		case 'h', 'H':
			sb.WriteString(pad(t%column.Day/column.Hour, min(n, 2)))
		case 'm':
			sb.WriteString(pad(t%column.Hour/column.Minute, min(n, 2)))
		case 's':
			sb.WriteString(pad(t%column.Minute/column.Second, min(n, 2)))
		case 'f', 'F':
			sb.WriteString(fracDigits(t%column.Second, tok))
		default:
			sb.WriteString(tok)
		}
	}
	return sb.String()
}

// hourOfDayVec is hourofday: rows without nulls and at or after 1970 take
// a loop with constant divisors, which the compiler turns into multiplies.
func hourOfDayVec(a []*column.Vector, n int) *column.Vector {
	x := a[0]
	if !x.Const && x.Nulls == nil {
		out := newInts(column.Int, n)
		for i, t := range x.Ints[:n] {
			if t < 0 {
				return hourOfDaySlow(a, n)
			}
			out.Ints[i] = t % column.Day / column.Hour
		}
		return out
	}
	return hourOfDaySlow(a, n)
}

var hourOfDaySlow = dateVec(column.Int, func(t int64) int64 { return floorMod(t, column.Day) / column.Hour })

func dateVec(t column.Type, f func(int64) int64) kernel {
	return func(a []*column.Vector, n int) *column.Vector {
		x := a[0]
		out := newInts(t, n)
		out.Nulls = orNulls(n, x)
		for i := 0; i < n; i++ {
			if !x.IsNull(i) {
				out.Ints[i] = f(x.Int(i))
			}
		}
		return out
	}
}
