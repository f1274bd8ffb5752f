package plan

import "clickhunt/query/syntax"

func init() {
	operatorTopic("project-away",
		"T | project-away Column, ...",
		"removes the columns named",
		"project-away-operator", "range x from 1 to 3 step 1 | extend y = x | project-away y")
	operatorTopic("project-keep",
		"T | project-keep Column, ...",
		"keeps only the columns named, in their input order",
		"project-keep-operator", "range x from 1 to 3 step 1 | extend y = x, z = 0 | project-keep x, z")
	operatorTopic("project-reorder",
		"T | project-reorder Column, ...",
		"puts the columns named first, the others after them",
		"project-reorder-operator", "range x from 1 to 3 step 1 | extend y = x * 2 | project-reorder y")
}

func (b *builder) projectNames(in Node, op *syntax.ProjectNamesOp) (Node, error) {
	s := in.Out()
	named := map[int]bool{}
	var order []int
	for _, raw := range op.Names {
		name := unquoteIdent(raw)
		i := s.Index(name)
		if i < 0 {
			return nil, errAt(op.Pos, "%s: unknown column '%s'%s", op.Keyword, name, didYouMean(name, s))
		}
		if !named[i] {
			named[i] = true
			order = append(order, i)
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
