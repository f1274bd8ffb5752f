package exec

import (
	"context"
	"errors"
	"testing"

	"clickhunt/query/plan"
	"clickhunt/query/syntax"
)

// Expected results below are worked out by hand from the semantics in
// Microsoft's KQL documentation (pages cited per test) over clickRows().

// https://learn.microsoft.com/defender-xdr/advanced-hunting-urlclickevents-table
// (the sample query, with IsClickedThrough compared to "0" as Advanced Hunting allows).
func TestSampleQuery(t *testing.T) {
	check(t, `// Search for malicious links where user was allowed to proceed through
UrlClickEvents
| where ActionType == "ClickAllowed" or IsClickedThrough !="0"
| where ThreatTypes has "Phish"
| summarize by ReportId, IsClickedThrough, AccountUpn, ThreatTypes, Timestamp`,
		`ReportId:string | IsClickedThrough:bool | AccountUpn:string | ThreatTypes:string | Timestamp:datetime
r1 | false | alice@contoso.com | Phish | 2024-01-08T09:00:00Z
r2 | true | bob@contoso.com | Phish,Malware | 2024-01-08T09:06:00Z
`, true)
}

func ids(list ...string) string {
	s := "ReportId:string\n"
	for _, x := range list {
		s += x + "\n"
	}
	return s
}

// https://learn.microsoft.com/kusto/query/has-operator: whole terms, case-insensitive.
func TestHas(t *testing.T) {
	f := func(pred string, want ...string) {
		t.Helper()
		check(t, "UrlClickEvents | where "+pred+" | project ReportId", ids(want...), false)
	}
	f(`Url has "america"`, "r3")
	f(`Url has "ameri"`)
	f(`Url has "Phish"`) // "Phishing" is one term: no match
	f(`Url has "contoso.com"`, "r1", "r2", "r2")
	f(`Url has "ontoso"`)
	f(`Url !has "fabrikam"`, "r1", "r2", "r2", "r3", "r6")
	f(`ThreatTypes has "phish"`, "r1", "r2", "r2")
	f(`ThreatTypes has_cs "phish"`)
	f(`ThreatTypes has_cs "Phish"`, "r1", "r2", "r2")
	f(`ThreatTypes !has_cs "Phish"`, "r3", "r4", "r5", "r6")
	f(`Url has_any ("america", "login")`, "r1", "r3")
	f(`Url hasprefix "fabri"`, "r4", "r5")
	f(`Url hassuffix "ogin"`, "r1")
}

// https://learn.microsoft.com/kusto/query/datatypes-string-operators
func TestStringOperators(t *testing.T) {
	f := func(pred string, want ...string) {
		t.Helper()
		check(t, "UrlClickEvents | where "+pred+" | project ReportId", ids(want...), false)
	}
	f(`AccountUpn == "alice@contoso.com"`, "r1")
	f(`AccountUpn =~ "alice@contoso.com"`, "r1", "r4")
	f(`AccountUpn !~ "ALICE@contoso.com"`, "r2", "r2", "r3", "r5", "r6")
	f(`AccountUpn != "bob@contoso.com"`, "r1", "r3", "r4", "r5", "r6")
	f(`Url contains "PHISH"`, "r4")
	f(`Url contains_cs "PHISH"`)
	f(`Url !contains "contoso"`, "r3", "r4", "r5", "r6")
	f(`Url startswith "HTTPS://fab"`, "r4", "r5")
	f(`Url startswith_cs "HTTPS://fab"`)
	f(`Url endswith "/"`, "r5")
	f(`Url !endswith "/"`, "r1", "r2", "r2", "r3", "r4", "r6")
	f(`Url matches regex "^https://[a-z]+\\.net/$"`, "r5")
	f(`ActionType in ("ClickBlocked", "UrlScanInProgress")`, "r2", "r3", "r5")
	f(`ActionType !in ("ClickBlocked", "UrlScanInProgress")`, "r1", "r2", "r4", "r6")
	f(`AccountUpn in~ ("ALICE@contoso.com")`, "r1", "r4")
	f(`AccountUpn !in~ ("ALICE@contoso.com", "")`, "r2", "r2", "r3", "r5")
	f(`isempty(AccountUpn)`, "r6")
	f(`isnotempty(ThreatTypes) and strlen(ThreatTypes) > 5`, "r2", "r2", "r3")
	f(`tolower(AccountUpn) == "alice@contoso.com"`, "r1", "r4")
}

