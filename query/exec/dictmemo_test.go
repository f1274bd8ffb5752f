package exec

import (
	"hash/maphash"
	"slices"
	"strings"
	"testing"

	"clickhunt/column"
)

// sharedBatches returns two vectors over one dictionary, as the blocks of a
// column coded into a shared dictionary come out of storage.
func sharedBatches() (dict []string, a, b *column.Vector) {
	dict = []string{"alice@x", "Bob@x", "carol@x", "dave@x", "erin@x"}
	a = &column.Vector{Type: column.String, Len: 4, Dict: dict, Codes: []uint32{0, 1, 1, 3}}
	b = &column.Vector{Type: column.String, Len: 4, Dict: dict, Codes: []uint32{1, 2, 4, 0}}
	return dict, a, b
}

func TestDictMemoEvaluatesEachEntryOnce(t *testing.T) {
	_, a, b := sharedBatches()
	m := &dictMemo{}
	var calls []string
	p := func(s string) bool {
		calls = append(calls, s)
		return strings.HasPrefix(strings.ToLower(s), "b") || s == "erin@x"
	}
	got := strPredVec(m, "", a, a.Len, p).Bools
	if !slices.Equal(got, []bool{false, true, true, false}) {
		t.Fatalf("batch 1: %v", got)
	}
	got = strPredVec(m, "", b, b.Len, p).Bools
	if !slices.Equal(got, []bool{true, false, true, false}) {
		t.Fatalf("batch 2: %v", got)
	}
	// alice, Bob, dave for batch 1; then only carol and erin are new.
	if want := []string{"alice@x", "Bob@x", "dave@x", "carol@x", "erin@x"}; !slices.Equal(calls, want) {
		t.Fatalf("predicate ran on %q, want %q", calls, want)
	}
	// Another dictionary with the same values at other codes: evaluated
	// afresh, and right.
	other := &column.Vector{Type: column.String, Len: 2, Dict: []string{"erin@x", "alice@x", "x", "y", "z"}, Codes: []uint32{1, 0}}
	if got := strPredVec(m, "", other, 2, p).Bools; !slices.Equal(got, []bool{false, true}) {
		t.Fatalf("other dictionary: %v", got)
	}
}

// TestCompareMemoFollowsTheConstant: a constant operand that differs
// between batches (a stored column that is constant within each block)
// must not reuse the results for another constant.
func TestCompareMemoFollowsTheConstant(t *testing.T) {
	_, a, b := sharedBatches()
	m := &dictMemo{}
	bob := column.NewConst(column.String, "Bob@x", 4)
	dave := column.NewConst(column.String, "dave@x", 4)
	if got := compareVec(m, "==", a, bob, 4).Bools; !slices.Equal(got, []bool{false, true, true, false}) {
		t.Fatalf("== Bob@x: %v", got)
	}
	if got := compareVec(m, "==", b, dave, 4).Bools; !slices.Equal(got, []bool{false, false, false, false}) {
		t.Fatalf("== dave@x on batch 2: %v", got)
	}
	if got := compareVec(m, "==", a, dave, 4).Bools; !slices.Equal(got, []bool{false, false, false, true}) {
		t.Fatalf("== dave@x on batch 1: %v", got)
	}
	// strPred2 keys its memo by the needle the same way.
	eq := strings.EqualFold
	if got := strPred2(m, a, column.NewConst(column.String, "BOB@X", 4), 4, eq, false).Bools; !slices.Equal(got, []bool{false, true, true, false}) {
		t.Fatalf("=~ BOB@X: %v", got)
	}
	if got := strPred2(m, a, column.NewConst(column.String, "ALICE@X", 4), 4, eq, false).Bools; !slices.Equal(got, []bool{true, false, false, false}) {
		t.Fatalf("=~ ALICE@X: %v", got)
	}
}

// TestInternerAcrossSharedBatches: batches over one dictionary get the
// same ids for the same values, and a batch with another dictionary maps
// its values onto those ids.
func TestInternerAcrossSharedBatches(t *testing.T) {
	_, a, b := sharedBatches()
	in := newInterner(column.String)
	ia := slices.Clone(in.ids(a, a.Len, nil))
	ib := slices.Clone(in.ids(b, b.Len, nil))
	other := &column.Vector{Type: column.String, Len: 3, Dict: []string{"dave@x", "Bob@x", "zed@x"}, Codes: []uint32{0, 1, 2}}
	io := in.ids(other, 3, nil)
	byValue := map[string]uint32{}
	for _, x := range []struct {
		v   *column.Vector
		ids []uint32
	}{{a, ia}, {b, ib}, {other, io}} {
		for i, id := range x.ids {
			s := x.v.Str(i)
			if prev, ok := byValue[s]; ok && prev != id {
				t.Fatalf("%s has ids %d and %d", s, prev, id)
			}
			byValue[s] = id
		}
	}
	if len(byValue) != 6 || in.n != 6 {
		t.Fatalf("%d values, %d ids, want 6", len(byValue), in.n)
	}
}

// TestDcountAcrossSharedBatches: dcount per group over batches sharing a
// dictionary, against a plain count of distinct values.
func TestDcountAcrossSharedBatches(t *testing.T) {
	_, a, b := sharedBatches()
	agg := &dcountAgg{seed: maphash.MakeSeed()}
	agg.update([]uint32{0, 0, 1, 1}, 2, a, nil) // g0: alice, Bob; g1: Bob, dave
	agg.update([]uint32{1, 0, 0, 1}, 2, b, nil) // g1: Bob, alice; g0: carol, erin
	got := agg.result(2)
	if got.Int(0) != 4 || got.Int(1) != 3 {
		t.Fatalf("dcount %d, %d; want 4, 3", got.Int(0), got.Int(1))
	}
}

// TestStrMapAcrossSharedBatches: a string function maps a shared
// dictionary once, and batches over it get one mapped dictionary.
func TestStrMapAcrossSharedBatches(t *testing.T) {
	_, a, b := sharedBatches()
	calls := 0
	k := strMapMemo(func(s string) string { calls++; return strings.ToUpper(s) }, &mapMemo{})
	ua, ub := k([]*column.Vector{a}, a.Len), k([]*column.Vector{b}, b.Len)
	if calls != len(a.Dict) || !sameSharedDict(ua.Dict, ub.Dict) {
		t.Fatalf("%d calls for a dictionary of %d; one mapped dictionary: %v", calls, len(a.Dict), sameSharedDict(ua.Dict, ub.Dict))
	}
	for i := range b.Len {
		if got, want := ub.Str(i), strings.ToUpper(b.Str(i)); got != want {
			t.Fatalf("row %d: %q, want %q", i, got, want)
		}
	}
	other := &column.Vector{Type: column.String, Len: 1, Dict: []string{"zed", "amy", "x", "y", "z"}, Codes: []uint32{1}}
	if got := k([]*column.Vector{other}, 1).Str(0); got != "AMY" {
		t.Fatalf("another dictionary: %q", got)
	}
}

func sameSharedDict(a, b []string) bool {
	return len(a) == len(b) && len(a) > 0 && &a[0] == &b[0]
}
