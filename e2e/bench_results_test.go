package e2e

// The benchmark workloads (bench/workloads) give the same rows out of
// clickhunt and DuckDB on a small generated export. Needs node and the
// @duckdb/node-api package that bench/peer.sh installs once into its
// cache; skipped otherwise, saying which is missing (this test never
// installs anything).

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"clickhunt/internal/citest"
)

// peerSetup finds bench/ and the cached DuckDB package, or skips.
func peerSetup(t *testing.T) (benchDir, modules string) {
	t.Helper()
	benchDir = os.Getenv("BENCH_PEER_DIR")
	if benchDir == "" {
		benchDir = filepath.Join("..", "bench")
	}
	benchDir, _ = filepath.Abs(benchDir)
	if _, err := os.Stat(filepath.Join(benchDir, "duckq.mjs")); err != nil {
		citest.Optional(t, fmt.Sprintf("no DuckDB peer: %v", err))
	}
	if _, err := exec.LookPath("node"); err != nil {
		citest.Optional(t, "no DuckDB peer: node not found")
	}
	var candidates []string
	if d := os.Getenv("CLICKHUNT_PEER_CACHE"); d != "" {
		candidates = append(candidates, filepath.Join(d, "duckdb-node-api-1.5.6-r.1"))
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if home, err := os.UserHomeDir(); cache == "" && err == nil {
		cache = filepath.Join(home, ".cache")
	}
	if cache != "" {
		candidates = append(candidates, filepath.Join(cache, "clickhunt-duckdb-peer", "duckdb-node-api-1.5.6-r.1"))
	}
	candidates = append(candidates, benchDir)
	for _, c := range candidates {
		if _, err := os.Stat(filepath.Join(c, "node_modules", "@duckdb", "node-api", "package.json")); err == nil {
			return benchDir, c
		}
	}
	citest.Optional(t, "no DuckDB peer: @duckdb/node-api not installed (bench/peer.sh installs it once with npm)")
	return "", ""
}

func TestBenchWorkloadsMatchDuckDB(t *testing.T) {
	benchDir, modules := peerSetup(t)
	dir := t.TempDir()
	csvPath := genFile(t, dir, "clicks.csv", 20_000, 7)
	db := filepath.Join(dir, "db")
	run(t, "ingest", "--db", db, csvPath)

	duckq := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("node", append([]string{filepath.Join(benchDir, "duckq.mjs")}, args...)...)
		cmd.Env = append(os.Environ(), "DUCKQ_MODULES="+modules)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("duckq %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return string(out)
	}
	duckDB := filepath.Join(dir, "clicks.duckdb")
	loadJSON := duckq("load", "--db", duckDB, "--csv", csvPath, "--threads", "2")
	paramsFile := filepath.Join(dir, "load.json")
	if err := os.WriteFile(paramsFile, []byte(loadJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	var load struct {
		Rows      int               `json:"rows"`
		Params    map[string]string `json:"params"`
		ParamRows map[string]int    `json:"param_rows"`
	}
	if err := json.Unmarshal([]byte(loadJSON), &load); err != nil {
		t.Fatal(err)
	}
	if load.Rows != 20_000 {
		t.Fatalf("DuckDB loaded %d rows, want 20000", load.Rows)
	}
	t.Logf("parameters %v (rows %v)", load.Params, load.ParamRows)

	files, err := filepath.Glob(filepath.Join(benchDir, "workloads", "q*.kql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workloads in %s: %v", benchDir, err)
	}
	ph := regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".kql")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			kql := ph.ReplaceAllStringFunc(string(b), func(m string) string {
				v, ok := load.Params[ph.FindStringSubmatch(m)[1]]
				if !ok {
					t.Fatalf("no value for %s", m)
				}
				return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v)
			})
			// The second run of two reads its blocks from the cache.
			chHdr, chRows := readCSV(t, strings.NewReader(run(t, "query", "--db", db, "--repeat", "2", "--format", "csv", kql)))
			// A one-shot process has no cache: a selective filter reads
			// the rows it kept from the pages that hold them (paged
			// columns), not whole blocks. Same rows either way.
			oneHdr, oneRows := readCSV(t, strings.NewReader(run(t, "query", "--db", db, "--format", "csv", kql)))
			if !slices.Equal(oneHdr, chHdr) || !slices.EqualFunc(sortedRows(oneRows), sortedRows(chRows), slices.Equal) {
				t.Fatalf("one-shot and cached runs differ:\n%v\n%v", oneRows, chRows)
			}
			duckOut := duckq("query", "--db", duckDB, "--params", paramsFile, "--format", "csv", "--threads", "2",
				"-f", strings.TrimSuffix(f, ".kql")+".sql")
			dHdr, dRows := readCSV(t, strings.NewReader(duckOut))
			// Same columns (SELECT * may order them otherwise): DuckDB's in
			// clickhunt's order.
			if !sameSet(chHdr, dHdr) {
				t.Fatalf("columns differ: clickhunt %v, DuckDB %v", chHdr, dHdr)
			}
			dRows = reorder(dRows, dHdr, chHdr)
			ch, duck := normalize(chRows), normalize(dRows)
			if len(ch) == 0 && name != "q7_hour_window" {
				t.Errorf("no rows out of clickhunt")
			}
			switch name {
			case "q1_top_domains", "q2_top_blocked_users":
				// top 10 by a count: the counts agree; rows above the
				// count at the cut agree whole (ties at the cut may differ).
				compareTop(t, ch, duck, slices.Index(chHdr, map[string]string{"q1_top_domains": "Clicks", "q2_top_blocked_users": "BlockedClicks"}[name]), true)
			case "q9_user_latest":
				if load.ParamRows["USER"] < 100 {
					t.Fatalf("q9 user has %d rows, want >= 100 to test the cut", load.ParamRows["USER"])
				}
				compareTop(t, ch, duck, slices.Index(chHdr, "Timestamp"), false)
			case "q3_hourly", "q4_override_rate", "q5_repeat_offenders":
				// sorted by KQL: same rows in the same order.
				compareRows(t, ch, duck)
			default:
				// no order in KQL: same multiset of rows.
				compareRows(t, sortedRows(ch), sortedRows(duck))
			}
		})
	}
}

