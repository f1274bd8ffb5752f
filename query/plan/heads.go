package plan

import (
	"regexp/syntax"

	"clickhunt/column"
)

// Head-only columns. The writer stores beside a URL column its head: each
// value up to (not including) its third "/" (storage.URLHead). Grouping
// clicks by site reads no more of a URL than that — split(Url, "/")[2]
// (split_part after fuseSplitIndex), or an extract with a regex anchored
// at the start that cannot match past a second "/" — so when every use of
// a column is such an expression, the scan may read the small head column
// in its place and the expressions give the same values.
//
// The column analysis (pruneColumns) keeps, per column, how much of it is
// used: not at all, only through its head, or whole.
const (
	needNone uint8 = iota
	needHead
	needFull
)

// headArg returns the column whose head alone decides e's value, if e is
// one of the head-only expressions.
func headArg(e Expr) (*ColRef, bool) {
	c, ok := e.(*Call)
	if !ok {
		return nil, false
	}
	switch c.Fn {
	case "split_part": // split_part(col, "/", i), 0 <= i <= 2
		col, ok := c.Args[0].(*ColRef)
		sep, ok1 := constString(c.Args[1])
		idx, ok2 := c.Args[2].(*Const)
		if !ok || !ok1 || !ok2 || sep != "/" || col.T != column.String {
			return nil, false
		}
		i, ok := idx.Val.(int64)
		if !ok || i < 0 || i > 2 {
			return nil, false
		}
		return col, true
	case "extract": // extract(re, group, col) with a head-safe re
		pat, ok := constString(c.Args[0])
		col, ok1 := c.Args[2].(*ColRef)
		if !ok || !ok1 || col.T != column.String || !headSafeRegex(pat) {
			return nil, false
		}
		return col, true
	}
	return nil, false
}

func constString(e Expr) (string, bool) {
	k, ok := e.(*Const)
	if !ok {
		return "", false
	}
	s, ok := k.Val.(string)
	return s, ok
}

// headSafeRegex reports whether every match of pat (Go's regexp syntax,
// as extract compiles it) in a string is also its match in the string's
// head, and no match in the head is not one in the string: pat is
// anchored at the start of the text, no path through it matches more than
// two "/", and it has no other assertion (an end of text or a word
// boundary would see the head's end where the string goes on). Then
// every attempt, in the string as in its head, starts at 0 and stops
// before the third "/", where the two are equal.
func headSafeRegex(pat string) bool {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return false
	}
	re = re.Simplify()
	// Anchored: the first element of the top concatenation (or the whole)
	// is the beginning of the text.
	first := re
	for first.Op == syntax.OpConcat || first.Op == syntax.OpCapture {
		if len(first.Sub) == 0 {
			return false
		}
		first = first.Sub[0]
	}
	if first.Op != syntax.OpBeginText {
		return false
	}
	n, ok := maxSlashes(re, true)
	return ok && n <= 2
}

// maxSlashes is the most "/" any match of re can hold; ok is false when
// that is unbounded or re holds an assertion other than the leading
// beginning of text (atStart: re begins the pattern).
func maxSlashes(re *syntax.Regexp, atStart bool) (n int, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpNoMatch:
		return 0, true
	case syntax.OpBeginText:
		return 0, atStart
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r == '/' {
				n++
			}
		}
		return n, true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= '/' && '/' <= re.Rune[i+1] {
				return 1, true
			}
		}
		return 0, true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1, true
	case syntax.OpCapture:
		return maxSlashes(re.Sub[0], atStart)
	case syntax.OpConcat:
		for i, sub := range re.Sub {
			k, ok := maxSlashes(sub, atStart && i == 0)
			if !ok {
				return 0, false
			}
			n += k
		}
		return n, true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			k, ok := maxSlashes(sub, false)
			if !ok {
				return 0, false
			}
			n = max(n, k)
		}
		return n, true
	case syntax.OpQuest:
		return maxSlashes(re.Sub[0], false)
	case syntax.OpStar, syntax.OpPlus:
		k, ok := maxSlashes(re.Sub[0], false)
		return 0, ok && k == 0
	case syntax.OpRepeat:
		k, ok := maxSlashes(re.Sub[0], false)
		if !ok || k > 0 && re.Max < 0 {
			return 0, false
		}
		return k * max(re.Max, 0), true
	}
	return 0, false // assertions: ends of lines and text, word boundaries
}

// markNeeds raises use[i] for every column e reads: to needHead where e
// reads it only through a head-only expression, else to needFull.
func markNeeds(e Expr, use []uint8) {
	if col, ok := headArg(e); ok {
		use[col.Index] = max(use[col.Index], needHead)
		return
	}
	switch e := e.(type) {
	case *ColRef:
		use[e.Index] = needFull
	case *Call:
		for _, a := range e.Args {
			markNeeds(a, use)
		}
	}
}
