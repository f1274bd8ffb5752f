//go:build !windows

package main

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"clickhunt/column"
	"clickhunt/ingest"
	"clickhunt/kusto/kustotest"
	"clickhunt/query"
	"clickhunt/storage"
)

// clusterOf serves a local database as a Kusto cluster would: the queries
// are answered by clickhunt's engine over it and sent back as REST v2
// frames, which the binary reads through Microsoft's SDK. Comparing what
// the binary prints with --cluster and with --db then tests the whole path
// to a cluster and back: request, frames, types, errors.
func clusterOf(t *testing.T, db string, tls bool) *kustotest.Server {
	t.Helper()
	d, err := storage.Open(db, storage.Options{ReadOnly: true, Declared: ingest.Schemas})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	snap, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(snap.Close)
	var s *kustotest.Server
	if tls {
		s = kustotest.NewTLS()
	} else {
		s = kustotest.New()
	}
	t.Cleanup(s.Close)
	s.Source = func(name string) query.Source {
		if name != "Hunting" {
			return nil
		}
		return query.Local(snap)
	}
	s.Tables = func(name string) []query.ClusterTable {
		if name != "Hunting" {
			return nil
		}
		var out []query.ClusterTable
		for _, ti := range snap.Tables() {
			ct := query.ClusterTable{Name: ti.Name, Rows: ti.Rows, HasRows: true}
			for _, c := range ti.Columns {
				ct.Schema = append(ct.Schema, column.Field{Name: c.Name, Type: c.Type})
			}
			out = append(out, ct)
		}
		return out
	}
	return s
}

// Every output format prints a cluster's result as it prints the local
// one; so does every example hunt, and a chart.
func TestClusterQuery(t *testing.T) {
	dir, db := allExamplesDB(t)
	s := clusterOf(t, db, false)
	cluster := []string{"--cluster", s.URL, "--database", "Hunting"}
	for _, format := range []string{"table", "csv", "json", "jsonl", "vertical"} {
		for _, q := range []string{"UrlClickEvents | count",
			"UrlClickEvents | where IsClickedThrough | summarize Clicks = count(), First = min(Timestamp), Users = make_set(AccountUpn) by Workload | sort by Workload asc"} {
			local := clickhunt(t, dir, "", "query", "--db", db, "--format", format, q)
			local.expect(t, 0)
			remote := clickhunt(t, dir, "", append([]string{"query", "--format", format}, append(cluster, q)...)...)
			remote.expect(t, 0)
			checkText(t, format+" of "+q, remote.stdout, local.stdout)
		}
	}
	r := clickhunt(t, dir, "", append([]string{"query", "--format", "csv"}, append(cluster, "UrlClickEvents | count")...)...)
	checkText(t, "count", r.stdout, "Count\n5066\n")
	reqs := s.Requests()
	last := reqs[len(reqs)-1]
	if last.Path != "/v2/rest/query" || last.Database != "Hunting" || last.CSL != "UrlClickEvents | count" {
		t.Errorf("last request %+v", last)
	}

	queries := exampleQueries(t)
	want := clickhunt(t, dir, queries, "query", "--db", db, "--format", "json", "--now", "2024-01-15T00:00:00Z", "--keep-going")
	got := clickhunt(t, dir, queries, append([]string{"query", "--format", "json", "--now", "2024-01-15T00:00:00Z", "--keep-going"}, cluster...)...)
	if got.stdout != want.stdout {
		diffLines(t, want.stdout, got.stdout)
	}
	if got.code != want.code {
		t.Errorf("examples on the cluster: exit %d, locally %d", got.code, want.code)
	}

	// A render comes back as a chart.
	chart := "UrlClickEvents | summarize Clicks = count() by ActionType | render barchart with (title='Clicks by action')"
	clickhunt(t, dir, "", "query", "--db", db, "--render-out", "local.svg", chart).expect(t, 0)
	clickhunt(t, dir, "", append([]string{"query", "--render-out", "remote.svg"}, append(cluster, chart)...)...).expect(t, 0)
	a, _ := os.ReadFile(filepath.Join(dir, "local.svg"))
	b, _ := os.ReadFile(filepath.Join(dir, "remote.svg"))
	if len(a) == 0 || string(a) != string(b) {
		t.Errorf("the cluster's chart differs from the local one:\n%s\n---\n%s", b, a)
	}
}

