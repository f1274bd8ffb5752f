package storage

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"clickhunt/column"
)

// vec builds a vector of type t from Go values (nil = null).
func vec(t column.Type, vals ...any) *column.Vector {
	b := column.NewBuilder(t, len(vals))
	for _, x := range vals {
		b.AppendValue(x)
	}
	return b.Build()
}

// sameValue compares two values as Vector.Value returns them; reals
// compare by bits, so NaN equals NaN and -0 differs from 0.
func sameValue(a, b any) bool {
	fa, ok1 := a.(float64)
	fb, ok2 := b.(float64)
	if ok1 && ok2 {
		return math.Float64bits(fa) == math.Float64bits(fb)
	}
	return a == b
}

// checkVector fails t unless got holds want's values in the decoded
// representation storage promises.
func checkVector(t *testing.T, want, got *column.Vector) {
	t.Helper()
	if got.Type != want.Type || got.Len != want.Len {
		t.Fatalf("got %s x %d, want %s x %d", got.Type, got.Len, want.Type, want.Len)
	}
	if got.Const {
		t.Fatalf("decoded vector is Const")
	}
	nulls := 0
	for i := range want.Len {
		w, g := want.Value(i), got.Value(i)
		if isStringType(want.Type) && w == nil {
			w = "" // strings are never null: null reads as ""
		}
		if !sameValue(w, g) {
			t.Fatalf("row %d: got %#v, want %#v", i, g, w)
		}
		if got.IsNull(i) {
			nulls++
		}
	}
	switch {
	case isStringType(want.Type):
		if got.Codes == nil || got.Strs != nil || len(got.Codes) != got.Len || got.Nulls != nil {
			t.Fatalf("string vector not Dict+Codes without nulls: %+v", got)
		}
	case want.Type == column.Real:
		if len(got.Floats) != got.Len {
			t.Fatalf("Floats has %d values for %d rows", len(got.Floats), got.Len)
		}
	case want.Type == column.Bool:
		if len(got.Bools) != got.Len {
			t.Fatalf("Bools has %d values for %d rows", len(got.Bools), got.Len)
		}
	default:
		if len(got.Ints) != got.Len {
			t.Fatalf("Ints has %d values for %d rows", len(got.Ints), got.Len)
		}
	}
	if (nulls == 0) != (got.Nulls == nil) {
		t.Fatalf("%d nulls but Nulls is %v", nulls, got.Nulls)
	}
	for i := range got.Len {
		if got.IsNull(i) && got.Value(i) == nil {
			// the slot itself must hold zero
			switch {
			case got.Ints != nil && got.Ints[i] != 0,
				got.Floats != nil && got.Floats[i] != 0,
				got.Bools != nil && got.Bools[i]:
				t.Fatalf("null row %d has a non-zero slot", i)
			}
		}
	}
}

// roundTrip encodes v, decodes it, checks the result and returns the
// stored value and stats.
func roundTrip(t *testing.T, v *column.Vector) ([]byte, ColStats) {
	t.Helper()
	val, st := appendColumnValue(nil, v)
	got, err := decodeColumnValue(val, v.Type)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	checkVector(t, v, got)
	// Decoding must not keep the input: scribble over it and re-check.
	for i := range val {
		val[i] = 0xA5
	}
	checkVector(t, v, got)
	return val, st
}

