// Command benchrun is `make bench`: it times the Safe Links benchmark
// workloads (bench/workloads/q*.kql) through the real clickhunt binary
// and, when bench/peer.sh and node are available, through
// DuckDB on the same CSV with the same parameters, and prints one table.
//
// For each row count it generates a CSV with bin/clickgen (seed 7, cached),
// ingests it into a cached database (timed, peak RSS via /usr/bin/time, size
// via du -sk; re-ingested when bin/clickhunt changes), picks the workload
// parameters from the data the way duckq.mjs does, then runs each workload:
// cold = a fresh `clickhunt query` process (median of BENCH_COLD, default 5,
// after one untimed run), warm = `--repeat BENCH_WARM --timing` (default 11)
// median of runs 2..N. Then the Go benchmarks (go test -bench Workloads
// ./query/) and peer.sh. A workload clickhunt cannot run shows its error.
//
// Environment:
//
//	ROWS           row counts, comma-separated (default 1000000)
//	BENCH_CACHE    cache directory (default $XDG_CACHE_HOME/clickhunt-bench,
//	               else ~/.cache/clickhunt-bench)
//	BENCH_ONLY     workloads to run, e.g. q6,q7 (default all)
//	BENCH_COLD     fresh processes per workload (default 5)
//	BENCH_WARM     in-process runs per workload, the first included (default 11)
//	BENCH_GO=0     skip the Go benchmarks
//	BENCH_PEER=0   skip DuckDB; BENCH_PEER_DIR: where peer.sh and workloads/ are
//	               (default bench, the repository's copy of the kit)
//	BENCH_REINGEST=1  ingest again even when the cached database is current
//	BENCH_TERM, BENCH_USER, BENCH_HOUR  override the q6 term, q9 user, q7 hour
//	               (ISO start of the hour)
//	BENCH_CANCEL=0     skip the Ctrl-C latency (cancel.go): a regular
//	               expression query cancelled at several points, through a
//	               fresh process and through the REPL on a pseudo-terminal;
//	               BENCH_CANCEL_RUNS: how many points (default 5)
//	BENCH_EXPORT=0 skip the export of UrlClickEvents (Parquet and CSV) and
//	               the re-ingest of the Parquet parts (export.go)
//	BENCH_OUT      also write the table to this file
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

const seed = 7

type config struct {
	rows       []int
	cache      string
	only       []string
	cold       int
	warm       int
	goBench    bool
	peer       bool
	peerDir    string
	reingest   bool
	cancel     bool
	cancelRuns int
	export     bool // BENCH_EXPORT=0 skips the export (export.go)
	clickhunt  string
	clickgen   string
	out        io.Writer
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

func run() error {
	c, err := loadConfig()
	if err != nil {
		return err
	}
	var report bytes.Buffer
	c.out = io.MultiWriter(os.Stdout, &report)
	for _, n := range c.rows {
		if err := benchRows(c, n); err != nil {
			return fmt.Errorf("%d rows: %w", n, err)
		}
	}
	if p := os.Getenv("BENCH_OUT"); p != "" {
		return os.WriteFile(p, report.Bytes(), 0o644)
	}
	return nil
}

func loadConfig() (*config, error) {
	c := &config{cold: 5, warm: 11, goBench: os.Getenv("BENCH_GO") != "0", peer: os.Getenv("BENCH_PEER") != "0",
		reingest: os.Getenv("BENCH_REINGEST") == "1", cancel: os.Getenv("BENCH_CANCEL") != "0", cancelRuns: 5,
		export: os.Getenv("BENCH_EXPORT") != "0"}
	rows := os.Getenv("ROWS")
	if rows == "" {
		rows = "1000000"
	}
	for _, f := range strings.Split(rows, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("ROWS: bad row count %q", f)
		}
		c.rows = append(c.rows, n)
	}
	for env, p := range map[string]*int{"BENCH_COLD": &c.cold, "BENCH_WARM": &c.warm, "BENCH_CANCEL_RUNS": &c.cancelRuns} {
		if s := os.Getenv(env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || (env == "BENCH_WARM" && n < 2) {
				return nil, fmt.Errorf("%s: bad count %q", env, s)
			}
			*p = n
		}
	}
	if s := os.Getenv("BENCH_ONLY"); s != "" {
		c.only = strings.Split(s, ",")
	}
	c.cache = os.Getenv("BENCH_CACHE")
	if c.cache == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return nil, err
			}
			base = filepath.Join(home, ".cache")
		}
		c.cache = filepath.Join(base, "clickhunt-bench")
	}
	if err := os.MkdirAll(c.cache, 0o755); err != nil {
		return nil, err
	}
	c.peerDir = os.Getenv("BENCH_PEER_DIR")
	if c.peerDir == "" {
		c.peerDir = "bench"
	}
	var err error
	if c.peerDir, err = filepath.Abs(c.peerDir); err != nil {
		return nil, err
	}
	for _, b := range []struct {
		p    *string
		name string
	}{{&c.clickhunt, "clickhunt"}, {&c.clickgen, "clickgen"}} {
		abs, err := filepath.Abs(filepath.Join("bin", b.name))
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("%s: %w (run make build first)", abs, err)
		}
		*b.p = abs
	}
	return c, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchrun: "+format+"\n", args...)
}

