package exec

import (
	"clickhunt/column"
	"clickhunt/query/plan"
	"clickhunt/storage"
)

// Block pruning by term filters: a `has` search skips the blocks whose
// stored term filter (storage/terms.go) says the needle's terms are not
// there. The filter still runs on the blocks that are read, so this only
// saves work; results do not change.

// termIndex is the optional Store method behind term pruning;
// *storage.Snapshot has it. A store without it is always scanned.
type termIndex interface {
	MayHaveAnyTerms(t *storage.TableInfo, b *storage.BlockMeta, c storage.ColumnInfo, sets [][]string) (bool, error)
}

// termCond is a conjunct of a scan filter that a block can pass only if,
// for some set in sets, every term of the set is a term of column col.
type termCond struct {
	col  int
	sets [][]string
}

// termConds extracts the term-prunable conjuncts of a filter:
//
//   - c has "x", c has_cs "x": every term of "x" (ASCII letters and digits,
//     at least storage.MinTermLen long) must appear in c;
//   - c has_any ("x", "y"): the terms of "x", or those of "y";
//   - c has_all ("x", "y"): the terms of "x" and of "y";
//   - c == "x", c in ("x", "y"): as has and has_any, since a value equal to
//     "x" has the terms of "x" (but not =~ and in~: Unicode case folding
//     makes "\u212Aey" =~ "key" true);
//   - p or q, both on the same column: either.
//
// c must be a stored string column and the needles constant strings. A
// needle with no term long enough, or with non-ASCII bytes (whose case
// folding is not ASCII's), cannot be decided by a filter: its conjunct is
// left out (for has_all, only that needle). Negations (!has) never prune.
func termConds(e plan.Expr) []termCond {
	c, ok := e.(*plan.Call)
	if !ok {
		return nil
	}
	switch c.Fn {
	case "and":
		return append(termConds(c.Args[0]), termConds(c.Args[1])...)
	case "or":
		l, r := termConds(c.Args[0]), termConds(c.Args[1])
		if len(l) != 1 || len(r) != 1 || l[0].col != r[0].col {
			return nil
		}
		return []termCond{{col: l[0].col, sets: append(l[0].sets, r[0].sets...)}}
	case "has", "has_cs", "has_any", "has_all", "in":
	case "==":
		if _, ok := c.Args[1].(*plan.ColRef); ok && len(c.Args) == 2 {
			return termConds(&plan.Call{Fn: "==", Args: []plan.Expr{c.Args[1], c.Args[0]}, T: c.T})
		}
	default:
		return nil
	}
	if len(c.Args) < 2 {
		return nil
	}
	col, ok := c.Args[0].(*plan.ColRef)
	if !ok || col.T != column.String {
		return nil
	}
	var sets [][]string
	for _, a := range c.Args[1:] {
		terms, ok := needleTerms(a)
		switch {
		case ok && c.Fn == "has_all" && len(sets) == 1:
			sets[0] = append(sets[0], terms...)
		case ok:
			sets = append(sets, terms)
		case c.Fn == "has_all":
			// An undecidable needle: the others still must be there.
		default:
			return nil
		}
	}
	if len(sets) == 0 {
		return nil
	}
	return []termCond{{col: col.Index, sets: sets}}
}

// needleTerms returns the indexed terms of a constant needle, or false when
// a term filter cannot decide it.
func needleTerms(e plan.Expr) ([]string, bool) {
	k, ok := e.(*plan.Const)
	if !ok {
		return nil, false
	}
	s, ok := k.Val.(string)
	if !ok {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return nil, false
		}
	}
	terms := storage.Terms(s)
	return terms, len(terms) > 0
}

// mayHaveTerms reports whether a block may pass the filter's term
// conjuncts. A store without term filters, a block without one, and a
// filter that cannot be read (Check reports damage) all say "maybe".
func (s *scanOp) mayHaveTerms(bm *storage.BlockMeta) bool {
	if len(s.terms) == 0 {
		return true
	}
	ti, ok := s.store.(termIndex)
	if !ok {
		return true
	}
	for _, tc := range s.terms {
		may, err := ti.MayHaveAnyTerms(s.table, bm, s.cols[tc.col], tc.sets)
		if err == nil && !may {
			return false
		}
	}
	return true
}

// termRowser is the optional Store method behind answering a one-term has
// from the term postings; *storage.Snapshot has it.
type termRowser interface {
	TermRows(t *storage.TableInfo, b *storage.BlockMeta, c storage.ColumnInfo, term string) ([]uint32, bool, error)
}

// exactTerm is a scan filter that is one `has` of one whole term.
type exactTerm struct {
	col  int
	term string
}

// exactTermOf recognises a filter the postings answer exactly: c has
// "term", c a stored string column and "term" one run of ASCII letters and
// digits of at least storage.MinTermLen bytes (has then means: term is one
// of the value's terms, ASCII case-insensitively).
func exactTermOf(e plan.Expr) *exactTerm {
	c, ok := e.(*plan.Call)
	if !ok || c.Fn != "has" || len(c.Args) != 2 {
		return nil
	}
	col, ok := c.Args[0].(*plan.ColRef)
	if !ok || col.T != column.String {
		return nil
	}
	k, ok := c.Args[1].(*plan.Const)
	if !ok {
		return nil
	}
	needle, ok := k.Val.(string)
	if !ok {
		return nil
	}
	if terms := storage.Terms(needle); len(terms) != 1 || terms[0] != needle {
		return nil
	}
	return &exactTerm{col: col.Index, term: needle}
}

// loadByTerm reads a block whose filter is an exactTerm through the
// block's postings: only the needed columns, only for the rows listed.
// done is false when the index cannot answer for this block.
func (s *scanOp) loadByTerm(bm *storage.BlockMeta) (b *column.Batch, done bool, err error) {
	tr, ok := s.store.(termRowser)
	if !ok {
		return nil, false, nil
	}
	rows, ok, err := tr.TermRows(s.table, bm, s.cols[s.exact.col], s.exact.term)
	if err != nil || !ok {
		return nil, false, nil // unreadable postings: the filter decides (check reports damage)
	}
	if len(rows) == 0 {
		return nil, true, nil
	}
	if rr, ok := s.store.(rowReader); ok && len(rows) < bm.Rows/sparseRows {
		// A few rows: read them alone (from the pages that hold them).
		b, err = s.loadRows(rr, nil, bm, rows)
		return b, true, err
	}
	b = &column.Batch{Len: bm.Rows, Cols: make([]*column.Vector, len(s.cols))}
	if err := s.read(b, bm, func(i int) bool { return s.needed[i] }); err != nil {
		return nil, true, err
	}
	if len(rows) < b.Len {
		b = b.Gather(rows)
	}
	return b, true, nil
}
