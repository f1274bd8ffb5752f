// Package query is the engine's front door: parse, plan and run KQL over a
// storage snapshot.
package query

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"sync/atomic"
	"time"

	"clickhunt/column"
	"clickhunt/query/exec"
	"clickhunt/query/plan"
	"clickhunt/query/syntax"
	"clickhunt/storage"
)

// Error is a query error with a position (line:col, 1-based).
type Error = syntax.Error

// ErrUnknownTable is what the error of a query naming a table the
// database does not hold is a case of (errors.Is).
var ErrUnknownTable = plan.ErrUnknownTable

// Options configure a run.
type Options struct {
	// Now is what now() and ago() are relative to; zero means the clock.
	Now time.Time
	// MaxMemory bounds what a query holds in group tables, sort buffers,
	// join sides and its result, in bytes (0: no limit).
	MaxMemory int64
	// Progress, when set, is added the rows scanned as the query reads
	// them, for a progress display while it runs.
	Progress *atomic.Int64
}

// Stats describe the work a run did.
type Stats struct {
	BlocksTotal, BlocksRead int
	RowsRead                int64
	Elapsed                 time.Duration
	// HeadColumns counts the columns read as their stored heads (the
	// part of each URL up to its third "/") instead of whole.
	HeadColumns int
	// SpanBlocks counts the blocks whose filter, a range of one integer
	// column such as a time window, was answered from the column's stored
	// encoding without decoding it.
	SpanBlocks int
}

// Result is a query's output: a schema and one batch of rows.
type Result struct {
	Schema column.Schema
	Batch  *column.Batch
	Stats  Stats
	// Render is set when the query ends with a render operator.
	Render *Render
}

// Render says how a query asked its result to be drawn.
type Render struct {
	// Kind is the chart kind: timechart, barchart, columnchart, piechart...
	Kind string
	// Properties are the with(...) properties by name (title, xtitle,
	// ytitle, legend, xcolumn, ycolumns, series...); values are string,
	// int64, float64 or bool.
	Properties map[string]any
}

// catalog adapts a snapshot to the planner; a nil snapshot has no tables.
type catalog struct{ snap *storage.Snapshot }

func (c catalog) TableSchema(name string) (column.Schema, bool) {
	if c.snap == nil {
		return nil, false
	}
	t, err := c.snap.Table(name)
	if err != nil {
		return nil, false
	}
	s := make(column.Schema, len(t.Columns))
	for i, col := range t.Columns {
		s[i] = column.Field{Name: col.Name, Type: col.Type}
	}
	return s, true
}

func (c catalog) TableNames() []string {
	if c.snap == nil {
		return nil
	}
	var names []string
	for _, t := range c.snap.Tables() {
		names = append(names, t.Name)
	}
	return names
}

// Prepare parses and plans text against snap without running it. A nil
// snap is a database with no tables (print, range and datatable still run).
func Prepare(snap *storage.Snapshot, text string, opts Options) (plan.Node, error) {
	return prepare(context.Background(), snap, text, opts)
}

// prepare is Prepare under ctx, which bounds what planning runs: the input
// of a plugin whose output columns depend on the data (bag_unpack).
func prepare(ctx context.Context, snap *storage.Snapshot, text string, opts Options) (plan.Node, error) {
	script, err := parseCtx(ctx, text)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	run := exec.Materializer(ctx, storeOf(snap), exec.Options{MaxMemory: opts.MaxMemory})
	return plan.Build(script, catalog{snap}, plan.Options{Now: column.TicksFromTime(now), Materialize: run})
}

