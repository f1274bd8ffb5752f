package column

import (
	"math"
	"strconv"
)

// FormatValue renders row i of v as text the way Kusto shows it: datetimes
// ISO 8601 UTC with Z, timespans as [d.]hh:mm:ss, bools true/false, reals in
// the shortest round-trip form. Nulls render as "".
func FormatValue(v *Vector, i int) string {
	if v.IsNull(i) {
		return ""
	}
	switch v.Type {
	case String, Dynamic, Guid:
		return v.Str(i) // dynamic: strings as themselves, the rest as JSON
	case Long, Int:
		return strconv.FormatInt(v.Int(i), 10)
	case Real:
		return FormatReal(v.Float(i))
	case Bool:
		if v.Bool(i) {
			return "true"
		}
		return "false"
	case Datetime:
		return FormatDatetime(v.Int(i))
	case Timespan:
		return FormatTimespan(v.Int(i))
	}
	return ""
}

// FormatReal renders a real as Kusto does (NaN, Infinity, -Infinity).
func FormatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
