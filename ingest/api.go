package ingest

// This file fixes the ingest API the CLI programs against. The owner of the
// ingest package may add to it but must keep these signatures.

import (
	"context"
	"fmt"
	"time"

	"clickhunt/column"
	"clickhunt/storage"
)

// Options configure File.
type Options struct {
	// Table to load into; "" means the format's default (UrlClickEvents).
	Table string
	// Format is "auto" (or ""), "csv", "json" or "jsonl".
	Format string
	// Progress, if set, is called now and then with bytes read so far, the
	// file's size (0 if unknown) and rows parsed so far.
	Progress func(bytesRead, size, rows int64)
}

// Summary says what File did.
type Summary struct {
	Path  string
	Table string
	Rows  int64
	// AlreadyIngested is set when identical content was ingested before;
	// nothing was stored and Previous names that earlier ingest.
	AlreadyIngested bool
	Previous        storage.FileRecord
	Elapsed         time.Duration
}

// Error is a problem with the input, at File:Line (and Column when known,
// 1-based; 0 when not).
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
}

func (e *Error) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Sink receives parsed blocks; *storage.FileWriter is one.
type Sink interface {
	WriteBlock(schema column.Schema, b *column.Batch) error
}

// Schemas holds the canonical schema of each known table by name.
var Schemas = map[string]column.Schema{
	"UrlClickEvents": {
		{Name: "Timestamp", Type: column.Datetime},
		{Name: "Url", Type: column.String},
		{Name: "ActionType", Type: column.String},
		{Name: "AccountUpn", Type: column.String},
		{Name: "Workload", Type: column.String},
		{Name: "NetworkMessageId", Type: column.String},
		{Name: "IPAddress", Type: column.String},
		{Name: "ThreatTypes", Type: column.String},
		{Name: "DetectionMethods", Type: column.String},
		{Name: "IsClickedThrough", Type: column.Bool},
		{Name: "UrlChain", Type: column.String},
		{Name: "ReportId", Type: column.String},
	},
}

// File ingests one file into db: it is stored whole or not at all. A file
// whose bytes were ingested before is skipped (Summary.AlreadyIngested).
// Problems with the input are *Error, naming path as given.
func File(ctx context.Context, db *storage.DB, path string, opts Options) (Summary, error) {
	return ingestFile(ctx, db, path, opts)
}
