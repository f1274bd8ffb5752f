package column

import (
	"fmt"
	"math"
	"testing"
	"time"
)

func TestParseDatetime(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := ParseDatetime(in)
		if err != nil {
			t.Fatalf("ParseDatetime(%q): %v", in, err)
		}
		if s := FormatDatetime(got); s != want {
			t.Fatalf("ParseDatetime(%q) = %s, want %s", in, s, want)
		}
	}
	// 0 to 7 fractional digits, as Advanced Hunting exports them.
	f("2023-12-21T19:04:59Z", "2023-12-21T19:04:59Z")
	f("2023-12-21T19:04:59.0Z", "2023-12-21T19:04:59Z")
	f("2023-12-21T19:04:59.1Z", "2023-12-21T19:04:59.1Z")
	f("2023-12-21T19:04:59.0109752Z", "2023-12-21T19:04:59.0109752Z")
	f("2023-12-21T19:04:59.01097529Z", "2023-12-21T19:04:59.0109752Z") // beyond ticks: truncated
	f("2023-12-21 19:04:59Z", "2023-12-21T19:04:59Z")
	f("2023-12-21", "2023-12-21T00:00:00Z")
	f("2023-12-21T19:04", "2023-12-21T19:04:00Z")
	f("2023-12-21T21:04:59+02:00", "2023-12-21T19:04:59Z")
	f("2023-12-21T19:04:59.5", "2023-12-21T19:04:59.5Z") // no zone: UTC
	f("  2023-12-21T19:04:59Z ", "2023-12-21T19:04:59Z")
	f("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z")
	f("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z")
	f("1969-12-31T23:59:59.9999999Z", "1969-12-31T23:59:59.9999999Z")
	for _, bad := range []string{"", "2023-13-01", "2023-02-30T00:00:00Z", "yesterday", "2023-12-21T25:00:00Z", "2023-12-21T19:04:59.Z"} {
		if _, err := ParseDatetime(bad); err == nil {
			t.Errorf("ParseDatetime(%q): no error", bad)
		}
	}
}

// The fast path and time.Parse agree on random instants.
func TestParseDatetimeFastPath(t *testing.T) {
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := int64(0); i < 2000; i++ {
		tm := base.Add(time.Duration(i*7919*int64(time.Second) + i*1234567))
		tm = tm.Truncate(100 * time.Nanosecond)
		s := tm.Format("2006-01-02T15:04:05.0000000Z")
		got, err := ParseDatetime(s)
		if err != nil {
			t.Fatal(err)
		}
		if got != TicksFromTime(tm) {
			t.Fatalf("%s: got %d, want %d", s, got, TicksFromTime(tm))
		}
		if !TimeFromTicks(got).Equal(tm) {
			t.Fatalf("%s: round trip gives %v", s, TimeFromTicks(got))
		}
	}
}

func TestTimespan(t *testing.T) {
	f := func(in string, want int64, text string) {
		t.Helper()
		got, err := ParseTimespan(in)
		if err != nil {
			t.Fatalf("ParseTimespan(%q): %v", in, err)
		}
		if got != want {
			t.Fatalf("ParseTimespan(%q) = %d, want %d", in, got, want)
		}
		if s := FormatTimespan(got); s != text {
			t.Fatalf("FormatTimespan(%d) = %s, want %s", got, s, text)
		}
	}
	f("7d", 7*Day, "7.00:00:00")
	f("1h", Hour, "01:00:00")
	f("30m", 30*Minute, "00:30:00")
	f("10s", 10*Second, "00:00:10")
	f("100ms", 100*Millisecond, "00:00:00.1000000")
	f("1.5h", 90*Minute, "01:30:00")
	f("2days", 2*Day, "2.00:00:00")
	f("1tick", 1, "00:00:00.0000001")
	f("-1d", -Day, "-1.00:00:00")
	f("1.02:03:04", Day+2*Hour+3*Minute+4*Second, "1.02:03:04")
	f("00:00:01.5", 1500*Millisecond, "00:00:01.5000000")
	for _, bad := range []string{"", "d", "7x", "1:2:3:4", "abc"} {
		if _, err := ParseTimespan(bad); err == nil {
			t.Errorf("ParseTimespan(%q): no error", bad)
		}
	}
}

func TestFormatValue(t *testing.T) {
	b := NewBuilder(Real, 4)
	b.AppendFloat(1.5)
	b.AppendFloat(math.NaN())
	b.AppendFloat(math.Inf(-1))
	b.AppendNull()
	v := b.Build()
	want := []string{"1.5", "NaN", "-Infinity", ""}
	for i, w := range want {
		if got := FormatValue(v, i); got != w {
			t.Errorf("row %d: %q, want %q", i, got, w)
		}
	}
	if !v.IsNull(3) || v.IsNull(0) {
		t.Error("null mask wrong")
	}
	bb := NewBuilder(Bool, 2)
	bb.AppendBool(true)
	bb.AppendBool(false)
	bv := bb.Build()
	if FormatValue(bv, 0) != "true" || FormatValue(bv, 1) != "false" || bv.Nulls != nil {
		t.Error("bools format as true/false with no null mask")
	}
}