func seqStrings(n int, f func(i int) string) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func seqInts(n int, f func(i int) int64) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func TestCodecRoundTrip(t *testing.T) {
	nan := math.NaN()
	big := seqStrings(BlockRows, func(i int) string { return fmt.Sprintf("https://example.com/%d", i) })
	tests := []struct {
		name string
		v    *column.Vector
	}{
		{"string empty", vec(column.String)},
		{"string one", vec(column.String, "a")},
		{"string one empty", vec(column.String, "")},
		{"string null is empty", vec(column.String, "x", nil, "y")},
		{"string const column", vec(column.String, "k", "k", "k", "k")},
		{"string unicode", vec(column.String, "héllo", "日本", "", "\x00\xff", "héllo")},
		{"string 2 distinct packed", vec(column.String, seqStrings(1000, func(i int) string { return fmt.Sprint(i % 2) })...)},
		{"string 16 distinct packed", vec(column.String, seqStrings(1001, func(i int) string { return fmt.Sprint(i % 16) })...)},
		{"string 17 distinct bytes", vec(column.String, seqStrings(999, func(i int) string { return fmt.Sprint(i % 17) })...)},
		{"string 256 distinct bytes", vec(column.String, seqStrings(5000, func(i int) string { return fmt.Sprint(i % 256) })...)},
		{"string 257 distinct u16", vec(column.String, seqStrings(5000, func(i int) string { return fmt.Sprint(i % 257) })...)},
		{"string 64Ki distinct", vec(column.String, big...)},
		{"string long values", vec(column.String, strings.Repeat("x", 100), "a", strings.Repeat("y", 70000))},
		{"dynamic", vec(column.Dynamic, `{"a":1}`, `[]`)},
		{"guid", vec(column.Guid, "2f6c1d4e-0000-4000-8000-000000000001")},

		{"long empty", vec(column.Long)},
		{"long one", vec(column.Long, int64(42))},
		{"long one null", vec(column.Long, nil)},
		{"long all null", vec(column.Long, nil, nil, nil)},
		{"long nulls", vec(column.Long, int64(1), nil, int64(-3), nil, int64(1<<40))},
		{"long extremes", vec(column.Long, int64(math.MinInt64), int64(math.MaxInt64), int64(0), int64(-1), int64(math.MinInt64), nil)},
		{"long alternating extremes", vec(column.Long, seqInts(1000, func(i int) int64 {
			if i%2 == 0 {
				return math.MinInt64
			}
			return math.MaxInt64
		})...)},
		{"long constant", vec(column.Long, seqInts(5000, func(int) int64 { return -7 })...)},
		{"long small range", vec(column.Long, seqInts(5000, func(i int) int64 { return 1000 + int64(i*7919%13) })...)},
		{"int", vec(column.Int, int64(math.MinInt32), int64(math.MaxInt32), nil)},
		{"datetime sorted", vec(column.Datetime, seqInts(5000, func(i int) int64 { return 17e15 + int64(i)*12345678 })...)},
		{"datetime min max", vec(column.Datetime, -column.EpochTicks, 2534023007999999999-column.EpochTicks, nil)},
		{"timespan", vec(column.Timespan, -column.Day, int64(0), column.Hour, nil)},

		{"real empty", vec(column.Real)},
		{"real specials", vec(column.Real, nan, math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0.0, math.MaxFloat64, math.SmallestNonzeroFloat64, nil, -1.5)},
		{"real all null", vec(column.Real, nil, nil)},
		{"real one", vec(column.Real, 3.25)},

		{"bool empty", vec(column.Bool)},
		{"bool one", vec(column.Bool, true)},
		{"bool mixed", vec(column.Bool, true, false, nil, true, true, false, false, true, nil, true)},
		{"bool all null", vec(column.Bool, nil)},

		{"const string", column.NewConst(column.String, "abc", 300)},
		{"const null string", column.NewNulls(column.String, 5)},
		{"const long", column.NewConst(column.Long, int64(-9), 70)},
		{"const null long", column.NewNulls(column.Long, 70)},
		{"const real", column.NewConst(column.Real, nan, 3)},
		{"const bool", column.NewConst(column.Bool, true, 9)},
		{"const null datetime", column.NewNulls(column.Datetime, 1)},
		{"plain strings", &column.Vector{Type: column.String, Len: 4, Strs: []string{"b", "a", "b", ""}}},
		{"dict unused and repeated entries", &column.Vector{Type: column.String, Len: 5,
			Dict: []string{"x", "unused", "y", "x"}, Codes: []uint32{3, 0, 2, 3, 0}}},
		{"dict with nulls", &column.Vector{Type: column.String, Len: 3,
			Dict: []string{"x"}, Codes: []uint32{0, 0, 0}, Nulls: []bool{false, true, false}}},
		{"nulls slice all false", &column.Vector{Type: column.Long, Len: 2, Ints: []int64{5, 6}, Nulls: []bool{false, false}}},
		{"null slot not zero", &column.Vector{Type: column.Long, Len: 3, Ints: []int64{5, 99, 6}, Nulls: []bool{false, true, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { roundTrip(t, tt.v) })
	}
}

func TestCodecStats(t *testing.T) {
	f := func(v *column.Vector, want ColStats) {
		t.Helper()
		_, got := roundTrip(t, v)
		got.Bytes = 0
		if !sameStats(got, want) {
			t.Fatalf("stats of %s: got %+v, want %+v", v.Type, got, want)
		}
	}
	f(vec(column.String, "b", "a", "c", "a"), ColStats{HasMinMax: true, MinStr: "a", MaxStr: "c", Distinct: 3})
	f(vec(column.String, "b", strings.Repeat("z", 65)), ColStats{Distinct: 2})
	f(vec(column.String, "", nil), ColStats{HasMinMax: true, Distinct: 1})
	f(vec(column.String), ColStats{})
	f(vec(column.Long, int64(5), nil, int64(-2), nil), ColStats{Nulls: 2, HasMinMax: true, MinInt: -2, MaxInt: 5})
	f(vec(column.Long, nil), ColStats{Nulls: 1})
	f(vec(column.Datetime, int64(math.MaxInt64), int64(math.MinInt64)), ColStats{HasMinMax: true, MinInt: math.MinInt64, MaxInt: math.MaxInt64})
	f(vec(column.Real, math.NaN(), 2.0, nil, math.Inf(-1)), ColStats{Nulls: 1, HasMinMax: true, MinFloat: math.Inf(-1), MaxFloat: 2})
	f(vec(column.Real, math.NaN()), ColStats{})
	f(vec(column.Bool, true, nil, true), ColStats{Nulls: 1, HasMinMax: true, MinInt: 1, MaxInt: 1})
	f(column.NewNulls(column.Long, 4), ColStats{Nulls: 4})
}

func sameStats(a, b ColStats) bool {
	fa, fb := a, b
	fa.MinFloat, fa.MaxFloat, fb.MinFloat, fb.MaxFloat = 0, 0, 0, 0
	return fa == fb && math.Float64bits(a.MinFloat) == math.Float64bits(b.MinFloat) &&
		math.Float64bits(a.MaxFloat) == math.Float64bits(b.MaxFloat)
}

// TestCodecEncodingChoice checks the encoder picks the cheap encodings.
func TestCodecEncodingChoice(t *testing.T) {
	payload := func(v *column.Vector) []byte {
		p, _ := appendColumnPayload(nil, v, formatVersion)
		return p
	}
	// header: type, rows uvarint, null flag
	intEnc := func(v *column.Vector) byte {
		p := payload(v)
		return p[1+uvarintLen(uint64(v.Len))+1]
	}
	sorted := vec(column.Datetime, seqInts(1000, func(i int) int64 { return 17e15 + int64(i)*10_000_000 })...)
	if got := intEnc(sorted); got != intDeltaFOR {
		t.Errorf("sorted datetimes: encoding %d, want packed deltas", got)
	}
	// Small deltas and one jump of 2^40: packed deltas would take 41 bits
	// a row, varints take one or two bytes.
	jump := vec(column.Long, seqInts(1000, func(i int) int64 {
		if i >= 500 {
			return 1<<40 + int64(i)
		}
		return int64(i)
	})...)
	if got := intEnc(jump); got != intDelta {
		t.Errorf("small deltas and a jump: encoding %d, want delta", got)
	}
	small := vec(column.Long, seqInts(1000, func(i int) int64 { return int64(i * 7919 % 8) })...)
	if got := intEnc(small); got != intFOR {
		t.Errorf("small range: encoding %d, want frame of reference", got)
	}
	if n := len(payload(column.NewConst(column.Long, int64(1<<50), BlockRows))); n > 16 {
		t.Errorf("constant long column takes %d bytes", n)
	}
	if n := len(payload(column.NewConst(column.String, "https://x", BlockRows))); n > 24 {
		t.Errorf("constant string column takes %d bytes", n)
	}
	// zstd kicks in when it pays and not otherwise.
	rep := vec(column.Real, func() []any {
		out := make([]any, 4096)
		for i := range out {
			out[i] = float64(i % 10)
		}
		return out
	}()...)
	if val, _ := appendColumnValue(nil, rep); val[0] != valueZstd {
		t.Errorf("repetitive reals not compressed")
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	noise := vec(column.Real, func() []any {
		out := make([]any, 4096)
		for i := range out {
			out[i] = rnd.Float64()
		}
		return out
	}()...)
	if val, _ := appendColumnValue(nil, noise); val[0] != valueRaw {
		t.Errorf("random reals compressed")
	}
}

// randomVector makes a vector of random type, length, null density and
// value distribution.
func randomVector(r *rand.Rand) *column.Vector {
	types := []column.Type{column.String, column.Long, column.Int, column.Real, column.Bool, column.Datetime, column.Timespan, column.Dynamic, column.Guid}
	t := types[r.IntN(len(types))]
	n := r.IntN(3000)
	switch r.IntN(10) {
	case 0:
		n = r.IntN(3)
	case 1:
		n = BlockRows - r.IntN(2)
	}
	if r.IntN(20) == 0 {
		v := column.NewConst(t, nil, n)
		if r.IntN(2) == 0 {
			v = column.NewConst(t, randomValue(r, t, 1<<20), n)
		}
		return v
	}
	nullRate := []float64{0, 0, 0.01, 0.5, 1}[r.IntN(5)]
	card := []int{1, 2, 15, 200, 70000, 1 << 62}[r.IntN(6)]
	vals := make([]any, n)
	for i := range vals {
		if r.Float64() < nullRate {
			continue
		}
		vals[i] = randomValue(r, t, card)
	}
	if t.IsInteger() && r.IntN(3) == 0 { // sorted, like timestamps
		var x int64 = r.Int64() - 1<<62
		for i := range vals {
			if vals[i] != nil {
				x += r.Int64N(1 << uint(r.IntN(40)+1))
				vals[i] = x
			}
		}
	}
	return vec(t, vals...)
}

func randomValue(r *rand.Rand, t column.Type, card int) any {
	k := r.Int64N(int64(card))
	switch {
	case isStringType(t):
		return fmt.Sprintf("v%d%s", k, strings.Repeat("x", int(k%7)))
	case t == column.Real:
		switch r.IntN(8) {
		case 0:
			return math.NaN()
		case 1:
			return math.Inf(1 - 2*r.IntN(2))
		}
		return float64(k) * r.NormFloat64()
	case t == column.Bool:
		return k%2 == 1
	}
	switch r.IntN(6) {
	case 0:
		return int64(math.MinInt64)
	case 1:
		return int64(math.MaxInt64)
	}
	return k - int64(card/2)
}

func TestCodecRandomRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 7))
	for i := range 300 {
		v := randomVector(r)
		t.Run(fmt.Sprintf("%d-%s-%d", i, v.Type, v.Len), func(t *testing.T) { roundTrip(t, v) })
	}
}

