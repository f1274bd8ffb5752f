package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"clickhunt/column"
	"clickhunt/examples/gen"
)

type discard struct{}

func (discard) WriteBlock(column.Schema, *column.Batch) error { return nil }

func benchRead(b *testing.B, name string, data []byte, rows int) {
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		n, err := Read(context.Background(), bytes.NewReader(data), name, discard{}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if n != int64(rows) {
			b.Fatalf("got %d rows", n)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadCSV(b *testing.B) {
	const rows = 200_000
	var buf bytes.Buffer
	if err := gen.Write(&buf, gen.Config{Rows: rows, Seed: 3}); err != nil {
		b.Fatal(err)
	}
	benchRead(b, "clicks.csv", buf.Bytes(), rows)
}

func BenchmarkReadJSONL(b *testing.B) {
	const rows = 50_000
	var buf bytes.Buffer
	if err := gen.Write(&buf, gen.Config{Rows: rows, Seed: 3}); err != nil {
		b.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	for _, r := range recs[1:] {
		obj := map[string]any{}
		for i, h := range recs[0] {
			obj[h] = r[i]
		}
		obj["IsClickedThrough"] = r[9] == "True"
		enc.Encode(obj)
	}
	benchRead(b, "clicks.jsonl", out.Bytes(), rows)
}

// BenchmarkFileCSV ingests into a fresh database: parsing plus storage.
func BenchmarkFileCSV(b *testing.B) {
	const rows = 500_000
	path := filepath.Join(b.TempDir(), "clicks.csv")
	if err := gen.WriteFile(path, gen.Config{Rows: rows, Seed: 3}); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	for b.Loop() {
		b.StopTimer()
		db := openTestDB(b)
		b.StartTimer()
		sum, err := File(context.Background(), db, path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Rows != rows {
			b.Fatalf("got %d rows", sum.Rows)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
