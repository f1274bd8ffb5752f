package ingest

// This file fixes the ingest API the CLI programs against. The owner of the
// ingest package may add to it but must keep these signatures.

import (
	"context"
	"fmt"
	"io"
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

	// Source forces the kind of export ("" or "auto": detected from the
	// header or document shape); see SourceNames.
	Source string
	// DateFormat is a .NET custom date format for culture-formatted dates
	// ("dd.MM.yyyy HH:mm:ss"); Culture names one of Cultures instead.
	DateFormat string
	Culture    string
	// TZ is the IANA zone of datetimes written without one (Sentinel's
	// [Local Time] columns need it); default UTC.
	TZ string
	// DryRun reads and checks the file, storing nothing: the Summary holds
	// the mapping, the first rows and every problem.
	DryRun bool
	// RejectsPath or Rejects, when set, makes a bad row skipped instead of
	// stopping the file: each is written as a JSON line {"file", "line",
	// "column", "reason", "raw"} (raw is the row as read, verbatim). They
	// are streamed to a temporary file (beside RejectsPath, else in the
	// system's temporary directory). Just before the file is committed it
	// is renamed to RejectsPath (appended to it when it exists) and
	// synced, so no failure after the commit can lose it; a failure there
	// stores nothing, and a failed commit takes the rows back out. For
	// Rejects it is copied once the file is stored (on a failure it is
	// kept, and the error names it). A file not stored leaves no rejects.
	// Set one of the two; RejectsPath wins. A dry run writes neither.
	RejectsPath string
	Rejects     io.Writer
	// NoDedup stores rows equal to stored ones again.
	NoDedup bool

	// Limits on one input, checked while it is read (0: the Default
	// value). A value longer than MaxFieldSize bytes is a bad row; a line
	// (or a row spanning lines) longer than MaxLineSize bytes, more than
	// MaxColumns columns, or more than MaxInputSize bytes after
	// decompression stop the file with file:line.
	MaxFieldSize int64
	MaxLineSize  int64
	MaxColumns   int
	MaxInputSize int64

	problem func(Problem) error
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

	// Source is the kind of export detected (or forced), Format the
	// syntax (csv, json, jsonl), Encoding the text encoding and
	// Compression "", "gzip" or "zip".
	Source, Format, Encoding, Compression string
	// RowsIn counts the rows read: RowsIn = Rows + Rejected + Duplicates.
	RowsIn     int64
	Rejected   int64
	Duplicates int64
	// Mapping says where each source column went.
	Mapping []MappingEntry
	// Notes are things worth knowing that are not errors.
	Notes []string
	// DryRun results: the first rows as stored (formatted) and the
	// problems found (all of them, up to MaxProblems).
	DryRun   bool
	Sample   [][]string
	SampleOf []string // column names of Sample
	Problems []Problem
	// Parts are the members of a zip archive, each ingested on its own.
	Parts []Summary
}

// SampleColumn is the index of the named column in Sample rows, or -1.
func (s *Summary) SampleColumn(name string) int {
	for i, n := range s.SampleOf {
		if n == name {
			return i
		}
	}
	return -1
}

// MaxProblems caps the problems a dry run keeps (the count stays exact).
const MaxProblems = 1000

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

// Stream ingests r, read once to its end (standard input), as File does
// a file named name: its content is hashed while it is parsed, so content
// ingested before (from a file or a stream) is still recognised.
func Stream(ctx context.Context, db *storage.DB, name string, r io.Reader, opts Options) (Summary, error) {
	return ingestStream(ctx, db, name, r, opts)
}
