package syntax

// Tabular operators and sources beyond the first subset. The grammar in EBNF:
//
//	Join        = ( "join" | "lookup" ) { Param } ( "(" Pipeline ")" | IDENT ) "on" Expr { "," Expr } .
//	Param       = ( "kind" | "withsource" | "isfuzzy" | "bagexpansion" | "with_itemindex"
//	              | "hint" "." IDENT { "." IDENT } ) "=" ( IDENT | STRING | NUMBER | "true" | "false" ) .
//	Union       = "union" { Param } UnionItem { "," UnionItem } .
//	UnionItem   = "(" Pipeline ")" | IDENT .
//	MakeSeries  = "make-series" SeriesAgg { "," SeriesAgg } "on" Expr [ "from" Expr ] [ "to" Expr ]
//	              "step" Expr [ "by" NamedExpr { "," NamedExpr } ] .
//	SeriesAgg   = NamedExpr [ "default" "=" Expr ] .
//	MvExpand    = "mv-expand" { Param } ExpandItem { "," ExpandItem } [ "limit" Expr ] .
//	ExpandItem  = NamedExpr [ "to" "typeof" "(" IDENT ")" ] .
//	ProjectAway = ( "project-away" | "project-keep" | "project-reorder" ) Name { "," Name } .
//	ProjectRename = "project-rename" NamedExpr { "," NamedExpr } .
//	Parse       = "parse" [ "kind" "=" IDENT ] Expr "with" ParsePart { ParsePart } .
//	ParsePart   = "*" | STRING | IDENT [ ":" IDENT ] .
//	Datatable   = "datatable" "(" ColumnDecl { "," ColumnDecl } ")" "[" [ Expr { "," Expr } [ "," ] ] "]" .
//	ColumnDecl  = Name ":" IDENT .
//	Print       = "print" NamedExpr { "," NamedExpr } .
//	Getschema   = "getschema" .
//	As          = "as" { Param } IDENT .
//	Serialize   = "serialize" [ NamedExpr { "," NamedExpr } ] .
//	Evaluate    = "evaluate" { Param } IDENT "(" [ EvalArg { "," EvalArg } ] ")" [ ":" "(" OutColumn { "," OutColumn } ")" ] .
//	EvalArg     = [ IDENT "=" ] Arg .
//	OutColumn   = "*" | Name ":" IDENT .
//	Dynamic     = "dynamic" "(" JSONValue ")" .
//	Name        = IDENT | QIDENT .

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
	Name *string   `parser:"  | @( Ident | QIdent ) )"`
}

// MakeSeriesOp builds series of aggregates over an axis.
type MakeSeriesOp struct {
	Pos     Position
	Keyword string       `parser:"@\"make-series\""`
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
	Keyword string   `parser:"@( \"project-away\" | \"project-keep\" | \"project-reorder\" )"`
	Names   []string `parser:"@( Ident | QIdent ) ( \",\" @( Ident | QIdent ) )*"`
}

// ProjectRenameOp renames columns: project-rename New = Old, ...
type ProjectRenameOp struct {
	Pos     Position
	Keyword string       `parser:"@\"project-rename\""`
	Renames []*NamedExpr `parser:"@@ ( \",\" @@ )*"`
}

// ParseOp extracts columns from a string by a pattern.
type ParseOp struct {
	Pos     Position
	Keyword string       `parser:"@\"parse\""`
	Kind    string       `parser:"( \"kind\" \"=\" @Ident )?"`
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
	Object *JSONObject `parser:"  | @@ )"`
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
func (*ProjectNamesOp) operator()  {}
func (*ProjectRenameOp) operator() {}
func (*ParseOp) operator()         {}
func (*GetschemaOp) operator()     {}
func (*AsOp) operator()            {}
func (*SerializeOp) operator()     {}
func (*EvaluateOp) operator()      {}
