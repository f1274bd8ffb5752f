package exec

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// String predicates. The left side is evaluated once per distinct value of a
// dictionary-encoded column, then applied to the codes.
// https://learn.microsoft.com/kusto/query/datatypes-string-operators
func init() {
	type pred = func(hay, needle string) bool
	preds := map[string]pred{
		"=~":            strings.EqualFold,
		"has":           func(h, n string) bool { return hasTerm(h, n, false, termWhole) },
		"has_cs":        func(h, n string) bool { return hasTerm(h, n, true, termWhole) },
		"hasprefix":     func(h, n string) bool { return hasTerm(h, n, false, termPrefix) },
		"hasprefix_cs":  func(h, n string) bool { return hasTerm(h, n, true, termPrefix) },
		"hassuffix":     func(h, n string) bool { return hasTerm(h, n, false, termSuffix) },
		"hassuffix_cs":  func(h, n string) bool { return hasTerm(h, n, true, termSuffix) },
		"contains":      func(h, n string) bool { return indexFold(h, n) >= 0 },
		"contains_cs":   strings.Contains,
		"startswith":    func(h, n string) bool { return len(h) >= len(n) && strings.EqualFold(h[:len(n)], n) },
		"startswith_cs": strings.HasPrefix,
		"endswith":      func(h, n string) bool { return len(h) >= len(n) && strings.EqualFold(h[len(h)-len(n):], n) },
		"endswith_cs":   strings.HasSuffix,
	}
	for name, p := range preds {
		p := p
		neg := "!" + name
		if name == "=~" {
			neg = "!~"
		}
		for fn, negate := range map[string]bool{name: false, neg: true} {
			registerS(fn, func(_ *plan.Call, s *stopper) (kernel, error) {
				m := &dictMemo{stop: s}
				return func(a []*column.Vector, n int) *column.Vector { return strPred2(m, a[0], a[1], n, p, negate) }, nil
			})
		}
	}
	registerS("matches regex", func(c *plan.Call, s *stopper) (kernel, error) {
		pat := c.Args[1].(*plan.Const).Val.(string)
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("bad regular expression %q: %v", pat, err)
		}
		m := &dictMemo{stop: s}
		return func(a []*column.Vector, n int) *column.Vector { return strPredVec(m, "", a[0], n, re.MatchString) }, nil
	})
}

// strPred2 applies a two-string predicate; with a constant right side it
// becomes a one-string predicate that can use the dictionary fast path.
func strPred2(m *dictMemo, a, b *column.Vector, n int, p func(h, n string) bool, negate bool) *column.Vector {
	if b.Const {
		needle := b.Strs[0]
		return strPredVec(m, needle, a, n, func(s string) bool { return p(s, needle) != negate })
	}
	out := newBools(n)
	stop := m.stopper()
	for i := 0; i < n; i++ {
		stop.row(i)
		out.Bools[i] = p(a.Str(i), b.Str(i)) != negate
	}
	return out
}

// strPredVec evaluates a predicate on a string vector: once per dictionary
// entry used when the vector is dictionary-encoded, remembered in m (which
// may be nil) for the next batch with the same dictionary and key, the
// operand the predicate depends on besides the string.
func strPredVec(m *dictMemo, key string, a *column.Vector, n int, p func(string) bool) *column.Vector {
	out := newBools(n)
	switch {
	case a.Const:
		r := p(a.Strs[0])
		for i := range out.Bools {
			out.Bools[i] = r
		}
	case a.Codes != nil:
		dictPred(m, key, a, n, p, out.Bools)
	default:
		stop := m.stopper()
		for i, s := range a.Strs[:n] {
			stop.row(i)
			out.Bools[i] = p(s)
		}
	}
	return out
}

func isTermChar(c byte) bool { return termChars[c] }

// termChars marks the bytes of terms: ASCII letters and digits.
var termChars = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

type termMatch int

const (
	termWhole  termMatch = iota // has: the needle is whole terms
	termPrefix                  // hasprefix: the needle starts a term
	termSuffix                  // hassuffix: the needle ends a term
)

