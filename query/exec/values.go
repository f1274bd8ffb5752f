package exec

import (
	"math"

	"clickhunt/column"
)

// Row-wise kernels over Go values, for the long tail of scalar functions.
// Arguments are read as Go values (nil = null; string, int64, float64, bool;
// dynamic values as nil/bool/int64/float64/string/[]any/map[string]any), the
// function maps them to one result value. When the first argument is
// dictionary-encoded and the others are constant, the function runs once per
// dictionary entry instead of once per row.

// valueFunc computes one result (nil = null) from argument values. It must
// not keep or modify the slice.
type valueFunc func(a []any) any

// valueKernel builds a kernel of result type t from f.
func valueKernel(t column.Type, f valueFunc) kernel {
	return func(args []*column.Vector, n int) *column.Vector {
		vals := make([]any, len(args))
		readers := make([]*dynReader, len(args))
		for j, a := range args {
			readers[j] = newDynReader(a)
		}
		if k := soleDictArg(args); k >= 0 {
			for j := range args {
				if j != k {
					vals[j] = readers[j].value(0)
				}
			}
			x := args[k]
			lut := make([]any, len(x.Dict))
			used := make([]bool, len(x.Dict))
			for _, c := range x.Codes[:n] {
				if used[c] {
					continue
				}
				used[c] = true
				vals[k] = readers[k].dictValue(c)
				lut[c] = f(vals)
			}
			if t == column.String {
				dict := make([]string, len(lut))
				for i, v := range lut {
					dict[i], _ = v.(string)
				}
				return &column.Vector{Type: column.String, Len: n, Dict: dict, Codes: x.Codes[:n]}
			}
			b := newValueBuilder(t, n)
			for _, c := range x.Codes[:n] {
				b.AppendValue(lut[c])
			}
			return b.Build()
		}
		b := newValueBuilder(t, n)
		for i := 0; i < n; i++ {
			for j := range args {
				vals[j] = readers[j].value(i)
			}
			b.AppendValue(f(vals))
		}
		return b.Build()
	}
}

// soleDictArg returns the index of the only non-constant argument when it
// is dictionary-encoded, else -1.
func soleDictArg(args []*column.Vector) int {
	k := -1
	for j, a := range args {
		if a.Const {
			continue
		}
		if k >= 0 || a.Codes == nil || a.Nulls != nil {
			return -1
		}
		k = j
	}
	return k
}

func allConst(vs []*column.Vector) bool {
	for _, v := range vs {
		if !v.Const {
			return false
		}
	}
	return true
}

func newValueBuilder(t column.Type, n int) *column.Builder {
	if t == column.Dynamic {
		return column.NewDynamicBuilder(n)
	}
	return column.NewBuilder(t, n)
}

// dynReader reads the values of one vector; for dynamic vectors stored as
// JSON text it parses each distinct dictionary entry once.
type dynReader struct {
	v      *column.Vector
	text   bool // dynamic held as JSON text
	cache  []any
	cached []bool
}

func newDynReader(v *column.Vector) *dynReader {
	r := &dynReader{v: v, text: v.Type == column.Dynamic && v.Anys == nil}
	if r.text && v.Codes != nil {
		r.cache = make([]any, len(v.Dict))
		r.cached = make([]bool, len(v.Dict))
	}
	return r
}

// value returns row i.
func (r *dynReader) value(i int) any {
	v := r.v
	if v.IsNull(i) {
		return nil
	}
	if !r.text {
		return v.Value(i)
	}
	if v.Codes != nil && !v.Const {
		return r.dictValue(v.Codes[i])
	}
	return parseDynText(v.Str(i))
}

// dictValue returns the value of dictionary entry c.
func (r *dynReader) dictValue(c uint32) any {
	if !r.text {
		return r.v.Dict[c]
	}
	if !r.cached[c] {
		r.cache[c], r.cached[c] = parseDynText(r.v.Dict[c]), true
	}
	return r.cache[c]
}

// parseDynText decodes stored dynamic text: JSON, or (for a stored string
// that is not JSON) the string itself; empty text is null.
func parseDynText(s string) any {
	if s == "" {
		return nil
	}
	x, err := column.ParseDynamic(s)
	if err != nil {
		return s
	}
	return x
}

// dynValue returns row i of v as a dynamic Go value. Prefer a dynReader
// in loops over dictionary-encoded text.
func dynValue(v *column.Vector, i int) any {
	return newDynReader(v).value(i)
}

// toDyn converts a typed value (as read by Vector.Value) to a dynamic
// value: datetimes and timespans become their text, as Kusto's JSON shows
// them.
func toDyn(t column.Type, x any) any {
	if x == nil {
		return nil
	}
	switch t {
	case column.Datetime:
		return column.DatetimeText(x.(int64))
	case column.Timespan:
		return column.FormatTimespan(x.(int64))
	}
	return x
}

// dynString is a dynamic value as text (tostring semantics).
func dynString(x any) string { return column.DynamicText(x) }

// dynInt converts a dynamic value to a long (ok=false when it has no
// integer reading).
func dynInt(x any) (int64, bool) {
	switch v := x.(type) {
	case int64:
		return v, true
	case float64:
		return int64(v), true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	case string:
		r := toIntVec(&column.Vector{Type: column.String, Len: 1, Strs: []string{v}}, 1, column.Long)
		if r.IsNull(0) {
			return 0, false
		}
		return r.Ints[0], true
	}
	return 0, false
}

// dynFloat converts a dynamic value to a real.
func dynFloat(x any) (float64, bool) {
	switch v := x.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	case string:
		r := toRealVec([]*column.Vector{{Type: column.String, Len: 1, Strs: []string{v}}}, 1)
		if r.IsNull(0) {
			return 0, false
		}
		return r.Floats[0], true
	}
	return 0, false
}

// convertDyn converts a dynamic vector to type t (long, int, real, bool,
// datetime, timespan) as the to*() functions do: numbers and bools convert,
// strings are parsed, arrays, bags and unparsable text give null.
func convertDyn(x *column.Vector, n int, t column.Type) *column.Vector {
	r := newDynReader(x)
	b := column.NewBuilder(t, n)
	for i := 0; i < n; i++ {
		v := r.value(i)
		switch t {
		case column.Long, column.Int:
			k, ok := dynInt(v)
			if !ok {
				b.AppendNull()
				continue
			}
			if t == column.Int && (k < math.MinInt32 || k > math.MaxInt32) {
				b.AppendNull()
				continue
			}
			b.AppendInt(k)
		case column.Real:
			f, ok := dynFloat(v)
			if !ok {
				b.AppendNull()
				continue
			}
			b.AppendFloat(f)
		case column.Bool:
			switch v := v.(type) {
			case bool:
				b.AppendBool(v)
			case int64:
				b.AppendBool(v != 0)
			case float64:
				b.AppendBool(v != 0)
			case string:
				bv := toBoolVec([]*column.Vector{{Type: column.String, Len: 1, Strs: []string{v}}}, 1)
				b.AppendValue(bv.Value(0))
			default:
				b.AppendNull()
			}
		case column.Datetime, column.Timespan:
			s, ok := v.(string)
			if !ok {
				b.AppendNull()
				continue
			}
			parse := column.ParseKQLDatetime
			if t == column.Timespan {
				parse = column.ParseTimespan
			}
			k, err := parse(s)
			if err != nil {
				b.AppendNull()
				continue
			}
			b.AppendInt(k)
		}
	}
	return b.Build()
}
