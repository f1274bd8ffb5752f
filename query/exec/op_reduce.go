package exec

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"clickhunt/column"
	"clickhunt/query/plan"
)

// reduceOp groups the key strings into patterns of their frequent terms,
// over the whole input (plan.Reduce says how).
// https://learn.microsoft.com/kusto/query/reduce-operator
type reduceOp struct {
	n    *plan.Reduce
	in   Operator
	key  expr
	st   *Stats
	done bool
}

func newReduce(n *plan.Reduce, in Operator, st *Stats) (Operator, error) {
	key, err := compile(n.Key, st.stop)
	if err != nil {
		return nil, err
	}
	return &reduceOp{n: n, in: in, key: key, st: st}, nil
}

// reduceTerm is one term of a value and the separators before it.
type reduceTerm struct{ sep, word string }

func (r *reduceOp) Next(ctx context.Context) (*column.Batch, error) {
	if r.done {
		return nil, nil
	}
	r.done = true
	in, err := drain(ctx, r.in, types(r.n.Input.Out()))
	if err != nil {
		return nil, err
	}
	if err := r.st.mem.charge(batchBytes(in), "reduce"); err != nil {
		return nil, err
	}
	keys := r.key.eval(in)
	isSep := func(c rune) bool {
		if r.n.Separators != "" {
			return strings.ContainsRune(r.n.Separators, c)
		}
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
	}
	values := make([]string, in.Len)
	terms := make([][]reduceTerm, in.Len)
	type posWord struct {
		pos  int
		word string
	}
	freq := map[posWord]int{}
	for i := range values {
		r.st.stop.row(i)
		if !keys.IsNull(i) {
			values[i] = keys.Str(i)
		}
		terms[i] = reduceTerms(values[i], isSep)
		for p, t := range terms[i] {
			freq[posWord{p, t.word}]++
		}
	}
	// A term (at its position), then a group, must be held by more than
	// Threshold of the rows.
	support := r.n.Threshold * float64(in.Len)
	frequent := func(i, p int) bool { return float64(freq[posWord{p, terms[i][p].word}]) > support }
	type group struct {
		first, count int
	}
	groups := map[string]*group{}
	var order []string
	cands := make([]string, in.Len)
	for i := range values {
		var sb strings.Builder
		for p, t := range terms[i] {
			if frequent(i, p) {
				sb.WriteString(t.word)
				sb.WriteByte(0)
				sb.WriteString(strconv.Itoa(p))
				sb.WriteByte(0)
			}
		}
		if sb.Len() == 0 {
			cands[i] = "" // no frequent term: an outlier
			continue
		}
		c := sb.String()
		cands[i] = c
		g := groups[c]
		if g == nil {
			g = &group{first: i}
			groups[c] = g
			order = append(order, c)
		}
		g.count++
	}
	// pattern writes row i with its infrequent terms (and the separators
	// before them) as one * each run.
	pattern := func(i int) string {
		var sb strings.Builder
		star := false
		for p, t := range terms[i] {
			if frequent(i, p) {
				sb.WriteString(t.sep)
				sb.WriteString(t.word)
				star = false
			} else if !star {
				sb.WriteByte('*')
				star = true
			}
		}
		return sb.String()
	}
	inGroup := func(i int) bool { g := groups[cands[i]]; return g != nil && float64(g.count) > support }
	if r.n.Source {
		pb := column.NewBuilder(column.String, in.Len)
		for i := range values {
			if inGroup(i) {
				pb.AppendString(pattern(groups[cands[i]].first))
			} else {
				pb.AppendString("others")
			}
		}
		return &column.Batch{Len: in.Len, Cols: append(append([]*column.Vector(nil), in.Cols...), pb.Build())}, nil
	}
	sort.SliceStable(order, func(a, b int) bool { return groups[order[a]].count > groups[order[b]].count })
	rb := newRowsBuilder(r.n.Schema)
	others := 0
	for i := range values {
		if !inGroup(i) {
			others++
		}
	}
	for _, c := range order {
		g := groups[c]
		if float64(g.count) > support {
			rb.add(pattern(g.first), int64(g.count), values[g.first])
		}
	}
	if others > 0 {
		rb.add("others", int64(others), "")
	}
	return rb.build(), nil
}

// reduceTerms splits s into its terms, each with the separators before it
// (separators after the last term are dropped).
func reduceTerms(s string, isSep func(rune) bool) []reduceTerm {
	var out []reduceTerm
	sepStart, wordStart := 0, -1
	for i, c := range s {
		if isSep(c) {
			if wordStart >= 0 {
				out = append(out, reduceTerm{sep: s[sepStart:wordStart], word: s[wordStart:i]})
				wordStart, sepStart = -1, i
			}
			continue
		}
		if wordStart < 0 {
			wordStart = i
		}
	}
	if wordStart >= 0 {
		out = append(out, reduceTerm{sep: s[sepStart:wordStart], word: s[wordStart:]})
	}
	return out
}
