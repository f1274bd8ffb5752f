// Package syntax parses the KQL subset clickhunt supports into a syntax tree.
// It knows nothing of tables, types or execution: the plan package resolves
// names and types, the exec package runs the plan.
//
// The grammar, top-down (EBNF; keywords in quotes, token classes in caps):
//
//	Script     = [ Statement { ";" [ Statement ] } ] .
//	Statement  = LetStmt | SetStmt | PatternStmt | Pipeline .
//	SetStmt    = "set" IDENT [ "=" Expr ] .
//	PatternStmt= "declare" "pattern" Name [ "=" "(" PatParam { "," PatParam } ")" [ "[" PatParam "]" ]
//	             "{" { PatRule ";" } "}" ] .
//	PatParam   = Name ":" IDENT .
//	PatRule    = "(" STRING { "," STRING } ")" [ "." QIDENT ] "=" "{" Pipeline "}" .
//	LetStmt    = "let" Name "=" ( [ "view" ] FuncDef | Pipeline ) .
//	FuncDef    = "(" [ FuncParam { "," FuncParam } ] ")" "{" Statement { ";" [ Statement ] } "}" .
//	FuncParam  = IDENT ":" ( IDENT | "(" ( "*" | ColumnDecl { "," ColumnDecl } [ "," "*" ] ) ")" ) [ "=" Expr ] .
//	Pipeline   = ( Union | Search | Datatable | Print | Range | Expr ) { "|" Operator } .
//	Operator   = Where | Summarize | Project | Extend | Sort | Top | Take
//	           | Distinct | Count | Render | Join | Union | MakeSeries | MvExpand
//	           | ProjectAway | ProjectRename | Parse | Getschema | As | Serialize | MvApply | Evaluate | Invoke | Scan | Partition
//	           | Reduce | TopNested | Search .
//	Search     = "search" { Param } [ "in" "(" UnionItem { "," UnionItem } ")" ] ( "*" | Expr ) .
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
//	Render     = "render" IDENT [ "with" "(" [ NamedExpr { "," NamedExpr } ] ")" ] .
//	NamedExpr  = [ "(" IDENT { "," IDENT } ")" "=" | IDENT "=" ] Expr .
//	Expr       = And { "or" And } .
//	And        = Cmp { "and" Cmp } .
//	Cmp        = Add [ InTail | BetweenTail | BinTail ] .
//	InTail     = ( "in" | "in~" | "!in" | "!in~" ) "(" [ Expr { "," Expr } ] ")" .
//	BetweenTail= ( "between" | "!between" ) "(" Add ".." Add ")" .
//	BinTail    = ( "==" | "!=" | "<>" | "=~" | "!~" | "<" | "<=" | ">" | ">="
//	           | "has" | "!has" | "contains" | "!contains" | "startswith" | "!startswith"
//	           | "endswith" | "!endswith" | ... | "matches" "regex" | ":" ) Add .
//	Add        = Mul { ( "+" | "-" ) Mul } .
//	Mul        = Unary { ( "*" | "/" | "%" ) Unary } .
//	Unary      = [ "-" | "+" ] Postfix .
//	Postfix    = Primary { "." IDENT | QIDENT | [ "." ] "[" Expr "]" } .
//	Primary    = DATETIME | TIMESPAN | NUMBER | STRING { STRING } | "true" | "false"
//	           | Dynamic | Call | IDENT | QIDENT | "(" Pipeline ")" .
//	Call       = IDENT "(" [ Arg { "," Arg } ] ")" .
//	Arg        = [ IDENT "=" ] ( "*" | ( Union | Datatable | Print | Range | Expr ) { "|" Operator } ) .
//	Join        = ( "join" | "lookup" ) { Param } ( "(" Pipeline ")" | IDENT ) "on" Expr { "," Expr } .
//	Param       = ( "kind" | "withsource" | "isfuzzy" | "bagexpansion" | "with_itemindex"
//	              | "hint" "." IDENT { "." IDENT } ) "=" ( IDENT | STRING | NUMBER | "true" | "false" ) .
//	Union       = "union" { Param } UnionItem { "," UnionItem } .
//	UnionItem   = "(" Pipeline ")" | Call [ "." Name ] | Name [ "*" ] .
//	MakeSeries  = "make-series" { Param } SeriesAgg { "," SeriesAgg } "on" Expr [ "from" Expr ] [ "to" Expr ]
//	              "step" Expr [ "by" NamedExpr { "," NamedExpr } ] .
//	SeriesAgg   = NamedExpr [ "default" "=" Expr ] .
//	MvExpand    = "mv-expand" { Param } ExpandItem { "," ExpandItem } [ "limit" Expr ] .
//	ExpandItem  = NamedExpr [ "to" "typeof" "(" IDENT ")" ] .
//	Invoke      = "invoke" Call .
//	Scan        = "scan" [ "with_match_id" "=" Name ] [ "declare" "(" ScanDecl { "," ScanDecl } ")" ]
//	              "with" "(" ScanStep { ScanStep } ")" .
//	ScanDecl    = Name ":" IDENT [ "=" Expr ] .
//	ScanStep    = "step" IDENT [ "output" "=" IDENT ] ":" Expr [ "=>" NamedExpr { "," NamedExpr } ] ";" .
//	Partition   = "partition" { Param } "by" Name "(" Operator { "|" Operator } ")" .
//	Reduce      = "reduce" { Param } "by" Expr [ "with" ReduceOpt { "," ReduceOpt } ] .
//	ReduceOpt   = ( "threshold" | "characters" ) "=" Expr .
//	TopNested   = "top-nested" NestLevel { "," "top-nested" NestLevel } .
//	NestLevel   = [ Expr ] "of" NamedExpr [ "with" "others" "=" Expr ] "by" NamedExpr [ "asc" | "desc" ] .
//	MvApply     = "mv-apply" { Param } ExpandItem { "," ExpandItem } [ "limit" Expr ] "on" "(" Operator { "|" Operator } ")" .
//	ProjectAway = ( "project-away" | "project-keep" | "project-reorder" ) NamePattern { "," NamePattern } .
//	NamePattern = ( Name [ "*" ] | "*" [ Name [ "*" ] ] ) [ "asc" | "desc" ] .
//	ProjectRename = "project-rename" NamedExpr { "," NamedExpr } .
//	Parse       = ( "parse" | "parse-where" ) [ "kind" "=" IDENT [ "flags" "=" IDENT ] ] Expr "with" ParsePart { ParsePart } .
//	ParsePart   = "*" | STRING | IDENT [ ":" IDENT ] .
//	Datatable   = "datatable" "(" ColumnDecl { "," ColumnDecl } ")" "[" [ Expr { "," Expr } [ "," ] ] "]" .
//	ColumnDecl  = Name ":" IDENT .
//	Print       = "print" NamedExpr { "," NamedExpr } .
//	Range       = "range" Name "from" Expr "to" Expr "step" Expr .
//	Getschema   = "getschema" .
//	As          = "as" { Param } IDENT .
//	Serialize   = "serialize" [ NamedExpr { "," NamedExpr } ] .
//	Evaluate    = "evaluate" { Param } IDENT "(" [ EvalArg { "," EvalArg } ] ")" [ ":" "(" OutColumn { "," OutColumn } ")" ] .
//	EvalArg     = [ IDENT "=" ] Arg .
//	OutColumn   = "*" | Name ":" IDENT .
//	Dynamic     = "dynamic" "(" JSONValue ")" .
//	JSONValue   = "null" | "true" | "false" | [ "-" ] NUMBER | STRING | JSONArray | JSONObject
//	            | "dynamic" "(" JSONValue ")" | Primary .
//	Name        = IDENT | QIDENT .
package syntax

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// kqlLexer splits KQL into tokens. Order matters: the first rule that matches
// at a position wins, so literal forms (datetime(...), 7d) come before the
// generic identifier and number rules, and keywords before identifiers.
// It is built on first use (its regular expressions cost a fresh process
// 0.2 ms before main), by Prepare on a goroutine of its own.
var kqlLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustSimple([]lexer.SimpleRule{
		{Name: "Comment", Pattern: `//[^\n]*`},
		{Name: "Whitespace", Pattern: `\s+`},
		// datetime(2023-12-21T19:04:59Z): the argument is raw text, not a string.
		{Name: "DatetimeLit", Pattern: `datetime\(\s*[^()"'\s][^()"']*\)`},
		{Name: "GuidLit", Pattern: `guid\(\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\s*\)`},
		{Name: "TimespanLit", Pattern: `(?:timespan|time)\(\s*[^()"'\s][^()"']*\)`},
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
		// ['Column Name'] and ["Column Name"]: a quoted identifier.
		{Name: "QIdent", Pattern: `\[\s*'(?:[^'\\\n]|\\.)*'\s*\]|\[\s*"(?:[^"\\\n]|\\.)*"\s*\]`},
		{Name: "Op", Pattern: `==|!=|<>|=~|!~|<=|>=|\.\.|[-+*/%<>=|(),;.\[\]{}:!~@]`},
	})
})

