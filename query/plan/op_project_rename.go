package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("project-rename",
		"T | project-rename NewName = ExistingName, ...",
		"renames columns",
		"project-rename-operator", "range x from 1 to 3 step 1 | project-rename Number = x")
}

func (b *builder) projectRename(in Node, op *syntax.ProjectRenameOp) (Node, error) {
	s := in.Out()
	p := &Project{Input: in, Schema: append(column.Schema{}, s...)}
	for i, f := range s {
		p.Exprs = append(p.Exprs, &ColRef{Index: i, Name: f.Name, T: f.Type})
	}
	for _, r := range op.Renames {
		old, _, ok := identOf(r.Expr)
		if !ok || r.Name == "" {
			return nil, errAt(r.Pos, "project-rename takes NewName = ExistingColumn")
		}
		i := s.Index(old)
		if i < 0 {
			return nil, errAt(r.Pos, "project-rename: unknown column '%s'%s", old, didYouMean(old, s))
		}
		p.Schema[i].Name = unquoteIdent(r.Name)
	}
	return p, nil
}
