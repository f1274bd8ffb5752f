package query

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"clickhunt/column"
)

// The engine's script tests: testdata/*.test hold queries and the output
// they must give, in the spirit of Prometheus' promqltest, so that a case
// is added without writing Go. A file is a list of cases separated by
// blank lines; lines starting with # are comments. A case is
//
//	query [unordered] | query error | explain
//	<the query: one or more lines>
//	----
//	<the expected output: up to a blank line or the end of the file>
//
// query prints the result: a header of name:type columns, then one line
// per row, values separated by " | " (strings quoted, null as null,
// dynamic values as JSON). unordered compares the rows as a set, for
// queries whose row order KQL leaves open. query error expects the query
// to fail with the message given (line:col: message); explain prints the
// plan (plan.Explain). Queries run with no tables, now() at
// scriptNow. go test ./query -run Scripts -update rewrites the expected
// outputs from what the engine gives (review the diff).

var update = flag.Bool("update", false, "rewrite the expected outputs of testdata/*.test")

// scriptNow is what now() is in script tests.
var scriptNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

type scriptCase struct {
	line     int    // of the directive, 1-based
	kind     string // query, query unordered, query error, explain
	query    string
	expected []string
	// start and end are the lines (0-based, end exclusive) of the
	// expected output, for -update.
	start, end int
}

func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.test files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".test"), func(t *testing.T) {
			runScript(t, file)
		})
	}
}

func runScript(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	cases, err := parseScript(lines)
	if err != nil {
		t.Fatalf("%s:%v", file, err)
	}
	var updated []string
	last := 0
	for _, c := range cases {
		got := runCase(c)
		if *update {
			updated = append(updated, lines[last:c.start]...)
			updated = append(updated, got...)
			last = c.end
			continue
		}
		if !sameOutput(c, got) {
			t.Errorf("%s:%d: %s\n%s\n---- got\n%s\n---- want\n%s", file, c.line, c.kind, c.query,
				strings.Join(got, "\n"), strings.Join(c.expected, "\n"))
		}
	}
	if *update {
		updated = append(updated, lines[last:]...)
		if err := os.WriteFile(file, []byte(strings.Join(updated, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// parseScript splits a script into its cases.
func parseScript(lines []string) ([]scriptCase, error) {
	var cases []scriptCase
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		c := scriptCase{line: i + 1, kind: strings.Join(strings.Fields(l), " ")}
		switch c.kind {
		case "query", "query unordered", "query error", "explain":
		default:
			return nil, fmt.Errorf("%d: expected query, query unordered, query error or explain, got %q", i+1, l)
		}
		var q []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "----"; i++ {
			q = append(q, lines[i])
		}
		if i == len(lines) {
			return nil, fmt.Errorf("%d: the case has no ---- line", c.line)
		}
		c.query = strings.Join(q, "\n")
		c.start = i + 1
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
			c.expected = append(c.expected, lines[i])
		}
		c.end = i
		cases = append(cases, c)
	}
	return cases, nil
}

// runCase runs one case and returns its output lines.
func runCase(c scriptCase) []string {
	opts := Options{Now: scriptNow, MaxMemory: 1 << 30}
	if c.kind == "explain" {
		out, err := Explain(nil, c.query, opts)
		if err != nil {
			return []string{"error: " + err.Error()}
		}
		return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	}
	res, err := Run(context.Background(), nil, c.query, opts)
	if c.kind == "query error" {
		if err == nil {
			return []string{"no error"}
		}
		return strings.Split(err.Error(), "\n")
	}
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	return formatResult(res)
}

func sameOutput(c scriptCase, got []string) bool {
	want := c.expected
	if c.kind == "query unordered" && len(got) > 0 && len(want) > 0 {
		g, w := slices.Clone(got[1:]), slices.Clone(want[1:])
		slices.Sort(g)
		slices.Sort(w)
		return got[0] == want[0] && slices.Equal(g, w)
	}
	return slices.Equal(got, want)
}

// formatResult prints a result as the script format shows it.
func formatResult(res *Result) []string {
	head := make([]string, len(res.Schema))
	for i, f := range res.Schema {
		head[i] = f.Name + ":" + f.Type.String()
	}
	out := []string{strings.Join(head, " | ")}
	b := res.Batch
	for r := 0; r < b.Len; r++ {
		row := make([]string, len(b.Cols))
		for c, v := range b.Cols {
			row[c] = scriptValue(v, r)
		}
		out = append(out, strings.Join(row, " | "))
	}
	return out
}

func scriptValue(v *column.Vector, i int) string {
	if v.IsNull(i) {
		return "null"
	}
	switch v.Type {
	case column.String, column.Guid:
		return strconv.Quote(v.Str(i))
	case column.Dynamic:
		return string(column.AppendDynamicJSON(nil, v.Value(i)))
	}
	return column.FormatValue(v, i)
}
