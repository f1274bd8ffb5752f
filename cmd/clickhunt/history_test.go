package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Entries go into the history file one a line and come back as they
// were: several lines, comments, quotes, a final ';'.
func TestHistoryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	entries := []string{
		"UrlClickEvents // all clicks\n| where Workload == \"Teams\" // teams only\n| count",
		`"a string first"`,
		"T | count;",
		".help where",
		"let x = 1;\r\nT | take x",
	}
	for _, e := range entries {
		if err := appendHistory(path, e); err != nil {
			t.Fatal(err)
		}
	}
	got, lines, err := readHistory(path, historyLimit)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(entries, got); diff != "" || lines != len(entries) {
		t.Errorf("%d lines; entries (-want +got):\n%s", lines, diff)
	}
}

// A history file written by an older clickhunt, one entry a line, reads
// the same; only the last historyLimit entries are kept, and a rewrite
// keeps them.
func TestHistoryFileOldAndLong(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	var want []string
	var text string
	for i := range historyLimit + 10 {
		e := fmt.Sprintf("UrlClickEvents | take %d", i)
		text += e + "\n\n" // blank lines are skipped
		want = append(want, e)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	got, lines, err := readHistory(path, historyLimit)
	if err != nil {
		t.Fatal(err)
	}
	want = want[10:]
	if lines != historyLimit+10 || !cmp.Equal(want, got) {
		t.Fatalf("%d lines, %d entries (first %q), want %d and the last %d", lines, len(got), got[0], historyLimit+10, historyLimit)
	}
	if err := rewriteHistory(path, got); err != nil {
		t.Fatal(err)
	}
	again, lines, err := readHistory(path, historyLimit)
	if err != nil || lines != historyLimit || !cmp.Equal(want, again) {
		t.Fatalf("after the rewrite: %d lines, err %v", lines, err)
	}
	if _, _, err := readHistory(filepath.Join(t.TempDir(), "none"), historyLimit); err != nil {
		t.Errorf("a missing history file: %v", err)
	}
}
