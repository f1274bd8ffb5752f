package column

import (
	"fmt"
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
	return int64(n*float64(unit) + 0.5), nil
}
