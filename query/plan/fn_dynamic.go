package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Dynamic (array and property bag) function signatures; kernels in
// exec/fn_dynamic.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#dynamicjson-and-array-functions

// dynFunc types a function whose arguments all become dynamic.
func dynFunc(minArgs, maxArgs int, fn string, ret column.Type) funcSig {
	return strFunc(minArgs, maxArgs, fn, ret, dynArg)
}

func init() {
	addFuncs(map[string]funcSig{
		"array_length":    dynFunc(1, 1, "array_length", column.Long).doc("array_length(Array)", "the number of elements of a dynamic array (null for anything else)", "print array_length(dynamic([1, 2, 3]))"),
		"bag_keys":        dynFunc(1, 1, "bag_keys", column.Dynamic).doc("bag_keys(Bag)", "the keys of a property bag, as an array", `print bag_keys(dynamic({"a": 1, "b": 2}))`),
		"pack_array":      dynFunc(1, 64, "pack_array", column.Dynamic).doc("pack_array(Value1, Value2, ...)", "its arguments as a dynamic array", `print pack_array(1, "a", true)`),
		"array_concat":    dynFunc(1, 64, "array_concat", column.Dynamic).doc("array_concat(Array1, Array2, ...)", "the arrays joined into one", "print array_concat(dynamic([1, 2]), dynamic([3]))"),
		"set_has_element": dynFunc(2, 2, "set_has_element", column.Bool).doc("set_has_element(Array, Value)", "whether the array holds the value", `print set_has_element(dynamic(["a", "b"]), "b")`),
		"array_index_of":  strFunc(2, 5, "array_index_of", column.Long, dynArg, dynArg, intArg).doc("array_index_of(Array, Value [, Start [, Length [, Occurrence]]])", "the index of the value's occurrence in the array, or -1", `print array_index_of(dynamic(["a", "b", "a"]), "a", 0, -1, 2)`),
		"set_union":       dynFunc(1, 64, "set_union", column.Dynamic).doc("set_union(Array1, Array2, ...)", "the distinct values of all the arrays", "print set_union(dynamic([1, 2]), dynamic([2, 3]))"),
		"set_intersect":   dynFunc(1, 64, "set_intersect", column.Dynamic).doc("set_intersect(Array1, Array2, ...)", "the distinct values found in every array", "print set_intersect(dynamic([1, 2, 3]), dynamic([2, 3, 4]))"),
		"set_difference":  dynFunc(1, 64, "set_difference", column.Dynamic).doc("set_difference(Array1, Array2, ...)", "the distinct values of the first array found in none of the others", "print set_difference(dynamic([1, 2, 3]), dynamic([2]))"),
		"array_reverse":   dynFunc(1, 1, "array_reverse", column.Dynamic).doc("array_reverse(Array)", "the array in reverse order", "print array_reverse(dynamic([1, 2, 3]))"),
		"array_sort_asc":  arraySortSig("array_sort_asc").doc("array_sort_asc(Array1 [, ..., ArrayN] [, NullsLast])", "the first array sorted in ascending order and the others in the same order (one column each when alone in print, extend or project); nulls last unless NullsLast is false", "print array_sort_asc(dynamic([3, 1, 2]), dynamic(['c', 'a', 'b']))"),
		"array_sort_desc": arraySortSig("array_sort_desc").doc("array_sort_desc(Array1 [, ..., ArrayN] [, NullsLast])", "the first array sorted in descending order and the others in the same order (one column each when alone in print, extend or project); nulls last unless NullsLast is false", "print array_sort_desc(dynamic([3, 1, 2]), dynamic(['c', 'a', 'b']))"),
		"array_sum":       strFunc(1, 1, "array_sum", column.Real, dynArg).doc("array_sum(Array)", "the sum of the numbers of an array (null if any element is not a number)", "print array_sum(dynamic([1, 2.5]))"),
		"bag_has_key":     strFunc(2, 2, "bag_has_key", column.Bool, dynArg, strArg).doc("bag_has_key(Bag, Key)", "whether a property bag has the key (or JSONPath such as $.a.b)", `print bag_has_key(dynamic({"a": {"b": 1}}), "$.a.b")`),
		"bag_merge":       dynFunc(1, 64, "bag_merge", column.Dynamic).doc("bag_merge(Bag1, Bag2, ...)", "the bags' properties in one bag; the first bag holding a key wins", `print bag_merge(dynamic({"a": 1}), dynamic({"a": 2, "b": 3}))`),
		"array_strcat":    strFunc(2, 2, "strcat_array", column.String, dynArg, strArg).page("strcat-array-function").doc("array_strcat(Array, Delimiter)", "the same as strcat_array()", `print array_strcat(dynamic([1, 2, 3]), "-")`),
		"strcat_array":    strFunc(2, 2, "strcat_array", column.String, dynArg, strArg).doc("strcat_array(Array, Delimiter)", "the array's elements as text, joined with Delimiter", `print strcat_array(dynamic([1, 2, 3]), "-")`),
		"array_slice":     strFunc(3, 3, "array_slice", column.Dynamic, dynArg, intArg).doc("array_slice(Array, Start, End)", "the elements from Start to End inclusive (negative indexes count from the end)", "print array_slice(dynamic([1, 2, 3, 4]), 1, -2)"),
		"bag_pack":        packSig().doc("bag_pack(Key1, Value1, Key2, Value2, ...)", "a property bag of the key-value pairs", `print bag_pack("user", "alice", "clicks", 3)`),
		"pack":            packSig().page("pack-function").doc("pack(Key1, Value1, Key2, Value2, ...)", "the same as bag_pack()", `print pack("user", "alice")`),
		// https://learn.microsoft.com/kusto/query/pack-all-function
		"pack_all": planned(0, 1, packAll).doc("pack_all([IgnoreNullEmpty])", "a property bag of all the row's columns, by name; with IgnoreNullEmpty true, null and empty values are left out", "print a = 1, b = '' | extend p = pack_all(), q = pack_all(true)"),
		// https://learn.microsoft.com/kusto/query/bag-pack-columns-function
		"bag_pack_columns": planned(1, 64, bagPackColumns).doc("bag_pack_columns(Column1, Column2, ...)", "a property bag of the columns given, keyed by their names", "print Id = 'A', Value = 1 | extend p = bag_pack_columns(Id, Value)"),
		"pack_dictionary":  packSig().page("pack-function").doc("pack_dictionary(Key1, Value1, Key2, Value2, ...)", "the same as bag_pack()", `print pack_dictionary("user", "alice")`),
		// https://learn.microsoft.com/kusto/query/array-iff-function
		"array_iff": dynFunc(3, 3, "array_iff", column.Dynamic).doc("array_iff(Conditions, IfTrue, IfFalse)", "element-wise iff over an array of conditions; IfTrue and IfFalse are arrays or values", "print array_iff(dynamic([true, false, true]), dynamic([1, 2, 3]), 0)"),
		"array_iif": dynFunc(3, 3, "array_iff", column.Dynamic).page("array-iff-function").doc("array_iif(Conditions, IfTrue, IfFalse)", "the same as array_iff()", `print array_iif(dynamic([true, false]), "yes", "no")`),
		// https://learn.microsoft.com/kusto/query/array-rotate-left-function
		"array_rotate_left":  strFunc(2, 2, "array_rotate_left", column.Dynamic, dynArg, intArg).doc("array_rotate_left(Array, Shift)", "the array rotated left by Shift positions (right when negative)", "print array_rotate_left(dynamic([1, 2, 3, 4, 5]), 2)"),
		"array_rotate_right": strFunc(2, 2, "array_rotate_right", column.Dynamic, dynArg, intArg).doc("array_rotate_right(Array, Shift)", "the array rotated right by Shift positions (left when negative)", "print array_rotate_right(dynamic([1, 2, 3, 4, 5]), 2)"),
		// https://learn.microsoft.com/kusto/query/array-shift-left-function
		"array_shift_left":  strFunc(2, 3, "array_shift_left", column.Dynamic, dynArg, intArg, dynArg).doc("array_shift_left(Array, Shift [, Fill])", "the array shifted left by Shift positions, filled with Fill (null by default)", "print array_shift_left(dynamic([1, 2, 3, 4, 5]), 2, -1)"),
		"array_shift_right": strFunc(2, 3, "array_shift_right", column.Dynamic, dynArg, intArg, dynArg).doc("array_shift_right(Array, Shift [, Fill])", "the array shifted right by Shift positions, filled with Fill (null by default)", "print array_shift_right(dynamic([1, 2, 3, 4, 5]), 2)"),
		// https://learn.microsoft.com/kusto/query/array-split-function
		"array_split": dynFunc(2, 2, "array_split", column.Dynamic).doc("array_split(Array, Index | dynamic([Index, ...]))", "the array cut into parts before each index", "print array_split(dynamic([1, 2, 3, 4, 5]), dynamic([1, 3]))"),
		// https://learn.microsoft.com/kusto/query/zip-function
		"zip": dynFunc(2, 64, "zip", column.Dynamic).doc("zip(Array1, Array2, ...)", "an array of arrays pairing the elements at each index (null where an array is shorter)", "print zip(dynamic([1, 3, 5]), dynamic([2, 4, 6]))"),
		// https://learn.microsoft.com/kusto/query/bag-zip
		"bag_zip": dynFunc(2, 2, "bag_zip", column.Dynamic).page("bag-zip").doc("bag_zip(Keys, Values)", "a property bag from an array of keys and an array of values", `print bag_zip(dynamic(["a", "b"]), dynamic([1, 2]))`),
		// https://learn.microsoft.com/kusto/query/bag-remove-keys-function
		"bag_remove_keys": dynFunc(2, 2, "bag_remove_keys", column.Dynamic).doc("bag_remove_keys(Bag, Keys)", "the bag without the keys (or JSONPaths) of the Keys array", `print bag_remove_keys(dynamic({"a": 1, "b": 2}), dynamic(["b"]))`),
		// https://learn.microsoft.com/kusto/query/bag-set-key-function
		"bag_set_key": strFunc(3, 3, "bag_set_key", column.Dynamic, dynArg, strArg, dynArg).doc("bag_set_key(Bag, Key, Value)", "the bag with Key (or a JSONPath such as $.a.b) set to Value", `print bag_set_key(dynamic({"a": 1}), "$.b.c", 2)`),
		// https://learn.microsoft.com/kusto/query/jaccard-index-function
		"jaccard_index": dynFunc(2, 2, "jaccard_index", column.Real).doc("jaccard_index(Set1, Set2)", "the size of the intersection of two sets over the size of their union", "print jaccard_index(dynamic([1, 2, 3]), dynamic([1, 2, 3, 4]))"),
		// https://learn.microsoft.com/kusto/query/repeat-function
		"repeat": strFunc(2, 2, "repeat", column.Dynamic, dynArg, intArg).doc("repeat(Value, Count)", "an array holding Value Count times", `print repeat("a", 3)`),
		// https://learn.microsoft.com/kusto/query/range-function
		"range": rangeSig().doc("range(Start, Stop [, Step])", "an array of the values from Start up to Stop in steps of Step (at most 2^20 elements)", "print range(1, 8, 3), range(1h, 3h)"),
	})
}

