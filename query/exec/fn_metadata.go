package exec

import (
	"clickhunt/column"
)

// Metadata functions.
// https://learn.microsoft.com/kusto/query/scalar-functions#metadata-functions
func init() {
	// estimate_data_size(cols...): the bytes the row's values take, by
	// type: fixed-size types their width, a string its UTF-8 length, a
	// dynamic value the length of its JSON text (Kusto's own layout of
	// dynamic values, which weighs more, is not documented); a null
	// weighs nothing.
	// https://learn.microsoft.com/kusto/query/estimate-data-size-function
	registerK("estimate_data_size", func(a []*column.Vector, n int) *column.Vector {
		out := newInts(column.Long, n)
		for _, x := range a {
			for i := 0; i < n; i++ {
				if x.IsNull(i) {
					continue
				}
				out.Ints[i] += valueSize(x, i)
			}
		}
		return out
	})
}

// valueSize is the estimated size of row i of x, which is not null.
func valueSize(x *column.Vector, i int) int64 {
	switch x.Type {
	case column.Bool:
		return 1
	case column.Int:
		return 4
	case column.Guid:
		return 16
	case column.String:
		return int64(len(x.Str(i)))
	case column.Dynamic:
		if x.Anys == nil {
			return int64(len(x.Str(i)))
		}
		return int64(len(column.AppendDynamicJSON(nil, x.Value(i))))
	}
	return 8 // long, real, datetime, timespan, decimal
}
