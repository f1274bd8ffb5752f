package main

import (
	"os"
	"path/filepath"
	"runtime"
)

// defaultDBDir is the database directory used when neither --db nor
// $CLICKHUNT_DB is given: the "db" directory inside dataDir, that is
//
//   - $XDG_DATA_HOME/clickhunt/db when XDG_DATA_HOME is set (to an absolute path), else
//   - Linux, BSD and other Unix: ~/.local/share/clickhunt/db
//   - macOS: ~/Library/Application Support/clickhunt/db
//   - Windows: %LocalAppData%\clickhunt\db
func defaultDBDir() string {
	return filepath.Join(dataDir(), "db")
}

// defaultHistoryFile is the REPL history file when $CLICKHUNT_HISTORY is
// not set: "history" next to the default database directory.
func defaultHistoryFile() string {
	return filepath.Join(dataDir(), "history")
}

// dataDir is clickhunt's per-user data directory (see defaultDBDir).
func dataDir() string {
	if x := os.Getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "clickhunt")
	}
	home, _ := os.UserHomeDir()
	switch runtime.GOOS {
	case "windows":
		if la := os.Getenv("LocalAppData"); la != "" {
			return filepath.Join(la, "clickhunt")
		}
		if home != "" {
			return filepath.Join(home, "AppData", "Local", "clickhunt")
		}
	case "darwin", "ios":
		if home != "" {
			return filepath.Join(home, "Library", "Application Support", "clickhunt")
		}
	default:
		if home != "" {
			return filepath.Join(home, ".local", "share", "clickhunt")
		}
	}
	// No home directory (a bare container, say): fall back to the working
	// directory rather than failing.
	return ".clickhunt"
}

// resolveDBDir applies the --db, $CLICKHUNT_DB, default order.
func resolveDBDir(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("CLICKHUNT_DB"); env != "" {
		return env
	}
	return defaultDBDir()
}

// resolveDB applies the --db, $CLICKHUNT_DB, config file, default order.
func resolveDB(flag string, p prefs) string {
	if flag == "" && os.Getenv("CLICKHUNT_DB") == "" && p.DB != "" {
		return p.DB
	}
	return resolveDBDir(flag)
}

// resolveHistoryFile applies the $CLICKHUNT_HISTORY, default order.
func resolveHistoryFile() string {
	if env := os.Getenv("CLICKHUNT_HISTORY"); env != "" {
		return env
	}
	return defaultHistoryFile()
}