// rangeSig types range(start, stop [, step]): numbers (step 1 by default),
// or datetimes or timespans with a timespan step.
func rangeSig() funcSig {
	return fsig(2, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		start, stop := args[0], args[1]
		st, et := start.Type(), stop.Type()
		switch {
		case st.IsNumeric() && et.IsNumeric():
			if len(args) == 2 {
				args = append(args, &Const{T: column.Long, Val: int64(1)})
			}
			if !args[2].Type().IsNumeric() {
				return nil, argErr(c, 2, "a number", args[2].Type())
			}
			if st == column.Real || et == column.Real || args[2].Type() == column.Real {
				args = []Expr{toReal(start), toReal(stop), toReal(args[2])}
			}
		case (st == column.Datetime || st == column.Timespan) && et == st:
			if len(args) == 2 {
				args = append(args, &Const{T: column.Timespan, Val: column.Hour})
			}
			if args[2].Type() != column.Timespan {
				return nil, argErr(c, 2, "a timespan", args[2].Type())
			}
		default:
			return nil, errAt(c.Pos, "range() needs numbers, or datetimes or timespans with a timespan step; got %s and %s", st, et)
		}
		return &Call{Fn: "range", Args: args, T: column.Dynamic}, nil
	})
}

// arraySortSig types array_sort_asc/desc(array1, ..., arrayN [,
// nulls_last]): a trailing bool is nulls_last (true by default). One array
// gives the sorted array (fn(array, nulls_last)); several give an array of
// the arrays (fn_many(nulls_last, arrays...)), which a print, extend or
// project spreads into one column per array, named array1_sorted,
// array2_sorted ... after the arguments.
// https://learn.microsoft.com/kusto/query/array-sort-asc-function
func arraySortSig(fn string) funcSig {
	s := fsig(1, 64, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		var nullsLast Expr = &Const{T: column.Bool, Val: true}
		arrays := args
		if n := len(args); n > 1 && args[n-1].Type() == column.Bool {
			nullsLast, arrays = args[n-1], args[:n-1]
		}
		out := []Expr{nullsLast}
		for i := range arrays {
			if arrays[i].Type() == column.Bool {
				return nil, argErr(c, i, "an array", arrays[i].Type())
			}
			a, err := dynArg(c, args, i)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		if len(arrays) == 1 {
			return &Call{Fn: fn, Args: []Expr{out[1], nullsLast}, T: column.Dynamic}, nil
		}
		return &Call{Fn: fn + "_many", Args: out, T: column.Dynamic}, nil
	})
	s.columns = func(c *syntax.Call, e Expr) []string {
		call, ok := e.(*Call)
		if !ok || call.Fn != fn+"_many" {
			return nil
		}
		names := make([]string, len(call.Args)-1)
		for i := range names {
			arg := fmt.Sprintf("array%d", i+1)
			if name, _, ok := identOf(c.Args[i].Expr); ok {
				arg = name
			}
			names[i] = arg + "_sorted"
		}
		return names
	}
	return s
}