// The cluster's errors: in the query, with the line, the column and a
// caret; about the cluster itself, one line; both exit 1.
func TestClusterErrors(t *testing.T) {
	dir, db := newDB(t)
	s := clusterOf(t, db, false)
	r := clickhunt(t, dir, "", "query", "--cluster", s.URL, "--database", "Hunting", "UrlClickEvents\n| where Acountupn == 'x'")
	r.expect(t, 1)
	checkText(t, "stderr", r.stderr, "error: 2:9: Semantic error: unknown column 'Acountupn' (did you mean 'AccountUpn'?) (the cluster's error)\n"+
		"| where Acountupn == 'x'\n        ^\n")

	r = clickhunt(t, dir, "", "query", "--cluster", s.URL, "--database", "Other", "UrlClickEvents | count")
	r.expect(t, 1)
	checkText(t, "unknown database", r.stderr, "error: Database 'Other' was not found.\n")

	url := s.URL
	s.Close()
	r = clickhunt(t, dir, "", "query", "--cluster", url, "--database", "Hunting", "UrlClickEvents | count")
	r.expect(t, 1)
	matches(t, "unreachable", r.stderr, `^error: cannot reach the cluster at http://127\.0\.0\.1:\d+: .*connection refused\n$`)

	// Credentials go over https only, as a bearer token; a refused one
	// says where it came from.
	ts := clusterOf(t, db, true)
	ts.Token = "good-token"
	cert := filepath.Join(dir, "cert.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o644)
	env := []string{"SSL_CERT_FILE=" + cert, "CLICKHUNT_KUSTO_TOKEN=good-token"}
	r = clickhuntEnv(t, dir, "", env, "query", "--cluster", ts.URL, "--database", "Hunting", "UrlClickEvents | count")
	r.expect(t, 0)
	checkText(t, "with a token", r.stdout, "Count\n3\n")
	reqs := ts.Requests()
	if got := reqs[len(reqs)-1].Authorization; got != "Bearer good-token" {
		t.Errorf("Authorization %q", got)
	}
	env[1] = "CLICKHUNT_KUSTO_TOKEN=stale-token"
	r = clickhuntEnv(t, dir, "", env, "query", "--cluster", ts.URL, "--database", "Hunting", "UrlClickEvents | count")
	r.expect(t, 1)
	matches(t, "refused token", r.stderr, `^error: cannot sign in to the cluster https://127\.0\.0\.1:\d+ \(a token from \$CLICKHUNT_KUSTO_TOKEN\): the cluster refused the credentials \(401 Unauthorized\)\n$`)

	// Usage errors.
	r = clickhunt(t, dir, "", "query", "--database", "Hunting", "print 1")
	r.expect(t, 2)
	matches(t, "--database alone", r.stderr, `--database names a cluster's database: give --cluster URL too`)
	r = clickhunt(t, dir, "", "query", "--cluster", "https://c.kusto.windows.net", "print 1")
	r.expect(t, 2)
	matches(t, "--cluster alone", r.stderr, `--cluster needs --database DB`)
}

// The report and the trace commands give the same output on a cluster as
// on the local database.
func TestClusterReportAndTraces(t *testing.T) {
	dir, db := allExamplesDB(t)
	s := clusterOf(t, db, false)
	cluster := []string{"--cluster", s.URL, "--database", "Hunting"}
	generated := regexp.MustCompile(`"generated": *"[^"]*"`)
	local := clickhunt(t, dir, "", "report", "--db", db, "--format", "json", "--out", "-")
	local.expect(t, 0)
	remote := clickhunt(t, dir, "", append([]string{"report", "--format", "json", "--out", "-"}, cluster...)...)
	remote.expect(t, 0)
	checkText(t, "report", generated.ReplaceAllString(remote.stdout, ""), generated.ReplaceAllString(local.stdout, ""))
	if !strings.Contains(local.stdout, `"sections"`) {
		t.Fatalf("report json: %.300s", local.stdout)
	}

	for _, args := range [][]string{
		{"urltrace", "-RecipientAddress", "priya.adams@contoso.com"},
		{"urltrace", "-Workloads", "Mail", "-PageSize", "20"},
		{"messagetrace", "-Status", "Failed"},
		{"messagetrace", "-Status", "Failed", "--detail"},
		{"messagetrace", "-Direction", "Inbound", "-PageSize", "30"},
	} {
		local := clickhunt(t, dir, "", append(append([]string{}, args...), "--db", db, "--format", "csv")...)
		local.expect(t, 0)
		remote := clickhunt(t, dir, "", append(append(append([]string{}, args...), "--format", "csv"), cluster...)...)
		remote.expect(t, 0)
		checkText(t, strings.Join(args, " "), remote.stdout, local.stdout)
		if strings.Count(local.stdout, "\n") < 2 {
			t.Errorf("%v found nothing:\n%s", args, local.stdout)
		}
	}
}

// The REPL connects to a cluster and back.
func TestClusterREPL(t *testing.T) {
	dir, db := newDB(t)
	s := clusterOf(t, db, false)
	p := startPTY(t, dir, "repl", "--db", filepath.Join(dir, "empty"))
	p.expect("clickhunt> ")
	p.send(".connect " + s.URL + " Hunting\r")
	p.expect("connected to " + s.URL + " database Hunting (1 tables); .disconnect goes back to the local database")
	p.expect("clickhunt> ")
	p.send(".tables\r")
	p.expect("UrlClickEvents")
	p.expect("clickhunt> ")
	p.send("UrlClickEvents | count;\r")
	p.expect("Count\r\n-----\r\n    3\r\n(1 row)")
	p.expect("clickhunt> ")
	p.send("UrlClickEvents | where Foo == 1;\r")
	p.expect("error: 1:24: Semantic error: unknown column 'Foo'")
	p.expect("clickhunt> ")
	p.send(".disconnect\r")
	p.expect("back to the local database")
	p.expect("clickhunt> ")
	p.send("UrlClickEvents | count;\r")
	p.expect("no database at")
	p.expect("clickhunt> ")
	p.send(".quit\r")
	if code := p.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}

	// Started connected.
	p = startPTY(t, dir, "repl", "--cluster", s.URL, "--database", "Hunting")
	p.expect("connected to " + s.URL)
	p.expect("clickhunt> ")
	p.send("UrlClickEvents | summarize n = dcount(AccountUpn);\r")
	p.expect("n\r\n-\r\n2\r\n(1 row)")
	p.expect("clickhunt> ")
	p.send("\x04")
	if code := p.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}
