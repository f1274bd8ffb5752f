package plan

import (
	"regexp"
	"strconv"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("parse",
		`T | parse [kind = simple | regex [flags = Flags] | relaxed] Expression with [*] "text" Column [: Type] ...`,
		"extracts columns from a string by a pattern of text and columns",
		"parse-operator", `print s = "user=alice id=7" | parse s with "user=" User " id=" Id:long`)
}

// Parse extracts columns from a string with a regular expression built from
// the parse pattern; Cols are the output columns its groups fill.
// https://learn.microsoft.com/kusto/query/parse-operator
type Parse struct {
	Input   Node
	Expr    Expr
	Pattern string
	Cols    []int
	Schema  column.Schema
}

func (n *Parse) Out() column.Schema { return n.Schema }

func (n *Parse) Inputs() []Node { return []Node{n.Input} }

func (*Parse) node() {}

func (b *builder) parse(in Node, op *syntax.ParseOp) (Node, error) {
	sc := b.scopeOf(in)
	e, err := b.expr(op.Expr, sc)
	if err != nil {
		return nil, err
	}
	e = asString(e)
	kind := op.Kind
	if kind == "" {
		kind = "simple"
	}
	if kind != "simple" && kind != "regex" && kind != "relaxed" {
		return nil, errAt(op.Pos, "unknown parse kind '%s'", kind)
	}
	schema := append(column.Schema{}, in.Out()...)
	p := &Parse{Input: in, Expr: e}
	var re strings.Builder
	re.WriteString("^")
	if kind == "regex" {
		re.Reset()
		re.WriteString("(?s)")
	}
	for i, part := range op.Parts {
		switch {
		case part.Star:
			re.WriteString(".*?")
		case part.Lit != nil:
			lit, err := unquote(*part.Lit)
			if err != nil {
				return nil, errAt(part.Pos, "%v", err)
			}
			if kind == "regex" {
				re.WriteString(lit)
			} else {
				re.WriteString(regexp.QuoteMeta(lit))
			}
		default:
			name := unquoteIdent(part.Column)
			t := column.String
			if part.Type != "" {
				var ok bool
				if t, ok = column.ParseType(part.Type); !ok {
					return nil, errAt(part.Pos, "unknown type '%s'", part.Type)
				}
			}
			col := schema.Index(name)
			if col < 0 {
				col = len(schema)
				schema = append(schema, column.Field{Name: name, Type: t})
			} else {
				schema[col].Type = t
			}
			p.Cols = append(p.Cols, col)
			if i == len(op.Parts)-1 {
				re.WriteString("(.*)")
			} else {
				re.WriteString("(.*?)")
			}
		}
	}
	p.Pattern = re.String()
	if _, err := regexp.Compile(p.Pattern); err != nil {
		return nil, errAt(op.Pos, "bad parse pattern: %v", err)
	}
	p.Schema = schema
	return p, nil
}

func (n *Parse) describe() string {
	return "Parse " + exprText(n.Expr) + " with regex " + strconv.Quote(n.Pattern) + " -> " + schemaText(n.Schema)
}