func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(s string) bool { return !slices.Contains(b, s) })
}

// reorder puts rows with columns from in the order of to.
func reorder(rows [][]string, from, to []string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		o := make([]string, len(to))
		for j, name := range to {
			o[j] = r[slices.Index(from, name)]
		}
		out[i] = o
	}
	return out
}

// normalize makes equal values print alike across engines: datetimes as
// Unix microseconds (DuckDB truncates the CSV's 100 ns ticks to µs),
// numbers in one float format.
func normalize(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		o := make([]string, len(r))
		for j, v := range r {
			o[j] = normValue(v)
		}
		out[i] = o
	}
	return out
}

var datetimeRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)

func normValue(v string) string {
	if datetimeRe.MatchString(v) {
		if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return "ts:" + strconv.FormatInt(ts.Truncate(time.Microsecond).UnixMicro(), 10)
		}
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && v != "" && !strings.ContainsAny(v, "xXnN") {
		return "n:" + strconv.FormatFloat(f, 'g', 12, 64)
	}
	return v
}

func sortedRows(rows [][]string) [][]string {
	s := slices.Clone(rows)
	sort.Slice(s, func(i, j int) bool { return slices.Compare(s[i], s[j]) < 0 })
	return s
}

func compareRows(t *testing.T, ch, duck [][]string) {
	t.Helper()
	if len(ch) != len(duck) {
		t.Errorf("clickhunt gave %d rows, DuckDB %d", len(ch), len(duck))
	}
	bad := 0
	for i := range min(len(ch), len(duck)) {
		if !slices.Equal(ch[i], duck[i]) {
			if bad++; bad <= 5 {
				t.Errorf("row %d differs:\nclickhunt %q\nDuckDB    %q", i+1, ch[i], duck[i])
			}
		}
	}
	if bad > 5 {
		t.Errorf("... %d rows differ in all", bad)
	}
}

// compareTop compares a result cut at a top/take on column key (a count,
// or a datetime sorted descending): the key columns as sorted multisets,
// and whole rows where the key is strictly beyond the value at the cut.
func compareTop(t *testing.T, ch, duck [][]string, key int, numeric bool) {
	t.Helper()
	if key < 0 {
		t.Fatal("no key column")
	}
	keys := func(rows [][]string) []string {
		var k []string
		for _, r := range rows {
			k = append(k, r[key])
		}
		sort.Strings(k)
		return k
	}
	if kc, kd := keys(ch), keys(duck); !slices.Equal(kc, kd) {
		t.Errorf("key column differs:\nclickhunt %v\nDuckDB    %v", kc, kd)
		return
	}
	less := func(a, b string) bool { // a sorts before b in the result
		if numeric {
			x, _ := strconv.ParseFloat(strings.TrimPrefix(a, "n:"), 64)
			y, _ := strconv.ParseFloat(strings.TrimPrefix(b, "n:"), 64)
			return x > y
		}
		x, _ := strconv.ParseInt(strings.TrimPrefix(a, "ts:"), 10, 64)
		y, _ := strconv.ParseInt(strings.TrimPrefix(b, "ts:"), 10, 64)
		return x > y
	}
	if len(ch) == 0 {
		return
	}
	cut := ch[0][key]
	for _, r := range ch {
		if less(cut, r[key]) {
			cut = r[key]
		}
	}
	above := func(rows [][]string) [][]string {
		var out [][]string
		for _, r := range rows {
			if less(r[key], cut) {
				out = append(out, r)
			}
		}
		return sortedRows(out)
	}
	compareRows(t, above(ch), above(duck))
}