// https://learn.microsoft.com/kusto/query/between-operator,
// https://learn.microsoft.com/kusto/query/in-operator (numbers),
// https://learn.microsoft.com/kusto/query/logical-operators.
func TestComparisons(t *testing.T) {
	f := func(pred string, want ...string) {
		t.Helper()
		check(t, "UrlClickEvents | where "+pred+" | project ReportId", ids(want...), false)
	}
	f(`Score between (0 .. 7)`, "r1", "r2", "r4", "r6")
	f(`Score !between (0 .. 7)`, "r2", "r5")
	f(`Timestamp between (datetime(2024-01-08) .. datetime(2024-01-09))`, "r1", "r2", "r2")
	f(`Score in (5, 7)`, "r1", "r2")
	f(`Score !in (5, 7)`, "r2", "r4", "r5", "r6")
	f(`Score > 0 and Ratio < 1`, "r1", "r5")
	f(`Score >= 5 or Ratio > 2`, "r1", "r2", "r5", "r6")
	f(`Ratio == 2`, "r3")
	f(`Score == 1.0`, "r6")
	f(`IsClickedThrough == "1"`, "r2")
	f(`IsClickedThrough != "0"`, "r2")
	f(`IsClickedThrough == "false"`, "r1", "r2", "r3", "r4", "r6")
	f(`IsClickedThrough`, "r2")
	f(`not(IsClickedThrough)`, "r1", "r2", "r3", "r4", "r6")
	f(`IsClickedThrough == true`, "r2")
	f(`isnull(IsClickedThrough)`, "r5")
	f(`isnull(Score) or isnull(Timestamp)`, "r3", "r6")
	f(`Timestamp > ago(1d)`, "r4", "r5")
	f(`Timestamp >= now(-1d) and Timestamp < now()`, "r4", "r5")
	f(`Timestamp < datetime(2024-01-08 09:05)`, "r1")
}

// https://learn.microsoft.com/kusto/query/summarize-operator and the
// aggregation function pages: names count_, dcount_X, sum_X...; nulls ignored;
// count/sum default 0, others null.
func TestSummarize(t *testing.T) {
	check(t, `UrlClickEvents | summarize count(), countif(ActionType == "ClickAllowed"), dcount(AccountUpn), sum(Score), avg(Score), min(Timestamp), max(Ratio) by ActionType`,
		`ActionType:string | count_:long | countif_:long | dcount_AccountUpn:long | sum_Score:long | avg_Score:real | min_Timestamp:datetime | max_Ratio:real
ClickAllowed | 4 | 4 | 4 | 13 | 3.25 | 2024-01-08T09:00:00Z | 3.25
ClickBlocked | 2 | 0 | 2 | -3 | -3 | 2024-01-08T09:05:00Z | 2
UrlScanInProgress | 1 | 0 | 1 | 12 | 12 | 2024-01-10T00:00:00Z | 0
`, true)
	check(t, `UrlClickEvents | summarize Clicks = count() by bin(Timestamp, 1d)`,
		`Timestamp:datetime | Clicks:long
2024-01-08T00:00:00Z | 3
2024-01-09T00:00:00Z | 2
2024-01-10T00:00:00Z | 1
null | 1
`, true)
	// 7-day bins start on Mondays: Kusto bins datetimes from 0001-01-01.
	check(t, `UrlClickEvents | summarize count() by bin(Timestamp, 7d)`,
		`Timestamp:datetime | count_:long
2024-01-08T00:00:00Z | 6
null | 1
`, true)
	check(t, `UrlClickEvents | where Score > 100 | summarize count(), sum(Score), max(Score), dcount(Url)`,
		"count_:long | sum_Score:long | max_Score:long | dcount_Url:long\n0 | 0 | null | 0\n", false)
	check(t, `UrlClickEvents | where Score > 100 | summarize count() by ActionType`,
		"ActionType:string | count_:long\n", false)
	check(t, `UrlClickEvents | summarize n = count() by IsClickedThrough, Day = startofday(Timestamp) | where n > 1`,
		`IsClickedThrough:bool | Day:datetime | n:long
false | 2024-01-08T00:00:00Z | 2
false | 2024-01-09T00:00:00Z | 2
`, true)
	check(t, `UrlClickEvents | summarize by hourofday(Timestamp)`,
		"Column1:int\n9\n10\n23\n0\nnull\n", true)
	check(t, `UrlClickEvents | summarize Ratios = sum(Ratio), Avg = avg(Ratio) by ReportId | where ReportId == "r2"`,
		"ReportId:string | Ratios:real | Avg:real\nr2 | 1.5 | 1.5\n", false)
}

