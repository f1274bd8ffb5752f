package plan

import (
	"sort"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("project-away",
		"T | project-away ColumnNameOrPattern, ...",
		"removes the columns named",
		"project-away-operator", "range x from 1 to 3 step 1 | extend y = x | project-away y")
	operatorTopic("project-keep",
		"T | project-keep Column, ...",
		"keeps only the columns named, in their input order",
		"project-keep-operator", "range x from 1 to 3 step 1 | extend y = x, z = 0 | project-keep x, z")
	operatorTopic("project-reorder",
		"T | project-reorder ColumnNameOrPattern [asc | desc], ...",
		"puts the columns named first, the others after them",
		"project-reorder-operator", "range x from 1 to 3 step 1 | extend y = x * 2 | project-reorder y")
}

func (b *builder) projectNames(in Node, op *syntax.ProjectNamesOp) (Node, error) {
	s := in.Out()
	named := map[int]bool{}
	var order []int
	for _, np := range op.Names {
		matched, ok := matchNames(np.Name, s)
		if !ok {
			name := unquoteIdent(np.Name)
			return nil, errAt(np.Pos, "%s: unknown column '%s'%s", op.Keyword, name, didYouMean(name, s))
		}
		if np.Order != "" && op.Keyword != "project-reorder" {
			return nil, errAt(np.Pos, "%s takes no order (only project-reorder does)", op.Keyword)
		}
		switch np.Order {
		case "asc":
			sort.SliceStable(matched, func(a, b int) bool { return s[matched[a]].Name < s[matched[b]].Name })
		case "desc":
			sort.SliceStable(matched, func(a, b int) bool { return s[matched[a]].Name > s[matched[b]].Name })
		}
		for _, i := range matched {
			if !named[i] {
				named[i] = true
				order = append(order, i)
			}
		}
	}
	var keep []int
	switch op.Keyword {
	case "project-away":
		for i := range s {
			if !named[i] {
				keep = append(keep, i)
			}
		}
	case "project-keep":
		for i := range s {
			if named[i] {
				keep = append(keep, i)
			}
		}
	default: // project-reorder: the named columns first, the rest after
		keep = order
		for i := range s {
			if !named[i] {
				keep = append(keep, i)
			}
		}
	}
	p := &Project{Input: in}
	for _, i := range keep {
		p.Exprs = append(p.Exprs, &ColRef{Index: i, Name: s[i].Name, T: s[i].Type})
		p.Schema = append(p.Schema, s[i])
	}
	return p, nil
}

// matchNames returns the columns of s that a name or a pattern with *
// (Col*, *Id, *x*) names, in schema order; ok is false when a plain name
// is not a column (a pattern may match none).
func matchNames(pattern string, s column.Schema) ([]int, bool) {
	lead := strings.HasPrefix(pattern, "*")
	trail := len(pattern) > 1 && strings.HasSuffix(pattern, "*")
	core := unquoteIdent(strings.TrimSuffix(strings.TrimPrefix(pattern, "*"), "*"))
	if !lead && !trail {
		i := s.Index(core)
		return []int{i}, i >= 0
	}
	var out []int
	for i, f := range s {
		var ok bool
		switch {
		case lead && trail:
			ok = strings.Contains(f.Name, core)
		case lead:
			ok = strings.HasSuffix(f.Name, core)
		default:
			ok = strings.HasPrefix(f.Name, core)
		}
		if ok {
			out = append(out, i)
		}
	}
	return out, true
}
