package exec

import (
	"math"
	"sort"
	"strings"

	"clickhunt/column"
	"clickhunt/query/plan"
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
	// pack_all(ignore, key1, value1, ...): bag_pack, leaving out null and
	// empty-string values when ignore is true.
	// https://learn.microsoft.com/kusto/query/pack-all-function
	registerK("pack_all", valueKernel(column.Dynamic, func(a []any) any {
		ignore, _ := a[0].(bool)
		bag := make(map[string]any, len(a)/2)
		for i := 1; i+1 < len(a); i += 2 {
			v := a[i+1]
			if ignore && (v == nil || v == "") {
				continue
			}
			bag[str0(a[i])] = v
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
	// array_index_of(array, value [, start [, length [, occurrence]]]):
	// start counts from the end when negative; length -1 is to the end.
	registerK("array_index_of", valueKernel(column.Long, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		start, length, occ := int64(0), int64(-1), int64(1)
		for i, p := range []*int64{&start, &length, &occ} {
			if len(a) > i+2 {
				v, ok := a[i+2].(int64)
				if !ok {
					return nil
				}
				*p = v
			}
		}
		n := int64(len(arr))
		if start < 0 {
			start = max(start+n, 0)
		}
		if length < -1 || occ < 0 {
			return nil
		}
		end := n
		if length >= 0 {
			end = min(n, start+length)
		}
		occ = max(occ, 1)
		k := dynKey(a[1])
		for i := start; i < end; i++ {
			if dynKey(arr[i]) == k {
				if occ--; occ == 0 {
					return i
				}
			}
		}
		return int64(-1)
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
	// The optional second argument, nulls_last, is true by default.
	for _, desc := range []bool{false, true} {
		name := "array_sort_asc"
		if desc {
			name = "array_sort_desc"
		}
		registerK(name, valueKernel(column.Dynamic, func(a []any) any {
			nullsLast := true
			if len(a) > 1 {
				b, ok := a[1].(bool)
				if !ok {
					return nil
				}
				nullsLast = b
			}
			return sortDyn(a[0], desc, nullsLast)
		}))
		// With several arrays: (nulls_last, array1, ..., arrayN).
		registerK(name+"_many", valueKernel(column.Dynamic, func(a []any) any {
			nullsLast, ok := a[0].(bool)
			if !ok {
				return nil
			}
			return sortMany(a[1:], desc, nullsLast)
		}))
	}
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
	registerK("array_iff", valueKernel(column.Dynamic, arrayIff))
	for name, dir := range map[string]int64{"array_rotate_left": 1, "array_rotate_right": -1} {
		registerK(name, valueKernel(column.Dynamic, func(a []any) any {
			arr, ok := a[0].([]any)
			n, ok2 := a[1].(int64)
			if !ok || !ok2 {
				return nil
			}
			return rotate(arr, dir*n)
		}))
	}
	for name, dir := range map[string]int64{"array_shift_left": 1, "array_shift_right": -1} {
		registerK(name, valueKernel(column.Dynamic, func(a []any) any {
			arr, ok := a[0].([]any)
			n, ok2 := a[1].(int64)
			if !ok || !ok2 {
				return nil
			}
			var fill any
			if len(a) > 2 {
				fill = a[2]
			}
			return shift(arr, dir*n, fill)
		}))
	}
	registerK("array_split", valueKernel(column.Dynamic, func(a []any) any {
		arr, ok := a[0].([]any)
		if !ok {
			return nil
		}
		return arraySplit(arr, a[1])
	}))
	registerK("zip", valueKernel(column.Dynamic, zipArrays))
	registerK("bag_zip", valueKernel(column.Dynamic, func(a []any) any { return bagZip(a[0], a[1]) }))
	registerK("bag_remove_keys", valueKernel(column.Dynamic, func(a []any) any { return bagRemoveKeys(a[0], a[1]) }))
	registerK("bag_set_key", valueKernel(column.Dynamic, func(a []any) any { return bagSetKey(a[0], str0(a[1]), a[2]) }))
	registerK("jaccard_index", valueKernel(column.Real, func(a []any) any { return jaccardIndex(a[0], a[1]) }))
	// repeat and range build up to 2^20 elements a row: each array is
	// checked against the memory budget first.
	registerS("repeat", func(c *plan.Call, s *stopper) (kernel, error) {
		return func(args []*column.Vector, rows int) *column.Vector {
			g := s.growth("repeat()")
			return valueKernel(column.Dynamic, func(a []any) any {
				n, ok := a[1].(int64)
				if !ok || n < 0 {
					return nil
				}
				n = min(n, maxArrayLen)
				g.add(n * (16 + dynBytes(a[0])))
				out := make([]any, n)
				for i := range out {
					out[i] = a[0]
				}
				return out
			})(args, rows)
		}, nil
	})
	registerS("range", func(c *plan.Call, s *stopper) (kernel, error) {
		t := c.Args[0].Type()
		return func(args []*column.Vector, rows int) *column.Vector {
			g := s.growth("range()")
			return valueKernel(column.Dynamic, func(a []any) any { return rangeArray(t, a, g) })(args, rows)
		}, nil
	})
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

// arrayIff picks, per element of the condition array, the element of
// ifTrue or ifFalse at the same index (or the value itself when not an
// array); a condition that is neither bool nor number gives null.
func arrayIff(a []any) any {
	conds, ok := a[0].([]any)
	if !ok {
		return nil
	}
	pick := func(x any, i int) any {
		if arr, ok := x.([]any); ok {
			if i < len(arr) {
				return arr[i]
			}
			return nil
		}
		return x
	}
	out := make([]any, len(conds))
	for i, c := range conds {
		var truth, known bool
		switch v := c.(type) {
		case bool:
			truth, known = v, true
		case int64:
			truth, known = v != 0, true
		case float64:
			truth, known = v != 0, true
		}
		switch {
		case !known:
			out[i] = nil
		case truth:
			out[i] = pick(a[1], i)
		default:
			out[i] = pick(a[2], i)
		}
	}
	return out
}

// rotate returns arr rotated left by n (right when n < 0).
func rotate(arr []any, n int64) []any {
	l := int64(len(arr))
	out := make([]any, l)
	if l == 0 {
		return out
	}
	n = ((n % l) + l) % l
	for i := range out {
		out[i] = arr[(int64(i)+n)%l]
	}
	return out
}

// shift returns arr shifted left by n (right when n < 0), filling with fill.
func shift(arr []any, n int64, fill any) []any {
	l := int64(len(arr))
	out := make([]any, l)
	for i := range out {
		j := int64(i) + n
		if j >= 0 && j < l {
			out[i] = arr[j]
		} else {
			out[i] = fill
		}
	}
	return out
}

// arraySplit cuts arr before each index (one index or an array of them);
// negative indexes count from the end.
func arraySplit(arr []any, at any) any {
	var idx []int64
	switch v := at.(type) {
	case int64:
		idx = []int64{v}
	case []any:
		for _, x := range v {
			i, ok := x.(int64)
			if !ok {
				return nil
			}
			idx = append(idx, i)
		}
	default:
		return nil
	}
	n := int64(len(arr))
	out := []any{}
	prev := int64(0)
	for _, i := range idx {
		if i < 0 {
			i += n
		}
		i = min(max(i, prev), n)
		out = append(out, append([]any{}, arr[prev:i]...))
		prev = i
	}
	return append(out, append([]any{}, arr[prev:]...))
}

// zipArrays pairs the elements of arrays at each index, padding the shorter
// ones with null.
func zipArrays(a []any) any {
	arrs := make([][]any, len(a))
	n := 0
	for i, x := range a {
		arr, ok := x.([]any)
		if !ok {
			return nil
		}
		arrs[i] = arr
		n = max(n, len(arr))
	}
	out := make([]any, n)
	for i := range out {
		row := make([]any, len(arrs))
		for j, arr := range arrs {
			if i < len(arr) {
				row[j] = arr[i]
			}
		}
		out[i] = row
	}
	return out
}

// bagZip builds a bag from an array of keys and one of values: keys that
// are not strings are skipped, missing values are null.
func bagZip(keys, vals any) any {
	ks, ok := keys.([]any)
	if !ok {
		return nil
	}
	vs, _ := vals.([]any)
	bag := map[string]any{}
	for i, k := range ks {
		s, ok := k.(string)
		if !ok {
			continue
		}
		if i < len(vs) {
			bag[s] = vs[i]
		} else {
			bag[s] = nil
		}
	}
	return bag
}

// cloneBag copies a bag and the bags nested in it, so that changing the
// copy leaves the input (possibly shared by other rows) alone.
func cloneBag(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = cloneBag(sub)
		}
		out[k] = v
	}
	return out
}

// bagRemoveKeys removes keys (or JSONPaths into nested bags) from a bag.
func bagRemoveKeys(x, keys any) any {
	bag, ok := x.(map[string]any)
	ks, ok2 := keys.([]any)
	if !ok || !ok2 {
		return nil
	}
	out := cloneBag(bag)
	for _, k := range ks {
		s, ok := k.(string)
		if !ok {
			continue
		}
		path, last, ok := bagPath(s)
		if !ok {
			continue
		}
		parent := out
		for _, p := range path {
			sub, ok := parent[p].(map[string]any)
			if !ok {
				parent = nil
				break
			}
			parent = sub
		}
		if parent != nil {
			delete(parent, last)
		}
	}
	return out
}

// bagSetKey sets a key (or a JSONPath, creating the bags on the way).
func bagSetKey(x any, key string, val any) any {
	bag, ok := x.(map[string]any)
	if !ok {
		return nil
	}
	path, last, ok := bagPath(key)
	if !ok {
		return nil
	}
	out := cloneBag(bag)
	parent := out
	for _, p := range path {
		sub, ok := parent[p].(map[string]any)
		if !ok {
			sub = map[string]any{}
			parent[p] = sub
		}
		parent = sub
	}
	parent[last] = val
	return out
}

// bagPath splits a key into the bags leading to it and its last name: a
// plain key is itself; $.a.b or $['a']['b'] is a path of names only.
func bagPath(key string) (path []string, last string, ok bool) {
	if !strings.HasPrefix(key, "$") {
		return nil, key, true
	}
	steps, ok := parseJSONPath(key)
	if !ok || len(steps) == 0 {
		return nil, "", false
	}
	for _, st := range steps {
		if st.key == nil {
			return nil, "", false
		}
		path = append(path, *st.key)
	}
	return path[:len(path)-1], path[len(path)-1], true
}

// jaccardIndex is |A ∩ B| / |A ∪ B| over the distinct elements.
func jaccardIndex(a, b any) any {
	x, ok1 := a.([]any)
	y, ok2 := b.([]any)
	if !ok1 || !ok2 {
		return nil
	}
	inX := map[string]bool{}
	for _, e := range x {
		inX[dynKey(e)] = true
	}
	union := len(inX)
	inter := 0
	seenY := map[string]bool{}
	for _, e := range y {
		k := dynKey(e)
		if seenY[k] {
			continue
		}
		seenY[k] = true
		if inX[k] {
			inter++
		} else {
			union++
		}
	}
	if union == 0 {
		return float64(0)
	}
	return float64(inter) / float64(union)
}

// maxArrayLen is how many elements range() and repeat() give at most, as
// Kusto documents for range (2^20); longer results are truncated.
const maxArrayLen = 1 << 20

// rangeArray is range(start, stop, step) for longs, reals, datetimes or
// timespans (the last two as Kusto's text forms).
func rangeArray(t column.Type, a []any, g *growth) any {
	switch t {
	case column.Real:
		start, ok1 := a[0].(float64)
		stop, ok2 := a[1].(float64)
		step, ok3 := a[2].(float64)
		if !ok1 || !ok2 || !ok3 || step == 0 || math.IsNaN(start+stop+step) {
			return nil
		}
		if n := (stop-start)/step + 1; n > 0 {
			g.add(int64(min(n, maxArrayLen)) * 40)
		}
		out := []any{}
		for i := 0; i < maxArrayLen; i++ {
			v := start + float64(i)*step
			if (step > 0 && v > stop) || (step < 0 && v < stop) {
				break
			}
			out = append(out, v)
		}
		return out
	}
	start, ok1 := a[0].(int64)
	stop, ok2 := a[1].(int64)
	step, ok3 := a[2].(int64)
	if !ok1 || !ok2 || !ok3 || step == 0 {
		return nil
	}
	if n := (float64(stop)-float64(start))/float64(step) + 1; n > 0 {
		g.add(int64(min(n, maxArrayLen)) * 40)
	}
	out := []any{}
	for v, i := start, 0; i < maxArrayLen; v, i = v+step, i+1 {
		if (step > 0 && v > stop) || (step < 0 && v < stop) {
			break
		}
		out = append(out, toDyn(t, v))
		if (step > 0 && v > math.MaxInt64-step) || (step < 0 && v < math.MinInt64-step) {
			break
		}
	}
	return out
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

// sortDyn sorts an array of numbers or strings; nulls go last or first.
func sortDyn(x any, desc, nullsLast bool) any {
	arr, ok := x.([]any)
	if !ok {
		return nil
	}
	return permute(arr, sortPerm(arr, desc, nullsLast))
}

// sortPerm returns the indexes of arr in sorted order (a stable sort, so
// equal elements keep their order); nulls go last or first.
func sortPerm(arr []any, desc, nullsLast bool) []int {
	perm := make([]int, len(arr))
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(i, j int) bool {
		a, b := arr[perm[i]], arr[perm[j]]
		if a == nil || b == nil {
			if nullsLast {
				return b == nil && a != nil
			}
			return a == nil && b != nil
		}
		c := cmpDyn(a, b)
		if desc {
			return c > 0
		}
		return c < 0
	})
	return perm
}

// permute returns arr's elements in the order perm gives.
func permute(arr []any, perm []int) []any {
	out := make([]any, len(perm))
	for i, p := range perm {
		out[i] = arr[p]
	}
	return out
}

// sortMany sorts the first of several arrays and orders the others the
// same way; an array whose length differs from the first's (or that is no
// array) gives null. The result is an array holding the arrays.
// https://learn.microsoft.com/kusto/query/array-sort-asc-function
func sortMany(arrs []any, desc, nullsLast bool) any {
	first, ok := arrs[0].([]any)
	if !ok {
		return nil
	}
	perm := sortPerm(first, desc, nullsLast)
	out := make([]any, len(arrs))
	for i, x := range arrs {
		if arr, ok := x.([]any); ok && len(arr) == len(first) {
			out[i] = permute(arr, perm)
		}
	}
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

// dynamic_to_json.
func init() {
	// https://learn.microsoft.com/kusto/query/dynamic-to-json-function
	registerK("dynamic_to_json", valueKernel(column.String, func(a []any) any {
		return string(column.AppendDynamicJSON(nil, a[0]))
	}))
}