// https://learn.microsoft.com/kusto/query/sort-operator: default desc; nulls
// last for desc and first for asc. https://learn.microsoft.com/kusto/query/top-operator
func TestSortTop(t *testing.T) {
	check(t, `UrlClickEvents | project ReportId, Score | sort by Score`,
		"ReportId:string | Score:long\nr5 | 12\nr2 | 7\nr1 | 5\nr6 | 1\nr4 | 0\nr2 | -3\nr3 | null\n", false)
	check(t, `UrlClickEvents | project ReportId, Score | order by Score asc`,
		"ReportId:string | Score:long\nr3 | null\nr2 | -3\nr4 | 0\nr6 | 1\nr1 | 5\nr2 | 7\nr5 | 12\n", false)
	check(t, `UrlClickEvents | project ReportId, Score | sort by Score asc nulls last | take 2`,
		"ReportId:string | Score:long\nr2 | -3\nr4 | 0\n", false)
	check(t, `UrlClickEvents | sort by ActionType asc, Timestamp desc | project ReportId`,
		ids("r4", "r2", "r1", "r6", "r3", "r2", "r5"), false)
	check(t, `UrlClickEvents | top 2 by Ratio asc | project ReportId, Ratio`,
		"ReportId:string | Ratio:real\nr2 | null\nr4 | -1\n", false)
	check(t, `UrlClickEvents | top 2 by Ratio | project ReportId, Ratio`,
		"ReportId:string | Ratio:real\nr6 | 3.25\nr3 | 2\n", false)
	check(t, `UrlClickEvents | top 3 by Url asc | project Url`,
		"Url:string\n\nhttp://North-America.example/amer\nhttps://contoso.com/login\n", false)
}

