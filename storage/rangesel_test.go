package storage

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"clickhunt/column"
)

// naiveRange is what a range selection must return: the rows, not null,
// whose value lies in [lo, hi].
func naiveRange(v *column.Vector, lo, hi int64) []uint32 {
	var out []uint32
	for i := range v.Len {
		if !v.IsNull(i) && v.Int(i) >= lo && v.Int(i) <= hi {
			out = append(out, uint32(i))
		}
	}
	return out
}

// rangeVectors are integer columns in every shape the encoder meets:
// time-ordered (packed deltas), newest first, unordered (frame of
// reference), nulls, a constant, sums that wrap around the int64 range.
func rangeVectors() map[string]*column.Vector {
	r := rand.New(rand.NewPCG(7, 8))
	n := 3*rowChunk + 77
	asc := func(i int) int64 { return 17e15 + int64(i)*3e7 + int64(i%7)*1e6 }
	vs := map[string]*column.Vector{
		"ascending":  vec(column.Datetime, seqInts(n, asc)...),
		"descending": vec(column.Datetime, seqInts(n, func(i int) int64 { return asc(n - i) })...),
		"unordered":  vec(column.Long, seqInts(n, func(int) int64 { return r.Int64N(1000) - 500 })...),
		"constant":   vec(column.Long, seqInts(n, func(int) int64 { return 42 })...),
		"short":      vec(column.Long, int64(5), int64(-3), int64(9)),
		"one":        vec(column.Timespan, int64(7)),
		// Ascending deltas that carry the sum past MaxInt64 into the
		// negatives: no early stop may skip the rows after the wrap.
		"wrapping": vec(column.Long, seqInts(n, func(i int) int64 {
			return int64(uint64(math.MaxInt64) - 2*rowChunk*1000 + uint64(i)*1000)
		})...),
		"extremes": vec(column.Long, int64(math.MinInt64), int64(math.MaxInt64), int64(0), int64(math.MinInt64), int64(-1)),
	}
	withNulls := make([]any, n)
	for i := range withNulls {
		if i%5 != 2 {
			withNulls[i] = asc(i)
		}
	}
	vs["ascending with nulls"] = vec(column.Datetime, withNulls...)
	leading := make([]any, n)
	for i := range leading {
		if i >= 100 {
			leading[i] = asc(n - i)
		}
	}
	vs["descending, leading nulls"] = vec(column.Datetime, leading...)
	return vs
}

// TestSelectIntRange compares the range selection over stored payloads
// (each format's encodings) with a plain filter of the values, for ranges
// inside, around, across and outside the data.
func TestSelectIntRange(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for name, v := range rangeVectors() {
		var vals []int64
		for i := range v.Len {
			if !v.IsNull(i) {
				vals = append(vals, v.Int(i))
			}
		}
		slices.Sort(vals)
		pick := func() int64 { return vals[r.IntN(len(vals))] + r.Int64N(3) - 1 }
		ranges := [][2]int64{
			{math.MinInt64, math.MaxInt64}, {vals[0], vals[0]}, {vals[len(vals)-1], math.MaxInt64},
			{math.MinInt64, vals[0] - 1}, {5, 4}, {math.MinInt64, -1}, {0, math.MaxInt64},
		}
		for range 40 {
			a, b := pick(), pick()
			ranges = append(ranges, [2]int64{min(a, b), max(a, b)})
		}
		for _, ver := range []uint32{4, formatVersion} {
			payload, _ := appendColumnPayload(nil, v, ver)
			for _, rg := range ranges {
				got, err := selectIntPayload(payload, v.Type, v.Len, rg[0], rg[1], nil)
				if err != nil {
					t.Fatalf("%s, format %d, [%d, %d]: %v", name, ver, rg[0], rg[1], err)
				}
				if want := naiveRange(v, rg[0], rg[1]); !slices.Equal(got, want) {
					t.Fatalf("%s, format %d, [%d, %d]: %d rows %v..., want %d rows %v...", name, ver, rg[0], rg[1],
						len(got), got[:min(5, len(got))], len(want), want[:min(5, len(want))])
				}
				// Appends to what sel holds.
				got, _ = selectIntPayload(payload, v.Type, v.Len, rg[0], rg[1], []uint32{99})
				if len(got) == 0 || got[0] != 99 {
					t.Fatalf("%s: the rows given were not kept", name)
				}
			}
		}
	}
}

