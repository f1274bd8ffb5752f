package main

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/alecthomas/kong"
)

// testKongOptions are run's kong options, with output discarded.
func testKongOptions() []kong.Option {
	return []kong.Option{
		kong.Name("clickhunt"),
		kong.Writers(io.Discard, io.Discard),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
		kong.Vars{"default_db": "/default"},
	}
}

// TestQueryOnlyParse checks the query command's own parser against the
// whole CLI's: what it takes it reads the same way, and it leaves the rest
// (other commands, help, usage errors) to the whole CLI.
func TestQueryOnlyParse(t *testing.T) {
	opts := testKongOptions()
	batch := filepath.Join(t.TempDir(), "q.kql")
	if err := os.WriteFile(batch, []byte("T\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	same := [][]string{
		{"query", "T | take 1"},
		{"query", "--db", "/d", "--format", "csv", "--tz", "+02:00", "T"},
		{"query", "--db=/d", "-f", batch, "--keep-going", "--max-memory", "512MB"},
		{"query", "--repeat", "5", "--timing", "--now", "2024-03-01T12:00:00Z", "T"},
		{"query", "--check", "--render-out", "x.svg", "T | render timechart"},
		{"query"},
		{"--db", "/d", "query", "T"},
		{"--db=/d", "query", "--format", "json", "T"},
		{"--db", "/a", "query", "--db", "/b", "T"},
	}
	for _, args := range same {
		var full cli
		p, err := kong.New(&full, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Parse(args); err != nil {
			t.Fatalf("%q: whole CLI: %v", args, err)
		}
		q, ok := parseQueryOnly(args, opts)
		if !ok {
			t.Fatalf("%q: not parsed by the query parser", args)
		}
		if q.globals != full.globals || !reflect.DeepEqual(q.Query, full.Query) {
			t.Errorf("%q: query parser %+v %+v, whole CLI %+v %+v", args, q.globals, q.Query, full.globals, full.Query)
		}
	}
	for _, args := range [][]string{
		{"ingest", "x.csv"},
		{"--db", "/d", "ingest", "x.csv"},
		{"--db"},
		{"--db", "query"},
		{"--tz", "UTC", "query", "T"},
		{"query", "--help"},
		{"query", "T", "-h"},
		{"query", "--bogus", "T"},
		{"query", "--format", "nope", "T"},
		{"query", "--now", "yesterday", "T"},
		{},
	} {
		if _, ok := parseQueryOnly(args, opts); ok {
			t.Errorf("%q: taken by the query parser", args)
		}
	}
}

// TestPlainQuery checks the parser-free reading of the commonest command
// line against the whole CLI's, and that it leaves everything else alone.
func TestPlainQuery(t *testing.T) {
	opts := testKongOptions()
	for _, args := range [][]string{
		{"query", "T | take 1"},
		{"--db", "/d", "query", "T"},
		{"--db=/d", "query", "T"},
		{"query", "--db", "/d", "T"},
		{"query", "T", "--db=/d"},
		{"--db", "/a", "query", "--db", "/b", "T"},
		{"--db", "query", "query", "query"},
		{"--db", "", "query", "UrlClickEvents\n| where Url has \"a-b\"\n| count"},
	} {
		db, text, ok := plainQuery(args)
		if !ok {
			t.Errorf("%q: not taken", args)
			continue
		}
		var full cli
		p, err := kong.New(&full, opts...)
		if err != nil {
			t.Fatal(err)
		}
		kctx, err := p.Parse(args)
		if err != nil {
			t.Fatalf("%q: whole CLI: %v", args, err)
		}
		want := full.Query
		got := queryCmd{Format: "auto", Repeat: 1, Text: text}
		if kctx.Command() != "query <QUERY>" || db != full.DB || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %q %+v, whole CLI %q %q %+v", args, db, got, kctx.Command(), full.DB, want)
		}
	}
	for _, args := range [][]string{
		{}, {"query"}, {"query", "-f", "q.kql"}, {"query", "--format", "csv", "T"},
		{"query", "T", "--timing"}, {"query", "-", "T"}, {"query", "T", "U"},
		{"query", "--", "T"}, {"query", "-h"}, {"query", "T", "--db"},
		{"--tz", "UTC", "query", "T"}, {"ingest", "x.csv"}, {"repl"}, {"T"},
		{"query", "query", "T"}, {"query", ""},
	} {
		if _, _, ok := plainQuery(args); ok {
			t.Errorf("%q: taken", args)
		}
	}
}
