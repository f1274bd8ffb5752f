package plan

import (
	"regexp"
	"sort"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("search",
		`[T |] search [kind = case_sensitive] [in (Table, Pattern*, ...)] "term" | Column:"term" | Predicate | *`,
		"the rows of several tables matching a predicate in which a bare string is a term looked for in every column, with the table's name in $table",
		"search-operator", `let T = datatable(a:string, n:long)["red car", 1, "blue sky", 2]; search in (T) "red" or n == 2`)
}

// searchContext marks a search predicate: a bare string is a term looked
// for in every column, Column:"term" one looked for in Column.
type searchContext struct {
	caseSensitive bool
}

// search plans search: as a source, over the tables of in (...) or every
// table and view; after a pipe, over its input. Each input gets the
// predicate planned over its own columns; an input lacking a column the
// predicate names is left out (unless it is the only one). The result is
// their union with the input's name in $table.
func (b *builder) search(in Node, op *syntax.SearchOp) (Node, error) {
	sctx := &searchContext{}
	for k, v := range paramMap(op.Params) {
		switch {
		case k == "kind" && (v == "case_sensitive"):
			sctx.caseSensitive = true
		case k == "kind" && (v == "case_insensitive" || v == "default"):
		default:
			return nil, errAt(op.Pos, "search takes kind=case_sensitive, case_insensitive or default, got %s=%s", k, v)
		}
	}
	var ins []Node
	var names []string
	switch {
	case in != nil && len(op.In) > 0:
		return nil, errAt(op.Pos, "search after a pipe takes no in (...): it searches its input")
	case in != nil:
		name := "union_arg0"
		if s, ok := in.(*Scan); ok {
			name = s.Table
		} else if as, ok := b.asNames[in]; ok {
			name = as
		}
		ins, names = []Node{in}, []string{name}
	case len(op.In) > 0:
		for _, it := range op.In {
			if it.Pipe != nil || it.Call != nil {
				return nil, errAt(it.Pos, "search in (...) takes table names and patterns such as T*")
			}
			name := unquoteIdent(*it.Name)
			matched := []string{name}
			if prefix, ok := strings.CutSuffix(name, "*"); ok {
				if matched = b.tableNames(prefix); len(matched) == 0 {
					return nil, errAt(it.Pos, "no table or view matches %s", name)
				}
			}
			for _, m := range matched {
				n, err := b.sourceName(m, it.Pos)
				if err != nil {
					return nil, err
				}
				ins, names = append(ins, n), append(names, m)
			}
		}
	default:
		// Every table and view in scope.
		all := append([]string(nil), b.cat.TableNames()...)
		for n, f := range b.funcs {
			if b.views[f] {
				all = append(all, n)
			}
		}
		sort.Strings(all)
		for _, m := range all {
			n, err := b.sourceName(m, op.Pos)
			if err != nil {
				return nil, err
			}
			ins, names = append(ins, n), append(names, m)
		}
		if len(ins) == 0 {
			return nil, errAt(op.Pos, "search has no table to search: the database holds none and no view is declared")
		}
	}
	var kept []Node
	var keptNames []string
	var firstErr error
	for i, n := range ins {
		pred := Expr(&Const{T: column.Bool, Val: true})
		if !op.Star {
			sc := b.scopeOf(n)
			sc.search = sctx
			p, err := b.expr(op.Pred, sc)
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			if p.Type() != column.Bool {
				return nil, errAt(op.Pred.Pos, "search needs a bool predicate, got %s", p.Type())
			}
			pred = p
		}
		kept = append(kept, &Filter{Input: n, Pred: pred})
		keptNames = append(keptNames, names[i])
	}
	if len(kept) == 0 {
		return nil, firstErr
	}
	return newUnion(kept, keptNames, "$table", false), nil
}