// take, distinct, count, project, extend, let.
func TestTabularOperators(t *testing.T) {
	check(t, `UrlClickEvents | take 3 | count`, "Count:long\n3\n", false)
	check(t, `UrlClickEvents | limit 0`, "Timestamp:datetime | Url:string | ActionType:string | AccountUpn:string | ThreatTypes:string | IsClickedThrough:bool | ReportId:string | Score:long | Ratio:real\n", false)
	check(t, `UrlClickEvents | count`, "Count:long\n7\n", false)
	check(t, `UrlClickEvents | distinct ActionType`, "ActionType:string\nClickAllowed\nClickBlocked\nUrlScanInProgress\n", true)
	check(t, `UrlClickEvents | distinct ReportId, ThreatTypes | where ReportId in ("r1", "r2")`,
		"ReportId:string | ThreatTypes:string\nr1 | Phish\nr2 | Phish,Malware\n", true)
	check(t, `UrlClickEvents | extend S2 = Score * 2, R = Score / 2, F = Score * 1.5 | project ReportId, S2, R, F | take 2`,
		"ReportId:string | S2:long | R:long | F:real\nr1 | 10 | 2 | 7.5\nr2 | -6 | -1 | -4.5\n", false)
	check(t, `UrlClickEvents | project Who = AccountUpn, ReportId | take 1`,
		"Who:string | ReportId:string\nalice@contoso.com | r1\n", false)
	check(t, `UrlClickEvents | extend Score = Score + 1 | project ReportId, Score | take 1`,
		"ReportId:string | Score:long\nr1 | 6\n", false)
	check(t, `UrlClickEvents | extend tolower(ActionType) | project Column1 | take 1`,
		"Column1:string\nclickallowed\n", false)
	check(t, "let threshold = 5;\nlet who = \"bob@contoso.com\";\nUrlClickEvents | where Score >= threshold or AccountUpn == who | project ReportId",
		ids("r1", "r2", "r2", "r5"), false)
	check(t, `let Blocked = UrlClickEvents | where ActionType == "ClickBlocked"; Blocked | count`, "Count:long\n2\n", false)
	check(t, `UrlClickEvents | extend b = bin(Score, 5) | project Score, b`,
		"Score:long | b:long\n5 | 5\n-3 | -5\n7 | 5\nnull | null\n0 | 0\n12 | 10\n1 | 0\n", false)
	check(t, `UrlClickEvents | extend d = Timestamp - datetime(2024-01-08), w = dayofweek(Timestamp), h = hourofday(Timestamp) | project d, w, h | take 2`,
		"d:timespan | w:timespan | h:int\n09:00:00 | 1.00:00:00 | 9\n09:05:00 | 1.00:00:00 | 9\n", false)
	check(t, `UrlClickEvents | extend n = now(), a = ago(7d), label = iff(Score > 4, "high", "low"), s = strcat(ReportId, "-", ActionType) | project n, a, label, s | take 1`,
		"n:datetime | a:datetime | label:string | s:string\n2024-01-10T12:00:00Z | 2024-01-03T12:00:00Z | high | r1-ClickAllowed\n", false)
	check(t, `UrlClickEvents | where Timestamp < datetime(2024-01-09) | summarize total = sum(Score) | extend half = total / 2.0`,
		"total:long | half:real\n9 | 4.5\n", false)
}

// Errors point at the spot in the query.
func TestErrors(t *testing.T) {
	checkErr(t, `UrlClickEvents | where Acountupn == "x"`, "1:24: unknown column 'Acountupn' (did you mean 'AccountUpn'?)")
	checkErr(t, `UrlClickEvent | count`, "1:1: unknown table 'UrlClickEvent' (did you mean 'UrlClickEvents'?)")
	checkErr(t, `AlertEvidence | count`, "1:1: unknown table 'AlertEvidence' (tables: UrlClickEvents)")
	checkErr(t, `UrlClickEvents | where Score == "x"`, "1:30: '==' cannot compare long with string")
	checkErr(t, "UrlClickEvents\n| summarize foo(Score)", "2:13: unknown aggregation function 'foo'")
	checkErr(t, "UrlClickEvents\n| summarize tolower(Url)", "2:21: summarize: 'Url' is neither a by column nor inside an aggregation such as max(Url)")
	checkErr(t, "UrlClickEvents\n| summarize tolower(\"A\")", "2:13: expected an aggregation function such as count(), countif(), dcount(), sum(), avg(), min() or max()")
	checkErr(t, `UrlClickEvents | where Score`, "1:24: where needs a bool predicate, got long")
	checkErr(t, `UrlClickEvents | where Score >`, "1:31: unexpected end of query, expected expression")
	checkErr(t, `UrlClickEvents | wher Score > 1`, `1:18: unexpected "wher", expected operator`)
	checkErr(t, `UrlClickEvents | where tolowr(Url) == "x"`, "1:24: unknown function 'tolowr' (did you mean 'tolower'?)")
	checkErr(t, `UrlClickEvents | extend x = Url + "a"`, "1:33: '+' cannot combine string and string: use strcat() to join strings")
	checkErr(t, `UrlClickEvents | take -1`, "1:23: take needs a number of rows >= 0, got -1")
	checkErr(t, `UrlClickEvents | where Timestamp > datetime(2024-13-45)`, "1:36: cannot parse \"2024-13-45\" as a datetime (expected ISO 8601 such as 2023-12-21T19:04:59.0109752Z)")
	checkErr(t, `UrlClickEvents | summarize count() by ActionType, ActionType`, "1:51: summarize produces column 'ActionType' twice: name one of them (Name = ...)")
	checkErr(t, `UrlClickEvents | where Url matches regex "("`, "bad regular expression \"(\": error parsing regexp: missing closing ): `(`")
}