// packAll plans pack_all([ignore_null_empty]) as pack_all(ignore, "Col1",
// Col1, ...) over the columns in scope, the hidden ones left out.
func packAll(b *builder, c *syntax.Call, sc *scope) (Expr, error) {
	var ignore Expr = &Const{T: column.Bool, Val: false}
	if len(c.Args) == 1 {
		e, err := b.scalarArg(c, 0, sc)
		if err != nil {
			return nil, err
		}
		if ignore, err = boolArg(c, []Expr{e}, 0); err != nil {
			return nil, err
		}
	}
	args := []Expr{ignore}
	for i, f := range sc.schema {
		if strings.HasPrefix(f.Name, "\x00") {
			continue
		}
		args = append(args, &Const{T: column.String, Val: f.Name}, asDynamic(&ColRef{Index: i, Name: f.Name, T: f.Type}))
	}
	return &Call{Fn: "pack_all", Args: args, T: column.Dynamic}, nil
}

// bagPackColumns plans bag_pack_columns(A, B, ...) as bag_pack("A", A,
// "B", B, ...): each argument must name a column.
func bagPackColumns(b *builder, c *syntax.Call, sc *scope) (Expr, error) {
	var args []Expr
	for i, a := range c.Args {
		name, _, ok := identOf(a.Expr)
		if a.Star || a.Name != "" || !ok {
			return nil, errAt(a.Pos, "bag_pack_columns() takes column names")
		}
		e, err := b.scalarArg(c, i, sc)
		if err != nil {
			return nil, err
		}
		if _, col := e.(*ColRef); !col {
			return nil, errAt(a.Pos, "bag_pack_columns() takes column names: '%s' is not a column", name)
		}
		args = append(args, &Const{T: column.String, Val: name}, asDynamic(e))
	}
	return &Call{Fn: "bag_pack", Args: args, T: column.Dynamic}, nil
}

// packSig types bag_pack(key1, value1, ...): string keys, any values.
// https://learn.microsoft.com/kusto/query/pack-function
func packSig() funcSig {
	return fsig(0, 64, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		if len(args)%2 != 0 {
			return nil, errAt(c.Pos, "%s() takes key, value pairs (an even number of arguments), got %d", c.Name, len(args))
		}
		out := make([]Expr, len(args))
		for i := range args {
			var err error
			if i%2 == 0 {
				out[i], err = strArg(c, args, i)
			} else {
				out[i], err = dynArg(c, args, i)
			}
			if err != nil {
				return nil, err
			}
		}
		return &Call{Fn: "bag_pack", Args: out, T: column.Dynamic}, nil
	})
}

func init() {
	addFuncs(map[string]funcSig{
		// https://learn.microsoft.com/kusto/query/dynamic-to-json-function
		"dynamic_to_json": strFunc(1, 1, "dynamic_to_json", column.String, dynArg).doc("dynamic_to_json(Expr)", "a dynamic value as canonical JSON text (bag keys sorted)", `print dynamic_to_json(dynamic({"b": 1, "a": [1, 2]}))`),
	})
}
