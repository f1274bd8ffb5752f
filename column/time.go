package column

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// KQL datetimes and timespans are counted in ticks of 100 ns. Datetimes are
// stored as ticks since the Unix epoch (UTC), so they cover years 1 to 9999
// like Kusto's.
const (
	Tick        int64 = 1
	Microsecond       = 10 * Tick
	Millisecond       = 1000 * Microsecond
	Second            = 1000 * Millisecond
	Minute            = 60 * Second
	Hour              = 60 * Minute
	Day               = 24 * Hour

	// EpochTicks is the Unix epoch in ticks since 0001-01-01, Kusto's origin.
	EpochTicks int64 = 621355968000000000
)

// TicksFromTime converts a time to datetime ticks (UTC).
func TicksFromTime(t time.Time) int64 {
	return t.Unix()*Second + int64(t.Nanosecond())/100
}

// TimeFromTicks converts datetime ticks to a UTC time.
func TimeFromTicks(t int64) time.Time {
	sec := t / Second
	rem := t % Second
	if rem < 0 {
		rem += Second
		sec--
	}
	return time.Unix(sec, rem*100).UTC()
}

// FormatDatetime renders ticks as ISO 8601 UTC with up to 7 fractional digits
// and a trailing Z, as Kusto does: 2023-12-21T19:04:59.0109752Z.
func FormatDatetime(t int64) string {
	return TimeFromTicks(t).Format("2006-01-02T15:04:05.9999999Z")
}

var datetimeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	time.RFC850,
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 MST",
}

// ParseDatetime parses an ISO 8601 (or RFC 822/850/1123) datetime. A value
// with no zone is UTC. Fractions beyond 7 digits are truncated to ticks.
func ParseDatetime(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if t, ok := parseISOFast(s); ok {
		return t, nil
	}
	for _, l := range datetimeLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return TicksFromTime(t), nil
		}
	}
	return 0, fmt.Errorf("cannot parse %q as a datetime (expected ISO 8601 such as 2023-12-21T19:04:59.0109752Z)", s)
}

