package exec

import (
	"clickhunt/column"
	"math"
)

// Type functions.
// https://learn.microsoft.com/kusto/query/scalar-functions#type-functions
func init() {
	// gettype of a dynamic value: its runtime type.
	// https://learn.microsoft.com/kusto/query/gettype-function
	registerK("gettype", valueKernel(column.String, func(a []any) any { return dynTypeName(a[0]) }))
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