// searchTerm plans a search term over every column: has, or by where its
// * are hasprefix ("err*"), hassuffix ("*err"), contains ("*err*") or a
// regular expression of whole terms ("Lab*PC").
func (b *builder) searchTerm(term string, pos syntax.Position, cols []Expr, sc *scope) (Expr, error) {
	var pred Expr
	for _, c := range cols {
		p, err := searchMatch(term, asString(c), pos, sc.search.caseSensitive)
		if err != nil {
			return nil, err
		}
		if pred == nil {
			pred = p
		} else {
			pred = &Call{Fn: "or", Args: []Expr{pred, p}, T: column.Bool}
		}
	}
	if pred == nil {
		return &Const{T: column.Bool, Val: false}, nil
	}
	return pred, nil
}

// searchMatch is one column's test for a search term.
func searchMatch(term string, col Expr, pos syntax.Position, cs bool) (Expr, error) {
	suffix := ""
	if cs {
		suffix = "_cs"
	}
	inner := strings.Trim(term, "*")
	lead, trail := strings.HasPrefix(term, "*"), strings.HasSuffix(term, "*") && len(term) > 1
	switch {
	case term == "*":
		return &Const{T: column.Bool, Val: true}, nil
	case strings.Contains(inner, "*"):
		parts := strings.Split(inner, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		re := strings.Join(parts, ".*")
		if !lead {
			re = `\b` + re
		}
		if !trail {
			re += `\b`
		}
		if !cs {
			re = "(?i)" + re
		}
		return compare("matches regex", col, &Const{T: column.String, Val: re}, pos)
	case lead && trail:
		return compare("contains"+suffix, col, &Const{T: column.String, Val: inner}, pos)
	case lead:
		return compare("hassuffix"+suffix, col, &Const{T: column.String, Val: inner}, pos)
	case trail:
		return compare("hasprefix"+suffix, col, &Const{T: column.String, Val: inner}, pos)
	}
	return compare("has"+suffix, col, &Const{T: column.String, Val: term}, pos)
}

// searchCmp plans the search forms of a comparison: a bare string term,
// or Column:"term". ok is false for an ordinary comparison.
func (b *builder) searchCmp(e *syntax.CmpExpr, sc *scope) (Expr, bool, error) {
	if e.In == nil && e.Between == nil && e.Binary == nil {
		if s, ok := bareString(e.Left); ok {
			var cols []Expr
			for i, f := range sc.schema {
				if !strings.HasPrefix(f.Name, "\x00") {
					cols = append(cols, &ColRef{Index: i, Name: f.Name, T: f.Type})
				}
			}
			p, err := b.searchTerm(s, e.Pos, cols, sc)
			return p, true, err
		}
		return nil, false, nil
	}
	if e.Binary == nil || e.Binary.Op != ":" {
		return nil, false, nil
	}
	col, err := b.add(e.Left, sc)
	if err != nil {
		return nil, true, err
	}
	r, err := b.add(e.Binary.Right, sc)
	if err != nil {
		return nil, true, err
	}
	k, ok := r.(*Const)
	s, isStr := "", false
	if ok {
		s, isStr = k.Val.(string)
	}
	if !isStr {
		return nil, true, errAt(e.Binary.Pos, "search: Column:\"term\" needs a string term")
	}
	p, err := b.searchTerm(s, e.Pos, []Expr{col}, sc)
	return p, true, err
}

// bareString returns the string an operand consists of, if it is only a
// string literal.
func bareString(a *syntax.AddExpr) (string, bool) {
	if len(a.Right) > 0 || len(a.Left.Right) > 0 || a.Left.Left.Sign != "" || len(a.Left.Left.Operand.Suffix) > 0 {
		return "", false
	}
	p := a.Left.Left.Operand.Primary
	if len(p.Strings) == 0 {
		return "", false
	}
	var sb strings.Builder
	for _, s := range p.Strings {
		u, err := unquote(s)
		if err != nil {
			return "", false
		}
		sb.WriteString(u)
	}
	return sb.String(), true
}
