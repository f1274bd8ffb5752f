package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"clickhunt/output"
)

// prefs are the settings that persist in the config file, so an analyst
// sets them once:
//
//	# clickhunt settings (.save in the REPL writes this file)
//	db = /data/clickhunt
//	format = vertical
//	tz = Europe/Berlin
//	now = 2024-03-01T12:00:00Z
//	timing = on
//	pager = off
//	accepted-domain = contoso.com, contoso.co.uk
//
// Flags and environment variables win over the file: --db and
// $CLICKHUNT_DB over db, --format over format, --tz over tz, --now over
// now. The file lives at $CLICKHUNT_CONFIG, else "clickhunt/config" in the
// user's configuration directory (platform.configFile: $XDG_CONFIG_HOME or
// ~/.config on Linux, ~/Library/Application Support on macOS, %AppData%
// on Windows).
type prefs struct {
	DB     string
	Format string // "" means the default (table on a terminal, csv otherwise)
	TZ     string // IANA zone name, "UTC" or "Local"; "" means UTC
	Now    string // ISO 8601; "" means the clock
	Timing bool
	// Pager is "off" to never page; "" pages long REPL results on a
	// terminal through $PAGER (else less).
	Pager string
	// AcceptedDomain lists the organisation's own domains
	// (comma-separated), for messagetrace -Direction.
	AcceptedDomain string
}

// configFile is where prefs are read from and saved to.
func configFile() string {
	if p := os.Getenv("CLICKHUNT_CONFIG"); p != "" {
		return p
	}
	return thisPlatform().configFile()
}

// loadPrefs reads the config file; a missing file gives zero prefs. A bad
// line is an error naming file:line.
func loadPrefs(path string) (prefs, error) {
	var p prefs
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return p, fmt.Errorf("%s:%d: want key = value", path, n)
		}
		if err := p.set(strings.TrimSpace(key), strings.TrimSpace(val)); err != nil {
			return p, fmt.Errorf("%s:%d: %v", path, n, err)
		}
	}
	return p, sc.Err()
}

// prefKeys are the config file's keys.
var prefKeys = []string{"db", "format", "tz", "now", "timing", "pager", "accepted-domain"}

// set sets one pref from its text, checking it.
func (p *prefs) set(key, val string) error {
	switch key {
	case "db":
		p.DB = val
	case "format":
		if val != "" && !output.Valid(val) {
			return fmt.Errorf("format must be one of %s", strings.Join(output.Formats, ", "))
		}
		p.Format = val
	case "tz":
		if _, err := loadZone(val); err != nil {
			return err
		}
		p.TZ = val
	case "now":
		if val != "" && val != "off" {
			if _, err := parseNow(val); err != nil {
				return err
			}
		} else {
			val = ""
		}
		p.Now = val
	case "timing":
		b, err := parseOnOff(val)
		if err != nil {
			return err
		}
		p.Timing = b
	case "pager":
		if val != "" && val != "on" && val != "off" {
			return errors.New("pager must be on or off")
		}
		p.Pager = val
	case "accepted-domain":
		for _, d := range strings.Split(val, ",") {
			if d = strings.TrimSpace(d); d != "" && (strings.ContainsAny(d, "@ /") || !strings.Contains(d, ".")) {
				return fmt.Errorf("accepted-domain: %q is not a domain (expected e.g. contoso.com, contoso.co.uk)", d)
			}
		}
		p.AcceptedDomain = val
	default:
		return fmt.Errorf("unknown setting %q (settings: %s)", key, strings.Join(prefKeys, ", "))
	}
	return nil
}

// save writes p to path, creating its directory.
func (p prefs) save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString("# clickhunt settings; see 'clickhunt --help'. The REPL's .save rewrites this file.\n")
	kv := map[string]string{"db": p.DB, "format": p.Format, "tz": p.TZ, "now": p.Now, "pager": p.Pager, "accepted-domain": p.AcceptedDomain}
	if p.Timing {
		kv["timing"] = "on"
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if kv[k] != "" {
			fmt.Fprintf(&sb, "%s = %s\n", k, kv[k])
		}
	}
	return os.WriteFile(path, []byte(sb.String()), 0o600)
}

// loadZone resolves a --tz value: "" and "UTC" are UTC, "Local" the
// machine's zone, else an IANA name (Europe/Berlin) or a fixed offset
// (+02:00, -0530).
func loadZone(name string) (*time.Location, error) {
	switch name {
	case "", "UTC", "utc", "Z":
		return time.UTC, nil
	case "Local", "local":
		return time.Local, nil
	}
	if name[0] == '+' || name[0] == '-' {
		for _, layout := range []string{"-07:00", "-0700", "-07"} {
			if t, err := time.Parse(layout, name); err == nil {
				_, off := t.Zone()
				return time.FixedZone(name, off), nil
			}
		}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q (want UTC, Local, an IANA name such as Europe/Berlin, or an offset such as +02:00)", name)
	}
	return loc, nil
}

func parseOnOff(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no", "":
		return false, nil
	}
	return false, fmt.Errorf("want on or off, not %q", v)
}
