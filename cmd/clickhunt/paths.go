package main

import (
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// Where clickhunt keeps its files on each operating system. The rules are
// pure functions of a platform (the OS, its environment, the home
// directory), so the tests check every OS's paths on any machine.
//
//	                 data (database, history)             config file
//	Linux, BSD:      $XDG_DATA_HOME/clickhunt             $XDG_CONFIG_HOME/clickhunt/config
//	                 else ~/.local/share/clickhunt        else ~/.config/clickhunt/config
//	macOS:           ~/Library/Application Support/clickhunt   (both)
//	Windows:         %LocalAppData%\clickhunt             %AppData%\clickhunt\config
//
// $XDG_DATA_HOME and $XDG_CONFIG_HOME, when set to an absolute path, win
// on every OS (as for other command-line tools on macOS). Without a home
// directory (a bare container) the data go to .clickhunt in the working
// directory.

// platform is what the paths depend on.
type platform struct {
	goos   string
	getenv func(string) string
	home   string // "" when unknown
}

// thisPlatform is the machine clickhunt runs on.
func thisPlatform() platform {
	home, _ := os.UserHomeDir()
	return platform{goos: runtime.GOOS, getenv: os.Getenv, home: home}
}

// join joins path elements with the OS's separator.
func (p platform) join(elem ...string) string {
	if p.goos != "windows" {
		return path.Join(elem...)
	}
	var parts []string
	for i, e := range elem {
		e = strings.ReplaceAll(e, "/", `\`)
		if i > 0 {
			e = strings.Trim(e, `\`)
		} else {
			e = strings.TrimRight(e, `\`)
		}
		if e != "" {
			parts = append(parts, e)
		}
	}
	return strings.Join(parts, `\`)
}

// isAbs reports whether dir is an absolute path on the OS.
func (p platform) isAbs(dir string) bool {
	if p.goos != "windows" {
		return strings.HasPrefix(dir, "/")
	}
	return strings.HasPrefix(dir, `\\`) || len(dir) >= 3 && dir[1] == ':' && (dir[2] == '\\' || dir[2] == '/')
}

// dataDir is clickhunt's per-user data directory: the database and the
// REPL history live in it.
func (p platform) dataDir() string {
	if x := p.getenv("XDG_DATA_HOME"); x != "" && p.isAbs(x) {
		return p.join(x, "clickhunt")
	}
	switch p.goos {
	case "windows":
		if la := p.getenv("LocalAppData"); la != "" {
			return p.join(la, "clickhunt")
		}
		if p.home != "" {
			return p.join(p.home, "AppData", "Local", "clickhunt")
		}
	case "darwin", "ios":
		if p.home != "" {
			return p.join(p.home, "Library", "Application Support", "clickhunt")
		}
	default:
		if p.home != "" {
			return p.join(p.home, ".local", "share", "clickhunt")
		}
	}
	return ".clickhunt"
}

// configFile is the config file's default place.
func (p platform) configFile() string {
	if x := p.getenv("XDG_CONFIG_HOME"); x != "" && p.isAbs(x) {
		return p.join(x, "clickhunt", "config")
	}
	switch p.goos {
	case "windows":
		if ad := p.getenv("AppData"); ad != "" {
			return p.join(ad, "clickhunt", "config")
		}
		if p.home != "" {
			return p.join(p.home, "AppData", "Roaming", "clickhunt", "config")
		}
	case "darwin", "ios":
		if p.home != "" {
			return p.join(p.home, "Library", "Application Support", "clickhunt", "config")
		}
	default:
		if p.home != "" {
			return p.join(p.home, ".config", "clickhunt", "config")
		}
	}
	return p.join(p.dataDir(), "config")
}

// defaultDBDir is the database directory used when neither --db,
// $CLICKHUNT_DB nor the config file's db is given.
func defaultDBDir() string {
	p := thisPlatform()
	return p.join(p.dataDir(), "db")
}

// defaultHistoryFile is the REPL history file when $CLICKHUNT_HISTORY is
// not set: "history" next to the default database directory.
func defaultHistoryFile() string {
	p := thisPlatform()
	return p.join(p.dataDir(), "history")
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

// expandHome turns a leading "~/" (or "~\" on Windows) into the home
// directory, as a shell would for .ingest's arguments.
func expandHome(name string) string {
	if !strings.HasPrefix(name, "~/") && !(runtime.GOOS == "windows" && strings.HasPrefix(name, `~\`)) {
		return name
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return name
	}
	return filepath.Join(home, name[2:])
}
