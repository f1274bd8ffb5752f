package syntax

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// maxQueryLen bounds the text the parser accepts.
const maxQueryLen = 1 << 20

// Parse parses a query text. Errors are *Error with a 1-based position.
// The text is lexed once, for the nesting check and the parser both (and
// before waiting for the parser, which a fresh process is still building).
func Parse(text string) (*Script, error) {
	if len(text) > maxQueryLen {
		return nil, Errorf(Pos{1, 1}, "query is too long (%d bytes; the limit is %d)", len(text), maxQueryLen)
	}
	def := kqlLexer()
	lex, err := def.LexString("", text)
	if err != nil {
		return nil, convertError(err)
	}
	syms := def.Symbols()
	tokens, err := lexer.Upgrade(lex, syms["Comment"], syms["Whitespace"])
	if err != nil {
		return nil, convertError(err)
	}
	if depth := maxNesting(tokens); depth > 200 {
		return nil, Errorf(Pos{1, 1}, "query nests parentheses or brackets %d deep (the limit is 200)", depth)
	}
	if err := pipeFirst(tokens); err != nil {
		return nil, err
	}
	s, err := parser().ParseFromLexer(tokens)
	if err != nil {
		return nil, convertError(err)
	}
	if len(s.Statements) == 0 {
		return nil, Errorf(Pos{1, 1}, "empty query: expected a table name such as UrlClickEvents")
	}
	return s, nil
}

// pipeFirst reports a statement that starts with "|": a query pasted
// without its first line, the table ("| where ..." of a hunting query).
// It leaves tokens where they were.
func pipeFirst(tokens *lexer.PeekingLexer) error {
	start := tokens.MakeCheckpoint()
	defer tokens.LoadCheckpoint(start)
	depth, first := 0, true
	for tok := tokens.Next(); !tok.EOF(); tok = tokens.Next() {
		switch {
		case first && tok.Value == "|":
			return Errorf(Pos{tok.Pos.Line, tok.Pos.Column}, `unexpected "|": a query starts with a table, e.g. UrlClickEvents | where ...`)
		case tok.Value == "(" || tok.Value == "[" || tok.Value == "{":
			depth++
		case tok.Value == ")" || tok.Value == "]" || tok.Value == "}":
			depth--
		}
		first = depth == 0 && tok.Value == ";"
	}
	return nil
}

// maxNesting returns the deepest bracket nesting, counting bracket tokens
// so that brackets in strings and comments do not count, and quotes in
// comments cannot hide brackets (participle recurses per level: deep input
// would overflow the stack). It leaves tokens where they were.
func maxNesting(tokens *lexer.PeekingLexer) int {
	start := tokens.MakeCheckpoint()
	defer tokens.LoadCheckpoint(start)
	depth, max := 0, 0
	for tok := tokens.Next(); !tok.EOF(); tok = tokens.Next() {
		switch tok.Value {
		case "(", "[", "{":
			depth++
			if depth > max {
				max = depth
			}
		case ")", "]", "}":
			depth--
		}
	}
	return max
}

var (
	// participle names grammar nodes by their Go types: say what a user
	// would call them instead.
	nodeNames = strings.NewReplacer(
		"Pipeline", "expression", "Expr", "expression", "AndExpr", "expression",
		"CmpExpr", "expression", "AddExpr", "expression", "MulExpr", "expression",
		"Unary", "expression", "Postfix", "expression", "Primary", "expression",
		"NamedExpr", "expression", "SortKey", "sort key", "Operator", "operator",
		"Statement", "statement", "FuncDef", "function definition", "<ident>", "a name", "<string>", "a string",
		"<qident>", "a ['quoted name']", "Arg", "expression", "ParsePart", "parse pattern", "JSONValue", "JSON value",
		"JSONPair", "JSON property", "ColumnDecl", "column declaration", "FuncParam", "parameter", "SeriesAgg", "aggregation",
		"ExpandItem", "expression", "NamePattern", "a column name or pattern", "UnionItem", "table", "Param", "parameter", "<datetimelit>", "a datetime",
		"<number>", "a number", "<eof>", "end of query",
	)
	unexpectedRe = regexp.MustCompile(`^unexpected token "(.*)"(?: \(expected (.*)\))?$`)
	// invalidRe is the lexer's complaint about text no token matches; the
	// text is quoted.
	invalidRe = regexp.MustCompile(`^lexer: invalid input text (".*")$`)
)

func convertError(err error) error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return Errorf(Pos{1, 1}, "%v", err)
	}
	p := perr.Position()
	pos := Pos{Line: p.Line, Col: p.Column}
	if pos.Line == 0 {
		pos = Pos{1, 1}
	}
	msg := perr.Message()
	if m := unexpectedRe.FindStringSubmatch(msg); m != nil {
		tok := m[1]
		if tok == "<EOF>" || tok == "" {
			tok = "end of query"
		} else {
			tok = fmt.Sprintf("%q", tok)
		}
		if m[2] != "" {
			msg = fmt.Sprintf("unexpected %s, expected %s", tok, firstExpected(m[2]))
		} else {
			msg = fmt.Sprintf("unexpected %s", tok)
		}
	} else if m := invalidRe.FindStringSubmatch(msg); m != nil {
		// A string literal the line ends in: the lexer saw a quote no
		// string rule could finish.
		if text, err := strconv.Unquote(m[1]); err == nil && (strings.HasPrefix(text, `"`) || strings.HasPrefix(text, "'")) {
			msg = fmt.Sprintf("unterminated string: no closing %c before the end of the line", text[0])
		}
	} else {
		msg = nodeNames.Replace(msg)
	}
	return &Error{Pos: pos, Msg: msg}
}