// Position is where a node starts in the query text.
type Position = lexer.Position

// Script is a whole query text: let statements and tabular expressions.
type Script struct {
	Pos        Position
	Statements []*Statement `parser:"( @@ ( \";\" @@? )* )?"`
}

// Statement is a let statement or a tabular expression.
type Statement struct {
	Pos     Position
	Let     *LetStmt     `parser:"  @@"`
	Set     *SetStmt     `parser:"| @@"`
	Pattern *PatternStmt `parser:"| @@"`
	Query   *Pipeline    `parser:"| @@"`
}

// PatternStmt declares a pattern: string tuples mapped to tabular
// expressions, invoked as Name(Values).Path. Without a mapping it is
// declared empty.
type PatternStmt struct {
	Pos    Position
	Name   string          `parser:"\"declare\" \"pattern\" @( Ident | QIdent )"`
	Params []*PatternParam `parser:"( \"=\" \"(\" @@ ( \",\" @@ )* \")\""`
	Path   *PatternParam   `parser:"  ( \"[\" @@ \"]\" )?"`
	Rules  []*PatternRule  `parser:"  \"{\" ( @@ \";\" )* \"}\" )?"`
}

// PatternParam is a pattern argument or path: Name:string.
type PatternParam struct {
	Pos  Position
	Name string `parser:"@( Ident | QIdent ) \":\""`
	Type string `parser:"@Ident"`
}

