package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The commands the examples and the README tell a user to run (indented
// "//   clickhunt ..." lines in examples/**/*.kql, `clickhunt ... examples/...`
// in the README) work as written, against a database of the example
// data. A command written as a template (KIND, X, 'QUERY') must at least
// name a command and flags that exist.
func TestExampleCommands(t *testing.T) {
	var cmds []string
	commented := regexp.MustCompile(`(?m)^//\s{2,}(clickhunt .+?)\s*$`)
	err := filepath.Walk("../examples", func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".kql") {
			return err
		}
		data, err := os.ReadFile(path)
		for _, m := range commented.FindAllStringSubmatch(string(data), -1) {
			cmds = append(cmds, m[1])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile("`(clickhunt [^`]*examples/[^`]*)`").FindAllStringSubmatch(string(readme), -1) {
		cmds = append(cmds, m[1])
	}
	if len(cmds) < 3 {
		t.Fatalf("found only %q", cmds)
	}

	db := filepath.Join(t.TempDir(), "db")
	run(t, "ingest", "--db", db, "../examples/clicks.csv", "../examples/messagetrace.csv")
	placeholder := regexp.MustCompile(`(^|[^A-Za-z])[A-Z]+([^A-Za-z]|$)`)
	for _, c := range cmds {
		args := shellWords(t, strings.TrimPrefix(c, "clickhunt "))
		if placeholder.MatchString(c) {
			// A template: its command and flags exist.
			out, err := exec.Command(binary, args[0], "--help").CombinedOutput()
			if err != nil {
				t.Errorf("%s: %s --help: %v\n%s", c, args[0], err, out)
				continue
			}
			for _, a := range args[1:] {
				if strings.HasPrefix(a, "-") && !strings.Contains(string(out), strings.SplitN(a, "=", 2)[0]) {
					t.Errorf("%s: %s has no flag %s", c, args[0], a)
				}
			}
			continue
		}
		cmd := exec.Command(binary, append([]string{"--db", db}, args...)...)
		cmd.Dir = ".." // the commands are written from the repository's root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", c, err, out)
		}
	}
}

// shellWords splits a command line as a POSIX shell would (quotes, no
// expansions).
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if quote != 0 {
		t.Fatalf("unterminated quote in %q", line)
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}
