package exec

import (
	"math/rand"
	"strings"
	"testing"
)

// indexFold agrees with lower-casing both sides and strings.Index.
func TestIndexFold(t *testing.T) {
	f := func(hay, needle string, want int) {
		t.Helper()
		if got := indexFold(hay, needle); got != want {
			t.Errorf("indexFold(%q, %q) = %d, want %d", hay, needle, got, want)
		}
	}
	f("", "", 0)
	f("abc", "", 0)
	f("", "a", -1)
	f("Hello World", "WORLD", 6)
	f("aAaAb", "AAB", 2)
	f("xyz", "xyzz", -1)
	f("pastebin.com/PasteBin", "pastebin", 0)
	f("a-b-c", "-C", 3)
	f("123abc", "3A", 2)
	f("straße", "SSE", -1)
	rng := rand.New(rand.NewSource(1))
	alphabet := "aAbB-1."
	for i := 0; i < 20000; i++ {
		hay := make([]byte, rng.Intn(12))
		for k := range hay {
			hay[k] = alphabet[rng.Intn(len(alphabet))]
		}
		needle := make([]byte, rng.Intn(4))
		for k := range needle {
			needle[k] = alphabet[rng.Intn(len(alphabet))]
		}
		want := strings.Index(strings.ToLower(string(hay)), strings.ToLower(string(needle)))
		f(string(hay), string(needle), want)
	}
}

func BenchmarkIndexFold(b *testing.B) {
	hay := strings.Repeat("https://contoso.sharepoint.com/sites/Marketing/Shared%20Documents/Quarterly-Review.xlsx?web=1&", 2)
	for i := 0; i < b.N; i++ {
		indexFold(hay, "pastebin")
	}
}