func TestBuilderDictionary(t *testing.T) {
	b := NewBuilder(String, 8)
	for _, s := range []string{"a", "b", "a", "", "b"} {
		b.AppendString(s)
	}
	b.AppendNull() // strings are never null: ""
	v := b.Build()
	if len(v.Dict) != 3 || v.Len != 6 || v.Nulls != nil {
		t.Fatalf("dict %q len %d nulls %v", v.Dict, v.Len, v.Nulls)
	}
	want := []string{"a", "b", "a", "", "b", ""}
	for i, w := range want {
		if v.Str(i) != w {
			t.Fatalf("row %d: %q want %q", i, v.Str(i), w)
		}
	}
	if b.Len() != 0 {
		t.Fatal("Build must reset the builder")
	}
}

func TestGatherAndConcat(t *testing.T) {
	mk := func(vals ...any) *Vector {
		var typ Type
		switch vals[0].(type) {
		case string:
			typ = String
		default:
			typ = Long
		}
		b := NewBuilder(typ, len(vals))
		for _, x := range vals {
			b.AppendValue(x)
		}
		return b.Build()
	}
	b1 := &Batch{Len: 3, Cols: []*Vector{mk("x", "y", "x"), mk(int64(1), nil, int64(3)), nil}}
	b2 := &Batch{Len: 2, Cols: []*Vector{mk("z", "y"), mk(int64(4), int64(5)), nil}}
	g := b1.Gather([]uint32{2, 1})
	if g.Len != 2 || g.Cols[0].Str(0) != "x" || !g.Cols[1].IsNull(1) || g.Cols[2] != nil {
		t.Fatalf("gather: %+v", g)
	}
	c := Concat([]Type{String, Long, Long}, []*Batch{b1, b2})
	if c.Len != 5 || c.Cols[2] != nil {
		t.Fatalf("concat len %d", c.Len)
	}
	if c.Cols[0].Codes == nil || len(c.Cols[0].Dict) != 3 {
		t.Fatalf("concat of dictionary columns stays dictionary-encoded with merged entries: %+v", c.Cols[0])
	}
	wantS := []string{"x", "y", "x", "z", "y"}
	for i, w := range wantS {
		if c.Cols[0].Str(i) != w {
			t.Fatalf("row %d: %q want %q", i, c.Cols[0].Str(i), w)
		}
	}
	wantN := []any{int64(1), nil, int64(3), int64(4), int64(5)}
	for i, w := range wantN {
		if got := c.Cols[1].Value(i); got != w {
			t.Fatalf("row %d: %v want %v", i, got, w)
		}
	}
	k := NewConst(String, "k", 2)
	c2 := Concat([]Type{String}, []*Batch{{Len: 2, Cols: []*Vector{k}}, {Len: 1, Cols: []*Vector{mk("j")}}})
	if c2.Cols[0].Str(0) != "k" || c2.Cols[0].Str(1) != "k" || c2.Cols[0].Str(2) != "j" {
		t.Fatal("constants expand in concat")
	}
}

func TestParseType(t *testing.T) {
	for in, want := range map[string]Type{"string": String, "System.Int64": Long, "int": Int, "double": Real,
		"boolean": Bool, "datetime": Datetime, "timespan": Timespan, "dynamic": Dynamic, "guid": Guid} {
		if got, ok := ParseType(in); !ok || got != want {
			t.Errorf("ParseType(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := ParseType("nope"); ok {
		t.Error("ParseType(nope) ok")
	}
}

// A few rows gathered from a large dictionary get a dictionary of their
// own values (so the block's strings can be freed); the values are kept.
func TestGatherSparseDictionary(t *testing.T) {
	b := NewBuilder(String, 200)
	for i := range 200 {
		b.AppendString(fmt.Sprintf("https://example.com/%d", i%100))
	}
	v := b.Build()
	if len(v.Dict) != 100 {
		t.Fatalf("builder made %d dictionary entries, want 100", len(v.Dict))
	}
	idx := []uint32{7, 107, 3}
	g := v.Gather(idx)
	if len(g.Dict) != 2 {
		t.Errorf("sparse gather kept %d dictionary entries, want the 2 used", len(g.Dict))
	}
	for j, i := range idx {
		if g.Str(j) != v.Str(int(i)) {
			t.Errorf("row %d: %q, want %q", j, g.Str(j), v.Str(int(i)))
		}
	}
	// A dense gather shares the dictionary.
	dense := v.Gather([]uint32{1, 2, 3, 4, 5, 6, 7, 8})
	if len(dense.Dict) != 100 || dense.Str(7) != v.Str(8) {
		t.Errorf("dense gather: %d entries, row 7 %q", len(dense.Dict), dense.Str(7))
	}
}
