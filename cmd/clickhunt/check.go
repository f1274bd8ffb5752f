package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"clickhunt/storage"
)

// checkCmd is `clickhunt check`: verify the whole database.
type checkCmd struct{}

func (checkCmd) Help() string {
	return `Reads every stored value and verifies it: the checksums of Badger's table
files, then every catalog record, block meta, column value and file record
against its own checksum and decoder, and the counts that tie them together
(columns per table, blocks and rows per table, rows per ingested file).

Prints what was checked and "healthy" (exit status 0), or one line per
problem naming the table, block and column or the record affected, then
"damaged" (exit status 1). Blocks left by an interrupted ingest are
invisible to queries and reported only as a count; the next ingest removes
them. The database is opened read-only when it can be, so check runs
beside queries but not during an ingest.`
}

// runCheck verifies the database in dbDir.
func runCheck(ctx context.Context, dbDir string, stdout, stderr io.Writer) int {
	db, err := openForQuery(dbDir, false)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		if errors.Is(err, storage.ErrCorrupt) {
			fmt.Fprintln(stdout, "damaged")
		}
		return 1
	}
	defer db.Close()
	r, err := db.Check(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "error: check stopped: %v\n", err)
		return 1
	}
	sums := "checksums"
	if !r.Checksums {
		sums = "no checksums: values verified by decoding only; ingest into a new database to get them"
	}
	fmt.Fprintf(stdout, "database %s: format %d (%s)\n", dbDir, r.Format, sums)
	derived := ""
	if r.DerivedColumns > 0 {
		derived = fmt.Sprintf(" (and %d derived: URL heads)", r.DerivedColumns)
	}
	fmt.Fprintf(stdout, "checked %d tables, %d columns%s, %d blocks, %d column values, %d files, %d rows\n",
		r.Tables, r.Columns, derived, r.Blocks, r.Values, r.Files, r.Rows)
	if r.SharedEntries > 0 {
		fmt.Fprintf(stdout, "checked %d shared dictionary entries\n", r.SharedEntries)
	}
	if r.Orphans > 0 {
		fmt.Fprintf(stdout, "%d keys of unfinished ingests (invisible; the next ingest removes them)\n", r.Orphans)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(stdout, "problem: %s\n", p)
	}
	if r.More > 0 {
		fmt.Fprintf(stdout, "problem: ... and %d more\n", r.More)
	}
	if !r.OK() {
		fmt.Fprintf(stdout, "damaged: %d problems\n", len(r.Problems)+r.More)
		return 1
	}
	fmt.Fprintln(stdout, "healthy")
	return 0
}
