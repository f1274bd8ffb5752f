package plan

import (
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
		"array_length":    dynFunc(1, 1, "array_length", column.Long),
		"bag_keys":        dynFunc(1, 1, "bag_keys", column.Dynamic),
		"pack_array":      dynFunc(1, 64, "pack_array", column.Dynamic),
		"array_concat":    dynFunc(1, 64, "array_concat", column.Dynamic),
		"set_has_element": dynFunc(2, 2, "set_has_element", column.Bool),
		"array_index_of":  strFunc(2, 5, "array_index_of", column.Long, dynArg, dynArg, intArg),
		"set_union":       dynFunc(1, 64, "set_union", column.Dynamic),
		"set_intersect":   dynFunc(1, 64, "set_intersect", column.Dynamic),
		"set_difference":  dynFunc(1, 64, "set_difference", column.Dynamic),
		"array_reverse":   dynFunc(1, 1, "array_reverse", column.Dynamic),
		"array_sort_asc":  strFunc(1, 2, "array_sort_asc", column.Dynamic, dynArg, boolArg),
		"array_sort_desc": strFunc(1, 2, "array_sort_desc", column.Dynamic, dynArg, boolArg),
		"array_sum":       strFunc(1, 1, "array_sum", column.Real, dynArg),
		"bag_has_key":     strFunc(2, 2, "bag_has_key", column.Bool, dynArg, strArg),
		"bag_merge":       dynFunc(1, 64, "bag_merge", column.Dynamic),
		"array_strcat":    strFunc(2, 2, "strcat_array", column.String, dynArg, strArg),
		"strcat_array":    strFunc(2, 2, "strcat_array", column.String, dynArg, strArg),
		"array_slice":     strFunc(3, 3, "array_slice", column.Dynamic, dynArg, intArg),
		"bag_pack":        packSig(),
		"pack":            packSig(),
		"pack_dictionary": packSig(),
		// https://learn.microsoft.com/kusto/query/array-iff-function
		"array_iff": dynFunc(3, 3, "array_iff", column.Dynamic),
		"array_iif": dynFunc(3, 3, "array_iff", column.Dynamic),
		// https://learn.microsoft.com/kusto/query/array-rotate-left-function
		"array_rotate_left":  strFunc(2, 2, "array_rotate_left", column.Dynamic, dynArg, intArg),
		"array_rotate_right": strFunc(2, 2, "array_rotate_right", column.Dynamic, dynArg, intArg),
		// https://learn.microsoft.com/kusto/query/array-shift-left-function
		"array_shift_left":  strFunc(2, 3, "array_shift_left", column.Dynamic, dynArg, intArg, dynArg),
		"array_shift_right": strFunc(2, 3, "array_shift_right", column.Dynamic, dynArg, intArg, dynArg),
		// https://learn.microsoft.com/kusto/query/array-split-function
		"array_split": dynFunc(2, 2, "array_split", column.Dynamic),
		// https://learn.microsoft.com/kusto/query/zip-function
		"zip": dynFunc(2, 64, "zip", column.Dynamic),
		// https://learn.microsoft.com/kusto/query/bag-zip
		"bag_zip": dynFunc(2, 2, "bag_zip", column.Dynamic),
		// https://learn.microsoft.com/kusto/query/bag-remove-keys-function
		"bag_remove_keys": dynFunc(2, 2, "bag_remove_keys", column.Dynamic),
		// https://learn.microsoft.com/kusto/query/bag-set-key-function
		"bag_set_key": strFunc(3, 3, "bag_set_key", column.Dynamic, dynArg, strArg, dynArg),
		// https://learn.microsoft.com/kusto/query/jaccard-index-function
		"jaccard_index": dynFunc(2, 2, "jaccard_index", column.Real),
		// https://learn.microsoft.com/kusto/query/repeat-function
		"repeat": strFunc(2, 2, "repeat", column.Dynamic, dynArg, intArg),
		// https://learn.microsoft.com/kusto/query/range-function
		"range": rangeSig(),
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