// --- one row count ---------------------------------------------------------------------

type params struct {
	Term, User, HourStart, HourEnd string
}

// values in duckq.mjs's placeholder names.
func (p params) values() map[string]string {
	return map[string]string{"TERM": p.Term, "USER": p.User, "HOUR_START": p.HourStart, "HOUR_END": p.HourEnd}
}

type workload struct{ name, kql string }

type chResult struct {
	rowsOut int
	cold    float64 // ms, median
	warm    float64 // ms, median of runs 2..N
	blocks  string  // "read/total" of the last warm run
	goNs    float64 // Go benchmark ns/op, 0 if none
	err     string
}

type ingestStats struct {
	Binary  string  `json:"binary"`
	Seconds float64 `json:"seconds"`
	PeakKB  int64   `json:"peak_kb"` // 0: unknown
	DiskKB  int64   `json:"disk_kb"`
}

func benchRows(c *config, n int) error {
	csvPath, err := ensureCSV(c, n)
	if err != nil {
		return err
	}
	db, ing, cached, err := ensureDB(c, n, csvPath)
	if err != nil {
		return err
	}
	p, err := pickParams(c, db)
	if err != nil {
		return fmt.Errorf("choosing parameters: %w", err)
	}
	logf("%d rows: q6 term %q, q9 user %q, q7 hour [%s, %s)", n, p.Term, p.User, p.HourStart, p.HourEnd)
	wls, err := loadWorkloads(c, p)
	if err != nil {
		return err
	}
	results := make(map[string]*chResult)
	for _, w := range wls {
		logf("%d rows: %s", n, w.name)
		results[w.name] = runWorkload(c, db, w)
	}
	if c.goBench {
		if err := goBenchmarks(n, results); err != nil {
			logf("go benchmarks: %v", err)
		}
	}
	var duck *peerResult
	if c.peer {
		duck, err = runPeer(c, n, csvPath, p)
		if err != nil {
			logf("DuckDB peer skipped: %v", err)
			duck = nil
		}
	}
	printTable(c, n, csvPath, p, wls, results, ing, cached, duck)
	if c.export {
		printExport(c, n, exportBench(c, db, n))
	}
	if c.cancel {
		logf("%d rows: Ctrl-C latency", n)
		printCancel(c, n, cancelLatency(c, db))
	}
	return nil
}