// A where on the time column skips blocks whose min/max cannot match.
func TestBlockPruning(t *testing.T) {
	m := newMemStore("UrlClickEvents", clickSchema, clickRows(), []int{1})
	_, st, err := runQuery(t, m, `UrlClickEvents | where Timestamp >= datetime(2024-01-09) and Timestamp < datetime(2024-01-10) | count`)
	if err != nil {
		t.Fatal(err)
	}
	if st.BlocksTotal != 7 || st.BlocksRead != 2 {
		t.Fatalf("blocks total/read = %d/%d, want 7/2", st.BlocksTotal, st.BlocksRead)
	}
}

// https://learn.microsoft.com/kusto/query/render-operator: render passes the
// rows through; drawing is the client's job.
func TestRender(t *testing.T) {
	check(t, `UrlClickEvents | summarize n = count() by ActionType | render piechart with (title = "Actions", legend = hidden)`,
		"ActionType:string | n:long\nClickAllowed | 4\nClickBlocked | 2\nUrlScanInProgress | 1\n", true)
	check(t, `UrlClickEvents | summarize count() by bin(Timestamp, 1d) | render timechart`,
		"Timestamp:datetime | count_:long\n2024-01-08T00:00:00Z | 3\n2024-01-09T00:00:00Z | 2\n2024-01-10T00:00:00Z | 1\nnull | 1\n", true)
	checkErr(t, `UrlClickEvents | render piechat`, "1:18: unknown chart kind 'piechat' (did you mean 'piechart'?)")
	checkErr(t, `UrlClickEvents | render table | count`, "1:18: render must be the last operator of the query")
}

// A query over its memory budget stops with a clear error (issue: trustworthy
// under faults, resource limits).
func TestMemoryBudget(t *testing.T) {
	m := newMemStore("UrlClickEvents", clickSchema, clickRows(), []int{2})
	run := func(q string, limit int64) error {
		s, err := syntax.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Build(s, m, plan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = RunWith(context.Background(), p, m, Options{MaxMemory: limit})
		return err
	}
	for _, q := range []string{
		`UrlClickEvents | summarize count() by ReportId, Url`,
		`UrlClickEvents | sort by Url`,
		`UrlClickEvents | join kind=inner (UrlClickEvents) on ReportId`,
		`UrlClickEvents`,
	} {
		if err := run(q, 64); !errors.Is(err, ErrMemoryBudget) {
			t.Errorf("%s with a 64-byte budget: %v, want ErrMemoryBudget", q, err)
		}
		if err := run(q, 1<<30); err != nil {
			t.Errorf("%s with 1 GiB: %v", q, err)
		}
	}
}

// take stops reading blocks once it has its rows.
func TestTakeStopsEarly(t *testing.T) {
	m := newMemStore("UrlClickEvents", clickSchema, clickRows(), []int{1})
	_, st, err := runQuery(t, m, `UrlClickEvents | take 2`)
	if err != nil {
		t.Fatal(err)
	}
	if st.BlocksRead != 2 {
		t.Fatalf("take 2 over 7 one-row blocks read %d blocks, want 2", st.BlocksRead)
	}
}

// datetime(expr) is a call, not a literal; 'regex' only follows 'matches'.
func TestLiteralEdges(t *testing.T) {
	checkErr(t, `UrlClickEvents | where Timestamp > datetime(now())`, "1:36: datetime() takes a literal value")
	checkErr(t, `UrlClickEvents | where Url has regex "x"`, "1:28: 'regex' only follows 'matches' (matches regex \"...\")")
}
