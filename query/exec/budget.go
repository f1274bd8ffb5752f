package exec

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"

	"clickhunt/column"
)

// ErrMemoryBudget is returned when a query would hold more memory than its
// budget (--max-memory): too many groups, a sort or join side too large, or
// too big a result.
var ErrMemoryBudget = errors.New("query exceeds its memory budget")

// budget counts the bytes a query holds in its blocking operators (group
// tables, sort buffers, join sides, the result). It is an estimate: it
// stops runaway queries with a clear message before they exhaust the
// machine, not an exact allocator.
type budget struct {
	limit int64 // 0: unlimited
	used  atomic.Int64
}

// charge adds n bytes for what; it fails once the total passes the limit.
func (b *budget) charge(n int64, what string) error {
	if b == nil || b.limit <= 0 {
		return nil
	}
	if b.used.Add(n) > b.limit {
		return fmt.Errorf("%w: %s needs more than the %s allowed (narrow the query with where or fewer by columns, or raise --max-memory)",
			ErrMemoryBudget, what, fmtBytes(b.limit))
	}
	return nil
}

// fmtBytes writes a size in the largest binary unit it reaches, with up to
// one decimal: 512 bytes, 1.5 KiB, 4 GiB (a budget under a MiB is not "0
// MiB").
func fmtBytes(n int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	v, u := float64(n), 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d bytes", n)
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + " " + units[u]
}

// batchBytes estimates the memory a batch holds.
func batchBytes(b *column.Batch) int64 {
	var n int64
	for _, v := range b.Cols {
		if v == nil || v.Const {
			continue
		}
		n += int64(len(v.Codes))*4 + int64(len(v.Ints))*8 + int64(len(v.Floats))*8 + int64(len(v.Bools)) + int64(len(v.Nulls))
		for _, s := range v.Strs {
			n += int64(len(s)) + 16
		}
		if v.Codes != nil && v.Len >= len(v.Dict) {
			for _, s := range v.Dict {
				n += int64(len(s)) + 16
			}
		}
		n += int64(len(v.Anys)) * 32
	}
	return n
}