func TestBitPacking(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for w := uint(0); w <= 64; w++ {
		for _, n := range []int{0, 1, 7, 63, 64, 65, 1000} {
			vals := make([]uint64, n)
			for i := range vals {
				if w > 0 {
					vals[i] = r.Uint64() >> (64 - w)
				}
			}
			if n > 0 && w > 0 {
				vals[0] = math.MaxUint64 >> (64 - w) // the widest value
			}
			packed := appendPacked([]byte("pre"), vals, w)
			if got, want := len(packed)-3, packedLen(n, w); got != want {
				t.Fatalf("w=%d n=%d: %d bytes, want %d", w, n, got, want)
			}
			got := make([]int64, n)
			unpackBits(got, packed[3:], w)
			for i := range vals {
				if uint64(got[i]) != vals[i] {
					t.Fatalf("w=%d n=%d: value %d is %x, want %x", w, n, i, got[i], vals[i])
				}
			}
		}
	}
}

// TestCodecCorrupt feeds truncated and scrambled values to the decoder,
// which must fail cleanly, never panic.
func TestCodecCorrupt(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	vectors := []*column.Vector{
		vec(column.String, "a", "b", "a", "c"),
		vec(column.String, seqStrings(300, func(i int) string { return fmt.Sprint(i) })...),
		vec(column.Long, int64(1), nil, int64(math.MaxInt64)),
		vec(column.Datetime, seqInts(200, func(i int) int64 { return int64(i) * 1e7 })...),
		vec(column.Real, 1.5, nil, math.NaN()),
		vec(column.Bool, true, nil, false),
	}
	for _, v := range vectors {
		payload, _ := appendColumnPayload(nil, v, formatVersion)
		for _, val := range [][]byte{append([]byte{valueRaw}, payload...), appendCompressed(nil, payload)} {
			for n := range len(val) {
				if _, err := decodeColumnValue(val[:n], v.Type); err == nil {
					t.Errorf("%s: truncated to %d of %d bytes decoded without error", v.Type, n, len(val))
				}
			}
			for range 300 {
				bad := append([]byte(nil), val...)
				bad[r.IntN(len(bad))] ^= byte(1 + r.IntN(255))
				decodeColumnValue(bad, v.Type) // must not panic
			}
		}
		if _, err := decodeColumnValue(append([]byte{valueRaw}, payload...), column.Guid); err == nil {
			t.Errorf("%s decoded as guid", v.Type)
		}
	}
}

