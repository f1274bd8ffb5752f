package storage

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"clickhunt/column"
)

// TestDecodeRows decodes subsets of rows of values in every code encoding
// (one value, packed, 1/2/4-byte, identity, shared dictionary) and of the
// other types, and compares them with the whole value decoded and
// gathered.
func TestDecodeRows(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	n := 3000
	str := func(k int) []any { return seqStrings(n, func(i int) string { return fmt.Sprint("v", r.IntN(k)) }) }
	type val struct {
		name string
		val  []byte
		t    column.Type
	}
	var vals []val
	for name, v := range map[string]*column.Vector{
		"one value":   vec(column.String, str(1)...),
		"packed":      vec(column.String, str(9)...),
		"byte codes":  vec(column.String, str(200)...),
		"16-bit":      vec(column.String, str(2000)...),
		"identity":    vec(column.String, seqStrings(n, func(i int) string { return fmt.Sprint("u", i) })...),
		"longs":       vec(column.Long, seqInts(n, func(i int) int64 { return r.Int64N(100) })...),
		"times":       vec(column.Datetime, seqInts(n, func(i int) int64 { return 17e15 + int64(i)*1e7 })...),
		"reals":       vec(column.Real, 1.5, nil, 2.5),
		"bools":       vec(column.Bool, true, nil, false, true),
		"dynamic":     vec(column.Dynamic, `{"a":1}`, `[1,2]`, `{"a":1}`),
		"short":       vec(column.String, "a", "b"),
		"compressed?": vec(column.String, seqStrings(n, func(i int) string { return fmt.Sprint("same prefix for zstd ", i%7) })...),
	} {
		for _, ver := range []uint32{4, formatVersion} {
			payload, _ := appendColumnPayload(nil, v, ver)
			vals = append(vals, val{fmt.Sprintf("%s, format %d", name, ver), appendCompressed(nil, payload), v.Type})
		}
	}
	codes := make([]uint32, n)
	for i := range codes {
		codes[i] = uint32(r.IntN(37))
	}
	shared, _ := appendSharedColumnValue(nil, column.String, codes, 40, nil)
	vals = append(vals, val{"shared", shared, column.String})

	for _, tt := range vals {
		whole, wshared, err := decodeColumnValueShared(tt.val, tt.t)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		rows := whole.Len
		for _, want := range [][]uint32{
			{}, {0}, {uint32(rows - 1)}, {0, uint32(rows - 1)},
			sampleRows(r, rows, 3), sampleRows(r, rows, rows/10), sampleRows(r, rows, rows),
		} {
			got, gshared, err := decodeColumnValueRows(tt.val, tt.t, want, rows)
			if err != nil {
				t.Fatalf("%s, %d rows: %v", tt.name, len(want), err)
			}
			if gshared != wshared {
				t.Fatalf("%s: shared %d, want %d", tt.name, gshared, wshared)
			}
			exp := whole.Gather(want)
			if got.Len != exp.Len {
				t.Fatalf("%s: %d rows, want %d", tt.name, got.Len, exp.Len)
			}
			if wshared > 0 {
				if !slices.Equal(got.Codes, exp.Codes) {
					t.Fatalf("%s: codes %v, want %v", tt.name, got.Codes[:min(5, len(got.Codes))], exp.Codes[:min(5, len(exp.Codes))])
				}
				continue
			}
			checkVector(t, exp, got)
		}
		// A row past the value, or a value of another row count, is
		// damage, not a panic.
		if _, _, err := decodeColumnValueRows(tt.val, tt.t, []uint32{uint32(rows)}, rows); err == nil {
			t.Fatalf("%s: a row past the end decoded", tt.name)
		}
		if _, _, err := decodeColumnValueRows(tt.val, tt.t, []uint32{0}, rows+1); err == nil {
			t.Fatalf("%s: a value of %d rows passed for %d", tt.name, rows, rows+1)
		}
	}
}

// sampleRows returns k distinct ascending row numbers below n.
func sampleRows(r *rand.Rand, n, k int) []uint32 {
	p := r.Perm(n)[:min(k, n)]
	out := make([]uint32, len(p))
	for i, x := range p {
		out[i] = uint32(x)
	}
	slices.Sort(out)
	return out
}