// ensureCSV generates the CSV of n rows once.
func ensureCSV(c *config, n int) (string, error) {
	p := filepath.Join(c.cache, fmt.Sprintf("clicks-%d-seed%d.csv", n, seed))
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	logf("generating %s", p)
	tmp := p + ".tmp"
	cmd := exec.Command(c.clickgen, "-rows", strconv.Itoa(n), "-seed", strconv.Itoa(seed), "-o", tmp)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("clickgen: %w", err)
	}
	// A new CSV makes every database built from the old one stale.
	os.RemoveAll(filepath.Join(c.cache, fmt.Sprintf("db-%d", n)))
	os.RemoveAll(filepath.Join(c.cache, fmt.Sprintf("duckdb-%d", n)))
	return p, os.Rename(tmp, p)
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// ensureDB ingests the CSV into the cached database unless it was built by
// this very clickhunt binary. It reports the ingest figures (of the earlier
// ingest when cached).
func ensureDB(c *config, n int, csvPath string) (string, ingestStats, bool, error) {
	dir := filepath.Join(c.cache, fmt.Sprintf("db-%d", n))
	db := filepath.Join(dir, "db")
	statsFile := filepath.Join(dir, "ingest.json")
	bin, err := fileHash(c.clickhunt)
	if err != nil {
		return "", ingestStats{}, false, err
	}
	var st ingestStats
	if b, err := os.ReadFile(statsFile); err == nil && !c.reingest {
		if json.Unmarshal(b, &st) == nil && st.Binary == bin {
			return db, st, true, nil
		}
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", st, false, err
	}
	logf("ingesting %s into %s", csvPath, db)
	args := []string{c.clickhunt, "ingest", "--db", db, csvPath}
	rssFile := filepath.Join(dir, "time.out")
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		args = append([]string{"/usr/bin/time", "-f", "%M", "-o", rssFile}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return "", st, false, fmt.Errorf("clickhunt ingest: %w", err)
	}
	st = ingestStats{Binary: bin, Seconds: time.Since(start).Seconds(), DiskKB: duKB(db)}
	if b, err := os.ReadFile(rssFile); err == nil {
		f := strings.Fields(string(b))
		if len(f) > 0 {
			st.PeakKB, _ = strconv.ParseInt(f[len(f)-1], 10, 64)
		}
	}
	b, _ := json.Marshal(st)
	return db, st, false, os.WriteFile(statsFile, b, 0o644)
}

// duKB is `du -sk path` (blocks on disk), 0 when du fails.
func duKB(path string) int64 {
	out, err := exec.Command("du", "-sk", path).Output()
	if err != nil {
		return 0
	}
	f := strings.Fields(string(out))
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(f[0], 10, 64)
	return n
}

// query runs one clickhunt query (csv) and returns its records.
func query(c *config, db, kql string) ([][]string, error) {
	cmd := exec.Command(c.clickhunt, "query", "--db", db, "--format", "csv", kql)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, firstLine(stderr.String()))
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("no header in the output")
	}
	return recs[1:], nil
}

