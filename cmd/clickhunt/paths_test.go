package main

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"clickhunt/ingest"
	"clickhunt/storage"
)

func TestDefaultDBDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	t.Setenv("HOME", "/home/ann")
	if runtime.GOOS != "windows" {
		if got, want := defaultDBDir(), "/xdg/data/clickhunt/db"; got != want {
			t.Errorf("with XDG_DATA_HOME: %q, want %q", got, want)
		}
		if got, want := defaultHistoryFile(), "/xdg/data/clickhunt/history"; got != want {
			t.Errorf("history: %q, want %q", got, want)
		}
	}
	t.Setenv("XDG_DATA_HOME", "relative/ignored")
	var want string
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		want = "/home/ann/.local/share/clickhunt/db"
	case "darwin":
		want = "/home/ann/Library/Application Support/clickhunt/db"
	default:
		t.Skip("no expectation for " + runtime.GOOS)
	}
	if got := defaultDBDir(); got != want {
		t.Errorf("without XDG_DATA_HOME: %q, want %q", got, want)
	}
}

func TestResolveDBDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg")
	t.Setenv("CLICKHUNT_DB", "")
	if got := resolveDBDir(""); got != filepath.Join("/xdg", "clickhunt", "db") {
		t.Errorf("default: %q", got)
	}
	t.Setenv("CLICKHUNT_DB", "/env/db")
	if got := resolveDBDir(""); got != "/env/db" {
		t.Errorf("env: %q", got)
	}
	if got := resolveDBDir("flag/db"); got != "flag/db" {
		t.Errorf("flag: %q", got)
	}
	t.Setenv("CLICKHUNT_HISTORY", "/h/hist")
	if got := resolveHistoryFile(); got != "/h/hist" {
		t.Errorf("history: %q", got)
	}
}

func TestSummaryLine(t *testing.T) {
	f := func(s ingest.Summary, want string) {
		t.Helper()
		if got := summaryLine(s); got != want {
			t.Errorf("summaryLine = %q, want %q", got, want)
		}
	}
	f(ingest.Summary{Path: "clicks.csv", Table: "UrlClickEvents", Rows: 5000, Elapsed: 250 * time.Millisecond},
		"clicks.csv: 5000 rows into UrlClickEvents in 250ms (20000 rows/s)")
	f(ingest.Summary{Path: "big.jsonl", Table: "UrlClickEvents", Rows: 3000000, Elapsed: 12345678 * time.Microsecond},
		"big.jsonl: 3000000 rows into UrlClickEvents in 12.346s (243000 rows/s)")
	f(ingest.Summary{Path: "again.csv", AlreadyIngested: true, Previous: storage.FileRecord{
		Path: "/data/clicks.csv", Ingested: time.Date(2024, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))}},
		"again.csv: already ingested (same content as /data/clicks.csv, 2024-03-01T09:00:00Z): nothing stored")
}
