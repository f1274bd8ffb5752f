package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

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
"damaged" (exit status 1). The files are also checked against the commit
journal (COMMITS), which records every ingested file apart from Badger's
own MANIFEST: a MANIFEST that is torn, missing or shows less than was
committed is damage, never an older database.

Blocks and table files left by an interrupted ingest are invisible to
queries and reported only as a count or list; the next ingest (or
'clickhunt recover') removes them. Check opens the database read-only and
changes nothing, so it runs beside queries but not during an ingest.`
}

// recoverCmd is `clickhunt recover`: finish what a crashed ingest left.
type recoverCmd struct{}

func (recoverCmd) Help() string {
	return `Opens the database for writing to recover it after an interrupted ingest,
as the next ingest would: replays the crashed writer's log, removes the
blocks and table files the ingest left unfinished and gives their space
back, and catches the commit journal up. Then it checks the whole database
as 'clickhunt check' does and prints the same report (exit status 0 when
healthy).

Queries never need this: they read a crashed database as it is, without
changing a file. A query started while recover runs waits for it.

Recover also starts a new commit journal (COMMITS) when the old one is
missing or damaged, keeping the damaged one beside it; run 'clickhunt
check' first to see what the old one says. It refuses a database whose
MANIFEST is torn or missing, or whose files show less than was committed:
only a backup restores those.`
}

// runRecover recovers the database in dbDir, then checks it.
func runRecover(ctx context.Context, dbDir string, stdout, stderr io.Writer) int {
	if entries, err := os.ReadDir(dbDir); errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) {
		fmt.Fprintf(stderr, "error: %v\n", errNoDB{dbDir})
		return 1
	}
	db, err := storage.Open(dbDir, storage.Options{Recover: true, LockWait: lockWait})
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		if errors.Is(err, storage.ErrCorrupt) {
			fmt.Fprintln(stdout, "damaged")
		}
		return 1
	}
	defer db.Close()
	rec := db.Recovery()
	did := false
	if rec.Replayed {
		fmt.Fprintln(stdout, "replayed the log of an interrupted write")
		did = true
	}
	if rec.OrphanKeys > 0 {
		fmt.Fprintf(stdout, "removed %d keys of unfinished ingests\n", rec.OrphanKeys)
		did = true
	}
	if len(rec.OrphanTables) > 0 {
		fmt.Fprintf(stdout, "removed table files an interrupted write left: %s\n", strings.Join(rec.OrphanTables, ", "))
		did = true
	}
	if rec.Journal != "" {
		fmt.Fprintln(stdout, rec.Journal)
		did = true
	}
	if err := db.CollectGarbage(); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	if !did {
		fmt.Fprintln(stdout, "nothing to recover")
	}
	r, err := db.Check(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "error: check stopped: %v\n", err)
		return 1
	}
	return printCheckReport(dbDir, r, stdout)
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
	return printCheckReport(dbDir, r, stdout)
}

// printCheckReport prints what Check found and returns the exit status.
func printCheckReport(dbDir string, r *storage.CheckReport, stdout io.Writer) int {
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
	if r.Journal != "" {
		fmt.Fprintf(stdout, "commit journal: %s\n", r.Journal)
	}
	if r.Orphans > 0 {
		fmt.Fprintf(stdout, "%d keys of unfinished ingests (invisible; the next ingest or 'clickhunt recover' removes them)\n", r.Orphans)
	}
	if len(r.OrphanTables) > 0 {
		fmt.Fprintf(stdout, "table files an interrupted write left, not in the MANIFEST (no part of the database; the next ingest or 'clickhunt recover' removes them): %s\n",
			strings.Join(r.OrphanTables, ", "))
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
