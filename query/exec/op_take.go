package exec

import (
	"context"

	"clickhunt/column"
)

// limitOp passes on the first rows and then stops pulling its input.
// https://learn.microsoft.com/kusto/query/take-operator
type limitOp struct {
	in   Operator
	left int64
}

func (l *limitOp) Next(ctx context.Context) (*column.Batch, error) {
	if l.left <= 0 {
		return nil, nil
	}
	b, err := l.in.Next(ctx)
	if b == nil || err != nil {
		return nil, err
	}
	if int64(b.Len) > l.left {
		idx := make([]uint32, l.left)
		for i := range idx {
			idx[i] = uint32(i)
		}
		b = b.Gather(idx)
	}
	l.left -= int64(b.Len)
	return b, nil
}
