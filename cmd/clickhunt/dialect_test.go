package main

import (
	"os"
	"path/filepath"
	"testing"
)

// query --check --dialect kusto lists what clickhunt accepts and Azure
// Data Explorer would refuse, each place with its caret; exit 1 when there
// is any.
func TestCheckDialectKusto(t *testing.T) {
	dir := t.TempDir()
	sample, err := os.ReadFile("../../examples/sample.kql")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "sample.kql"), sample, 0o644)
	// No database: the known schemas.
	r := clickhunt(t, dir, "", "query", "--check", "--dialect", "kusto", "-f", "sample.kql")
	r.expect(t, 1)
	checkText(t, "summary", r.stdout, "1 queries checked for Kusto: 0 invalid, 1 using what Azure Data Explorer refuses (1 places)\n")
	checkText(t, "findings", r.stderr, `sample.kql:3:58: kusto: IsClickedThrough != "0" compares a bool with a string: `+
		`Kusto in Advanced Hunting accepts it (its own behaviour there, as Microsoft's sample hunting query writes it); `+
		`Azure Data Explorer refuses it ("Cannot compare values of types bool and string"): write IsClickedThrough != false`+"\n"+
		`| where ActionType == "ClickAllowed" or IsClickedThrough !="0"`+"\n"+
		"                                                         ^\n")

	// The same hunt as Kusto takes it; a query argument reads "kusto: L:C".
	r = clickhunt(t, dir, "", "query", "--check", "--dialect", "kusto", `UrlClickEvents | where ActionType == "ClickAllowed" or IsClickedThrough != false`)
	r.expect(t, 0)
	checkText(t, "clean", r.stdout, "1 queries checked for Kusto: 0 invalid, 0 using what Azure Data Explorer refuses (0 places)\n")
	r = clickhunt(t, dir, "", "query", "--check", "--dialect", "kusto", "UrlClickEvents | where TimeGenerated > ago(1d)")
	r.expect(t, 1)
	checkText(t, "alias", r.stderr, "kusto: 1:24: the table has no column TimeGenerated: clickhunt reads Timestamp for it (Sentinel's and Defender's names for the same time), Kusto refuses the unknown column; write Timestamp\n"+
		"UrlClickEvents | where TimeGenerated > ago(1d)\n                       ^\n")

	r = clickhunt(t, dir, "", "query", "--dialect", "kusto", "print 1")
	r.expect(t, 2)
	matches(t, "without --check", r.stderr, `--dialect kusto goes with --check`)
	r = clickhunt(t, dir, "", "query", "--check", "--dialect", "sql", "print 1")
	r.expect(t, 2)
	matches(t, "unknown dialect", r.stderr, `--dialect sql: want clickhunt or kusto`)
}
