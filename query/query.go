// Package query is the engine's front door: parse, plan and run KQL over a
// storage snapshot.
package query

import (
	"context"
	"errors"
	"time"

	"clickhunt/column"
	"clickhunt/query/syntax"
	"clickhunt/storage"
)

// Error is a query error with a position (line:col, 1-based).
type Error = syntax.Error

// Options configure a run.
type Options struct {
	// Now is what now() and ago() are relative to; zero means the clock.
	Now time.Time
}

// Stats describe the work a run did.
type Stats struct {
	BlocksTotal, BlocksRead int
	RowsRead                int64
	Elapsed                 time.Duration
}

// Result is a query's output: a schema and one batch of rows.
type Result struct {
	Schema column.Schema
	Batch  *column.Batch
	Stats  Stats
}

// Run parses, plans and runs one query (let statements followed by one
// tabular expression) against snap. Errors in the query are *Error.
func Run(ctx context.Context, snap *storage.Snapshot, text string, opts Options) (*Result, error) {
	return nil, errors.New("query: not implemented yet")
}

// Check parses and plans text without running it.
func Check(snap *storage.Snapshot, text string) error {
	return errors.New("query: not implemented yet")
}
