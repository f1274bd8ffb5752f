// Package syntax parses the KQL subset clickhunt supports into a syntax tree.
// It knows nothing of tables, types or execution: the plan package resolves
// names and types, the exec package runs the plan.
//
// The grammar, top-down (EBNF; keywords in quotes, token classes in caps):
//
//	Script     = { Statement { ";" } } .
//	Statement  = LetStmt | Pipeline .
//	LetStmt    = "let" IDENT "=" Pipeline .
//	Pipeline   = Expr { "|" Operator } .
//	Operator   = Where | Summarize | Project | Extend | Sort | Top | Take
//	           | Distinct | Count .
//	Where      = ( "where" | "filter" ) Expr .
//	Summarize  = "summarize" [ NamedExpr { "," NamedExpr } ] [ "by" NamedExpr { "," NamedExpr } ] .
//	Project    = "project" NamedExpr { "," NamedExpr } .
//	Extend     = "extend" NamedExpr { "," NamedExpr } .
//	Sort       = ( "sort" | "order" ) "by" SortKey { "," SortKey } .
//	SortKey    = Expr [ "asc" | "desc" ] [ "nulls" ( "first" | "last" ) ] .
//	Top        = "top" Expr "by" SortKey .
//	Take       = ( "take" | "limit" ) Expr .
//	Distinct   = "distinct" ( "*" | Expr { "," Expr } ) .
//	Count      = "count" .
//	NamedExpr  = [ IDENT "=" ] Expr .
//	Expr       = And { "or" And } .
//	And        = Cmp { "and" Cmp } .
//	Cmp        = Add [ InTail | BetweenTail | BinTail ] .
//	InTail     = ( "in" | "in~" | "!in" | "!in~" ) "(" [ Expr { "," Expr } ] ")" .
//	BetweenTail= ( "between" | "!between" ) "(" Add ".." Add ")" .
//	BinTail    = ( "==" | "!=" | "<>" | "=~" | "!~" | "<" | "<=" | ">" | ">="
//	           | "has" | "!has" | "contains" | "!contains" | "startswith" | "!startswith"
//	           | "endswith" | "!endswith" | ... | "matches" "regex" ) Add .
//	Add        = Mul { ( "+" | "-" ) Mul } .
//	Mul        = Unary { ( "*" | "/" | "%" ) Unary } .
//	Unary      = [ "-" | "+" ] Postfix .
//	Postfix    = Primary { "." IDENT | "[" Expr "]" } .
//	Primary    = DATETIME | TIMESPAN | NUMBER | STRING { STRING } | "true" | "false"
//	           | Call | IDENT | "(" Pipeline ")" .
//	Call       = IDENT "(" [ Arg { "," Arg } ] ")" .
//	Arg        = "*" | Expr .
package syntax

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// kqlLexer splits KQL into tokens. Order matters: the first rule that matches
// at a position wins, so literal forms (datetime(...), 7d) come before the
// generic identifier and number rules, and keywords before identifiers.
var kqlLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `//[^\n]*`},
	{Name: "Whitespace", Pattern: `\s+`},
	// datetime(2023-12-21T19:04:59Z): the argument is raw text, not a string.
	{Name: "DatetimeLit", Pattern: `datetime\(\s*[^)"'\s][^)"']*\)`},
	{Name: "TimespanLit", Pattern: `(?:timespan|time)\(\s*[^)"'\s][^)"']*\)`},
	{Name: "Timespan", Pattern: `[0-9]+(?:\.[0-9]+)?(?:days|day|d|hours|hour|hrs|hr|h|minutes|minute|min|milliseconds|millisecond|millis|milli|ms|microseconds|microsecond|m|seconds|second|sec|s|ticks|tick)\b`},
	{Name: "Number", Pattern: `0[xX][0-9a-fA-F]+|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`},
	{Name: "String", Pattern: `[hH]?@"(?:[^"]|"")*"|[hH]?@'(?:[^']|'')*'|[hH]?"(?:\\.|[^"\\\n])*"|[hH]?'(?:\\.|[^'\\\n])*'`},
	// Negated word operators: !has, !contains, !in, !in~, !between ...
	{Name: "NotOp", Pattern: `![a-z_]+~?`},
	{Name: "InCI", Pattern: `in~`},
	// Operator names with a dash.
	{Name: "DashName", Pattern: `(?:mv-expand|mv-apply|project-away|project-rename|project-reorder|project-keep|make-series|top-nested|top-hitters|parse-where|parse-kv)\b`},
	// Reserved words the grammar needs to tell apart from column names.
	{Name: "Keyword", Pattern: `(?:by|and|or|asc|desc|nulls|let|in|between|has|has_cs|has_any|has_all|hasprefix|hasprefix_cs|hassuffix|hassuffix_cs|contains|contains_cs|startswith|startswith_cs|endswith|endswith_cs|matches|like|notlike)\b`},
	{Name: "Ident", Pattern: `[A-Za-z_$][A-Za-z0-9_]*`},
	{Name: "Op", Pattern: `==|!=|<>|=~|!~|<=|>=|\.\.|[-+*/%<>=|(),;.\[\]{}:!~@]`},
})

