package column

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Dynamic values are held as Go values in Vector.Anys: nil (null), bool,
// int64, float64, string, []any (array) or map[string]any (property bag).
// Numbers from JSON become int64 when integral, else float64, as Kusto's
// dynamic keeps long and real apart.

// ParseDynamic decodes JSON text into a dynamic value.
func ParseDynamic(s string) (any, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return canonical(x), nil
}

func canonical(x any) any {
	switch v := x.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(string(v), 64)
		return f
	case []any:
		for i := range v {
			v[i] = canonical(v[i])
		}
		return v
	case map[string]any:
		for k := range v {
			v[k] = canonical(v[k])
		}
		return v
	}
	return x
}

// AppendDynamicJSON appends the JSON encoding of a dynamic value (object
// keys sorted, NaN and infinities as strings).
func AppendDynamicJSON(dst []byte, x any) []byte {
	switch v := x.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, v)
	case int64:
		return strconv.AppendInt(dst, v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return strconv.AppendQuote(dst, FormatReal(v))
		}
		return strconv.AppendFloat(dst, v, 'g', -1, 64)
	case string:
		b, _ := json.Marshal(v)
		return append(dst, b...)
	case []any:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendDynamicJSON(dst, e)
		}
		return append(dst, ']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			b, _ := json.Marshal(k)
			dst = append(dst, b...)
			dst = append(dst, ':')
			dst = AppendDynamicJSON(dst, v[k])
		}
		return append(dst, '}')
	}
	b, _ := json.Marshal(x)
	return append(dst, b...)
}

// DynamicText is how a dynamic value reads as text (tostring, table and CSV
// output): a string as itself, null as "", anything else as JSON.
func DynamicText(x any) string {
	switch v := x.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	return string(AppendDynamicJSON(nil, x))
}
