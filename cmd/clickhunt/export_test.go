package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// allExamplesDB ingests every example export into a new database.
func allExamplesDB(t *testing.T) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "db")
	files, _ := filepath.Glob("../../examples/*.csv")
	if len(files) < 5 {
		t.Fatalf("examples: %v", files)
	}
	for i, f := range files {
		files[i], _ = filepath.Abs(f)
	}
	clickhunt(t, dir, "", append([]string{"ingest", "--db", db}, files...)...).expect(t, 0)
	return dir, db
}

// exampleQueries is every query of examples/**/*.kql as one batch (a batch
// splits at blank lines, so files joined by one hold the same queries).
func exampleQueries(t *testing.T) string {
	t.Helper()
	var files []string
	filepath.WalkDir("../../examples", func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".kql") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	if len(files) < 10 {
		t.Fatalf("example queries: %v", files)
	}
	var sb strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sb.Write(b)
		sb.WriteString("\n\n")
	}
	return sb.String()
}

// tableSchemas reads every table's columns and types from a database.
func tableSchemas(t *testing.T, dir, db string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range []string{"UrlClickEvents", "MessageTrace", "MessageTraceDetail"} {
		r := clickhunt(t, dir, "", "query", "--db", db, "--format", "csv", table+" | getschema | project ColumnName, ColumnType")
		r.expect(t, 0)
		out[table] = r.stdout
	}
	return out
}

// Export every table, check the files against the .kql script, ingest them
// into a new database: every example query answers the same there.
func TestExportRoundTrip(t *testing.T) {
	dir, db := allExamplesDB(t)
	queries := exampleQueries(t)
	want := clickhunt(t, dir, queries, "query", "--db", db, "--format", "json", "--now", "2024-01-15T00:00:00Z", "--keep-going")
	// Some examples read tables the example exports do not fill
	// (EmailEvents, AlertInfo): they fail alike on both databases.
	if strings.Count(want.stdout, "\n[") < 20 {
		t.Fatalf("example queries on the original database: exit %d\n%s\n%s", want.code, want.stdout, want.stderr)
	}
	schemas := tableSchemas(t, dir, db)
	counts := clickhunt(t, dir, "", "query", "--db", db, "--format", "csv", "union withsource=T_ UrlClickEvents, MessageTrace, MessageTraceDetail | summarize n = count() by T_ | sort by T_ asc")
	counts.expect(t, 0)

	for _, tc := range []struct{ format, partSize string }{{"parquet", ""}, {"csv", "64KB"}} {
		t.Run(tc.format, func(t *testing.T) {
			out := filepath.Join(dir, "export-"+tc.format)
			args := []string{"export", "--db", db, "--format", tc.format, "--out", out}
			if tc.partSize != "" {
				args = append(args, "--part-size", tc.partSize)
			}
			r := clickhunt(t, dir, "", args...)
			r.expect(t, 0)
			matches(t, "export stdout", r.stdout, `(?m)^UrlClickEvents: 5066 rows in \d+ parts? \(`+tc.format+`, [0-9.]+ [KM]B\) under .*/export-`+tc.format+`/data$`)
			matches(t, "export stdout", r.stdout, `(?m)^.*/setup\.kql: the Kusto commands that create the tables and ingest the files`)
			script, err := os.ReadFile(filepath.Join(out, "setup.kql"))
			if err != nil {
				t.Fatal(err)
			}
			parts := checkScript(t, string(script), schemas, tc.format, filepath.Join(out, "data"))
			if tc.partSize != "" && len(parts["UrlClickEvents"]) < 2 {
				t.Errorf("--part-size %s: UrlClickEvents in %d part(s)", tc.partSize, len(parts["UrlClickEvents"]))
			}

			// The export directory must be new: nothing is mixed in.
			r = clickhunt(t, dir, "", args...)
			r.expect(t, 1)
			matches(t, "second export", r.stderr, `not empty: choose a new directory`)

			db2 := filepath.Join(dir, "db-"+tc.format)
			r = clickhunt(t, dir, "", "ingest", "--db", db2, "--no-dedup", filepath.Join(out, "data"))
			r.expect(t, 0)
			if got := tableSchemas(t, dir, db2); !equalSchemas(got, schemas) {
				t.Errorf("schemas after the round trip:\n%v\nwant\n%v", got, schemas)
			}
			c2 := clickhunt(t, dir, "", "query", "--db", db2, "--format", "csv", "union withsource=T_ UrlClickEvents, MessageTrace, MessageTraceDetail | summarize n = count() by T_ | sort by T_ asc")
			checkText(t, "row counts", c2.stdout, counts.stdout)
			got := clickhunt(t, dir, queries, "query", "--db", db2, "--format", "json", "--now", "2024-01-15T00:00:00Z", "--keep-going")
			if got.code != want.code || got.stdout != want.stdout || got.stderr != want.stderr {
				diffLines(t, want.stdout, got.stdout)
				t.Errorf("stderr %q, want %q", got.stderr, want.stderr)
			}
		})
	}
}