// pickParams chooses the q6 term, q9 user and q7 hour as duckq.mjs's load
// does (unless BENCH_TERM, BENCH_USER, BENCH_HOUR say otherwise).
func pickParams(c *config, db string) (params, error) {
	var p params
	p.Term = os.Getenv("BENCH_TERM")
	if p.Term == "" {
		// The least frequent whole-term host label (ASCII letters/digits,
		// >= 4 characters, not all digits), counted in rows; ties
		// alphabetical.
		recs, err := query(c, db, `UrlClickEvents
| summarize n = count() by host = tolower(extract(@"^[A-Za-z][A-Za-z0-9+.-]*://([^/?#:@]+)", 1, Url))
| where host != ""`)
		if err != nil {
			return p, err
		}
		label := regexp.MustCompile(`^[a-z0-9]{4,}$`)
		digits := regexp.MustCompile(`^[0-9]+$`)
		counts := map[string]int64{}
		for _, r := range recs {
			n, _ := strconv.ParseInt(r[1], 10, 64)
			for _, l := range strings.Split(r[0], ".") {
				if label.MatchString(l) && !digits.MatchString(l) {
					counts[l] += n
				}
			}
		}
		p.Term = "phish"
		best := int64(-1)
		for l, n := range counts {
			if best < 0 || n < best || (n == best && l < p.Term) {
				p.Term, best = l, n
			}
		}
	}
	var hour time.Time
	if h := os.Getenv("BENCH_HOUR"); h != "" {
		t, err := time.Parse(time.RFC3339, h)
		if err != nil {
			return p, fmt.Errorf("BENCH_HOUR: %w", err)
		}
		hour = t.UTC()
	} else {
		// The hour that holds the middle of the time range (in
		// microseconds, as DuckDB keeps timestamps).
		recs, err := query(c, db, `UrlClickEvents | summarize min(Timestamp), max(Timestamp)`)
		if err != nil {
			return p, err
		}
		if len(recs) == 1 && recs[0][0] != "" {
			lo, err1 := time.Parse(time.RFC3339Nano, recs[0][0])
			hi, err2 := time.Parse(time.RFC3339Nano, recs[0][1])
			if err := errors.Join(err1, err2); err != nil {
				return p, err
			}
			mid := (lo.UnixMicro() + hi.UnixMicro()) / 2
			hour = time.UnixMicro(mid / 3_600_000_000 * 3_600_000_000).UTC()
		} else {
			hour = time.Unix(0, 0).UTC()
		}
	}
	p.HourStart = hour.Format(time.RFC3339)
	p.HourEnd = hour.Add(time.Hour).Format(time.RFC3339)
	p.User = os.Getenv("BENCH_USER")
	if p.User == "" {
		// An ASCII user with at least 200 rows (any case), the least
		// active such, else the most active; spelled as most rows spell it.
		recs, err := query(c, db, `UrlClickEvents
| where AccountUpn != "" and AccountUpn matches regex @"^[\x21-\x7e]+$"
| summarize n = count() by AccountUpn`)
		if err != nil {
			return p, err
		}
		type user struct {
			total      int64
			mode       string
			modeN      int64
			lowerSpell string
		}
		users := map[string]*user{}
		for _, r := range recs {
			n, _ := strconv.ParseInt(r[1], 10, 64)
			k := strings.ToLower(r[0])
			u := users[k]
			if u == nil {
				u = &user{lowerSpell: k}
				users[k] = u
			}
			u.total += n
			if n > u.modeN || (n == u.modeN && r[0] < u.mode) {
				u.mode, u.modeN = r[0], n
			}
		}
		var all []*user
		for _, u := range users {
			all = append(all, u)
		}
		key := func(u *user) int64 {
			if u.total >= 200 {
				return u.total
			}
			return -u.total
		}
		sort.Slice(all, func(i, j int) bool {
			a, b := all[i], all[j]
			if (a.total >= 200) != (b.total >= 200) {
				return a.total >= 200
			}
			if key(a) != key(b) {
				return key(a) < key(b)
			}
			return a.lowerSpell < b.lowerSpell
		})
		if len(all) > 0 {
			p.User = all[0].mode
		}
	}
	return p, nil
}

var placeholder = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

// fillKQL replaces {{NAME}} with the value escaped for a KQL "string", as
// duckq.mjs does.
func fillKQL(text string, vals map[string]string) (string, error) {
	var missing error
	out := placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := vals[name]
		if !ok {
			missing = fmt.Errorf("no value for %s", m)
			return m
		}
		return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v)
	})
	return out, missing
}

func loadWorkloads(c *config, p params) ([]workload, error) {
	files, err := filepath.Glob(filepath.Join(c.peerDir, "workloads", "q*.kql"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no workloads in %s/workloads (set BENCH_PEER_DIR)", c.peerDir)
	}
	sort.Strings(files)
	var wls []workload
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".kql")
		if len(c.only) > 0 && !slices.ContainsFunc(c.only, func(w string) bool { return name == w || strings.HasPrefix(name, w+"_") }) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		kql, err := fillKQL(string(b), p.values())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		wls = append(wls, workload{name, kql})
	}
	return wls, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 70 {
		s = s[:67] + "..."
	}
	return s
}

