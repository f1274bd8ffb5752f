package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"clickhunt/column"
	"clickhunt/examples/gen"
	"clickhunt/export"
	"clickhunt/internal/benchmem"
)

// exportSink writes the blocks it is given into an export's table.
type exportSink struct {
	e *export.Export
	t *export.Table
}

func (s *exportSink) WriteBlock(schema column.Schema, b *column.Batch) error {
	if s.t == nil {
		var err error
		if s.t, err = s.e.Begin("UrlClickEvents", schema); err != nil {
			return err
		}
	}
	return s.t.Write(b)
}

// BenchmarkReadParquet reads a clickhunt export part of 200,000 generated
// clicks (parsing only, no storage) and reports rows/s and the peak live
// heap above the file's own bytes.
func BenchmarkReadParquet(b *testing.B) {
	const rows = 200_000
	var csv bytes.Buffer
	if err := gen.Write(&csv, gen.Config{Rows: rows, Seed: 3}); err != nil {
		b.Fatal(err)
	}
	e, err := export.New(export.Options{Format: export.FormatParquet, Dir: filepath.Join(b.TempDir(), "out")})
	if err != nil {
		b.Fatal(err)
	}
	sink := &exportSink{e: e}
	if _, err := Read(context.Background(), bytes.NewReader(csv.Bytes()), "clicks.csv", sink, Options{}); err != nil {
		b.Fatal(err)
	}
	if err := sink.t.Close(); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(sink.t.Parts[0].Path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	var peak uint64
	for b.Loop() {
		stop := benchmem.PeakHeap()
		n, err := Read(context.Background(), bytes.NewReader(data), "UrlClickEvents.00001.parquet", discard{}, Options{})
		peak = max(peak, stop())
		if err != nil {
			b.Fatal(err)
		}
		if n != rows {
			b.Fatalf("got %d rows", n)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak), "peak-heap-B")
}
