package syntax

import (
	"strings"
)

// firstExpected turns participle's expectation — the rest of a grammar
// sequence, such as `"(" (Arg ("," Arg)*)? ")"` — into what could come
// next, in a user's words: `"("`, or `expression or ")"`.
func firstExpected(raw string) string {
	p := &expectParser{s: raw}
	firsts, _ := p.sequence()
	var out []string
	seen := map[string]bool{}
	for _, f := range firsts {
		name := nodeNames.Replace(f)
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return nodeNames.Replace(raw)
	}
	if len(out) > 4 {
		out = append(out[:4], "...")
	}
	return strings.Join(out, " or ")
}

// expectParser reads participle's grammar notation: sequences of quoted
// literals, names and parenthesised groups of alternatives, each
// optionally followed by ?, * or +.
type expectParser struct {
	s string
	i int
}

func (p *expectParser) skipSpace() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// sequence returns the first set of a sequence up to ")" or "|" and
// whether the whole sequence may be empty.
func (p *expectParser) sequence() (firsts []string, empty bool) {
	empty = true
	for {
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] == ')' || p.s[p.i] == '|' {
			return firsts, empty
		}
		f, e := p.element()
		if empty {
			firsts = append(firsts, f...)
			empty = e
		}
	}
}

// element reads one element and returns its first set and whether it may
// match nothing.
func (p *expectParser) element() ([]string, bool) {
	var firsts []string
	empty := false
	switch c := p.s[p.i]; {
	case c == '"':
		j := p.i + 1
		for j < len(p.s) && p.s[j] != '"' {
			if p.s[j] == '\\' {
				j++
			}
			j++
		}
		j = min(j+1, len(p.s))
		firsts = []string{p.s[p.i:j]}
		p.i = j
	case c == '(':
		p.i++
		for {
			f, e := p.sequence()
			firsts = append(firsts, f...)
			empty = empty || e
			if p.i < len(p.s) && p.s[p.i] == '|' {
				p.i++
				continue
			}
			break
		}
		if p.i < len(p.s) && p.s[p.i] == ')' {
			p.i++
		}
	default:
		j := p.i
		for j < len(p.s) && !strings.ContainsRune(" ()|?*+", rune(p.s[j])) {
			j++
		}
		if j == p.i {
			j++
		}
		firsts = []string{p.s[p.i:j]}
		p.i = j
	}
	if p.i < len(p.s) {
		switch p.s[p.i] {
		case '?', '*':
			empty = true
			p.i++
		case '+':
			p.i++
		}
	}
	return firsts, empty
}