// TestCodecIdentityStrings checks plain strings are stored as a dictionary
// of the rows from format 3 on (repeats and nulls included), and
// de-duplicated for older formats, with the same values either way.
func TestCodecIdentityStrings(t *testing.T) {
	strs := []string{"https://a.example/x", "", "https://b.example/y", "https://a.example/x", "tail"}
	v := &column.Vector{Type: column.String, Len: len(strs), Strs: strs, Nulls: []bool{false, true, false, false, false}}
	for _, ver := range []uint32{2, formatVersion} {
		val, st := appendColumnValueFormat(nil, v, ver)
		got, err := decodeColumnValue(val, column.String)
		if err != nil {
			t.Fatalf("format %d: %v", ver, err)
		}
		for i := range strs {
			want := strs[i]
			if v.Nulls[i] {
				want = ""
			}
			if got.Str(i) != want {
				t.Errorf("format %d row %d: got %q, want %q", ver, i, got.Str(i), want)
			}
		}
		wantDict := 4 // "", two URLs, "tail"
		if ver >= firstIdentityFormat {
			wantDict = len(strs)
		}
		if len(got.Dict) != wantDict || st.Distinct != wantDict {
			t.Errorf("format %d: dictionary of %d (stats %d), want %d", ver, len(got.Dict), st.Distinct, wantDict)
		}
		if !st.HasMinMax || st.MinStr != "" || st.MaxStr != "tail" {
			t.Errorf("format %d: min/max %q..%q", ver, st.MinStr, st.MaxStr)
		}
	}
	// A damaged identity block (dictionary and rows disagree) is an error.
	val, _ := appendColumnPayload(nil, v, formatVersion)
	bad := append([]byte{valueRaw}, val...)
	bad[2]++ // the row count
	if _, err := decodeColumnValue(bad, column.String); err == nil {
		t.Error("identity codes with a wrong row count decoded without error")
	}
}