// Position is where a node starts in the query text.
type Position = lexer.Position

// Script is a whole query text: let statements and tabular expressions.
type Script struct {
	Pos        Position
	Statements []*Statement `( @@ ";"* )*`
}

// Statement is a let statement or a tabular expression.
type Statement struct {
	Pos   Position
	Let   *LetStmt  `  @@`
	Query *Pipeline `| @@`
}

// LetStmt binds a name to a scalar or tabular expression.
type LetStmt struct {
	Pos   Position
	Name  string    `"let" @Ident "="`
	Value *Pipeline `@@`
}

// Pipeline is a source expression followed by piped operators. A pipeline
// with no operators may be a plain scalar expression.
type Pipeline struct {
	Pos    Position
	Source *Expr      `@@`
	Ops    []Operator `( "|" @@ )*`
}

// Operator is one tabular operator after a pipe.
type Operator interface{ operator() }

// WhereOp filters rows: where Predicate.
type WhereOp struct {
	Pos       Position
	Keyword   string `@( "where" | "filter" )`
	Predicate *Expr  `@@`
}

// SummarizeOp groups and aggregates.
type SummarizeOp struct {
	Pos     Position
	Keyword string       `@"summarize"`
	Aggs    []*NamedExpr `( @@ ( "," @@ )* )?`
	By      []*NamedExpr `( "by" @@ ( "," @@ )* )?`
}

// ProjectOp selects, renames and computes columns.
type ProjectOp struct {
	Pos     Position
	Keyword string       `@"project"`
	Columns []*NamedExpr `@@ ( "," @@ )*`
}

// ExtendOp adds or replaces computed columns.
type ExtendOp struct {
	Pos     Position
	Keyword string       `@"extend"`
	Columns []*NamedExpr `@@ ( "," @@ )*`
}

// SortOp orders rows.
type SortOp struct {
	Pos     Position
	Keyword string     `@( "sort" | "order" ) "by"`
	Keys    []*SortKey `@@ ( "," @@ )*`
}

// SortKey is one ordering term.
type SortKey struct {
	Pos   Position
	Expr  *Expr  `@@`
	Dir   string `@( "asc" | "desc" )?`
	Nulls string `( "nulls" @( "first" | "last" ) )?`
}

// TopOp returns the first N rows by a key.
type TopOp struct {
	Pos     Position
	Keyword string   `@"top"`
	N       *Expr    `@@`
	By      *SortKey `"by" @@`
}

// TakeOp returns up to N rows.
type TakeOp struct {
	Pos     Position
	Keyword string `@( "take" | "limit" )`
	N       *Expr  `@@`
}

// DistinctOp returns the distinct combinations of columns.
type DistinctOp struct {
	Pos     Position
	Keyword string  `@"distinct"`
	Star    bool    `(   @"*"`
	Columns []*Expr `  | @@ ( "," @@ )* )`
}

// CountOp returns the number of rows.
type CountOp struct {
	Pos     Position
	Keyword string `@"count"`
}

func (*WhereOp) operator()     {}
func (*SummarizeOp) operator() {}
func (*ProjectOp) operator()   {}
func (*ExtendOp) operator()    {}
func (*SortOp) operator()      {}
func (*TopOp) operator()       {}
func (*TakeOp) operator()      {}
func (*DistinctOp) operator()  {}
func (*CountOp) operator()     {}

// NamedExpr is an expression with an optional output column name.
type NamedExpr struct {
	Pos  Position
	Name string `( @Ident "=" )?`
	Expr *Expr  `@@`
}

