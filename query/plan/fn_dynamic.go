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
		"array_index_of":  dynFunc(2, 2, "array_index_of", column.Long),
		"set_union":       dynFunc(1, 64, "set_union", column.Dynamic),
		"set_intersect":   dynFunc(1, 64, "set_intersect", column.Dynamic),
		"set_difference":  dynFunc(1, 64, "set_difference", column.Dynamic),
		"array_reverse":   dynFunc(1, 1, "array_reverse", column.Dynamic),
		"array_sort_asc":  dynFunc(1, 1, "array_sort_asc", column.Dynamic),
		"array_sort_desc": dynFunc(1, 1, "array_sort_desc", column.Dynamic),
		"array_sum":       strFunc(1, 1, "array_sum", column.Real, dynArg),
		"bag_has_key":     strFunc(2, 2, "bag_has_key", column.Bool, dynArg, strArg),
		"bag_merge":       dynFunc(1, 64, "bag_merge", column.Dynamic),
		"array_strcat":    strFunc(2, 2, "strcat_array", column.String, dynArg, strArg),
		"strcat_array":    strFunc(2, 2, "strcat_array", column.String, dynArg, strArg),
		"array_slice":     strFunc(3, 3, "array_slice", column.Dynamic, dynArg, intArg),
		"bag_pack":        packSig(),
		"pack":            packSig(),
		"pack_dictionary": packSig(),
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
