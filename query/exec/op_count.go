package exec

import (
	"context"

	"clickhunt/column"
)

// countOp returns the number of input rows.
// https://learn.microsoft.com/kusto/query/count-operator
type countOp struct {
	in   Operator
	done bool
}

func (c *countOp) Next(ctx context.Context) (*column.Batch, error) {
	if c.done {
		return nil, nil
	}
	c.done = true
	var n int64
	for {
		b, err := c.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		n += int64(b.Len)
	}
	return &column.Batch{Len: 1, Cols: []*column.Vector{{Type: column.Long, Len: 1, Ints: []int64{n}}}}, nil
}
