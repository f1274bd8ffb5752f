package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
)

// Explain prints a plan as an indented tree, one node a line: the
// operator, what it computes, and the columns it produces with their
// types. clickhunt query --explain and the REPL's .explain show it, and
// planner tests compare it.
//
//	Project x:long, y:long <- x, x * 2
//	  Range x:long from 1 to 3 step 1
func Explain(n Node) string {
	var sb strings.Builder
	explain(&sb, n, 0)
	return sb.String()
}

// describer is implemented by every node: its line of Explain, without
// the indent.
type describer interface {
	describe() string
}

func explain(sb *strings.Builder, n Node, depth int) {
	sb.WriteString(strings.Repeat("  ", depth))
	if d, ok := n.(describer); ok {
		sb.WriteString(d.describe())
	} else {
		fmt.Fprintf(sb, "%T %s", n, schemaText(n.Out()))
	}
	sb.WriteByte('\n')
	for _, in := range n.Inputs() {
		explain(sb, in, depth+1)
	}
}

// schemaText prints a schema as name:type, ...
func schemaText(s column.Schema) string {
	parts := make([]string, len(s))
	for i, f := range s {
		parts[i] = quoteName(f.Name) + ":" + f.Type.String()
	}
	return strings.Join(parts, ", ")
}

// quoteName returns a column name as a query would write it.
func quoteName(name string) string {
	if isPlainName(name) {
		return name
	}
	if strings.HasPrefix(name, "\x00") {
		return "<" + name[1:] + ">" // a hidden column between two operators
	}
	return "['" + strings.ReplaceAll(name, "'", `\'`) + "']"
}

func isPlainName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// infixOps are the Call functions printed between their operands.
var infixOps = map[string]bool{
	"+": true, "-": true, "*": true, "/": true, "%": true, "==": true, "!=": true, "<": true, "<=": true,
	">": true, ">=": true, "and": true, "or": true, "matches regex": true,
}

// exprText prints an expression in KQL syntax: operators between their
// operands (parenthesised when nested), functions by their plan names.
func exprText(e Expr) string {
	if e == nil {
		return "<none>"
	}
	c, ok := e.(*Call)
	if !ok {
		if r, ok := e.(*ColRef); ok {
			return quoteName(r.Name)
		}
		if k, ok := e.(*Const); ok && k.T == column.Dynamic && k.Val != nil {
			return "dynamic(" + string(column.AppendDynamicJSON(nil, k.Val)) + ")"
		}
		return e.String()
	}
	arg := func(a Expr) string {
		s := exprText(a)
		if k, ok := a.(*Call); ok && (infixOps[k.Fn] || stringOps[k.Fn] || k.Fn == "neg") {
			return "(" + s + ")"
		}
		return s
	}
	switch {
	case (infixOps[c.Fn] || stringOps[c.Fn]) && len(c.Args) == 2:
		return arg(c.Args[0]) + " " + c.Fn + " " + arg(c.Args[1])
	case c.Fn == "neg" && len(c.Args) == 1:
		return "-" + arg(c.Args[0])
	case (c.Fn == "between" || c.Fn == "!between") && len(c.Args) == 3:
		return arg(c.Args[0]) + " " + c.Fn + " (" + exprText(c.Args[1]) + " .. " + exprText(c.Args[2]) + ")"
	case (c.Fn == "in" || c.Fn == "!in" || c.Fn == "in~" || c.Fn == "!in~" || c.Fn == "has_any" || c.Fn == "has_all") && len(c.Args) >= 1:
		return arg(c.Args[0]) + " " + c.Fn + " (" + exprsText(c.Args[1:]) + ")"
	}
	return c.Fn + "(" + exprsText(c.Args) + ")"
}

func exprsText(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = exprText(e)
	}
	return strings.Join(parts, ", ")
}

// namedExprs prints output columns with the expressions computing them:
// a column passed through prints once, a computed one as Name = Expr.
func namedExprs(s column.Schema, es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		if r, ok := e.(*ColRef); ok && r.Name == s[i].Name {
			parts[i] = quoteName(r.Name)
			continue
		}
		parts[i] = quoteName(s[i].Name) + " = " + exprText(e)
	}
	return strings.Join(parts, ", ")
}