// TestCodecPackedDeltas checks packed deltas (format 5): what they are
// chosen for, that they round-trip through nulls (a null first row too),
// descending and wrapping values, and that older formats never write them.
func TestCodecPackedDeltas(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	ts := int64(17e15)
	clicks := make([]any, BlockRows)
	for i := range clicks {
		ts += int64(r.ExpFloat64() * 2.6e6) // time-ordered clicks, 0.26 s apart on average
		clicks[i] = ts
		if i%97 == 0 {
			clicks[i] = nil
		}
	}
	clicks[0] = nil
	desc := seqInts(3000, func(i int) int64 { return 1e12 - int64(i)*1000 - int64(r.IntN(100)) })
	wrap := seqInts(1000, func(i int) int64 {
		if i%3 == 0 {
			return math.MinInt64 + int64(i)
		}
		return math.MaxInt64 - int64(i)
	})
	for _, tt := range []struct {
		name   string
		v      *column.Vector
		packed bool // packed deltas are the smallest encoding
	}{
		{"clicks", vec(column.Datetime, clicks...), true},
		{"descending", vec(column.Long, desc...), true},
		{"wrapping", vec(column.Long, wrap...), true},
		{"two rows", vec(column.Long, int64(5), int64(-5)), false},
		{"nulls and equal", vec(column.Long, nil, int64(3), int64(3), nil, int64(3)), false},
		{"leading nulls", vec(column.Long, append([]any{nil, nil}, seqInts(100, func(i int) int64 { return 1e15 + int64(i)*3 })...)...), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, ver := range []uint32{4, 5} {
				payload, _ := appendColumnPayload(nil, tt.v, ver)
				enc := payload[1+uvarintLen(uint64(tt.v.Len))+1]
				if tt.v.HasNulls() {
					enc = payload[1+uvarintLen(uint64(tt.v.Len))+1+packedLen(tt.v.Len, 1)]
				}
				if ver < firstDeltaFORFormat && enc == intDeltaFOR {
					t.Fatalf("format %d wrote packed deltas", ver)
				}
				if ver >= firstDeltaFORFormat && tt.packed && enc != intDeltaFOR {
					t.Errorf("format %d: encoding %d, want packed deltas", ver, enc)
				}
				got, rest, err := decodeColumnPayload(payload, tt.v.Type)
				if err != nil || len(rest) != 0 {
					t.Fatalf("format %d: decode: %v (%d bytes left)", ver, err, len(rest))
				}
				checkVector(t, tt.v, got)
			}
		})
	}
	// Packed deltas of time-ordered clicks are smaller than varints.
	v := vec(column.Datetime, clicks...)
	p4, _ := appendColumnPayload(nil, v, 4)
	p5, _ := appendColumnPayload(nil, v, 5)
	if len(p5) >= len(p4) {
		t.Errorf("clicks: packed deltas %d bytes, varint deltas %d", len(p5), len(p4))
	}
	t.Logf("clicks: %d bytes as varint deltas, %d packed", len(p4), len(p5))
}