// parseCtx is parse, given up when ctx ends first. The parser cannot be
// interrupted, and a query holding a list of 40,000 indicators takes
// seconds to parse on a busy machine: Ctrl-C and serve --query-timeout
// answer at once, and the parse left behind ends on its own (it holds no
// lock and writes nothing).
func parseCtx(ctx context.Context, text string) (*syntax.Script, error) {
	if ctx.Done() == nil {
		return parse(text)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type parsed struct {
		script *syntax.Script
		err    error
		panic  any // a parser panic, raised again in the caller's goroutine
	}
	done := make(chan parsed, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- parsed{panic: r}
			}
		}()
		script, err := parse(text)
		done <- parsed{script: script, err: err}
	}()
	select {
	case p := <-done:
		if p.panic != nil {
			panic(p.panic)
		}
		return p.script, p.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// parse is syntax.Parse with a near miss named: an unknown operator gets
// "did you mean" the registered operator closest to it (wher: where).
func parse(text string) (*syntax.Script, error) {
	if testHookParse != nil {
		testHookParse()
	}
	script, err := syntax.Parse(text)
	var se *syntax.Error
	if err != nil && errors.As(err, &se) {
		if m := unknownOperatorRe.FindStringSubmatch(se.Msg); m != nil {
			var ops []string
			for _, t := range plan.Topics() {
				if t.Kind == plan.KindOperator {
					ops = append(ops, t.Name)
				}
			}
			if near := plan.Suggest(m[1], ops); near != "" {
				return nil, &syntax.Error{Pos: se.Pos, Msg: se.Msg + fmt.Sprintf(" (did you mean '%s'?)", near), Err: se.Err}
			}
		}
	}
	return script, err
}

// testHookParse, when set (binaries built with the clickhunt_stall tag),
// is called at the start of every parse.
var testHookParse func()

// unknownOperatorRe matches the parser's error at a word where an operator
// goes.
var unknownOperatorRe = regexp.MustCompile(`^unexpected "([A-Za-z_][\w-]*)", expected operator$`)

// storeOf is snap as the executor's store: no snapshot is no store at all,
// not a nil snapshot.
func storeOf(snap *storage.Snapshot) exec.Store {
	if snap == nil {
		return nil
	}
	return snap
}

// Run parses, plans and runs one query (let statements followed by one
// tabular expression) against snap (nil: no tables). Errors in the query
// are *Error.
func Run(ctx context.Context, snap *storage.Snapshot, text string, opts Options) (*Result, error) {
	start := time.Now()
	if !syntax.Ready() && snap != nil {
		readAhead(snap, text)
	}
	p, err := prepare(ctx, snap, text, opts)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("query cancelled")
		}
		return nil, err
	}
	b, st, err := exec.RunWith(ctx, p, storeOf(snap), exec.Options{MaxMemory: opts.MaxMemory, Progress: opts.Progress})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("query cancelled")
		}
		return nil, err
	}
	res := &Result{Schema: p.Out(), Batch: b, Stats: Stats{
		BlocksTotal: st.BlocksTotal, BlocksRead: st.BlocksRead, RowsRead: st.RowsRead,
		Elapsed: time.Since(start), HeadColumns: st.HeadColumns, SpanBlocks: st.SpanBlocks,
	}}
	if r, ok := p.(*plan.Render); ok {
		res.Render = &Render{Kind: r.Kind, Properties: r.Properties}
	}
	return res, nil
}

// readAhead reads the block lists of the tables text names, which the
// snapshot keeps for the scans: a fresh process does it while the parser
// is still being built (on another core) rather than after parsing.
func readAhead(snap *storage.Snapshot, text string) {
	for _, name := range syntax.Names(text) {
		if t, err := snap.Table(name); err == nil {
			snap.Blocks(t) // an error shows again when a scan asks
		}
	}
}

// Topic documents one operator, function, aggregation, string predicate or
// statement of the language: its syntax line, a one-line description,
// Microsoft's page and an example query.
type Topic = plan.Topic

// TopicKind says what a Topic names (plan.KindOperator, ...).
type TopicKind = plan.TopicKind

// The kinds of Topic.
const (
	KindOperator    = plan.KindOperator
	KindStatement   = plan.KindStatement
	KindPredicate   = plan.KindPredicate
	KindFunction    = plan.KindFunction
	KindAggregation = plan.KindAggregation
	KindPlugin      = plan.KindPlugin
)

// Topics returns every operator, function, aggregation, predicate and
// statement the engine supports, sorted by name: what the REPL completes
// and .help shows.
func Topics() []Topic { return plan.Topics() }

// Explain plans text against snap (nil: no tables) and prints the plan:
// one operator a line, with what it computes and the columns it produces.
func Explain(snap *storage.Snapshot, text string, opts Options) (string, error) {
	p, err := Prepare(snap, text, opts)
	if err != nil {
		return "", err
	}
	return plan.Explain(p), nil
}

// Suggest returns the name in candidates closest to name (a near miss in
// spelling or case), or "": the "did you mean" of error messages.
func Suggest(name string, candidates []string) string { return plan.Suggest(name, candidates) }

// Check parses and plans text without running it.
func Check(snap *storage.Snapshot, text string) error {
	_, err := Prepare(snap, text, Options{})
	return err
}

// schemaCatalog is a catalog of known table schemas, for checking queries
// without a database.
type schemaCatalog map[string]column.Schema

func (c schemaCatalog) TableSchema(name string) (column.Schema, bool) {
	s, ok := c[name]
	return s, ok
}

func (c schemaCatalog) TableNames() []string {
	names := make([]string, 0, len(c))
	for n := range c {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ExplainSchemas plans text against the given table schemas and prints
// the plan (see Explain).
func ExplainSchemas(schemas map[string]column.Schema, text string) (string, error) {
	script, err := parse(text)
	if err != nil {
		return "", err
	}
	p, err := plan.Build(script, schemaCatalog(schemas), plan.Options{Now: column.TicksFromTime(time.Now())})
	if err != nil {
		return "", err
	}
	return plan.Explain(p), nil
}

// CheckSchemas parses and plans text against the given table schemas.
func CheckSchemas(schemas map[string]column.Schema, text string) error {
	script, err := parse(text)
	if err != nil {
		return err
	}
	_, err = plan.Build(script, schemaCatalog(schemas), plan.Options{Now: column.TicksFromTime(time.Now())})
	return err
}
