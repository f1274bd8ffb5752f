package main

// These tests run the built binary, as scripts and users do. TestMain builds
// it once into a temporary directory.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// binary is the clickhunt executable built by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "clickhunt-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "clickhunt")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	// The clickhunt_stall tag adds the hook of CLICKHUNT_TEST_STALL
	// (query/exec/stall_hook.go): tests make a query wait inside a kernel
	// until it is cancelled. Without that variable the binary is the
	// product's.
	build := exec.Command(gobin, "build", "-tags", "clickhunt_stall", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // as make build does
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building clickhunt:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary gave.
type result struct {
	stdout, stderr string
	code           int
}

// clickhunt runs the binary in dir with args and stdin, with a clean
// environment pointing data and history into dir.
func clickhunt(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	return clickhuntEnv(t, dir, stdin, nil, args...)
}

// clickhuntEnv is clickhunt with more environment variables.
func clickhuntEnv(t *testing.T, dir, stdin string, env []string, args ...string) result {
	t.Helper()
	// No time limit of our own: a busy machine is slow, not wrong. A hung
	// process is killed shortly before the test binary's deadline, so the
	// failure shows its output.
	ctx, cancel := context.Background(), func() {}
	if d, ok := t.Deadline(); ok {
		ctx, cancel = context.WithDeadline(ctx, d.Add(-15*time.Second))
	}
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(testEnv(dir), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("clickhunt %q: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// testEnv keeps PATH and friends but sends every per-user file into dir.
func testEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CLICKHUNT_") || strings.HasPrefix(kv, "XDG_DATA_HOME=") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+dir,
		"XDG_DATA_HOME="+filepath.Join(dir, "xdg"),
		"CLICKHUNT_HISTORY="+filepath.Join(dir, "history"),
	)
}

func (r result) expect(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

func matches(t *testing.T, what, got, pattern string) {
	t.Helper()
	if !regexp.MustCompile(pattern).MatchString(got) {
		t.Errorf("%s does not match %s:\n%s", what, pattern, got)
	}
}

// --- Tests that need no engine ---------------------------------------------

func TestCLIUsageErrors(t *testing.T) {
	dir := t.TempDir()
	f := func(want string, args ...string) {
		t.Helper()
		r := clickhunt(t, dir, "", args...)
		if r.code != 2 {
			t.Errorf("clickhunt %q: exit %d, want 2\nstderr: %s", args, r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, want) {
			t.Errorf("clickhunt %q: stderr lacks %q:\n%s", args, want, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("clickhunt %q: stdout not empty:\n%s", args, r.stdout)
		}
	}
	f(`clickhunt: error: unknown flag --bogus`, "query", "--bogus", "T")
	f(`Run 'clickhunt query --help' for usage.`, "query", "--bogus", "T")
	f(`--format must be one of`, "query", "--format", "xml", "T")
	f(`--format must be one of`, "ingest", "--format", "xml", "a.csv")
	f(`--now: cannot parse "yesterday" as a datetime`, "query", "--now", "yesterday", "T")
	f(`expected "<FILE> ..."`, "ingest")
	f(`unexpected argument nonsense`, "nonsense")
	os.WriteFile(filepath.Join(dir, "hunts.kql"), []byte("T\n"), 0o644)
	f(`give either -f FILE or QUERY, not both`, "query", "-f", "hunts.kql", "T")
	f(`unexpected argument`, "query", "T", "U")
	f(`clickhunt: error: query: -f: stat missing.kql: no such file or directory`, "query", "-f", "missing.kql")
	f(`-f: . is a directory`, "query", "-f", ".")
	f(`unexpected argument`, "version", "extra")
}

func TestCLIHelp(t *testing.T) {
	dir := t.TempDir()
	f := func(args []string, want ...string) {
		t.Helper()
		r := clickhunt(t, dir, "", args...)
		r.expect(t, 0)
		for _, w := range want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("clickhunt %q: help lacks %q:\n%s", args, w, r.stdout)
			}
		}
	}
	f([]string{"--help"}, "Usage: clickhunt <command>", "ingest", "query", "repl", "version", "--db=DIR")
	f([]string{"query", "--help"}, "Usage: clickhunt query [<QUERY>] [flags]", "--keep-going", "--now=TIME", "-f, --file=FILE",
		`"-- query N (line L) --"`, "csv    each result is its own CSV section", "table on a terminal, csv otherwise")
	f([]string{"ingest", "--help"}, "Usage: clickhunt ingest <FILE> ... [flags]", "--table=NAME", "--format=\"auto\"", "stored whole or not at all")
	f([]string{"repl", "--help"}, "Usage: clickhunt repl [flags]", ".schema", "CLICKHUNT_HISTORY")
	r := clickhunt(t, dir, "", "version")
	r.expect(t, 0)
	matches(t, "version", r.stdout, `^clickhunt \S+ \(go[0-9.]+\S* \S+/\S+\)\n$`)
}

func TestCLINoDatabase(t *testing.T) {
	dir := t.TempDir()
	nodb := filepath.Join(dir, "nodb")
	want := "error: no database at " + nodb + ": run 'clickhunt ingest FILE' first\n"

	r := clickhunt(t, dir, "", "query", "--db", nodb, "UrlClickEvents | count")
	r.expect(t, 1)
	checkText(t, "stderr", r.stderr, want)

	// $CLICKHUNT_DB, stdin batch with no command, and an empty directory.
	os.Mkdir(nodb, 0o755)
	cmd := exec.Command(binary)
	cmd.Env = append(testEnv(dir), "CLICKHUNT_DB="+nodb)
	cmd.Stdin = strings.NewReader("UrlClickEvents | count\n")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("stdin batch: err = %v, want exit 1", err)
	}
	checkText(t, "stderr", errb.String(), want)

	// The default location follows XDG_DATA_HOME.
	r = clickhunt(t, dir, "", "query", "T")
	r.expect(t, 1)
	checkText(t, "stderr", r.stderr, "error: no database at "+filepath.Join(dir, "xdg", "clickhunt", "db")+": run 'clickhunt ingest FILE' first\n")

	// The REPL starts without a database (.ingest creates it); a query
	// says there is none.
	r = clickhunt(t, dir, "UrlClickEvents | count\n\n", "repl", "--db", nodb)
	r.expect(t, 0)
	if !strings.Contains(r.stdout, "The database is empty: load an export with .ingest FILE.") {
		t.Errorf("stdout lacks the empty-database note:\n%s", r.stdout)
	}
	checkText(t, "stderr", r.stderr, "error: "+strings.TrimPrefix(want, "error: "))
}

// A query that reads no table runs without a database, as in Kusto, and
// creates none; --explain prints a plan against the known tables.
func TestCLIQueryWithoutDatabase(t *testing.T) {
	dir := t.TempDir()
	nodb := filepath.Join(dir, "nodb")
	r := clickhunt(t, dir, "", "query", "print 1")
	r.expect(t, 0)
	checkText(t, "print 1", r.stdout, "print_0\n1\n")
	r = clickhunt(t, dir, "", "query", "--db", nodb, "--format", "json", "range x from 1 to 3 step 1 | summarize s = sum(x)")
	r.expect(t, 0)
	checkText(t, "range", r.stdout, "[\n{\"s\":6}\n]\n")
	for _, p := range []string{nodb, filepath.Join(dir, "xdg")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s exists after queries that read no table (err %v)", p, err)
		}
	}
	// A table the database would hold: the database is what is missing.
	r = clickhunt(t, dir, "", "query", "--db", nodb, "UrlClickEvents | count")
	r.expect(t, 1)
	checkText(t, "stderr", r.stderr, "error: no database at "+nodb+": run 'clickhunt ingest FILE' first\n")
	r = clickhunt(t, dir, "", "query", "--db", nodb, "--explain", "UrlClickEvents | where Workload == 'Teams' | count")
	r.expect(t, 0)
	checkText(t, "explain", r.stdout, "Count -> Count:long\n  Scan UrlClickEvents reads nothing where Workload == \"Teams\"\n")
}

// CSV holds the values as stored; --csv-excel-safe quotes cells a
// spreadsheet would run as formulas.
func TestCLICSVFaithful(t *testing.T) {
	dir := t.TempDir()
	q := `print Url = "--https://bing.com--", F = "=1+1", N = -1`
	r := clickhunt(t, dir, "", "query", "--format", "csv", q)
	r.expect(t, 0)
	checkText(t, "csv", r.stdout, "Url,F,N\n--https://bing.com--,=1+1,-1\n")
	r = clickhunt(t, dir, "", "query", "--format", "csv", "--csv-excel-safe", q)
	r.expect(t, 0)
	checkText(t, "excel-safe csv", r.stdout, "Url,F,N\n'--https://bing.com--,'=1+1,-1\n")
}

func TestCLIIngestMissingFile(t *testing.T) {
	dir := t.TempDir()
	r := clickhunt(t, dir, "", "ingest", "--db", filepath.Join(dir, "db"), "missing.csv")
	r.expect(t, 1)
	if !strings.HasPrefix(r.stderr, "missing.csv: ") {
		t.Errorf("stderr = %q, want it to start with missing.csv: ", r.stderr)
	}
}

// --- Tests that need storage, ingest and query ------------------------------

const clicksHeader = "Timestamp,Url,ActionType,AccountUpn,Workload,NetworkMessageId,IPAddress,ThreatTypes,DetectionMethods,IsClickedThrough,UrlChain,ReportId\n"

const clicksCSV = clicksHeader +
	"2024-03-01T10:00:00Z,https://a.example/login,ClickAllowed,alice@contoso.com,Email,m1,10.0.0.1,,,false,,r1\n" +
	"2024-03-01T11:30:00Z,https://b.example/x,ClickBlocked,bob@contoso.com,Email,m2,10.0.0.2,Phish,URL detonation,false,,r2\n" +
	"2024-03-01T23:59:59Z,https://a.example/login,ClickAllowed,bob@contoso.com,Teams,m3,10.0.0.2,,,true,,r3\n"

// newDB ingests clicksCSV into a fresh database and returns the test
// directory (which holds clicks.csv) and the database directory.
func newDB(t *testing.T) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "db")
	if err := os.WriteFile(filepath.Join(dir, "clicks.csv"), []byte(clicksCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	r := clickhunt(t, dir, "", "ingest", "--db", db, "clicks.csv")
	r.expect(t, 0)
	matches(t, "ingest stdout", r.stdout, `^clicks\.csv: 3 rows into UrlClickEvents in [0-9.]+[µm]?s \([0-9]+ rows/s\)\n$`)
	if r.stderr != "" {
		t.Errorf("ingest wrote to stderr (not a terminal, so no progress expected):\n%s", r.stderr)
	}
	return dir, db
}

func TestCLIIngestAndQuery(t *testing.T) {
	dir, db := newDB(t)

	// The same content again is skipped.
	r := clickhunt(t, dir, "", "ingest", "--db", db, "clicks.csv")
	r.expect(t, 0)
	matches(t, "re-ingest", r.stdout, `^clicks\.csv: already ingested \(same content as .*clicks\.csv, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\): nothing stored\n$`)

	// Piped stdout defaults to csv.
	r = clickhunt(t, dir, "", "query", "--db", db, "UrlClickEvents | count")
	r.expect(t, 0)
	checkText(t, "csv", r.stdout, "Count\n3\n")

	r = clickhunt(t, dir, "", "query", "--db", db, "--format", "table", "UrlClickEvents | count")
	r.expect(t, 0)
	checkText(t, "table", r.stdout, "Count\n-----\n    3\n(1 row)\n")

	r = clickhunt(t, dir, "", "query", "--db", db, "--format", "json",
		"UrlClickEvents | where AccountUpn == 'alice@contoso.com' | project Timestamp, Url, IsClickedThrough")
	r.expect(t, 0)
	checkText(t, "json", r.stdout, "[\n{\"Timestamp\":\"2024-03-01T10:00:00Z\",\"Url\":\"https://a.example/login\",\"IsClickedThrough\":false}\n]\n")

	r = clickhunt(t, dir, "", "query", "--db", db, "--format", "jsonl", "UrlClickEvents | summarize n = count() by Url | order by Url asc")
	r.expect(t, 0)
	checkText(t, "jsonl", r.stdout, "{\"Url\":\"https://a.example/login\",\"n\":2}\n{\"Url\":\"https://b.example/x\",\"n\":1}\n")

	// The query may come from stdin, with or without the query command,
	// and the database from $CLICKHUNT_DB.
	r = clickhunt(t, dir, "UrlClickEvents\n| count\n", "query", "--db", db)
	r.expect(t, 0)
	checkText(t, "stdin query", r.stdout, "Count\n3\n")
	cmd := exec.Command(binary)
	cmd.Env = append(testEnv(dir), "CLICKHUNT_DB="+db)
	cmd.Stdin = strings.NewReader("UrlClickEvents | count\n\nUrlClickEvents | take 1 | project ReportId\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("stdin batch: %v", err)
	}
	checkText(t, "stdin batch", string(out), "Count\n3\n\nReportId\nr1\n")

	// A one-shot query leaves its database to the process exit (no
	// Close): nothing stays locked, so an ingest right after it writes.
	os.WriteFile(filepath.Join(dir, "more.csv"), []byte(clicksHeader+"2024-03-02T10:00:00Z,https://c.example/,ClickAllowed,carol@contoso.com,Email,m4,10.0.0.3,,,false,,r4\n"), 0o644)
	clickhunt(t, dir, "", "query", "--db", db, "UrlClickEvents | count").expect(t, 0)
	clickhunt(t, dir, "", "ingest", "--db", db, "more.csv").expect(t, 0)
	r = clickhunt(t, dir, "", "query", "--db", db, "UrlClickEvents | count")
	r.expect(t, 0)
	checkText(t, "after a second ingest", r.stdout, "Count\n4\n")
}

func TestCLINow(t *testing.T) {
	dir, db := newDB(t)
	r := clickhunt(t, dir, "", "query", "--db", db, "--now", "2024-03-02T00:00:00Z", "UrlClickEvents | where Timestamp > ago(1h) | count")
	r.expect(t, 0)
	checkText(t, "--now", r.stdout, "Count\n1\n")
}

func TestCLIQueryError(t *testing.T) {
	dir, db := newDB(t)
	r := clickhunt(t, dir, "", "query", "--db", db, "UrlClickEvents | where Foo == 1")
	r.expect(t, 1)
	if r.stdout != "" {
		t.Errorf("stdout not empty: %q", r.stdout)
	}
	matches(t, "stderr", r.stderr, `^error: 1:24: .*Foo.*\nUrlClickEvents \| where Foo == 1\n {23}\^\n$`)
}

const huntsKQL = `// Weekly hunts.

// 1: clicks per user
UrlClickEvents
| summarize n = count() by AccountUpn
| order by AccountUpn asc

// 2: a typo
UrlClickEvents
| where Foo == 1

// 3
UrlClickEvents | count
`

func TestCLIBatch(t *testing.T) {
	dir, db := newDB(t)
	if err := os.WriteFile(filepath.Join(dir, "hunts.kql"), []byte(huntsKQL), 0o644); err != nil {
		t.Fatal(err)
	}
	errPattern := `^hunts\.kql:10:9: .*Foo.*\n\| where Foo == 1\n {8}\^\n$`

	// The first failing query stops the batch.
	r := clickhunt(t, dir, "", "query", "--db", db, "--format", "table", "-f", "hunts.kql")
	r.expect(t, 1)
	checkText(t, "stdout", r.stdout, `-- query 1 (line 3) --
AccountUpn        | n
------------------+--
alice@contoso.com | 1
bob@contoso.com   | 2
(2 rows)
`)
	matches(t, "stderr", r.stderr, errPattern)

	// --keep-going runs the rest and still fails.
	r = clickhunt(t, dir, "", "query", "--db", db, "--format", "table", "--keep-going", "-f", "hunts.kql")
	r.expect(t, 1)
	if !strings.HasSuffix(r.stdout, "(2 rows)\n\n-- query 3 (line 12) --\nCount\n-----\n    3\n(1 row)\n") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	matches(t, "stderr", r.stderr, errPattern)

	// csv: one section per query, blank-line separated, no titles.
	r = clickhunt(t, dir, "", "query", "--db", db, "--keep-going", "-f", "hunts.kql")
	r.expect(t, 1)
	checkText(t, "csv", r.stdout, "AccountUpn,n\nalice@contoso.com,1\nbob@contoso.com,2\n\nCount\n3\n")

	// json: one array per query.
	r = clickhunt(t, dir, "", "query", "--db", db, "--keep-going", "--format", "json", "-f", "hunts.kql")
	r.expect(t, 1)
	checkText(t, "json", r.stdout, "[\n{\"AccountUpn\":\"alice@contoso.com\",\"n\":1},\n{\"AccountUpn\":\"bob@contoso.com\",\"n\":2}\n]\n[\n{\"Count\":3}\n]\n")

	// A batch without errors exits 0.
	os.WriteFile(filepath.Join(dir, "ok.kql"), []byte("UrlClickEvents | count\n\n\n// only a comment\n"), 0o644)
	r = clickhunt(t, dir, "", "query", "--db", db, "-f", "ok.kql")
	r.expect(t, 0)
	checkText(t, "ok batch", r.stdout, "Count\n3\n")
}

func TestCLIIngestStopsAtBadFile(t *testing.T) {
	dir, db := newDB(t)
	good := clicksHeader + "2024-03-02T10:00:00Z,https://c.example/,ClickAllowed,carol@contoso.com,Email,m4,10.0.0.3,,,false,,r4\n"
	bad := clicksHeader +
		"2024-03-02T10:00:00Z,https://d.example/,ClickAllowed,dave@contoso.com,Email,m5,10.0.0.4,,,false,,r5\n" +
		"not a time,https://e.example/,ClickAllowed,erin@contoso.com,Email,m6,10.0.0.5,,,false,,r6\n"
	os.WriteFile(filepath.Join(dir, "good.csv"), []byte(good), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.csv"), []byte(bad), 0o644)
	os.WriteFile(filepath.Join(dir, "later.csv"), []byte(good+"\n"), 0o644)

	r := clickhunt(t, dir, "", "ingest", "--db", db, "good.csv", "bad.csv", "later.csv")
	r.expect(t, 1)
	matches(t, "stdout", r.stdout, `^good\.csv: 1 rows into UrlClickEvents in .*\n$`)
	matches(t, "stderr", r.stderr, `^bad\.csv:3(:\d+)?: .+\n$`)

	// good.csv stayed; nothing of bad.csv or later.csv did.
	r = clickhunt(t, dir, "", "query", "--db", db, "UrlClickEvents | count")
	r.expect(t, 0)
	checkText(t, "count", r.stdout, "Count\n4\n")
}

func TestCLIIngestWhileOpen(t *testing.T) {
	dir, db := newDB(t)
	// A REPL reading a pipe keeps the database open (read-only) until its
	// input ends.
	repl := exec.Command(binary, "repl", "--db", db)
	repl.Env = testEnv(dir)
	in, err := repl.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := repl.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := repl.Start(); err != nil {
		t.Fatal(err)
	}
	defer repl.Process.Kill()
	banner := make(chan string, 1)
	go func() {
		buf := make([]byte, 256)
		n, _ := out.Read(buf)
		banner <- string(buf[:n])
		io.Copy(io.Discard, out)
	}()
	// The banner comes once the database is open.
	if b := <-banner; !strings.HasPrefix(b, "clickhunt ") {
		t.Fatalf("REPL banner %q", b)
	}

	os.WriteFile(filepath.Join(dir, "more.csv"), []byte(clicksHeader+"2024-03-02T10:00:00Z,https://c.example/,ClickAllowed,carol@contoso.com,Email,m4,10.0.0.3,,,false,,r4\n"), 0o644)
	r := clickhunt(t, dir, "", "ingest", "--db", db, "more.csv")
	r.expect(t, 1)
	if !strings.Contains(r.stderr, "database is in use by another clickhunt process") {
		t.Errorf("stderr = %q", r.stderr)
	}

	// Queries may share the database with the REPL.
	r = clickhunt(t, dir, "", "query", "--db", db, "UrlClickEvents | count")
	r.expect(t, 0)
	checkText(t, "count", r.stdout, "Count\n3\n")

	in.Close()
	if err := repl.Wait(); err != nil {
		t.Errorf("REPL: %v", err)
	}
}