// runOnce runs clickhunt query with extra flags and returns its wall time.
func runOnce(c *config, db string, w workload, extra ...string) (stdout, stderr []byte, d time.Duration, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	args := append([]string{"query", "--db", db, "--format", "csv"}, extra...)
	cmd := exec.CommandContext(ctx, c.clickhunt, append(args, w.kql)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err = cmd.Run()
	d = time.Since(start)
	if err != nil {
		err = errors.New(firstLine(errb.String() + " " + err.Error()))
	}
	return out.Bytes(), errb.Bytes(), d, err
}

var (
	warmRe  = regexp.MustCompile(`warm median \(runs 2-\d+\): ([0-9.]+) ms`)
	blockRe = regexp.MustCompile(`(?m)run \d+/\d+: [0-9.]+ ms, \d+ rows read, (\d+) of (\d+) blocks\n[^\n]*median`)
)

func runWorkload(c *config, db string, w workload) *chResult {
	r := &chResult{}
	out, _, _, err := runOnce(c, db, w) // untimed: checks the query, warms the page cache
	if err != nil {
		r.err = err.Error()
		return r
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		r.err = "output: " + err.Error()
		return r
	}
	r.rowsOut = max(len(recs)-1, 0)
	var cold []float64
	for range c.cold {
		_, _, d, err := runOnce(c, db, w)
		if err != nil {
			r.err = err.Error()
			return r
		}
		cold = append(cold, ms(d))
	}
	r.cold = medianF(cold)
	_, stderr, _, err := runOnce(c, db, w, "--repeat", strconv.Itoa(c.warm), "--timing")
	if err != nil {
		r.err = err.Error()
		return r
	}
	if m := warmRe.FindSubmatch(stderr); m != nil {
		r.warm, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := blockRe.FindSubmatch(stderr); m != nil {
		r.blocks = string(m[1]) + "/" + string(m[2])
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// medianF is the lower middle, as duckq.mjs takes it.
func medianF(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// --- Go benchmarks -------------------------------------------------------------------------

var goBenchRe = regexp.MustCompile(`(?m)^BenchmarkWorkloads/(\S+?)(?:-\d+)?\s+\d+\s+([0-9.]+) ns/op`)

func goBenchmarks(n int, results map[string]*chResult) error {
	logf("%d rows: go test -bench Workloads ./query/", n)
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "Workloads", "-timeout", "60m", "./query/")
	cmd.Env = append(os.Environ(), "CLICKHUNT_BENCH_ROWS="+strconv.Itoa(n))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	err := cmd.Run()
	for _, m := range goBenchRe.FindAllStringSubmatch(out.String(), -1) {
		if r := results[m[1]]; r != nil {
			r.goNs, _ = strconv.ParseFloat(m[2], 64)
		}
	}
	if err != nil {
		return fmt.Errorf("%v\n%s", err, out.String())
	}
	return nil
}

// --- DuckDB peer ---------------------------------------------------------------------------

type peerLoad struct {
	Rows    int64             `json:"rows"`
	LoadS   float64           `json:"load_s"`
	DBBytes int64             `json:"db_bytes"`
	Params  map[string]string `json:"params"`
	PeakKB  int64             `json:"peak_kb,omitempty"` // added by benchrun
}

type peerRun struct {
	Name   string  `json:"name"`
	OpenS  float64 `json:"open_s"`
	FirstS float64 `json:"first_s"`
	WarmS  float64 `json:"warm_median_s"`
	Rows   int     `json:"rows"`
}

type peerResult struct {
	load   peerLoad
	diskKB int64
	runs   map[string]peerRun
	reused bool
}

func runPeer(c *config, n int, csvPath string, p params) (*peerResult, error) {
	script := filepath.Join(c.peerDir, "peer.sh")
	if _, err := os.Stat(script); err != nil {
		return nil, err
	}
	if _, err := exec.LookPath("node"); err != nil {
		return nil, errors.New("node not found")
	}
	dir := filepath.Join(c.cache, fmt.Sprintf("duckdb-%d", n))
	res := &peerResult{runs: map[string]peerRun{}}
	args := []string{script, "--csv", csvPath, "--db", dir, "--reps", strconv.Itoa(c.warm)}
	if len(c.only) > 0 {
		args = append(args, "--only", strings.Join(c.only, ","))
	}
	// Reuse the DuckDB file when it was loaded with these parameters
	// (peer.sh loads again itself if the CSV changed).
	var prev peerLoad
	if b, err := os.ReadFile(filepath.Join(dir, "load.json")); err == nil && json.Unmarshal(b, &prev) == nil &&
		prev.Params["TERM"] == p.Term && prev.Params["USER"] == p.User && prev.Params["HOUR_START"] == p.HourStart {
		args = append(args, "--reuse")
		res.reused = true
	} else {
		args = append(args, "--term", p.Term, "--user", p.User, "--hour", p.HourStart)
	}
	rssFile := filepath.Join(c.cache, fmt.Sprintf("duckdb-%d.time", n))
	if _, err := os.Stat("/usr/bin/time"); err == nil && !res.reused {
		args = append([]string{"/usr/bin/time", "-f", "%M", "-o", rssFile}, args...)
	}
	logf("%d rows: %s", n, strings.Join(args, " "))
	cmd := exec.Command(args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("peer.sh: %w\n%s", err, out.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "load.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &res.load); err != nil {
		return nil, err
	}
	if !res.reused {
		// peer.sh's peak RSS (the load is its largest process) kept with
		// the load's figures.
		if rb, err := os.ReadFile(rssFile); err == nil {
			f := strings.Fields(string(rb))
			if len(f) > 0 {
				res.load.PeakKB, _ = strconv.ParseInt(f[len(f)-1], 10, 64)
			}
			var raw map[string]any
			if json.Unmarshal(b, &raw) == nil {
				raw["peak_kb"] = res.load.PeakKB
				if nb, err := json.Marshal(raw); err == nil {
					os.WriteFile(filepath.Join(dir, "load.json"), nb, 0o644)
				}
			}
		}
	}
	res.diskKB = duKB(filepath.Join(dir, "clicks.duckdb"))
	if p.Term != res.load.Params["TERM"] || p.User != res.load.Params["USER"] || p.HourStart != res.load.Params["HOUR_START"] {
		logf("warning: DuckDB ran with other parameters: %v", res.load.Params)
	}
	rb, err := os.ReadFile(filepath.Join(dir, "runs.jsonl"))
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(rb), "\n") {
		var r peerRun
		if l != "" && json.Unmarshal([]byte(l), &r) == nil {
			res.runs[r.Name] = r
		}
	}
	return res, nil
}

// --- the table -------------------------------------------------------------------------------

func fmtMs(v float64) string {
	switch {
	case v <= 0:
		return "-"
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "-"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64)
}

func fmtRows(n int) string {
	switch {
	case n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n%1_000 == 0:
		return fmt.Sprintf("%dk", n/1_000)
	}
	return strconv.Itoa(n)
}

func mb(kb int64) string {
	if kb <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MB", float64(kb)*1024/1e6)
}

func printTable(c *config, n int, csvPath string, p params, wls []workload, res map[string]*chResult, ing ingestStats, cached bool, duck *peerResult) {
	w := c.out
	var csvSize int64
	if fi, err := os.Stat(csvPath); err == nil {
		csvSize = fi.Size()
	}
	fmt.Fprintf(w, "\n### %s rows (clickgen -rows %d -seed %d, CSV %.0f MB)\n\n", fmtRows(n), n, seed, float64(csvSize)/1e6)
	fmt.Fprintf(w, "Parameters: q6 term `%s`, q7 hour [%s, %s), q9 user `%s`.\n\n", p.Term, p.HourStart, p.HourEnd, p.User)
	hdr := []string{"rows", "workload", "rows out", "clickhunt cold ms", "clickhunt warm ms", "blocks read", "Go bench ms",
		"DuckDB first ms", "DuckDB warm ms", "cold / first", "warm / warm"}
	var body [][]string
	for _, wl := range wls {
		r := res[wl.name]
		var d peerRun
		if duck != nil {
			d = duck.runs[wl.name]
		}
		rowsOut := "-"
		if r.err == "" {
			rowsOut = strconv.Itoa(r.rowsOut)
			if duck != nil && d.Name != "" && d.Rows != r.rowsOut {
				rowsOut += fmt.Sprintf(" (DuckDB %d)", d.Rows)
			}
		}
		goMs := "-"
		if r.goNs > 0 {
			goMs = fmtMs(r.goNs / 1e6)
		}
		row := []string{fmtRows(n), wl.name, rowsOut, fmtMs(r.cold), fmtMs(r.warm), orDash(r.blocks), goMs,
			fmtMs(d.FirstS * 1e3), fmtMs(d.WarmS * 1e3), ratio(r.cold, d.FirstS*1e3), ratio(r.warm, d.WarmS*1e3)}
		if r.err != "" {
			row[3] = "error: " + strings.ReplaceAll(r.err, "|", `\|`)
			row[4] = "-"
		}
		body = append(body, row)
	}
	writeMarkdown(w, hdr, body)
	fmt.Fprintf(w, "\ncold: a fresh `clickhunt query` process, start to exit, median of %d (after one untimed run); "+
		"warm: `--repeat %d --timing`, median of runs 2-%d; Go bench: `go test -bench Workloads ./query/` (its own "+
		"database of the same size and seed; q7 and q9 with its own hour and user). DuckDB (peer.sh, @duckdb/node-api "+
		"1.5.6-r.1): first = the first run in a new process, the database already open", c.cold, c.warm, c.warm)
	if duck != nil {
		minOpen := 0.0
		for _, r := range duck.runs {
			if minOpen == 0 || r.OpenS < minOpen {
				minOpen = r.OpenS
			}
		}
		fmt.Fprintf(w, " (opening took %s ms or more)", fmtMs(minOpen*1e3))
	}
	fmt.Fprintf(w, "; warm = median of the %d repeats after it. Ratios below 1: clickhunt faster.\n\n", c.warm-1)

	note := ""
	if cached {
		note = " (cached ingest by this binary)"
	}
	lhdr := []string{"rows", "load", "clickhunt", "DuckDB", "clickhunt / DuckDB"}
	var lbody [][]string
	dl, dp, dd := "-", "-", "-"
	var dLoadS float64
	var dPeak, dDisk int64
	if duck != nil {
		dLoadS, dPeak, dDisk = duck.load.LoadS, duck.load.PeakKB, duck.diskKB
		dl = fmt.Sprintf("%.2f s", dLoadS)
		if duck.reused {
			dl += " (earlier load)"
		}
		dp, dd = mb(dPeak), mb(dDisk)
		if dPeak > 0 {
			dp += " (peer.sh)"
		}
	}
	lbody = append(lbody,
		[]string{fmtRows(n), "ingest / load time" + note, fmt.Sprintf("%.2f s (%.0fk rows/s)", ing.Seconds, float64(n)/ing.Seconds/1e3), dl, ratio(ing.Seconds, dLoadS)},
		[]string{fmtRows(n), "peak RSS while loading", mb(ing.PeakKB), dp, ratio(float64(ing.PeakKB), float64(dPeak))},
		[]string{fmtRows(n), "on disk (du -sk)", fmt.Sprintf("%s (%.0f bytes/row)", mb(ing.DiskKB), float64(ing.DiskKB)*1024/float64(n)), dd, ratio(float64(ing.DiskKB), float64(dDisk))},
	)
	writeMarkdown(w, lhdr, lbody)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeMarkdown prints a markdown table with padded columns; the first
// two columns left-aligned, the rest right-aligned.
func writeMarkdown(w io.Writer, hdr []string, body [][]string) {
	wid := make([]int, len(hdr))
	for i, h := range hdr {
		wid[i] = len(h)
		for _, b := range body {
			wid[i] = max(wid[i], len(b[i]))
		}
	}
	line := func(cells []string) {
		var sb strings.Builder
		sb.WriteString("|")
		for i, c := range cells {
			if i < 2 {
				fmt.Fprintf(&sb, " %-*s |", wid[i], c)
			} else {
				fmt.Fprintf(&sb, " %*s |", wid[i], c)
			}
		}
		fmt.Fprintln(w, sb.String())
	}
	line(hdr)
	var sb strings.Builder
	sb.WriteString("|")
	for i, n := range wid {
		if i < 2 {
			sb.WriteString(strings.Repeat("-", n+2) + "|")
		} else {
			sb.WriteString(strings.Repeat("-", n+1) + ":|")
		}
	}
	fmt.Fprintln(w, sb.String())
	for _, b := range body {
		line(b)
	}
}
