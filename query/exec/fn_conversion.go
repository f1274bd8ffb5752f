package exec

import (
	"clickhunt/column"
	"math"
	"strconv"
	"strings"
)

// Conversion functions.
// https://learn.microsoft.com/kusto/query/scalar-functions#conversion-functions
func init() {
	registerK("tostring", func(a []*column.Vector, n int) *column.Vector {
		x := a[0]
		if x.Type == column.String {
			return x
		}
		out := newStrs(n)
		if x.Type == column.Datetime {
			// tostring() spells a datetime with all seven fractional
			// digits, unlike the output encoders.
			for i := 0; i < n; i++ {
				if !x.IsNull(i) {
					out.Strs[i] = column.DatetimeText(x.Int(i))
				}
			}
			return out
		}
		for i := 0; i < n; i++ {
			out.Strs[i] = column.FormatValue(x, i)
		}
		return out
	})
	registerK("tolong", func(a []*column.Vector, n int) *column.Vector { return toIntVec(a[0], n, column.Long) })
	registerK("toint", func(a []*column.Vector, n int) *column.Vector { return toIntVec(a[0], n, column.Int) })
	registerK("ticks", func(a []*column.Vector, n int) *column.Vector {
		out := newInts(column.Long, n)
		for i := 0; i < n; i++ {
			out.Ints[i] = a[0].Int(i)
		}
		out.Nulls = orNulls(n, a[0])
		return out
	})
	registerK("toreal", toRealVec)
	// https://learn.microsoft.com/kusto/query/toguid-function
	registerK("toguid", valueKernel(column.Guid, func(a []any) any {
		g, ok := parseGUID(str0(a[0]))
		if !ok {
			return nil
		}
		return g
	}))
	registerK("tobool", toBoolVec)
	registerK("todatetime", func(a []*column.Vector, n int) *column.Vector {
		return parseVec(a[0], n, column.Datetime, column.ParseKQLDatetime)
	})
	registerK("totimespan", func(a []*column.Vector, n int) *column.Vector {
		return parseVec(a[0], n, column.Timespan, column.ParseTimespan)
	})
	// parse_json: JSON text to a dynamic value; text that is not JSON
	// stays a string. https://learn.microsoft.com/kusto/query/parse-json-function
	registerK("parse_json", valueKernel(column.Dynamic, func(a []any) any {
		s, _ := a[0].(string)
		if strings.TrimSpace(s) == "" {
			return nil
		}
		return parseDynText(s)
	}))
	// todyn: a typed value as a dynamic value.
	registerK("todyn", func(a []*column.Vector, n int) *column.Vector {
		x := a[0]
		b := column.NewDynamicBuilder(n)
		for i := 0; i < n; i++ {
			b.AppendDynamic(toDyn(x.Type, x.Value(i)))
		}
		return b.Build()
	})
}

func toIntVec(x *column.Vector, n int, t column.Type) *column.Vector {
	if x.Type == column.Dynamic {
		return convertDyn(x, n, t)
	}
	out := newInts(t, n)
	for i := 0; i < n; i++ {
		if x.IsNull(i) {
			setNull(out, i)
			continue
		}
		switch {
		case x.Type == column.String:
			s := strings.TrimSpace(x.Str(i))
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				f, ferr := strconv.ParseFloat(s, 64)
				if ferr != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= 9.2e18 {
					setNull(out, i)
					continue
				}
				v = int64(f)
			}
			out.Ints[i] = v
		case x.Floats != nil:
			f := x.Float(i)
			if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= 9.2e18 {
				setNull(out, i)
				continue
			}
			out.Ints[i] = int64(f)
		case x.Bools != nil:
			if x.Bool(i) {
				out.Ints[i] = 1
			}
		case x.Type == column.Datetime:
			out.Ints[i] = x.Int(i) + column.EpochTicks
		default:
			out.Ints[i] = x.Int(i)
		}
		if t == column.Int && (out.Ints[i] < math.MinInt32 || out.Ints[i] > math.MaxInt32) {
			// Out of the int range: the conversion fails.
			out.Ints[i] = 0
			setNull(out, i)
		}
	}
	return out
}

func toRealVec(a []*column.Vector, n int) *column.Vector {
	x := a[0]
	if x.Type == column.Dynamic {
		return convertDyn(x, n, column.Real)
	}
	out := newFloats(n)
	for i := 0; i < n; i++ {
		if x.IsNull(i) {
			setNull(out, i)
			continue
		}
		switch {
		case x.Type == column.String:
			f, err := strconv.ParseFloat(strings.TrimSpace(x.Str(i)), 64)
			if err != nil {
				setNull(out, i)
				continue
			}
			out.Floats[i] = f
		case x.Floats != nil:
			out.Floats[i] = x.Float(i)
		case x.Bools != nil:
			if x.Bool(i) {
				out.Floats[i] = 1
			}
		default:
			out.Floats[i] = float64(x.Int(i))
		}
	}
	return out
}

func toBoolVec(a []*column.Vector, n int) *column.Vector {
	x := a[0]
	if x.Type == column.Dynamic {
		return convertDyn(x, n, column.Bool)
	}
	out := newBools(n)
	for i := 0; i < n; i++ {
		if x.IsNull(i) {
			setNull(out, i)
			continue
		}
		switch {
		case x.Type == column.String:
			switch strings.ToLower(strings.TrimSpace(x.Str(i))) {
			case "true", "1":
				out.Bools[i] = true
			case "false", "0":
			default:
				setNull(out, i)
			}
		case x.Bools != nil:
			out.Bools[i] = x.Bool(i)
		case x.Floats != nil:
			out.Bools[i] = x.Float(i) != 0
		default:
			out.Bools[i] = x.Int(i) != 0
		}
	}
	return out
}

func parseVec(x *column.Vector, n int, t column.Type, parse func(string) (int64, error)) *column.Vector {
	if x.Type == t {
		return x
	}
	if x.Type == column.Dynamic {
		return convertDyn(x, n, t)
	}
	out := newInts(t, n)
	for i := 0; i < n; i++ {
		if x.IsNull(i) || x.Type != column.String {
			setNull(out, i)
			continue
		}
		v, err := parse(x.Str(i))
		if err != nil {
			setNull(out, i)
			continue
		}
		out.Ints[i] = v
	}
	return out
}
