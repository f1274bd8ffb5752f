package storage

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"clickhunt/column"
)

// benchStrings is a full block of Safe Links-like URLs: a few thousand
// distinct values, skewed so a handful dominate.
func benchStrings() *column.Vector {
	r := rand.New(rand.NewPCG(1, 1))
	z := rand.NewZipf(r, 1.2, 1, 4999)
	b := column.NewBuilder(column.String, BlockRows)
	for range BlockRows {
		k := z.Uint64()
		b.AppendString(fmt.Sprintf("https://site%d.example.com/path/%d/index.html?utm_source=mail&id=%x", k%300, k, k*2654435761))
	}
	return b.Build()
}

// benchDatetimes is a full block of ascending click times, a few clicks
// per second with 100 ns precision.
func benchDatetimes() *column.Vector {
	r := rand.New(rand.NewPCG(2, 2))
	b := column.NewBuilder(column.Datetime, BlockRows)
	ts := int64(17e15)
	for range BlockRows {
		ts += r.Int64N(column.Second)
		b.AppendInt(ts)
	}
	return b.Build()
}

// rawSize is the bytes a vector's values occupy uncompressed, for MB/s.
func rawSize(v *column.Vector) int64 {
	if v.Type == column.String {
		n := int64(0)
		for i := range v.Len {
			n += int64(len(v.Str(i)))
		}
		return n
	}
	return 8 * int64(v.Len)
}

func benchEncode(b *testing.B, v *column.Vector) {
	b.SetBytes(rawSize(v))
	b.ReportAllocs()
	var val []byte
	for b.Loop() {
		val, _ = appendColumnValue(val[:0], v)
	}
	b.ReportMetric(float64(len(val))/float64(v.Len), "stored-B/row")
}

func benchDecode(b *testing.B, v *column.Vector) {
	val, _ := appendColumnValue(nil, v)
	b.SetBytes(rawSize(v))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeColumnValue(val, v.Type); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeStrings(b *testing.B)   { benchEncode(b, benchStrings()) }
func BenchmarkDecodeStrings(b *testing.B)   { benchDecode(b, benchStrings()) }
func BenchmarkEncodeDatetimes(b *testing.B) { benchEncode(b, benchDatetimes()) }
func BenchmarkDecodeDatetimes(b *testing.B) { benchDecode(b, benchDatetimes()) }

// BenchmarkReadColumn measures a column read through a snapshot: Badger
// lookup plus decode.
func BenchmarkReadColumn(b *testing.B) {
	db, err := Open(b.TempDir(), Options{Small: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	v := benchDatetimes()
	w, err := db.BeginFile("t", FileInfo{Path: "bench", SHA256: [32]byte{1}})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.WriteBlock(column.Schema{{Name: "Timestamp", Type: column.Datetime}}, &column.Batch{Len: v.Len, Cols: []*column.Vector{v}}); err != nil {
		b.Fatal(err)
	}
	if _, err := w.Commit(); err != nil {
		b.Fatal(err)
	}
	s, err := db.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ti, _ := s.Table("t")
	blocks, _ := s.Blocks(ti)
	b.SetBytes(rawSize(v))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ReadColumn(ti, &blocks[0], ti.Columns[0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeTimestamps decodes one block of time-ordered click
// timestamps stored as varint deltas (format 4) and as packed deltas
// (format 5): the decoding a cold scan of Timestamp pays per block.
func BenchmarkDecodeTimestamps(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	v := &column.Vector{Type: column.Datetime, Len: BlockRows, Ints: make([]int64, BlockRows)}
	ts := int64(17e15)
	for i := range v.Ints {
		ts += int64(r.ExpFloat64() * 2.6e6)
		v.Ints[i] = ts
	}
	for _, ver := range []uint32{4, 5} {
		payload, _ := appendColumnPayload(nil, v, ver)
		b.Run(fmt.Sprintf("format%d", ver), func(b *testing.B) {
			b.SetBytes(int64(8 * BlockRows))
			for b.Loop() {
				if _, _, err := decodeColumnPayload(payload, column.Datetime); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncodePagedURLs encodes a block of distinct URLs as ingest
// does (plain strings, paged, into a new buffer each time).
func BenchmarkEncodePagedURLs(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	vals := make([]string, BlockRows)
	for i := range vals {
		vals[i] = fmt.Sprintf("https://site%d.example.com/l/%x/index.html?id=%d", r.IntN(300), r.Uint64(), r.IntN(1e6))
	}
	v := &column.Vector{Type: column.String, Len: len(vals), Strs: vals}
	b.SetBytes(rawSize(v))
	b.ReportAllocs()
	for b.Loop() {
		appendPagedValue(nil, v, formatVersion)
	}
}
