package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"clickhunt/examples/gen"
)

func TestRun(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-rows", "10", "-seed", "3"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 11 || lines[0] != gen.Header {
		t.Fatalf("got %d lines:\n%s", len(lines), out.String())
	}

	path := filepath.Join(t.TempDir(), "c.csv")
	if code := run([]string{"-rows", "10", "-seed", "3", "-o", path}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	data, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(data, out.Bytes()) {
		t.Fatalf("file differs from stdout output (%v)", err)
	}

	errb.Reset()
	if code := run([]string{"-start", "yesterday"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "-start") {
		t.Errorf("bad -start: exit %d, %q", code, errb.String())
	}
}
