package exec

import (
	"strings"
)

// termSet is a list of has_any / has_all needles compiled once, so that a
// long list (thousands of indicators) costs one pass over each text instead
// of one search per needle. The text is split into its terms (maximal runs
// of ASCII letters and digits, as hasTerm reads them), each term looks up
// the needles that start with it, and only those are checked further: the
// needle's other terms must follow as whole terms with the same separators
// between them, and a separator at the needle's start (end) must end
// (start) the run of separators before (after) it. A needle without any
// term character ("://") is searched as a substring.
type termSet struct {
	needles []termNeedle
	byFirst map[string][]int32 // first term (lowercase) -> needles
	bare    []int32            // needles without a term character
	empty   bool               // an empty needle: every text has it
	// lens has bit n set when some first term is n bytes long (n < 64;
	// bit 63 for longer ones): most terms of a text are skipped on their
	// length alone, without hashing them.
	lens uint64
}

// termMatcher matches texts against a termSet; it holds the scratch space,
// so each goroutine (each batch) uses its own.
type termMatcher struct {
	*termSet
	// seen[i] == stamp marks needle i found in the current text.
	seen  []uint32
	stamp uint32
	spans []termSpan // the current text's terms
	low   []byte     // a term in lowercase
}

func (t *termSet) matcher() *termMatcher {
	return &termMatcher{termSet: t, seen: make([]uint32, len(t.needles))}
}

type termNeedle struct {
	text  string   // lowercase, for bare needles
	terms []string // lowercase
	seps  []string // len(terms)+1: before the first term, between, after the last
}

type termSpan struct{ start, end int }

// newTermSet compiles needles (duplicates count once).
func newTermSet(needles []string) *termSet {
	t := &termSet{byFirst: map[string][]int32{}}
	seen := map[string]bool{}
	for _, s := range needles {
		low := strings.ToLower(s)
		if seen[low] {
			continue
		}
		seen[low] = true
		if s == "" {
			t.empty = true
			continue
		}
		n := termNeedle{text: low}
		prev := 0
		for _, sp := range splitTerms(low, nil) {
			n.seps = append(n.seps, low[prev:sp.start])
			n.terms = append(n.terms, low[sp.start:sp.end])
			prev = sp.end
		}
		n.seps = append(n.seps, low[prev:])
		id := int32(len(t.needles))
		t.needles = append(t.needles, n)
		if len(n.terms) == 0 {
			t.bare = append(t.bare, id)
			continue
		}
		t.byFirst[n.terms[0]] = append(t.byFirst[n.terms[0]], id)
		t.lens |= 1 << min(len(n.terms[0]), 63)
	}
	return t
}

// splitTerms appends the spans of s's terms to dst.
func splitTerms(s string, dst []termSpan) []termSpan {
	for i := 0; i < len(s); {
		if !isTermChar(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isTermChar(s[j]) {
			j++
		}
		dst = append(dst, termSpan{i, j})
		i = j
	}
	return dst
}

// count returns how many distinct needles it holds.
func (t *termSet) count() int {
	n := len(t.needles)
	if t.empty {
		n++
	}
	return n
}

// match reports whether text has any needle (all: every needle).
func (t *termMatcher) match(text string, all bool) bool {
	want := t.count()
	if want == 0 {
		return all
	}
	found := 0
	if t.empty {
		if !all {
			return true
		}
		found++
	}
	t.stamp++
	if t.stamp == 0 { // wrapped: clear the stamps
		clear(t.seen)
		t.stamp = 1
	}
	mark := func(id int32) bool {
		if t.seen[id] != t.stamp {
			t.seen[id] = t.stamp
			found++
		}
		return !all || found == want
	}
	for _, id := range t.bare {
		if indexFold(text, t.needles[id].text) >= 0 && mark(id) {
			return true
		}
	}
	t.spans = splitTerms(text, t.spans[:0])
	for k, sp := range t.spans {
		if t.lens&(1<<min(sp.end-sp.start, 63)) == 0 {
			continue
		}
		t.low = appendLowerASCII(t.low[:0], text[sp.start:sp.end])
		ids, ok := t.byFirst[string(t.low)] // no allocation: a map index by string(bytes)
		if !ok {
			continue
		}
		for _, id := range ids {
			if t.seen[id] == t.stamp && all {
				continue
			}
			if t.matchAt(text, k, &t.needles[id]) && mark(id) {
				return true
			}
		}
	}
	return all && found == want
}

// matchAt checks needle n against the text's terms from the k-th on (the
// first term already equal).
func (t *termMatcher) matchAt(text string, k int, n *termNeedle) bool {
	if k+len(n.terms) > len(t.spans) {
		return false
	}
	for j := 1; j < len(n.terms); j++ {
		prev, cur := t.spans[k+j-1], t.spans[k+j]
		if !strings.EqualFold(text[prev.end:cur.start], n.seps[j]) || !equalLowerASCII(text[cur.start:cur.end], n.terms[j]) {
			return false
		}
	}
	if s := n.seps[0]; s != "" {
		before := 0
		if k > 0 {
			before = t.spans[k-1].end
		}
		run := text[before:t.spans[k].start]
		if len(run) < len(s) || !strings.EqualFold(run[len(run)-len(s):], s) {
			return false
		}
	}
	if s := n.seps[len(n.terms)]; s != "" {
		last := k + len(n.terms) - 1
		after := len(text)
		if last+1 < len(t.spans) {
			after = t.spans[last+1].start
		}
		run := text[t.spans[last].end:after]
		if len(run) < len(s) || !strings.EqualFold(run[:len(s)], s) {
			return false
		}
	}
	return true
}

func appendLowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, lowerASCII(s[i]))
	}
	return dst
}

func equalLowerASCII(s, low string) bool {
	if len(s) != len(low) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerASCII(s[i]) != low[i] {
			return false
		}
	}
	return true
}