// equalSchemas compares table schemas as sets of columns: a canonical
// table's columns no file carried sit last in the original (they are
// declared, not stored) and in canonical order once ingested again.
func equalSchemas(a, b map[string]string) bool {
	for k, v := range a {
		x, y := strings.Split(v, "\n"), strings.Split(b[k], "\n")
		sort.Strings(x)
		sort.Strings(y)
		if strings.Join(x, "\n") != strings.Join(y, "\n") {
			return false
		}
	}
	return len(a) == len(b)
}

func diffLines(t *testing.T, want, got string) {
	t.Helper()
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			t.Errorf("first difference at line %d:\nwant %s\n got %s", i+1, a, b)
			return
		}
	}
}

// checkScript checks the .kql script against the database's schemas and
// the part files against the script: one .create-merge table a table with
// the database's columns and KQL types, a mapping that puts each column
// where the files have it, one .ingest a part file. It returns the part
// files of each table.
func checkScript(t *testing.T, script string, schemas map[string]string, format, dataDir string) map[string][]string {
	t.Helper()
	creates := regexp.MustCompile(`(?m)^\.create-merge table (\S+) \((.*)\)$`).FindAllStringSubmatch(script, -1)
	if len(creates) != len(schemas) {
		t.Fatalf("%d .create-merge commands for %d tables:\n%s", len(creates), len(schemas), script)
	}
	parts := map[string][]string{}
	for _, m := range creates {
		table := m[1]
		var cols, types []string
		for _, c := range splitTopLevel(m[2]) {
			i := strings.LastIndexByte(c, ':')
			cols, types = append(cols, unbracket(c[:i])), append(types, c[i+1:])
		}
		var want strings.Builder
		want.WriteString("ColumnName,ColumnType\n")
		for i := range cols {
			want.WriteString(csvCell(cols[i]) + "," + types[i] + "\n")
		}
		if !equalSchemas(map[string]string{table: want.String()}, map[string]string{table: schemas[table]}) {
			t.Errorf(".create-merge table %s has\n%s\nthe database\n%s", table, want.String(), schemas[table])
		}
		mre := regexp.MustCompile(`(?m)^\.create-or-alter table ` + regexp.QuoteMeta(m[1]) + ` ingestion ` + format + ` mapping '` + table + `_` + format + `' '(.*)'$`)
		mm := mre.FindStringSubmatch(script)
		if mm == nil {
			t.Fatalf("no %s mapping for %s", format, table)
		}
		var mapping []struct {
			Column, DataType string
			Properties       map[string]string
		}
		if err := json.Unmarshal([]byte(strings.ReplaceAll(mm[1], `\'`, `'`)), &mapping); err != nil {
			t.Fatalf("mapping of %s: %v", table, err)
		}
		if len(mapping) != len(cols) {
			t.Fatalf("mapping of %s has %d columns, the table %d", table, len(mapping), len(cols))
		}
		ingests := regexp.MustCompile(`(?m)^\.ingest into table `+regexp.QuoteMeta(m[1])+` \(h'[^']*/([^/?']+)\?SAS'\) with \(format='`+format+`', ingestionMappingReference='`+table+`_`+format+`'`).FindAllStringSubmatch(script, -1)
		if len(ingests) == 0 {
			t.Fatalf("no .ingest command for %s", table)
		}
		for _, in := range ingests {
			path := filepath.Join(dataDir, in[1])
			parts[table] = append(parts[table], path)
			for i, mc := range mapping {
				if mc.Column != cols[i] || mc.DataType != types[i] {
					t.Errorf("%s mapping %d = %+v, table column %s:%s", table, i, mc, cols[i], types[i])
				}
			}
			if format == "csv" {
				checkCSVPart(t, path, mapping)
			} else {
				checkParquetPart(t, path, table, mapping)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(dataDir, "*"))
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if len(files) != n {
		t.Errorf("%d files in %s, %d .ingest commands", len(files), dataDir, n)
	}
	return parts
}

// checkCSVPart checks a part's header names each mapped column with its
// type at the mapping's ordinal.
func checkCSVPart(t *testing.T, path string, mapping []struct {
	Column, DataType string
	Properties       map[string]string
}) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cr := csv.NewReader(zr)
	header, err := cr.Read()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, m := range mapping {
		ord, err := strconv.Atoi(m.Properties["Ordinal"])
		if err != nil || ord >= len(header) {
			t.Fatalf("%s: mapping %+v", path, m)
		}
		if want := quoteName(m.Column) + ":" + m.DataType; header[ord] != want {
			t.Errorf("%s: header field %d is %s, the mapping says %s", path, ord, header[ord], want)
		}
	}
	for {
		rec, err := cr.Read()
		if err != nil {
			break
		}
		if len(rec) != len(header) {
			t.Fatalf("%s: a record of %d fields, header %d", path, len(rec), len(header))
		}
	}
}

// parquetTypes are the Parquet types of each KQL type, as Kusto's Parquet
// mapping converts them.
var parquetTypes = map[string]string{
	"string": "STRING", "long": "INT(64,true)", "int": "INT(32,true)", "real": "DOUBLE", "bool": "BOOLEAN",
	"datetime": "TIMESTAMP(isAdjustedToUTC=true,unit=NANOS)", "dynamic": "JSON", "guid": "UUID",
}

func checkParquetPart(t *testing.T, path, table string, mapping []struct {
	Column, DataType string
	Properties       map[string]string
}) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if v, _ := f.Lookup("clickhunt.table"); v != table {
		t.Errorf("%s: table metadata %q", path, v)
	}
	if len(f.Schema().Columns()) != len(mapping) {
		t.Errorf("%s: %d columns, mapping %d", path, len(f.Schema().Columns()), len(mapping))
	}
	for _, m := range mapping {
		leaf, ok := f.Schema().Lookup(m.Properties["Field"])
		if !ok {
			t.Errorf("%s: no field %q", path, m.Properties["Field"])
			continue
		}
		if got := leaf.Node.Type().String(); got != parquetTypes[m.DataType] {
			t.Errorf("%s: field %s is %s, the table's column is %s", path, m.Column, got, m.DataType)
		}
	}
}

// quoteName is Kusto's spelling of a name, bracketed when it is not a
// plain identifier (the export's rule, restated for names of the examples).
func quoteName(s string) string {
	if regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(s) {
		return s
	}
	return "['" + s + "']"
}

func unbracket(s string) string {
	if strings.HasPrefix(s, "['") && strings.HasSuffix(s, "']") {
		return s[2 : len(s)-2]
	}
	return s
}

func csvCell(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// splitTopLevel splits a column list at commas outside brackets.
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '[':
			depth++
		case ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}
