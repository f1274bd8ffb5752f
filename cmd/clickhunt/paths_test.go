package main

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"clickhunt/ingest"
	"clickhunt/storage"
)

// The paths of every OS, checked on any machine: each case is a platform
// (its OS, environment and home directory) and the data directory and
// config file it gets.
func TestPlatformPaths(t *testing.T) {
	f := func(goos, home string, env map[string]string, data, config string) {
		t.Helper()
		p := platform{goos: goos, home: home, getenv: func(k string) string { return env[k] }}
		if got := p.dataDir(); got != data {
			t.Errorf("%s %v: data %q, want %q", goos, env, got, data)
		}
		if got := p.configFile(); got != config {
			t.Errorf("%s %v: config %q, want %q", goos, env, got, config)
		}
	}
	none := map[string]string{}
	f("linux", "/home/ann", none, "/home/ann/.local/share/clickhunt", "/home/ann/.config/clickhunt/config")
	f("freebsd", "/home/ann", none, "/home/ann/.local/share/clickhunt", "/home/ann/.config/clickhunt/config")
	f("linux", "/home/ann", map[string]string{"XDG_DATA_HOME": "/xdg/data", "XDG_CONFIG_HOME": "/xdg/cfg"},
		"/xdg/data/clickhunt", "/xdg/cfg/clickhunt/config")
	f("linux", "/home/ann", map[string]string{"XDG_DATA_HOME": "relative/ignored", "XDG_CONFIG_HOME": "also/ignored"},
		"/home/ann/.local/share/clickhunt", "/home/ann/.config/clickhunt/config")
	f("linux", "", none, ".clickhunt", ".clickhunt/config")
	f("darwin", "/Users/ann", none, "/Users/ann/Library/Application Support/clickhunt", "/Users/ann/Library/Application Support/clickhunt/config")
	f("darwin", "/Users/ann", map[string]string{"XDG_DATA_HOME": "/Users/ann/.data"}, "/Users/ann/.data/clickhunt",
		"/Users/ann/Library/Application Support/clickhunt/config")
	f("windows", `C:\Users\ann`, map[string]string{"LocalAppData": `C:\Users\ann\AppData\Local`, "AppData": `C:\Users\ann\AppData\Roaming`},
		`C:\Users\ann\AppData\Local\clickhunt`, `C:\Users\ann\AppData\Roaming\clickhunt\config`)
	f("windows", `C:\Users\ann`, none, `C:\Users\ann\AppData\Local\clickhunt`, `C:\Users\ann\AppData\Roaming\clickhunt\config`)
	f("windows", `C:\Users\ann`, map[string]string{"XDG_DATA_HOME": "/not/absolute/here", "LocalAppData": `D:\Local\`},
		`D:\Local\clickhunt`, `C:\Users\ann\AppData\Roaming\clickhunt\config`)
	f("windows", `C:\Users\ann`, map[string]string{"XDG_DATA_HOME": `E:\xdg`}, `E:\xdg\clickhunt`, `C:\Users\ann\AppData\Roaming\clickhunt\config`)
	f("windows", "", map[string]string{"AppData": `\\server\profiles\ann`}, ".clickhunt", `\\server\profiles\ann\clickhunt\config`)
}

// The machine's own defaults follow its platform's rules.
func TestDefaultDBDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	if runtime.GOOS != "windows" {
		if got, want := defaultDBDir(), "/xdg/data/clickhunt/db"; got != want {
			t.Errorf("with XDG_DATA_HOME: %q, want %q", got, want)
		}
		if got, want := defaultHistoryFile(), "/xdg/data/clickhunt/history"; got != want {
			t.Errorf("history: %q, want %q", got, want)
		}
	}
	p := thisPlatform()
	if got, want := defaultDBDir(), filepath.Join(p.dataDir(), "db"); got != want {
		t.Errorf("default database %q, want %q", got, want)
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
