package exec

import (
	"clickhunt/column"
)

// Dynamic access: x.name, x["name"], x[i] (negative i counts from the end),
// and dynamic_of, which reads JSON text (how exports store dynamic columns)
// as a dynamic value.
// https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic
func init() {
	registerK("dynamic_of", func(a []*column.Vector, n int) *column.Vector {
		x := a[0]
		out := column.NewDynamicBuilder(n)
		if x.Codes != nil {
			cache := make([]any, len(x.Dict))
			have := make([]bool, len(x.Dict))
			for _, c := range x.Codes[:n] {
				if !have[c] {
					cache[c], have[c] = parseDynamicText(x.Dict[c]), true
				}
				out.AppendDynamic(cache[c])
			}
			return out.Build()
		}
		for i := 0; i < n; i++ {
			if x.IsNull(i) {
				out.AppendNull()
				continue
			}
			if x.Anys != nil {
				out.AppendDynamic(x.Anys[i])
				continue
			}
			out.AppendDynamic(parseDynamicText(x.Str(i)))
		}
		return out.Build()
	})
	registerK("dyn_get", func(a []*column.Vector, n int) *column.Vector {
		x, key := a[0], a[1]
		out := column.NewDynamicBuilder(n)
		for i := 0; i < n; i++ {
			var v any
			if !x.IsNull(i) && !key.IsNull(i) {
				v = dynGet(dynValueAt(x, i), key.Value(i))
			}
			out.AppendDynamic(v)
		}
		return out.Build()
	})
}

// parseDynamicText reads JSON text; text that is not JSON is a string.
func parseDynamicText(s string) any {
	if s == "" {
		return nil
	}
	v, err := column.ParseDynamic(s)
	if err != nil {
		return s
	}
	return v
}

// dynValueAt is row i of a dynamic vector as a value, whether it holds
// values or JSON text.
func dynValueAt(v *column.Vector, i int) any {
	if v.IsNull(i) {
		return nil
	}
	if v.Anys != nil {
		return v.Value(i)
	}
	return parseDynamicText(v.Str(i))
}

func dynGet(x any, key any) any {
	switch k := key.(type) {
	case string:
		if m, ok := x.(map[string]any); ok {
			return m[k]
		}
	case int64:
		if arr, ok := x.([]any); ok {
			if k < 0 {
				k += int64(len(arr))
			}
			if k >= 0 && k < int64(len(arr)) {
				return arr[k]
			}
		}
	}
	return nil
}
