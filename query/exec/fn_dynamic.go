package exec

import (
	"sort"
	"strings"

	"clickhunt/column"
)

// Array and property-bag functions over dynamic values.
// https://learn.microsoft.com/kusto/query/scalar-functions#dynamicjson-and-array-functions
func init() {
	// https://learn.microsoft.com/kusto/query/array-length-function
	registerK("array_length", valueKernel(column.Long, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		return int64(len(arr))
	}))
	// https://learn.microsoft.com/kusto/query/bag-keys-function
	registerK("bag_keys", valueKernel(column.Dynamic, func(a []any) any {
		bag, ok := a[0].(map[string]any)
		if !ok {
			return nil
		}
		keys := make([]string, 0, len(bag))
		for k := range bag {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = k
		}
		return out
	}))
	// https://learn.microsoft.com/kusto/query/bag-has-key-function
	registerK("bag_has_key", valueKernel(column.Bool, func(a []any) any {
		bag, ok := a[0].(map[string]any)
		if !ok {
			return false
		}
		key := str0(a[1])
		if strings.HasPrefix(key, "$") {
			// A JSONPath: $.key2.prop1 looks into nested bags.
			steps, ok := parseJSONPath(key)
			if !ok {
				return false
			}
			_, has := jsonPathGet(bag, steps)
			return has
		}
		_, has := bag[key]
		return has
	}))
	// https://learn.microsoft.com/kusto/query/pack-array-function
	registerK("pack_array", valueKernel(column.Dynamic, func(a []any) any {
		return append([]any{}, a...)
	}))
	// https://learn.microsoft.com/kusto/query/pack-function
	registerK("bag_pack", valueKernel(column.Dynamic, func(a []any) any {
		bag := make(map[string]any, len(a)/2)
		for i := 0; i+1 < len(a); i += 2 {
			bag[str0(a[i])] = a[i+1]
		}
		return bag
	}))
	// https://learn.microsoft.com/kusto/query/bag-merge-function
	registerK("bag_merge", valueKernel(column.Dynamic, func(a []any) any {
		bag := map[string]any{}
		for _, x := range a {
			m, _ := x.(map[string]any)
			for k, v := range m {
				if _, dup := bag[k]; !dup {
					bag[k] = v
				}
			}
		}
		return bag
	}))
	// https://learn.microsoft.com/kusto/query/array-concat-function
	registerK("array_concat", valueKernel(column.Dynamic, func(a []any) any {
		out := []any{}
		for _, x := range a {
			arr, ok := x.([]any)
			if !ok {
				return nil
			}
			out = append(out, arr...)
		}
		return out
	}))
	// https://learn.microsoft.com/kusto/query/set-has-element-function
	registerK("set_has_element", valueKernel(column.Bool, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		return indexOfDyn(arr, a[1]) >= 0
	}))
	// https://learn.microsoft.com/kusto/query/array-index-of-function
	registerK("array_index_of", valueKernel(column.Long, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		return int64(indexOfDyn(arr, a[1]))
	}))
	// https://learn.microsoft.com/kusto/query/set-union-function
	registerK("set_union", valueKernel(column.Dynamic, func(a []any) any { return setOp(a, 0) }))
	registerK("set_intersect", valueKernel(column.Dynamic, func(a []any) any { return setOp(a, 1) }))
	registerK("set_difference", valueKernel(column.Dynamic, func(a []any) any { return setOp(a, 2) }))
	// https://learn.microsoft.com/kusto/query/array-reverse-function
	registerK("array_reverse", valueKernel(column.Dynamic, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		out := make([]any, len(arr))
		for i, x := range arr {
			out[len(arr)-1-i] = x
		}
		return out
	}))
	// https://learn.microsoft.com/kusto/query/array-sort-asc-function
	registerK("array_sort_asc", valueKernel(column.Dynamic, func(a []any) any { return sortDyn(a[0], false) }))
	registerK("array_sort_desc", valueKernel(column.Dynamic, func(a []any) any { return sortDyn(a[0], true) }))
	// https://learn.microsoft.com/kusto/query/array-sum-function
	registerK("array_sum", valueKernel(column.Real, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		var s float64
		for _, x := range arr {
			f, ok := x.(float64)
			if i, isInt := x.(int64); isInt {
				f, ok = float64(i), true
			}
			if !ok {
				return nil
			}
			s += f
		}
		return s
	}))
	// https://learn.microsoft.com/kusto/query/array-slice-function
	registerK("array_slice", valueKernel(column.Dynamic, func(a []any) any {
		arr, ok := a[0].([]any)
		start, ok1 := a[1].(int64)
		end, ok2 := a[2].(int64)
		if !ok || !ok1 || !ok2 {
			return nil
		}
		n := int64(len(arr))
		if start < 0 {
			start += n
		}
		if end < 0 {
			end += n
		}
		start, end = max(start, 0), min(end, n-1)
		if start > end {
			return []any{}
		}
		return append([]any{}, arr[start:end+1]...)
	}))
	// https://learn.microsoft.com/kusto/query/strcat-array-function
	registerK("strcat_array", valueKernel(column.String, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return ""
		}
		parts := make([]string, len(arr))
		for i, x := range arr {
			parts[i] = dynString(x)
		}
		return strings.Join(parts, str0(a[1]))
	}))
}

