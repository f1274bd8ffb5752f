package exec

import (
	"math/rand"
	"strings"
	"testing"
)

// The compiled term set answers has_any and has_all as a loop of hasTerm
// over the needles does, on random texts and needles built from a small
// alphabet of term and separator characters (so that matches, near misses
// and case differences are frequent).
func TestTermSetMatchesHasTerm(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	alphabet := []string{"a", "B", "c", "1", ".", "/", "-", " ", "é", ":", "ab", "AB"}
	gen := func(max int) string {
		var sb strings.Builder
		for n := rng.Intn(max); n > 0; n-- {
			sb.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		return sb.String()
	}
	for round := 0; round < 3000; round++ {
		var needles []string
		for n := rng.Intn(6); n >= 0; n-- {
			needles = append(needles, gen(5))
		}
		ts := newTermSet(needles).matcher()
		for k := 0; k < 5; k++ {
			text := gen(14)
			wantAny, wantAll := false, true
			for _, nd := range needles {
				h := hasTerm(text, nd, false, termWhole)
				wantAny = wantAny || h
				wantAll = wantAll && h
			}
			if got := ts.match(text, false); got != wantAny {
				t.Fatalf("has_any(%q, %q) = %v, want %v", text, needles, got, wantAny)
			}
			if got := ts.match(text, true); got != wantAll {
				t.Fatalf("has_all(%q, %q) = %v, want %v", text, needles, got, wantAll)
			}
		}
	}
}
