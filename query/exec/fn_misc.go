package exec

import (
	"math"
	"strings"

	"clickhunt/column"
)

// Conditional, null-handling and type functions.
func init() {
	// case(p1, v1, p2, v2, ..., else): the value of the first true
	// predicate; a null predicate counts as false.
	// https://learn.microsoft.com/kusto/query/case-function
	registerK("case", func(a []*column.Vector, n int) *column.Vector {
		last := a[len(a)-1]
		b := newValueBuilder(last.Type, n)
		readers := make([]*dynReader, len(a))
		for j, v := range a {
			readers[j] = newDynReader(v)
		}
		for i := 0; i < n; i++ {
			src := len(a) - 1
			for j := 0; j < len(a)-1; j += 2 {
				if a[j].Bool(i) && !a[j].IsNull(i) {
					src = j + 1
					break
				}
			}
			b.AppendValue(readers[src].value(i))
		}
		return b.Build()
	})
	// coalesce: the first value that is not null (for strings: not empty).
	// https://learn.microsoft.com/kusto/query/coalesce-function
	registerK("coalesce", func(a []*column.Vector, n int) *column.Vector {
		b := newValueBuilder(a[0].Type, n)
		readers := make([]*dynReader, len(a))
		for j, v := range a {
			readers[j] = newDynReader(v)
		}
		for i := 0; i < n; i++ {
			var out any
			for _, r := range readers {
				v := r.value(i)
				if v != nil && v != "" {
					out = v
					break
				}
			}
			if out == nil && a[0].Type == column.String {
				out = ""
			}
			b.AppendValue(out)
		}
		return b.Build()
	})
	// max_of/min_of ignore null arguments; all null gives null.
	// https://learn.microsoft.com/kusto/query/max-of-function
	registerK("max_of", func(a []*column.Vector, n int) *column.Vector { return extremeVec(a, n, true) })
	registerK("min_of", func(a []*column.Vector, n int) *column.Vector { return extremeVec(a, n, false) })
	// gettype of a dynamic value: its runtime type.
	// https://learn.microsoft.com/kusto/query/gettype-function
	registerK("gettype", valueKernel(column.String, func(a []any) any { return dynTypeName(a[0]) }))
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
	// https://learn.microsoft.com/kusto/query/isnan-function
	registerK("isnan", floatPred(math.IsNaN))
	registerK("isinf", floatPred(func(f float64) bool { return math.IsInf(f, 0) }))
	registerK("isfinite", floatPred(func(f float64) bool { return !math.IsInf(f, 0) && !math.IsNaN(f) }))
}

// floatPred applies a predicate to a real vector; null gives null.
func floatPred(p func(float64) bool) kernel {
	return func(a []*column.Vector, n int) *column.Vector {
		out := newBools(n)
		out.Nulls = orNulls(n, a[0])
		for i := 0; i < n; i++ {
			out.Bools[i] = !a[0].IsNull(i) && p(a[0].Float(i))
		}
		return out
	}
}

// dynTypeName names the runtime type of a dynamic value as gettype() does:
// JSON numbers that fit in 32 bits are "int".
func dynTypeName(x any) string {
	switch v := x.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64:
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			return "int"
		}
		return "long"
	case float64:
		return "real"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "dictionary"
	}
	return "dynamic"
}

func extremeVec(a []*column.Vector, n int, max bool) *column.Vector {
	t := a[0].Type
	b := column.NewBuilder(t, n)
	for i := 0; i < n; i++ {
		best := -1
		for j, v := range a {
			if v.IsNull(i) {
				continue
			}
			if best < 0 {
				best = j
				continue
			}
			var c int
			switch {
			case t == column.String:
				c = strings.Compare(v.Str(i), a[best].Str(i))
			case v.Floats != nil:
				c = cmpFloat(v.Float(i), a[best].Float(i))
			case v.Bools != nil:
				c = cmpBool(v.Bool(i), a[best].Bool(i))
			default:
				c = cmpInt(v.Int(i), a[best].Int(i))
			}
			if (max && c == 1) || (!max && c == -1) {
				best = j
			}
		}
		if best < 0 {
			b.AppendNull()
			continue
		}
		b.AppendValue(a[best].Value(i))
	}
	return b.Build()
}
