package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
)

// The REPL's history file keeps each statement as it was typed, several
// lines and comments included, one entry a line: an entry that holds a
// line break (or starts with '"') is written as a JSON string, any other
// verbatim, so the file stays readable and a file written by an older
// clickhunt (one entry a line) reads the same.

// historyLimit is how many entries the REPL keeps.
const historyLimit = 2000

// encodeHistory returns entry as one line of the history file.
func encodeHistory(entry string) string {
	if strings.ContainsAny(entry, "\n\r") || strings.HasPrefix(entry, `"`) {
		b, _ := json.Marshal(entry) // a string always marshals
		return string(b)
	}
	return entry
}

// decodeHistory returns the entry one line of the history file holds.
func decodeHistory(line string) string {
	if strings.HasPrefix(line, `"`) {
		var s string
		if json.Unmarshal([]byte(line), &s) == nil {
			return s
		}
	}
	return line
}

// readHistory returns the last limit entries of the history file at path
// (none when it does not exist yet), oldest first, and how many lines it
// holds.
func readHistory(path string, limit int) (entries []string, lines int, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		lines++
		entries = append(entries, decodeHistory(line))
		if len(entries) > 2*limit {
			entries = append(entries[:0], entries[len(entries)-limit:]...)
		}
	}
	if len(entries) > limit {
		entries = entries[len(entries)-limit:]
	}
	return entries, lines, sc.Err()
}

// appendHistory adds entry at the end of the history file at path.
func appendHistory(path, entry string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(encodeHistory(entry) + "\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// rewriteHistory replaces the history file at path with entries (through
// a temporary file renamed into place, so a crash leaves the old file).
func rewriteHistory(path string, entries []string) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, e := range entries {
		w.WriteString(encodeHistory(e) + "\n")
	}
	if err := w.Flush(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