// PatternRule maps argument values (and a path value, ["Value"]) to a
// tabular expression.
type PatternRule struct {
	Pos  Position
	Args []string  `parser:"\"(\" @String ( \",\" @String )* \")\""`
	Path *string   `parser:"( \".\" @QIdent )?"`
	Body *Pipeline `parser:"\"=\" \"{\" @@ \"}\""`
}

// SetStmt sets a request property for the statements after it:
// set query_now = datetime(2024-01-01), set notruncation.
type SetStmt struct {
	Pos   Position
	Name  string `parser:"\"set\" @Ident"`
	Value *Expr  `parser:"( \"=\" @@ )?"`
}

// LetStmt binds a name to a scalar or tabular expression.
type LetStmt struct {
	Pos  Position
	Name string `parser:"\"let\" @( Ident | QIdent ) \"=\""`
	// View marks a function declared view () { ... }: a table by its name.
	View  bool      `parser:"(   @\"view\"?"`
	Func  *FuncDef  `parser:"    @@"`
	Value *Pipeline `parser:"  | @@ )"`
}

// FuncDef is a user function: (a:string, b:long = 1) { [let ...;] body }.
type FuncDef struct {
	Pos    Position
	Params []*FuncParam `parser:"\"(\" ( @@ ( \",\" @@ )* )? \")\""`
	Body   []*Statement `parser:"\"{\" @@ ( \";\" @@? )* \"}\""`
}

// FuncParam is one parameter: Name:type, Name:(*) for a table, with an
// optional default.
type FuncParam struct {
	Pos     Position
	Name    string `parser:"@Ident \":\""`
	Type    string `parser:"( @Ident"`
	Tabular bool   `parser:"  | @\"(\" ( \"*\""`
	// Columns are the columns a tabular parameter declares: (x: long, *).
	Columns []*ColumnDecl `parser:"    | @@ ( \",\" @@ )* ( \",\" \"*\" )? ) \")\" )"`
	Default *Expr         `parser:"( \"=\" @@ )?"`
}

// Pipeline is a source expression followed by piped operators. A pipeline
// with no operators may be a plain scalar expression.
type Pipeline struct {
	Pos       Position
	Union     *UnionOp      `parser:"(   @@"`
	Search    *SearchOp     `parser:"  | @@"`
	Datatable *DatatableSrc `parser:"  | @@"`
	Print     *PrintOp      `parser:"  | @@"`
	Range     *RangeSrc     `parser:"  | @@"`
	Source    *Expr         `parser:"  | @@ )"`
	Ops       []Operator    `parser:"( \"|\" @@ )*"`
}

// Tabular reports whether the pipeline starts with a tabular source
// (union, datatable, print, range) or has operators: it is a table, not a
// scalar, whatever its source expression names.
func (p *Pipeline) Tabular() bool {
	return len(p.Ops) > 0 || p.Union != nil || p.Search != nil || p.Datatable != nil || p.Print != nil || p.Range != nil
}

// Operator is one tabular operator after a pipe.
type Operator interface{ operator() }

// WhereOp filters rows: where Predicate.
type WhereOp struct {
	Pos       Position
	Keyword   string `parser:"@( \"where\" | \"filter\" )"`
	Predicate *Expr  `parser:"@@"`
}

// SummarizeOp groups and aggregates.
type SummarizeOp struct {
	Pos     Position
	Keyword string       `parser:"@\"summarize\""`
	Aggs    []*NamedExpr `parser:"( @@ ( \",\" @@ )* )?"`
	By      []*NamedExpr `parser:"( \"by\" @@ ( \",\" @@ )* )?"`
}

// ProjectOp selects, renames and computes columns.
type ProjectOp struct {
	Pos     Position
	Keyword string       `parser:"@\"project\""`
	Columns []*NamedExpr `parser:"@@ ( \",\" @@ )*"`
}

// ExtendOp adds or replaces computed columns.
type ExtendOp struct {
	Pos     Position
	Keyword string       `parser:"@\"extend\""`
	Columns []*NamedExpr `parser:"@@ ( \",\" @@ )*"`
}

// SortOp orders rows.
type SortOp struct {
	Pos     Position
	Keyword string     `parser:"@( \"sort\" | \"order\" ) \"by\""`
	Keys    []*SortKey `parser:"@@ ( \",\" @@ )*"`
}

// SortKey is one ordering term.
type SortKey struct {
	Pos   Position
	Expr  *Expr  `parser:"@@"`
	Dir   string `parser:"@( \"asc\" | \"desc\" )?"`
	Nulls string `parser:"( \"nulls\" @( \"first\" | \"last\" ) )?"`
}

// TopOp returns the first N rows by a key.
type TopOp struct {
	Pos     Position
	Keyword string   `parser:"@\"top\""`
	N       *Expr    `parser:"@@"`
	By      *SortKey `parser:"\"by\" @@"`
}

// TakeOp returns up to N rows.
type TakeOp struct {
	Pos     Position
	Keyword string `parser:"@( \"take\" | \"limit\" )"`
	N       *Expr  `parser:"@@"`
}

// DistinctOp returns the distinct combinations of columns.
type DistinctOp struct {
	Pos     Position
	Keyword string  `parser:"@\"distinct\""`
	Star    bool    `parser:"(   @\"*\""`
	Columns []*Expr `parser:"  | @@ ( \",\" @@ )* )"`
}