// dynKey is a dynamic value's identity for set operations: its type and
// JSON text (so 1 and "1" differ).
func dynKey(x any) string {
	return dynTypeName(x) + ":" + string(column.AppendDynamicJSON(nil, x))
}

func indexOfDyn(arr []any, x any) int {
	k := dynKey(x)
	for i, e := range arr {
		if dynKey(e) == k {
			return i
		}
	}
	return -1
}

// setOp: 0 union, 1 intersection, 2 difference of the first array and the
// rest; distinct values in first-seen order.
func setOp(a []any, op int) any {
	arrs := make([][]any, len(a))
	for i, x := range a {
		arr, ok := x.([]any)
		if !ok {
			return nil
		}
		arrs[i] = arr
	}
	seen := map[string]bool{}
	out := []any{}
	inAll := func(k string, rest [][]any) (all, anyOf bool) {
		all = true
		for _, r := range rest {
			found := false
			for _, e := range r {
				if dynKey(e) == k {
					found = true
					break
				}
			}
			all = all && found
			anyOf = anyOf || found
		}
		return all, anyOf
	}
	src := arrs
	if op != 0 {
		src = arrs[:1]
	}
	for _, arr := range src {
		for _, e := range arr {
			k := dynKey(e)
			if seen[k] {
				continue
			}
			seen[k] = true
			switch op {
			case 1:
				if all, _ := inAll(k, arrs[1:]); !all {
					continue
				}
			case 2:
				if _, anyOf := inAll(k, arrs[1:]); anyOf {
					continue
				}
			}
			out = append(out, e)
		}
	}
	return out
}

// sortDyn sorts an array of numbers or strings; nulls go last.
func sortDyn(x any, desc bool) any {
	arr, ok := x.([]any)
	if !ok {
		return nil
	}
	out := append([]any{}, arr...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a == nil || b == nil {
			return b == nil && a != nil
		}
		c := cmpDyn(a, b)
		if desc {
			return c > 0
		}
		return c < 0
	})
	return out
}

// cmpDyn orders dynamic scalars: numbers numerically, strings by text,
// numbers before strings.
func cmpDyn(a, b any) int {
	fa, na := dynNum(a)
	fb, nb := dynNum(b)
	switch {
	case na && nb:
		return cmpFloat(fa, fb)
	case na:
		return -1
	case nb:
		return 1
	}
	return strings.Compare(dynString(a), dynString(b))
}

func dynNum(x any) (float64, bool) {
	switch v := x.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}