// hasTerm reports whether needle occurs in hay on term boundaries. Kusto
// splits text into terms, maximal runs of ASCII letters and digits: `has`
// matches when the needle's terms appear whole, so "North America" has
// "america" but not "amer". A needle edge that is not a term character needs
// no boundary there (so has "contoso.com" matches "www.contoso.com/x").
func hasTerm(hay, needle string, cs bool, mode termMatch) bool {
	if needle == "" {
		return true
	}
	first, last := isTermChar(needle[0]), isTermChar(needle[len(needle)-1])
	from := 0
	for from <= len(hay) {
		var i, n int
		if cs {
			i, n = strings.Index(hay[from:], needle), len(needle)
		} else {
			i, n = indexFoldLen(hay[from:], needle)
		}
		if i < 0 {
			return false
		}
		start := from + i
		end := start + n
		okStart := mode == termSuffix || !first || start == 0 || !isTermChar(hay[start-1])
		okEnd := mode == termPrefix || !last || end == len(hay) || !isTermChar(hay[end])
		if okStart && okEnd {
			return true
		}
		// On to the next character (not the next byte: a search from the
		// middle of a UTF-8 sequence would read garbage).
		_, w := utf8.DecodeRuneInString(hay[start:])
		from = start + max(w, 1)
	}
	return false
}

// indexFoldLen is indexFold that also returns the length of the match in
// hay, which for a non-ASCII needle may differ from the needle's.
func indexFoldLen(hay, needle string) (int, int) {
	for i := 0; i < len(needle); i++ {
		if needle[i] >= utf8.RuneSelf {
			return indexFoldUnicode(hay, needle)
		}
	}
	return indexFold(hay, needle), len(needle)
}

// indexFoldUnicode finds needle in hay under Unicode simple case folding,
// trying each character start of hay; it returns the match's start and
// length in hay, or -1.
func indexFoldUnicode(hay, needle string) (int, int) {
	for i := 0; i < len(hay); {
		if n, ok := prefixFold(hay[i:], needle); ok {
			return i, n
		}
		_, w := utf8.DecodeRuneInString(hay[i:])
		i += max(w, 1)
	}
	if needle == "" {
		return len(hay), 0
	}
	return -1, 0
}

// prefixFold reports whether s starts with prefix under simple case
// folding, and how many bytes of s that prefix takes.
func prefixFold(s, prefix string) (int, bool) {
	j := 0
	for _, pr := range prefix {
		if j >= len(s) {
			return 0, false
		}
		sr, w := utf8.DecodeRuneInString(s[j:])
		if sr != pr && !equalFoldRune(sr, pr) {
			return 0, false
		}
		j += w
	}
	return j, true
}

func equalFoldRune(a, b rune) bool {
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// indexFold is strings.Index with ASCII case folding (and Unicode simple
// folding for non-ASCII needles).
func indexFold(hay, needle string) int {
	n := len(needle)
	if n == 0 {
		return 0
	}
	for i := 0; i < len(needle); i++ {
		if needle[i] >= utf8.RuneSelf {
			at, _ := indexFoldUnicode(hay, needle)
			return at
		}
	}
	// Jump between the places the first byte occurs, in either case, with
	// strings.IndexByte (vectorised), and compare the rest only there: far
	// fewer steps than a byte-by-byte scan of URLs and paths.
	lo := lowerASCII(needle[0])
	up := lo
	if lo >= 'a' && lo <= 'z' {
		up = lo - ('a' - 'A')
	}
	const none = int(^uint(0) >> 1)
	nextLo, nextUp := -1, -1 // next occurrence at or after from; -1: not searched yet
	last := len(hay) - n     // the last place a match can start
	for from := 0; from <= last; {
		if nextLo < from {
			if k := strings.IndexByte(hay[from:last+1], lo); k >= 0 {
				nextLo = from + k
			} else {
				nextLo = none
			}
		}
		if up != lo && nextUp < from {
			if k := strings.IndexByte(hay[from:last+1], up); k >= 0 {
				nextUp = from + k
			} else {
				nextUp = none
			}
		}
		i := nextLo
		if up != lo && nextUp < i {
			i = nextUp
		}
		if i == none {
			return -1
		}
		j := 1
		for j < n && lowerASCII(hay[i+j]) == lowerASCII(needle[j]) {
			j++
		}
		if j == n {
			return i
		}
		from = i + 1
	}
	return -1
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// has_any / has_all over a constant list of terms, compiled once into a
// termSet: one pass over each text whatever the number of terms.
// https://learn.microsoft.com/kusto/query/has-any-operator
func init() {
	for _, all := range []bool{false, true} {
		all := all
		name := "has_any"
		if all {
			name = "has_all"
		}
		registerS(name, func(c *plan.Call, s *stopper) (kernel, error) {
			var terms []string
			for _, a := range c.Args[1:] {
				terms = append(terms, a.(*plan.Const).Val.(string))
			}
			ts := newTermSet(terms)
			m := &dictMemo{stop: s}
			return func(a []*column.Vector, n int) *column.Vector {
				tm := ts.matcher()
				return strPredVec(m, "", a[0], n, func(s string) bool { return tm.match(s, all) })
			}, nil
		})
	}
}