// TestSelectIntRangeStopsEarly checks that ordered blocks end their scan
// at the first chunk past the range, and unordered ones do not.
func TestSelectIntRangeStopsEarly(t *testing.T) {
	vs := rangeVectors()
	n := vs["ascending"].Len
	for _, tt := range []struct {
		name     string
		from, to int // the range: the values of these rows
		seen     int // rows compared at most
	}{
		{"ascending", 10, 20, rowChunk + 1},
		{"ascending", rowChunk + 5, rowChunk + 5, 2*rowChunk + 1},
		{"ascending", n - 3, n - 1, n},
		{"ascending with nulls", 10, 20, rowChunk + 1},
		{"descending", 10, 20, rowChunk + 1},
		{"unordered", 10, 10, n},
		// Past MaxInt64 the sum wraps: the scan may not stop.
		{"wrapping", 3, 4, n},
	} {
		v := vs[tt.name]
		lo, hi := min(v.Int(tt.from), v.Int(tt.to)), max(v.Int(tt.from), v.Int(tt.to))
		payload, _ := appendColumnPayload(nil, v, formatVersion)
		m := matcher{lo: lo, hi: hi}
		if err := m.scan(payload, v.Type, v.Len); err != nil {
			t.Fatal(err)
		}
		if want := naiveRange(v, lo, hi); !slices.Equal(m.sel, want) {
			t.Fatalf("%s [%d, %d]: got %d rows, want %d", tt.name, tt.from, tt.to, len(m.sel), len(want))
		}
		if m.seen > tt.seen || (tt.seen == n && m.seen != n) {
			t.Errorf("%s, rows %d-%d: compared %d rows, want at most %d", tt.name, tt.from, tt.to, m.seen, tt.seen)
		}
	}
}

// TestSelectIntRangeCorrupt feeds truncated and damaged payloads: each
// fails cleanly or selects, never panics.
func TestSelectIntRangeCorrupt(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for name, v := range rangeVectors() {
		for _, ver := range []uint32{4, formatVersion} {
			payload, _ := appendColumnPayload(nil, v, ver)
			for cut := range len(payload) {
				if _, err := selectIntPayload(payload[:cut], v.Type, v.Len, math.MinInt64, math.MaxInt64, nil); err == nil {
					t.Fatalf("%s, format %d: a payload cut to %d of %d bytes was accepted", name, ver, cut, len(payload))
				}
				if cut > 200 {
					break
				}
			}
			for range 200 {
				bad := slices.Clone(payload)
				bad[r.IntN(len(bad))] ^= byte(1 + r.IntN(255))
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("%s, format %d: panic %v", name, ver, p)
						}
					}()
					selectIntPayload(bad, v.Type, v.Len, -100, 100, nil)
				}()
			}
			if _, err := selectIntPayload(payload, column.Long+100, v.Len, 0, 1, nil); err == nil {
				t.Fatalf("%s: wrong type accepted", name)
			}
			if _, err := selectIntPayload(payload, v.Type, v.Len+1, 0, 1, nil); err == nil {
				t.Fatalf("%s: wrong row count accepted", name)
			}
		}
	}
}

func BenchmarkSelectIntRange(b *testing.B) {
	v := vec(column.Datetime, seqInts(BlockRows, func(i int) int64 { return 17e15 + int64(i)*2_600_000 })...)
	payload, _ := appendColumnPayload(nil, v, formatVersion)
	lo, hi := v.Int(BlockRows/2), v.Int(BlockRows/2+BlockRows/5)
	b.Run("range", func(b *testing.B) {
		var sel []uint32
		for b.Loop() {
			sel, _ = selectIntPayload(payload, v.Type, v.Len, lo, hi, sel[:0])
		}
		b.ReportMetric(float64(len(sel)), "rows")
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := decodeColumnPayload(payload, v.Type); err != nil {
				b.Fatal(err)
			}
		}
	})
}
