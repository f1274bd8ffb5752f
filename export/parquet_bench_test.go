package export

import (
	"fmt"
	"path/filepath"
	"testing"

	"clickhunt/column"
	"clickhunt/internal/benchmem"
)

// clickBlocks makes blocks shaped like UrlClickEvents: distinct URLs and
// message ids, a few thousand users, a handful of actions.
func clickBlocks(blocks, rows int) (column.Schema, []*column.Batch) {
	schema := column.Schema{{Name: "Timestamp", Type: column.Datetime}, {Name: "Url", Type: column.String},
		{Name: "AccountUpn", Type: column.String}, {Name: "ActionType", Type: column.String},
		{Name: "NetworkMessageId", Type: column.String}, {Name: "IsClickedThrough", Type: column.Bool}}
	actions := []string{"ClickAllowed", "ClickBlocked", "ClickBlockedByTenantPolicy", "UrlErrorPage", "UrlScanInProgress"}
	var out []*column.Batch
	for bi := range blocks {
		bs := make([]*column.Builder, len(schema))
		for i, f := range schema {
			bs[i] = column.NewBuilder(f.Type, rows)
		}
		for r := range rows {
			n := bi*rows + r
			bs[0].AppendInt(17_000_000_000_000_000 + int64(n)*10_000_000)
			bs[1].AppendString(fmt.Sprintf("https://site%d.example.com/path/%d?utm=%x", n%5000, n, n*7919))
			bs[2].AppendString(fmt.Sprintf("user%d@contoso.com", n%3000))
			bs[3].AppendString(actions[n%len(actions)])
			bs[4].AppendString(fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", n, n%65536, n%4096, n%4096, n*31))
			bs[5].AppendBool(n%3 == 0)
		}
		b := &column.Batch{Len: rows, Cols: make([]*column.Vector, len(schema))}
		for i := range bs {
			b.Cols[i] = bs[i].Build()
		}
		out = append(out, b)
	}
	return schema, out
}

// BenchmarkExportParquet writes 524,288 click-shaped rows as Parquet and
// reports rows/s and the peak live heap, which must not grow with the
// rows (a part's row groups are written as they fill).
func BenchmarkExportParquet(b *testing.B) {
	schema, blocks := clickBlocks(8, 65536)
	rows := 8 * 65536
	var peak uint64
	for b.Loop() {
		e, err := New(Options{Format: FormatParquet, Dir: filepath.Join(b.TempDir(), "out")})
		if err != nil {
			b.Fatal(err)
		}
		stop := benchmem.PeakHeap()
		t, _ := e.Begin("UrlClickEvents", schema)
		for _, blk := range blocks {
			if err := t.Write(blk); err != nil {
				b.Fatal(err)
			}
		}
		if err := t.Close(); err != nil {
			b.Fatal(err)
		}
		peak = max(peak, stop())
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak), "peak-heap-B")
}
