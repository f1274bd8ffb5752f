package plan

import (
	"fmt"
	"strings"

	"clickhunt/query/syntax"
)

func init() {
	addTopic(Topic{Kind: KindStatement, Name: "declare pattern",
		Syntax:      `declare pattern Name [= (Arg:string, ...) [[Path:string]] { (Value, ...)[.[PathValue]] = { TabularExpression }; ... }];`,
		Description: "maps string tuples to tabular expressions; Name(Value, ...).PathValue is the one declared for them",
		DocURL:      docBase + "pattern-statement",
		Example:     `declare pattern capital = (country:string)[state:string] { ("USA").["Washington"] = { print Capital = "Olympia" }; }; capital("USA").Washington`})
}

// pattern plans the invocation of a declared pattern, Name(Args) or
// Name(Args).Path, in a tabular position: the expression declared for
// those values. ok is false when e is not one.
func (b *builder) pattern(e *syntax.Expr) (n Node, ok bool, err error) {
	pf := postfixOf(e)
	if pf == nil || pf.Primary.Call == nil || len(pf.Suffix) > 1 {
		return nil, false, nil
	}
	c := pf.Primary.Call
	decl, ok := b.patterns[c.Name]
	if !ok {
		return nil, false, nil
	}
	var args []string
	for _, a := range c.Args {
		v, err := b.patternValue(a)
		if err != nil {
			return nil, true, err
		}
		args = append(args, v)
	}
	path, hasPath := "", len(pf.Suffix) == 1
	if hasPath {
		s := pf.Suffix[0]
		switch {
		case s.Name() != "":
			path = unquoteIdent(s.Name())
		case s.Index != nil || s.DotIndex != nil:
			x := s.Index
			if x == nil {
				x = s.DotIndex
			}
			k, err := b.expr(x, &scope{})
			if err != nil {
				return nil, true, err
			}
			str, isStr := k.(*Const)
			if !isStr || str.Val == nil {
				return nil, true, errAt(s.Pos, "pattern %s: the path must be a constant string", c.Name)
			}
			path = fmt.Sprint(str.Val)
		}
	}
	if len(decl.Params) > 0 && len(args) != len(decl.Params) {
		return nil, true, errAt(c.Pos, "pattern %s takes %d argument(s), got %d", c.Name, len(decl.Params), len(args))
	}
	if (decl.Path != nil) != hasPath && len(decl.Params) > 0 {
		if hasPath {
			return nil, true, errAt(pf.Suffix[0].Pos, "pattern %s declares no path", c.Name)
		}
		return nil, true, errAt(c.Pos, "pattern %s needs a path: %s(...).Name", c.Name, c.Name)
	}
	for _, r := range decl.Rules {
		if len(r.Args) != len(args) || hasPath && r.Path == nil {
			continue
		}
		match := true
		for i, a := range r.Args {
			if v, err := unquote(a); err != nil || v != args[i] {
				match = false
			}
		}
		if hasPath {
			if unquoteIdent(*r.Path) != path {
				match = false
			}
		}
		if match {
			n, err := b.tabular(r.Body)
			return n, true, err
		}
	}
	ref := c.Name + "(" + strings.Join(quoteAll(args), ", ") + ")"
	if hasPath {
		ref += ".['" + path + "']"
	}
	return nil, true, errAt(c.Pos, "One or more pattern references were not declared. Detected pattern references: [\"%s\"]", ref)
}

// patternValue plans a pattern argument: a constant string.
func (b *builder) patternValue(a *syntax.Arg) (string, error) {
	if a.Star || a.Tabular() || a.Name != "" {
		return "", errAt(a.Pos, "a pattern takes string values")
	}
	e, err := b.expr(a.Expr, &scope{})
	if err != nil {
		return "", err
	}
	k, ok := e.(*Const)
	if !ok || k.Val == nil {
		return "", errAt(a.Pos, "a pattern takes constant string values")
	}
	s, ok := k.Val.(string)
	if !ok {
		return "", errAt(a.Pos, "a pattern takes string values, got %s", k.T)
	}
	return s, nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
	}
	return out
}

// declarePattern records a pattern statement for the statements after it.
func (b *builder) declarePattern(p *syntax.PatternStmt) error {
	for _, par := range p.Params {
		if par.Type != "string" {
			return errAt(par.Pos, "pattern %s: argument %s must be a string, got %s", p.Name, par.Name, par.Type)
		}
	}
	if p.Path != nil && p.Path.Type != "string" {
		return errAt(p.Path.Pos, "pattern %s: path %s must be a string, got %s", p.Name, p.Path.Name, p.Path.Type)
	}
	for _, r := range p.Rules {
		if len(r.Args) != len(p.Params) {
			return errAt(r.Pos, "pattern %s has %d argument(s), this mapping gives %d", p.Name, len(p.Params), len(r.Args))
		}
		if (r.Path != nil) != (p.Path != nil) {
			if p.Path == nil {
				return errAt(r.Pos, "pattern %s declares no path", p.Name)
			}
			return errAt(r.Pos, "pattern %s: this mapping needs a path: (...).[\"Value\"]", p.Name)
		}
	}
	b.patterns[unquoteIdent(p.Name)] = p
	return nil
}

// postfixOf unwraps an expression that is a single postfix expression
// (a primary with member and index accessors) and no operators.
func postfixOf(e *syntax.Expr) *syntax.Postfix {
	if e == nil || len(e.Right) > 0 || len(e.Left.Right) > 0 {
		return nil
	}
	c := e.Left.Left
	if c.In != nil || c.Between != nil || c.Binary != nil || len(c.Left.Right) > 0 {
		return nil
	}
	m := c.Left.Left
	if len(m.Right) > 0 || m.Left.Sign != "" {
		return nil
	}
	return m.Left.Operand
}
