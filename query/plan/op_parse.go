package plan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	operatorTopic("parse-where",
		`T | parse-where [kind = simple | regex [flags = Flags] | relaxed] Expression with [*] "text" Column [: Type] ...`,
		"parse that keeps only the rows whose text matches the pattern",
		"parse-where-operator", `datatable(s: string) ["id=7", "id=x"] | parse-where s with "id=" Id:long`)
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
	// Strict: a typed column whose text does not convert fails the row
	// (simple and regex mode); else that column is null (relaxed).
	Strict bool
	// Where drops the rows that fail (parse-where); parse keeps them
	// with empty strings and nulls.
	Where bool
}

func (n *Parse) Out() column.Schema { return n.Schema }

func (n *Parse) Inputs() []Node { return []Node{n.Input} }

func (*Parse) node() {}

// ParseGroup names the regular expression group that fills parse column
// k (of Parse.Cols).
func ParseGroup(k int) string { return fmt.Sprintf("parse__%d", k) }

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
		return nil, errAt(op.Pos, "unknown parse kind '%s' (simple, regex or relaxed)", kind)
	}
	if op.Flags != "" && kind != "regex" {
		return nil, errAt(op.Pos, "parse flags= needs kind=regex")
	}
	schema := append(column.Schema{}, in.Out()...)
	p := &Parse{Input: in, Expr: e, Strict: kind != "relaxed", Where: op.Keyword == "parse-where"}
	// The pattern becomes one regular expression. In simple and relaxed
	// mode it is anchored at the start, * and string columns match as
	// little as they can and literals are plain text; in regex mode the
	// literals are regular expressions, and * and string columns match as
	// much as they can (flags=U turns that around). A typed column
	// matches what its type's text looks like, except in relaxed mode,
	// where it matches like a string and a value that does not convert
	// is null instead of failing the row.
	var re strings.Builder
	star, str, strLast := ".*?", "(.*?)", "(.*)"
	if kind == "regex" {
		star, str = ".*", "(.*)"
		if op.Flags != "" {
			for _, f := range op.Flags {
				if !strings.ContainsRune("imsU", f) {
					return nil, errAt(op.Pos, "unknown regex flag '%c' (i, m, s or U)", f)
				}
			}
			re.WriteString("(?" + op.Flags + ")")
		}
	} else {
		re.WriteString("(?s)^")
	}
	for i, part := range op.Parts {
		switch {
		case part.Star:
			re.WriteString(star)
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
			// Named groups: a regex literal may hold groups of its own.
			group := "(?P<" + ParseGroup(len(p.Cols)) + ">"
			p.Cols = append(p.Cols, col)
			num := ""
			switch t {
			case column.Long, column.Int:
				num = `-?\d+`
			case column.Real:
				num = `-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?`
			}
			body := str
			if i == len(op.Parts)-1 {
				body = strLast
			}
			body = body[1 : len(body)-1]
			switch {
			case num != "" && kind == "relaxed":
				re.WriteString(group + num + "|" + body + ")") // a number if there is one
			case num != "":
				re.WriteString(group + num + ")")
			default:
				re.WriteString(group + body + ")")
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
	name := "Parse "
	if n.Where {
		name = "ParseWhere "
	}
	return name + exprText(n.Expr) + " with regex " + strconv.Quote(n.Pattern) + " -> " + schemaText(n.Schema)
}