// RenderOp asks the client to draw the result as a chart:
// render Kind [with ( Name = Value, ... )].
type RenderOp struct {
	Pos        Position
	Keyword    string       `parser:"@\"render\""`
	Kind       string       `parser:"@Ident"`
	Properties []*NamedExpr `parser:"( \"with\" \"(\" ( @@ ( \",\" @@ )* )? \")\" )?"`
}

// CountOp returns the number of rows.
type CountOp struct {
	Pos     Position
	Keyword string `parser:"@\"count\""`
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
func (*RenderOp) operator()    {}

// NamedExpr is an expression with an optional output column name, or with
// a parenthesised list of names for a function that returns several
// columns: (Slope, Interception) = series_fit_line(y).
type NamedExpr struct {
	Pos   Position
	Names []string `parser:"( \"(\" @( Ident | QIdent ) ( \",\" @( Ident | QIdent ) )* \")\" \"=\" )?"`
	// Name may be a reserved word: print has = "a" has "a".
	Name string `parser:"( @( Ident | QIdent | Keyword ) \"=\" )?"`
	Expr *Expr  `parser:"@@"`
}

// Expr is a disjunction: And { "or" And }.
type Expr struct {
	Pos   Position
	Left  *AndExpr   `parser:"@@"`
	Right []*AndExpr `parser:"( \"or\" @@ )*"`
}

// AndExpr is a conjunction: Cmp { "and" Cmp }.
type AndExpr struct {
	Pos   Position
	Left  *CmpExpr   `parser:"@@"`
	Right []*CmpExpr `parser:"( \"and\" @@ )*"`
}

// CmpExpr is an optional comparison or string predicate.
type CmpExpr struct {
	Pos     Position
	Left    *AddExpr     `parser:"@@"`
	In      *InTail      `parser:"(   @@"`
	Between *BetweenTail `parser:"  | @@"`
	Binary  *BinTail     `parser:"  | @@ )?"`
}

// InTail is the right side of in, in~, !in, !in~.
type InTail struct {
	Pos   Position
	Op    string  `parser:"@( \"in\" | \"in~\" | \"!in\" | \"!in~\" | \"has_any\" | \"has_all\" ) \"(\""`
	Items []*Expr `parser:"( @@ ( \",\" @@ )* )? \")\""`
}

// BetweenTail is the right side of between / !between.
type BetweenTail struct {
	Pos Position
	Op  string   `parser:"@( \"between\" | \"!between\" ) \"(\""`
	Lo  *AddExpr `parser:"@@ \"..\""`
	Hi  *AddExpr `parser:"@@ \")\""`
}

// BinTail is a binary comparison operator and its right operand.
type BinTail struct {
	Pos   Position
	Op    string   `parser:"@( \"==\" | \"!=\" | \"<>\" | \"=~\" | \"!~\" | \"<=\" | \">=\" | \"<\" | \">\" | NotOp | \"matches\" | \"has\" | \"has_cs\" | \"hasprefix\" | \"hasprefix_cs\" | \"hassuffix\" | \"hassuffix_cs\" | \"contains\" | \"contains_cs\" | \"startswith\" | \"startswith_cs\" | \"endswith\" | \"endswith_cs\" | \"like\" | \"notlike\" | \":\" )"`
	Regex bool     `parser:"@\"regex\"?"`
	Right *AddExpr `parser:"@@"`
}

// AddExpr is Mul { ("+" | "-") Mul }.
type AddExpr struct {
	Pos   Position
	Left  *MulExpr `parser:"@@"`
	Right []*AddOp `parser:"@@*"`
}

// AddOp is one additive step.
type AddOp struct {
	Pos   Position
	Op    string   `parser:"@( \"+\" | \"-\" )"`
	Right *MulExpr `parser:"@@"`
}

// MulExpr is Unary { ("*" | "/" | "%") Unary }.
type MulExpr struct {
	Pos   Position
	Left  *Unary   `parser:"@@"`
	Right []*MulOp `parser:"@@*"`
}

// MulOp is one multiplicative step.
type MulOp struct {
	Pos   Position
	Op    string `parser:"@( \"*\" | \"/\" | \"%\" )"`
	Right *Unary `parser:"@@"`
}

// Unary is an optionally negated postfix expression.
type Unary struct {
	Pos     Position
	Sign    string   `parser:"@( \"-\" | \"+\" )?"`
	Operand *Postfix `parser:"@@"`
}

// Postfix is a primary expression with member and index accessors.
type Postfix struct {
	Pos     Position
	Primary *Primary  `parser:"@@"`
	Suffix  []*Suffix `parser:"@@*"`
}

// Suffix is .name or [index].
type Suffix struct {
	Pos    Position
	Member string `parser:"(   \".\" ( @( Ident | QIdent )"`
	// DotIndex is .[expr], the same as [expr].
	DotIndex *Expr  `parser:"          | \"[\" @@ \"]\" )"`
	Quoted   string `parser:"  | @QIdent"`
	Index    *Expr  `parser:"  | \"[\" @@ \"]\" )"`
}

// Name returns the member name of .name or ['name'] (quoted as written),
// or "" for an index.
func (s *Suffix) Name() string {
	if s.Member != "" {
		return s.Member
	}
	return s.Quoted
}

// Primary is a literal, a name, a call or a parenthesised expression.
type Primary struct {
	Pos      Position
	Datetime *string     `parser:"(   @DatetimeLit"`
	Timespan *string     `parser:"  | @( TimespanLit | Timespan )"`
	Guid     *string     `parser:"  | @GuidLit"`
	Number   *string     `parser:"  | @Number"`
	Strings  []string    `parser:"  | @String+"`
	Bool     *string     `parser:"  | @( \"true\" | \"false\" | \"True\" | \"False\" | \"TRUE\" | \"FALSE\" )"`
	Dynamic  *DynamicLit `parser:"  | @@"`
	Call     *Call       `parser:"  | @@"`
	// A string operator's name where an operand goes is a column name
	// (print has = 1 | where has > 0).
	Ident *string   `parser:"  | @( Ident | QIdent | \"has\" | \"has_cs\" | \"hasprefix\" | \"hasprefix_cs\" | \"hassuffix\" | \"hassuffix_cs\" | \"contains\" | \"contains_cs\" | \"startswith\" | \"startswith_cs\" | \"endswith\" | \"endswith_cs\" | \"matches\" | \"like\" | \"notlike\" )"`
	Paren *Pipeline `parser:"  | \"(\" @@ \")\" )"`
}

// Call is a function call.
type Call struct {
	Pos  Position
	Name string `parser:"@Ident \"(\""`
	Args []*Arg `parser:"( @@ ( \",\" @@ )* )? \")\""`
}

// Arg is a call argument: an expression, or * (as in arg_max(T, *)), or a
// tabular expression (toscalar(print x = 1), materialize(T | where ...)).
type Arg struct {
	Pos Position
	// Name is set for a named argument of a user function: f(len = 3).
	Name      string        `parser:"( @Ident \"=\" )?"`
	Star      bool          `parser:"(   @\"*\""`
	Union     *UnionOp      `parser:"  | ( @@"`
	Search    *SearchOp     `parser:"    | @@"`
	Datatable *DatatableSrc `parser:"    | @@"`
	Print     *PrintOp      `parser:"    | @@"`
	Range     *RangeSrc     `parser:"    | @@"`
	Expr      *Expr         `parser:"    | @@ )"`
	Ops       []Operator    `parser:"    ( \"|\" @@ )* )"`
}

// Pipeline returns the argument as a tabular expression.
func (a *Arg) Pipeline() *Pipeline {
	return &Pipeline{Pos: a.Pos, Union: a.Union, Search: a.Search, Datatable: a.Datatable, Print: a.Print, Range: a.Range, Source: a.Expr, Ops: a.Ops}
}

// Tabular reports whether the argument is a tabular expression by its
// form (a source or operators), whatever its expression names.
func (a *Arg) Tabular() bool { return a.Pipeline().Tabular() }

// Param is a name=value operator parameter: kind=inner, isfuzzy=true,
// withsource=Source, hint.strategy=shuffle.
type Param struct {
	Pos   Position
	Name  []string `parser:"( @( \"kind\" | \"withsource\" | \"isfuzzy\" | \"bagexpansion\" | \"with_itemindex\" ) | @\"hint\" ( \".\" @Ident )+ ) \"=\""`
	Value string   `parser:"@( Ident | String | Number | \"true\" | \"false\" )"`
}

// JoinOp joins with another table: join [kind=...] Right on Keys. It also
// holds lookup, which has the same shape.
type JoinOp struct {
	Pos       Position
	Keyword   string    `parser:"@( \"join\" | \"lookup\" )"`
	Params    []*Param  `parser:"@@*"`
	RightPipe *Pipeline `parser:"(   \"(\" @@ \")\""`
	RightName *string   `parser:"  | @( Ident | QIdent ) )"`
	On        []*Expr   `parser:"\"on\" @@ ( \",\" @@ )*"`
}

// UnionOp concatenates tables: union [params] A, (B | ...), ...
type UnionOp struct {
	Pos     Position
	Keyword string       `parser:"@\"union\""`
	Params  []*Param     `parser:"@@*"`
	Items   []*UnionItem `parser:"@@ ( \",\" @@ )*"`
}

// UnionItem is one input of union: a table name or a parenthesised query.
type UnionItem struct {
	Pos  Position
	Pipe *Pipeline `parser:"(   \"(\" @@ \")\""`
	// Call is a tabular function or a pattern, with the pattern's path:
	// f(1), App("a1").Data.
	Call *Call  `parser:"  | @@"`
	Path string `parser:"    ( \".\" @( Ident | QIdent ) )?"`
	// Name is a table name, or a pattern with a trailing * (View*).
	Name *string `parser:"  | @( Ident | QIdent ) @\"*\"? )"`
}

// MakeSeriesOp builds series of aggregates over an axis.
type MakeSeriesOp struct {
	Pos     Position
	Keyword string       `parser:"@\"make-series\""`
	Params  []*Param     `parser:"@@*"`
	Aggs    []*SeriesAgg `parser:"@@ ( \",\" @@ )*"`
	On      *Expr        `parser:"\"on\" @@"`
	From    *Expr        `parser:"( \"from\" @@ )?"`
	To      *Expr        `parser:"( \"to\" @@ )?"`
	Step    *Expr        `parser:"\"step\" @@"`
	By      []*NamedExpr `parser:"( \"by\" @@ ( \",\" @@ )* )?"`
}

// SeriesAgg is one make-series aggregation with its default.
type SeriesAgg struct {
	Pos     Position
	Agg     *NamedExpr `parser:"@@"`
	Default *Expr      `parser:"( \"default\" \"=\" @@ )?"`
}

// MvExpandOp expands dynamic arrays or bags into rows.
type MvExpandOp struct {
	Pos     Position
	Keyword string        `parser:"@\"mv-expand\""`
	Params  []*Param      `parser:"@@*"`
	Items   []*ExpandItem `parser:"@@ ( \",\" @@ )*"`
	Limit   *Expr         `parser:"( \"limit\" @@ )?"`
}

// ScanOp matches sequences of rows against steps:
// scan [with_match_id = Name] [declare (Decl, ...)] with (Step ...).
type ScanOp struct {
	Pos     Position
	Keyword string      `parser:"@\"scan\""`
	MatchID string      `parser:"( \"with_match_id\" \"=\" @( Ident | QIdent ) )?"`
	Declare []*ScanDecl `parser:"( \"declare\" \"(\" @@ ( \",\" @@ )* \")\" )?"`
	Steps   []*ScanStep `parser:"\"with\" \"(\" @@+ \")\""`
}

// ScanDecl declares a column the steps assign: Name: type [= default].
type ScanDecl struct {
	Pos     Position
	Name    string `parser:"@( Ident | QIdent ) \":\""`
	Type    string `parser:"@Ident"`
	Default *Expr  `parser:"( \"=\" @@ )?"`
}

// ScanStep is step Name [output = all|last|none]: Condition [=> Col = Expr, ...];
type ScanStep struct {
	Pos     Position
	Name    string       `parser:"\"step\" @Ident"`
	Output  string       `parser:"( \"output\" \"=\" @Ident )? \":\""`
	Cond    *Expr        `parser:"@@"`
	Assigns []*NamedExpr `parser:"( \"=\" \">\" @@ ( \",\" @@ )* )? \";\""`
}

// PartitionOp runs a subquery on each group of rows with the same key:
// partition [hint.strategy = ...] by Column ( SubQuery ).
type PartitionOp struct {
	Pos     Position
	Keyword string     `parser:"@\"partition\""`
	Params  []*Param   `parser:"@@*"`
	By      string     `parser:"\"by\" @( Ident | QIdent )"`
	Ops     []Operator `parser:"\"(\" @@ ( \"|\" @@ )* \")\""`
}

// SearchOp finds rows by a predicate over several tables and all their
// columns: [T |] search [kind = case_sensitive] [in (T1, A*)] Predicate,
// where a bare string is a term looked for in every column and
// Column:"term" one looked for in Column.
type SearchOp struct {
	Pos     Position
	Keyword string       `parser:"@\"search\""`
	Params  []*Param     `parser:"@@*"`
	In      []*UnionItem `parser:"( \"in\" \"(\" @@ ( \",\" @@ )* \")\" )?"`
	Star    bool         `parser:"(   @\"*\""`
	Pred    *Expr        `parser:"  | @@ )"`
}

// ReduceOp groups strings by similarity into patterns:
// reduce [kind = source] by Expr [with threshold = T, characters = C].
type ReduceOp struct {
	Pos     Position
	Keyword string       `parser:"@\"reduce\""`
	Params  []*Param     `parser:"@@*"`
	By      *Expr        `parser:"\"by\" @@"`
	With    []*ReduceOpt `parser:"( \"with\" @@ ( \",\" @@ )* )?"`
}

// ReduceOpt is one of reduce's with options: threshold = T or
// characters = C.
type ReduceOpt struct {
	Pos   Position
	Name  string `parser:"@( \"threshold\" | \"characters\" ) \"=\""`
	Value *Expr  `parser:"@@"`
}

// TopNestedOp is hierarchical top: top-nested [N] of Expr [with others =
// Value] by Aggregation [asc | desc], top-nested ...
type TopNestedOp struct {
	Pos     Position
	Keyword string       `parser:"@\"top-nested\""`
	Levels  []*NestLevel `parser:"@@ ( \",\" \"top-nested\" @@ )*"`
}

// NestLevel is one clause of top-nested.
type NestLevel struct {
	Pos Position
	// N is the number of values kept at this level; nil keeps them all.
	N      *Expr      `parser:"( \"of\" | @@ \"of\" )"`
	Key    *NamedExpr `parser:"@@"`
	Others *Expr      `parser:"( \"with\" \"others\" \"=\" @@ )?"`
	Agg    *NamedExpr `parser:"\"by\" @@"`
	Dir    string     `parser:"@( \"asc\" | \"desc\" )?"`
}

// InvokeOp calls a function with the input as its first (tabular)
// argument: T | invoke f(a) is f(T, a).
type InvokeOp struct {
	Pos     Position
	Keyword string `parser:"@\"invoke\""`
	Call    *Call  `parser:"@@"`
}

// MvApplyOp applies a subquery to the elements of each row's arrays:
// mv-apply [params] Items [limit N] on ( Operator { | Operator } ).
type MvApplyOp struct {
	Pos     Position
	Keyword string        `parser:"@\"mv-apply\""`
	Params  []*Param      `parser:"@@*"`
	Items   []*ExpandItem `parser:"@@ ( \",\" @@ )*"`
	Limit   *Expr         `parser:"( \"limit\" @@ )?"`
	Ops     []Operator    `parser:"\"on\" \"(\" @@ ( \"|\" @@ )* \")\""`
}

// ExpandItem is one mv-expand column, optionally converted.
type ExpandItem struct {
	Pos    Position
	Expr   *NamedExpr `parser:"@@"`
	ToType string     `parser:"( \"to\" \"typeof\" \"(\" @Ident \")\" )?"`
}

// ProjectNamesOp is project-away, project-keep or project-reorder: a list of
// column names.
type ProjectNamesOp struct {
	Pos     Position
	Keyword string         `parser:"@( \"project-away\" | \"project-keep\" | \"project-reorder\" )"`
	Names   []*NamePattern `parser:"@@ ( \",\" @@ )*"`
}

// NamePattern is a column name, or a pattern with * for any text (Col*,
// *Id), and for project-reorder an order for the columns it matches.
type NamePattern struct {
	Pos   Position
	Name  string `parser:"( @( Ident | QIdent ) @\"*\"? | @\"*\" ( @( Ident | QIdent ) @\"*\"? )? )"`
	Order string `parser:"@( \"asc\" | \"desc\" )?"`
}

// ProjectRenameOp renames columns: project-rename New = Old, ...
type ProjectRenameOp struct {
	Pos     Position
	Keyword string       `parser:"@\"project-rename\""`
	Renames []*NamedExpr `parser:"@@ ( \",\" @@ )*"`
}

// ParseOp extracts columns from a string by a pattern: parse, or
// parse-where, which keeps only the rows that match.
type ParseOp struct {
	Pos     Position
	Keyword string       `parser:"@( \"parse\" | \"parse-where\" )"`
	Kind    string       `parser:"( \"kind\" \"=\" @Ident"`
	Flags   string       `parser:"  ( \"flags\" \"=\" @Ident )? )?"`
	Expr    *Expr        `parser:"@@ \"with\""`
	Parts   []*ParsePart `parser:"@@+"`
}

// ParsePart is one element of a parse pattern: *, a string, or Column[:type].
type ParsePart struct {
	Pos    Position
	Star   bool    `parser:"(   @\"*\""`
	Lit    *string `parser:"  | @String"`
	Column string  `parser:"  | @( Ident | QIdent )"`
	Type   string  `parser:"    ( \":\" @Ident )? )"`
}

// DatatableSrc is an inline table.
type DatatableSrc struct {
	Pos     Position
	Keyword string        `parser:"@\"datatable\""`
	Columns []*ColumnDecl `parser:"\"(\" @@ ( \",\" @@ )* \")\""`
	One     *string       `parser:"(   @QIdent"`
	Values  []*Expr       `parser:"  | \"[\" ( @@ ( \",\" @@ )* \",\"? )? \"]\" )"`
}

// ColumnDecl is Name:type.
type ColumnDecl struct {
	Pos  Position
	Name string `parser:"@( Ident | QIdent ) \":\""`
	Type string `parser:"@Ident"`
}

// PrintOp is a one-row source of computed columns.
type PrintOp struct {
	Pos     Position
	Keyword string       `parser:"@\"print\""`
	Columns []*NamedExpr `parser:"@@ ( \",\" @@ )*"`
}

// RangeSrc is a one-column table of evenly spaced values:
// range Column from Start to Stop step Step.
type RangeSrc struct {
	Pos     Position
	Keyword string `parser:"@\"range\""`
	Column  string `parser:"@( Ident | QIdent )"`
	From    *Expr  `parser:"\"from\" @@"`
	To      *Expr  `parser:"\"to\" @@"`
	Step    *Expr  `parser:"\"step\" @@"`
}

// GetschemaOp lists the input's columns and types.
type GetschemaOp struct {
	Pos     Position
	Keyword string `parser:"@\"getschema\""`
}

// AsOp names its input; it passes rows through.
type AsOp struct {
	Pos     Position
	Keyword string   `parser:"@\"as\""`
	Params  []*Param `parser:"@@*"`
	Name    string   `parser:"@Ident"`
}

// SerializeOp marks the rows as ordered; with columns it extends them.
type SerializeOp struct {
	Pos     Position
	Keyword string       `parser:"@\"serialize\""`
	Columns []*NamedExpr `parser:"( @@ ( \",\" @@ )* )?"`
}

// EvaluateOp runs a plugin: evaluate bag_unpack(d), evaluate
// pivot(Kind, count()), with an optional output schema.
type EvaluateOp struct {
	Pos     Position
	Keyword string         `parser:"@\"evaluate\""`
	Params  []*Param       `parser:"@@*"`
	Plugin  string         `parser:"@Ident \"(\""`
	Args    []*EvaluateArg `parser:"( @@ ( \",\" @@ )* )? \")\""`
	Schema  []*OutColumn   `parser:"( \":\" \"(\" @@ ( \",\" @@ )* \")\" )?"`
}

// EvaluateArg is a plugin argument, positional or named
// (columnsConflict='keep_source').
type EvaluateArg struct {
	Pos  Position
	Name string `parser:"( @Ident \"=\" )?"`
	Arg  *Arg   `parser:"@@"`
}

// OutColumn is one column of an output schema: Name:type, or * for the
// plugin's other columns.
type OutColumn struct {
	Pos  Position
	Star bool   `parser:"(   @\"*\""`
	Name string `parser:"  | @( Ident | QIdent )"`
	Type string `parser:"    \":\" @Ident )"`
}

// DynamicLit is a dynamic literal: dynamic([1, "a"]), dynamic({"k": 1}).
type DynamicLit struct {
	Pos   Position
	Value *JSONValue `parser:"\"dynamic\" \"(\" @@ \")\""`
}

// JSONValue is a JSON value inside dynamic(...).
type JSONValue struct {
	Pos    Position
	Null   bool        `parser:"(   @\"null\""`
	Bool   *string     `parser:"  | @( \"true\" | \"false\" )"`
	Neg    bool        `parser:"  | ( @\"-\"?"`
	Number *string     `parser:"      @Number )"`
	Str    *string     `parser:"  | @String"`
	One    *string     `parser:"  | @QIdent"`
	Array  *JSONArray  `parser:"  | @@"`
	Object *JSONObject `parser:"  | @@"`
	// A dynamic(...) inside a dynamic literal is its value.
	Dynamic *JSONValue `parser:"  | \"dynamic\" \"(\" @@ \")\""`
	// A typed literal inside a dynamic literal: datetime(2024-01-01),
	// timespan(1d), datetime("01-01-2022").
	Literal *Primary `parser:"  | @@ )"`
}

// JSONArray is [v, ...].
type JSONArray struct {
	Pos   Position
	Items []*JSONValue `parser:"\"[\" ( @@ ( \",\" @@ )* )? \"]\""`
}

// JSONObject is {"k": v, ...}.
type JSONObject struct {
	Pos   Position
	Pairs []*JSONPair `parser:"\"{\" ( @@ ( \",\" @@ )* )? \"}\""`
}

// JSONPair is "k": v.
type JSONPair struct {
	Pos   Position
	Key   string     `parser:"@String \":\""`
	Value *JSONValue `parser:"@@"`
}

func (*JoinOp) operator()          {}
func (*UnionOp) operator()         {}
func (*MakeSeriesOp) operator()    {}
func (*MvExpandOp) operator()      {}
func (*MvApplyOp) operator()       {}
func (*InvokeOp) operator()        {}
func (*ScanOp) operator()          {}
func (*PartitionOp) operator()     {}
func (*ReduceOp) operator()        {}
func (*SearchOp) operator()        {}
func (*TopNestedOp) operator()     {}
func (*ProjectNamesOp) operator()  {}
func (*ProjectRenameOp) operator() {}
func (*ParseOp) operator()         {}
func (*GetschemaOp) operator()     {}
func (*AsOp) operator()            {}
func (*SerializeOp) operator()     {}
func (*EvaluateOp) operator()      {}

// parser builds the grammar on first use (a few milliseconds of
// reflection): Prepare lets a process build it while it does other work.
var parser = sync.OnceValue(func() *participle.Parser[Script] {
	defer built.Store(true)
	return buildParser()
})

// buildParser builds the grammar from the syntax tree's types. (A patched
// participle, third_party/participle, builds it in 1.0 ms instead of 1.8.)
func buildParser() *participle.Parser[Script] {
	return participle.MustBuild[Script](
		participle.Lexer(kqlLexer()),
		participle.Elide("Comment", "Whitespace"),
		participle.Union[Operator](&WhereOp{}, &SummarizeOp{}, &ProjectOp{}, &ExtendOp{},
			&SortOp{}, &TopOp{}, &TakeOp{}, &DistinctOp{}, &CountOp{}, &RenderOp{},
			&JoinOp{}, &UnionOp{}, &MakeSeriesOp{}, &MvExpandOp{}, &MvApplyOp{}, &InvokeOp{}, &ScanOp{}, &PartitionOp{}, &ProjectNamesOp{}, &ProjectRenameOp{},
			&ParseOp{}, &GetschemaOp{}, &AsOp{}, &SerializeOp{}, &EvaluateOp{}, &ReduceOp{}, &TopNestedOp{}, &SearchOp{}),
		participle.UseLookahead(3),
	)
}

// built is set once the parser exists.
var built atomic.Bool

// Prepare builds the parser now, so that a later Parse need not wait for
// it; a fresh process calls it on a goroutine while it opens the database.
func Prepare() { parser() }

// Ready reports whether the parser is built. Until it is, a fresh process
// has time for other work before Parse (query.Run reads ahead the block
// lists of the tables the text names).
func Ready() bool { return built.Load() }

// Names returns the names (identifiers, operator names that are not
// reserved words among them) in text, each once, in order of first
// appearance, up to where text stops lexing.
func Names(text string) []string {
	if len(text) > maxQueryLen {
		return nil
	}
	def := kqlLexer()
	lex, err := def.LexString("", text)
	if err != nil {
		return nil
	}
	ident := def.Symbols()["Ident"]
	var names []string
	for {
		tok, err := lex.Next()
		if err != nil || tok.EOF() {
			return names
		}
		if tok.Type == ident && !slices.Contains(names, tok.Value) {
			names = append(names, tok.Value)
		}
	}
}