// Expr is a disjunction: And { "or" And }.
type Expr struct {
	Pos   Position
	Left  *AndExpr   `@@`
	Right []*AndExpr `( "or" @@ )*`
}

// AndExpr is a conjunction: Cmp { "and" Cmp }.
type AndExpr struct {
	Pos   Position
	Left  *CmpExpr   `@@`
	Right []*CmpExpr `( "and" @@ )*`
}

// CmpExpr is an optional comparison or string predicate.
type CmpExpr struct {
	Pos     Position
	Left    *AddExpr     `@@`
	In      *InTail      `(   @@`
	Between *BetweenTail `  | @@`
	Binary  *BinTail     `  | @@ )?`
}

// InTail is the right side of in, in~, !in, !in~.
type InTail struct {
	Pos   Position
	Op    string  `@( "in" | "in~" | "!in" | "!in~" | "has_any" | "has_all" ) "("`
	Items []*Expr `( @@ ( "," @@ )* )? ")"`
}

// BetweenTail is the right side of between / !between.
type BetweenTail struct {
	Pos Position
	Op  string   `@( "between" | "!between" ) "("`
	Lo  *AddExpr `@@ ".."`
	Hi  *AddExpr `@@ ")"`
}

// BinTail is a binary comparison operator and its right operand.
type BinTail struct {
	Pos   Position
	Op    string   `@( "==" | "!=" | "<>" | "=~" | "!~" | "<=" | ">=" | "<" | ">" | NotOp | "matches" | "has" | "has_cs" | "hasprefix" | "hasprefix_cs" | "hassuffix" | "hassuffix_cs" | "contains" | "contains_cs" | "startswith" | "startswith_cs" | "endswith" | "endswith_cs" | "like" | "notlike" )`
	Regex bool     `@"regex"?`
	Right *AddExpr `@@`
}

// AddExpr is Mul { ("+" | "-") Mul }.
type AddExpr struct {
	Pos   Position
	Left  *MulExpr `@@`
	Right []*AddOp `@@*`
}

// AddOp is one additive step.
type AddOp struct {
	Pos   Position
	Op    string   `@( "+" | "-" )`
	Right *MulExpr `@@`
}

// MulExpr is Unary { ("*" | "/" | "%") Unary }.
type MulExpr struct {
	Pos   Position
	Left  *Unary   `@@`
	Right []*MulOp `@@*`
}

// MulOp is one multiplicative step.
type MulOp struct {
	Pos   Position
	Op    string `@( "*" | "/" | "%" )`
	Right *Unary `@@`
}

// Unary is an optionally negated postfix expression.
type Unary struct {
	Pos     Position
	Sign    string   `@( "-" | "+" )?`
	Operand *Postfix `@@`
}

// Postfix is a primary expression with member and index accessors.
type Postfix struct {
	Pos     Position
	Primary *Primary  `@@`
	Suffix  []*Suffix `@@*`
}

// Suffix is .name or [index].
type Suffix struct {
	Pos    Position
	Member string `(   "." @Ident`
	Index  *Expr  `  | "[" @@ "]" )`
}

// Primary is a literal, a name, a call or a parenthesised expression.
type Primary struct {
	Pos      Position
	Datetime *string   `(   @DatetimeLit`
	Timespan *string   `  | @( TimespanLit | Timespan )`
	Number   *string   `  | @Number`
	Strings  []string  `  | @String+`
	Bool     *string   `  | @( "true" | "false" | "True" | "False" | "TRUE" | "FALSE" )`
	Call     *Call     `  | @@`
	Ident    *string   `  | @Ident`
	Paren    *Pipeline `  | "(" @@ ")" )`
}

// Call is a function call.
type Call struct {
	Pos  Position
	Name string `@Ident "("`
	Args []*Arg `( @@ ( "," @@ )* )? ")"`
}

// Arg is a call argument: an expression, or * (as in arg_max(T, *)).
type Arg struct {
	Pos  Position
	Star bool  `(   @"*"`
	Expr *Expr `  | @@ )`
}

var parser = participle.MustBuild[Script](
	participle.Lexer(kqlLexer),
	participle.Elide("Comment", "Whitespace"),
	participle.Union[Operator](&WhereOp{}, &SummarizeOp{}, &ProjectOp{}, &ExtendOp{},
		&SortOp{}, &TopOp{}, &TakeOp{}, &DistinctOp{}, &CountOp{}),
	participle.UseLookahead(3),
)