// parseISOFast handles the common export form YYYY-MM-DDTHH:MM:SS[.fffffff]Z
// without allocating; anything else falls back to time.Parse.
func parseISOFast(s string) (int64, bool) {
	if len(s) < 20 || s[len(s)-1] != 'Z' || s[4] != '-' || s[7] != '-' ||
		(s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	se, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59 {
		return 0, false
	}
	var frac int64
	rest := s[19 : len(s)-1]
	if rest != "" {
		if rest[0] != '.' || len(rest) == 1 {
			return 0, false
		}
		digits := rest[1:]
		scale := int64(1000000)
		for i := 0; i < len(digits); i++ {
			c := digits[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			if i < 7 {
				frac += int64(c-'0') * scale
				scale /= 10
			}
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d { // e.g. February 30th
		return 0, false
	}
	return t.Unix()*Second + frac, true
}

// FormatTimespan renders ticks as Kusto does: [-][d.]hh:mm:ss[.fffffff].
func FormatTimespan(t int64) string {
	var sb strings.Builder
	if t < 0 {
		sb.WriteByte('-')
		t = -t
	}
	days := t / Day
	t %= Day
	if days > 0 {
		sb.WriteString(strconv.FormatInt(days, 10))
		sb.WriteByte('.')
	}
	fmt.Fprintf(&sb, "%02d:%02d:%02d", t/Hour, t%Hour/Minute, t%Minute/Second)
	if f := t % Second; f != 0 {
		fmt.Fprintf(&sb, ".%07d", f)
	}
	return sb.String()
}

// timespanUnits maps KQL timespan literal suffixes to ticks.
var timespanUnits = map[string]int64{
	"d": Day, "day": Day, "days": Day,
	"h": Hour, "hr": Hour, "hrs": Hour, "hour": Hour, "hours": Hour,
	"m": Minute, "min": Minute, "minute": Minute, "minutes": Minute,
	"s": Second, "sec": Second, "second": Second, "seconds": Second,
	"ms": Millisecond, "milli": Millisecond, "millis": Millisecond,
	"millisecond": Millisecond, "milliseconds": Millisecond,
	"microsecond": Microsecond, "microseconds": Microsecond,
	"tick": Tick, "ticks": Tick,
}

// ParseTimespan parses a KQL timespan: a literal such as 7d, 1.5h, 30m,
// 100ms, or the hh:mm:ss / d.hh:mm:ss[.fffffff] form.
func ParseTimespan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	t, err := parseTimespanAbs(s)
	if err != nil {
		return 0, fmt.Errorf("cannot parse %q as a timespan (expected e.g. 7d, 1h, 30m, 10s, 100ms or 1.02:03:04)", s)
	}
	if neg {
		t = -t
	}
	return t, nil
}

func parseTimespanAbs(s string) (int64, error) {
	if strings.Contains(s, ":") {
		var days int64
		if i := strings.IndexByte(s, '.'); i >= 0 && i < strings.IndexByte(s, ':') {
			d, err := strconv.ParseInt(s[:i], 10, 64)
			if err != nil {
				return 0, err
			}
			days, s = d, s[i+1:]
		}
		parts := strings.Split(s, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return 0, fmt.Errorf("bad timespan")
		}
		h, err1 := strconv.ParseInt(parts[0], 10, 64)
		m, err2 := strconv.ParseInt(parts[1], 10, 64)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("bad timespan")
		}
		var sec float64
		if len(parts) == 3 {
			var err error
			if sec, err = strconv.ParseFloat(parts[2], 64); err != nil {
				return 0, err
			}
		}
		if days > 10675199 || h > 1<<40 || m > 1<<40 || sec > 1e11 { // TimeSpan.MaxValue is 10675199.02:48:05.4775807
			return 0, fmt.Errorf("timespan out of range")
		}
		return days*Day + h*Hour + m*Minute + int64(sec*float64(Second)+0.5), nil
	}
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	unit, ok := timespanUnits[s[i:]]
	if !ok || i == 0 {
		return 0, fmt.Errorf("bad timespan")
	}
	n, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, err
	}
	if f := n*float64(unit) + 0.5; f >= 9.2e18 {
		return 0, fmt.Errorf("timespan out of range")
	}
	return int64(n*float64(unit) + 0.5), nil
}

// The range Kusto's datetime covers: 0001-01-01T00:00:00 to
// 9999-12-31T23:59:59.9999999, in ticks since the Unix epoch. Arithmetic and
// conversions that leave it give null, as in Kusto.
const (
	MinDatetime int64 = -EpochTicks
	MaxDatetime int64 = 3155378975999999999 - EpochTicks
)

// InDatetimeRange reports whether t lies in Kusto's datetime range.
func InDatetimeRange(t int64) bool { return t >= MinDatetime && t <= MaxDatetime }

// DatetimeText renders ticks as tostring() does in Kusto: ISO 8601 UTC with
// always seven fractional digits, 2020-01-01T00:00:00.0000000Z. Functions
// that read a datetime as text (strcat, hash_*, reverse...) see this form.
func DatetimeText(t int64) string {
	return TimeFromTicks(t).Format("2006-01-02T15:04:05.0000000Z")
}

// ParseKQLDatetime parses the text forms Kusto's datetime literals and
// todatetime() accept: ISO 8601, RFC 822, RFC 850 and RFC 1123 as
// ParseDatetime does, and the looser forms .NET's invariant culture reads
// (month first: 02/17/2016 08:40:01, 12-02-2022; unpadded parts: 1970-5-12;
// comma-separated parts: 2025, 6, 14; a 12-hour clock with AM/PM).
// https://learn.microsoft.com/kusto/query/scalar-data-types/datetime
func ParseKQLDatetime(s string) (int64, error) {
	if t, err := ParseDatetime(s); err == nil {
		return t, nil
	}
	if t, ok := parseLooseDatetime(strings.TrimSpace(s)); ok {
		return t, nil
	}
	return 0, fmt.Errorf("cannot parse %q as a datetime (expected ISO 8601 such as 2023-12-21T19:04:59.0109752Z)", strings.TrimSpace(s))
}

var (
	looseTime = regexp.MustCompile(`(?i)(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?(?:\s*([ap]\.?m\.?))?`)
	looseZone = regexp.MustCompile(`(?i)^\s*(?:(z|gmt|utc|ut)|([+-])(\d{1,2}):?(\d{2})?|(est|edt|cst|cdt|mst|mdt|pst|pdt))\s*$`)
	monthAbbr = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
	usZones = map[string]int{"est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7}
)

// parseLooseDatetime reads a date (numbers and month names in any of the
// orders .NET's invariant culture accepts), an optional time of day and an
// optional zone. A value without a zone is UTC.
func parseLooseDatetime(s string) (int64, bool) {
	datePart, rest := s, ""
	var h, mi, sec, frac int
	if m := looseTime.FindStringSubmatchIndex(s); m != nil {
		datePart, rest = s[:m[0]], s[m[1]:]
		g := func(k int) string {
			if m[2*k] < 0 {
				return ""
			}
			return s[m[2*k]:m[2*k+1]]
		}
		h, _ = strconv.Atoi(g(1))
		mi, _ = strconv.Atoi(g(2))
		sec, _ = strconv.Atoi(g(3))
		if f := g(4); f != "" {
			f = (f + "0000000")[:7]
			frac, _ = strconv.Atoi(f)
		}
		if ampm := strings.ToLower(g(5)); ampm != "" {
			if h < 1 || h > 12 {
				return 0, false
			}
			h %= 12
			if ampm[0] == 'p' {
				h += 12
			}
		}
		if h > 23 || mi > 59 || sec > 59 {
			return 0, false
		}
	}
	offset := 0 // minutes east of UTC
	if strings.TrimSpace(rest) != "" {
		z := looseZone.FindStringSubmatch(rest)
		if z == nil {
			return 0, false
		}
		switch {
		case z[2] != "":
			oh, _ := strconv.Atoi(z[3])
			om, _ := strconv.Atoi(z[4])
			offset = oh*60 + om
			if z[2] == "-" {
				offset = -offset
			}
		case z[5] != "":
			offset = usZones[strings.ToLower(z[5])] * 60
		}
	}
	y, mo, d, ok := parseLooseDate(strings.TrimRight(datePart, " T,"))
	if !ok {
		return 0, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, frac*100, time.UTC)
	if t.Day() != d || t.Month() != time.Month(mo) {
		return 0, false
	}
	t = t.Add(-time.Duration(offset) * time.Minute)
	ticks := TicksFromTime(t)
	return ticks, InDatetimeRange(ticks)
}

// parseLooseDate reads year, month and day from three parts separated by
// - / . , or spaces, skipping a weekday name: year first when it has four
// digits, else month first (9/1/2024 is September 1st, as in .NET's
// invariant culture); a month name fixes which part is the month. Two-digit
// years are 1930-2029, as .NET reads them.
func parseLooseDate(s string) (y, mo, d int, ok bool) {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == '-' || r == '/' || r == '.' || r == ',' || r == ' ' || r == '\t'
	})
	var nums []string
	month := 0
	for _, f := range fields {
		if f[0] >= '0' && f[0] <= '9' {
			for _, c := range f {
				if c < '0' || c > '9' {
					return 0, 0, 0, false
				}
			}
			nums = append(nums, f)
			continue
		}
		low := strings.ToLower(f)
		if len(low) >= 3 {
			if m, isMonth := monthAbbr[low[:3]]; isMonth && strings.HasPrefix(monthNames[m-1], low) {
				if month != 0 {
					return 0, 0, 0, false
				}
				month = m
				continue
			}
			if isWeekday(low) {
				continue
			}
		}
		return 0, 0, 0, false
	}
	year := func(f string) (int, bool) {
		n, _ := strconv.Atoi(f)
		switch len(f) {
		case 4:
			return n, n >= 1
		case 1, 2:
			if n < 30 {
				return 2000 + n, true
			}
			return 1900 + n, true
		}
		return 0, false
	}
	atoi := func(f string) int { n, _ := strconv.Atoi(f); return n }
	switch {
	case month != 0 && len(nums) == 2:
		// 8 Nov 14, Nov 8 2014, 2014 Nov 8: the four-digit part is the year,
		// else the day comes first.
		a, b := nums[0], nums[1]
		if len(a) == 4 {
			a, b = b, a
		}
		y, ok = year(b)
		mo, d = month, atoi(a)
	case month == 0 && len(nums) == 3:
		if len(nums[0]) == 4 {
			y, ok = year(nums[0])
			mo, d = atoi(nums[1]), atoi(nums[2])
		} else {
			y, ok = year(nums[2])
			mo, d = atoi(nums[0]), atoi(nums[1])
		}
	default:
		return 0, 0, 0, false
	}
	return y, mo, d, ok && mo >= 1 && mo <= 12 && d >= 1 && d <= 31
}

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

func isWeekday(s string) bool {
	for _, w := range [...]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		if strings.HasPrefix(w, s) && len(s) >= 3 {
			return true
		}
	}
	return false
}
