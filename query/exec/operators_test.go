package exec

import "testing"

const joinData = `let X = datatable(Key:string, Value1:long)['a', 1, 'b', 2, 'b', 3, 'c', 4];
let Y = datatable(Key:string, Value2:long)['b', 10, 'c', 20, 'c', 30, 'd', 40];
`

// https://learn.microsoft.com/kusto/query/join-operator: the default kind is
// innerunique (one left row per key), the right key column is renamed Key1,
// outer joins fill the missing side with nulls.
func TestJoinKinds(t *testing.T) {
	f := func(kind, want string) {
		t.Helper()
		check(t, joinData+"X | join "+kind+" Y on Key", want, true)
	}
	head := "Key:string | Value1:long | Key1:string | Value2:long\n"
	f("", head+"b | 2 | b | 10\nc | 4 | c | 20\nc | 4 | c | 30\n")
	f("kind=innerunique", head+"b | 2 | b | 10\nc | 4 | c | 20\nc | 4 | c | 30\n")
	f("kind=inner", head+"b | 2 | b | 10\nb | 3 | b | 10\nc | 4 | c | 20\nc | 4 | c | 30\n")
	f("kind=leftouter", head+"a | 1 |  | null\nb | 2 | b | 10\nb | 3 | b | 10\nc | 4 | c | 20\nc | 4 | c | 30\n")
	f("kind=rightouter", head+"b | 2 | b | 10\nb | 3 | b | 10\nc | 4 | c | 20\nc | 4 | c | 30\n | null | d | 40\n")
	f("kind=fullouter", head+"a | 1 |  | null\nb | 2 | b | 10\nb | 3 | b | 10\nc | 4 | c | 20\nc | 4 | c | 30\n | null | d | 40\n")
	f("kind=leftanti", "Key:string | Value1:long\na | 1\n")
	f("kind=rightanti", "Key:string | Value2:long\nd | 40\n")
	f("kind=leftsemi", "Key:string | Value1:long\nb | 2\nb | 3\nc | 4\n")
	f("kind=rightsemi", "Key:string | Value2:long\nb | 10\nc | 20\nc | 30\n")
	check(t, joinData+"X | join kind=inner (Y | project K = Key, Value2) on $left.Key == $right.K | where Value2 > 10",
		"Key:string | Value1:long | K:string | Value2:long\nc | 4 | c | 20\nc | 4 | c | 30\n", true)
	// https://learn.microsoft.com/kusto/query/lookup-operator: keys are not repeated.
	check(t, joinData+"X | lookup Y on Key", "Key:string | Value1:long | Value2:long\na | 1 | null\nb | 2 | 10\nb | 3 | 10\nc | 4 | 20\nc | 4 | 30\n", true)
	// Joining the table with itself renames every right column.
	check(t, `UrlClickEvents | where ReportId == "r2" | project ReportId, ActionType | join kind=inner (UrlClickEvents | project ReportId, ActionType) on ReportId | where ActionType != ActionType1`,
		"ReportId:string | ActionType:string | ReportId1:string | ActionType1:string\nr2 | ClickBlocked | r2 | ClickAllowed\nr2 | ClickAllowed | r2 | ClickBlocked\n", true)
	checkErr(t, joinData+"X | join Y on Nope", "3:15: join key 'Nope' is not a column of the left side")
	checkErr(t, joinData+"X | join kind=sideways Y on Key", "3:5: unknown join kind 'sideways'")
}

// https://learn.microsoft.com/kusto/query/union-operator
func TestUnion(t *testing.T) {
	check(t, joinData+"union X, Y | count", "Count:long\n8\n", false)
	check(t, joinData+"union withsource=T (X | take 1), (Y | take 1)",
		"T:string | Key:string | Value1:long | Value2:long\nunion_arg0 | a | 1 | null\nunion_arg1 | b | null | 10\n", false)
	check(t, joinData+"X | union Y | where Key == 'd'", "Key:string | Value1:long | Value2:long\nd | null | 40\n", false)
	check(t, "union (datatable(a:long)[1]), (datatable(a:string)['x'])", "a_long:long | a_string:string\n1 | \nnull | x\n", false)
	check(t, joinData+"union kind=inner X, Y | count", "Count:long\n8\n", false)
	check(t, joinData+"union isfuzzy=true X, NoSuchTable | count", "Count:long\n4\n", false)
	checkErr(t, joinData+"union X, NoSuchTable", "3:10: unknown table 'NoSuchTable' (tables: UrlClickEvents)")
}

// https://learn.microsoft.com/kusto/query/make-series-operator: missing bins
// get the default; to is exclusive.
func TestMakeSeries(t *testing.T) {
	check(t, `UrlClickEvents | make-series n = count() default = 0 on Timestamp from datetime(2024-01-07) to datetime(2024-01-11) step 1d`,
		`n:dynamic | Timestamp:dynamic
[0,3,2,1] | ["2024-01-07T00:00:00.0000000Z","2024-01-08T00:00:00.0000000Z","2024-01-09T00:00:00.0000000Z","2024-01-10T00:00:00.0000000Z"]
`, false)
	check(t, `UrlClickEvents | make-series n = count(), s = sum(Score) default = -1 on Timestamp from datetime(2024-01-08) to datetime(2024-01-10) step 1d by ActionType`,
		`ActionType:string | n:dynamic | s:dynamic | Timestamp:dynamic
ClickAllowed | [2,1] | [12,0] | ["2024-01-08T00:00:00.0000000Z","2024-01-09T00:00:00.0000000Z"]
ClickBlocked | [1,1] | [-3,0] | ["2024-01-08T00:00:00.0000000Z","2024-01-09T00:00:00.0000000Z"]
`, true)
	check(t, `UrlClickEvents | where ActionType == "ClickBlocked" | make-series n = count() on Timestamp step 1d`,
		"n:dynamic | Timestamp:dynamic\n[1,1] | [\"2024-01-08T00:00:00.0000000Z\",\"2024-01-09T00:00:00.0000000Z\"]\n", false)
}

// https://learn.microsoft.com/kusto/query/mv-expand-operator: a null gives one
// row, an empty array none; bags expand into one-property bags.
func TestMvExpand(t *testing.T) {
	check(t, `datatable(a:long, b:dynamic)[1, dynamic([10, 20]), 2, dynamic([]), 3, dynamic(null), 4, dynamic({"k":"v","j":1})] | mv-expand b`,
		"a:long | b:dynamic\n1 | 10\n1 | 20\n3 | null\n4 | {\"j\":1}\n4 | {\"k\":\"v\"}\n", false)
	check(t, `datatable(a:long, b:dynamic)[1, dynamic([10, "x"])] | mv-expand b to typeof(long)`,
		"a:long | b:long\n1 | 10\n1 | null\n", false)
	check(t, `print c = '["x","y"]' | mv-expand with_itemindex=i c to typeof(string)`,
		"c:string | i:long\nx | 0\ny | 1\n", false)
	check(t, `print c = dynamic([1,2,3]) | mv-expand c limit 2`, "c:dynamic\n1\n2\n", false)
}

// https://learn.microsoft.com/kusto/query/parse-operator
func TestParse(t *testing.T) {
	check(t, `datatable(s:string)["user=alice id=42 rest", "nothing here"] | parse s with "user=" User " id=" Id:long " " *`,
		"s:string | User:string | Id:long\nuser=alice id=42 rest | alice | 42\nnothing here |  | null\n", false)
	check(t, `print s = "GET /a/b?x=1 200" | parse kind=regex s with "^" Method " " Path:string "\\?"`,
		"s:string | Method:string | Path:string\nGET /a/b?x=1 200 | GET | /a/b\n", false)
}

// datatable, print, getschema, project-away/keep/reorder/rename.
func TestSmallOperators(t *testing.T) {
	check(t, `print x = 1, y = "a", 2.5`, "x:long | y:string | print_2:real\n1 | a | 2.5\n", false)
	check(t, `datatable(n:long, t:datetime, b:bool)[1, datetime(2024-01-01), true, 2, datetime(null), false]`,
		"n:long | t:datetime | b:bool\n1 | 2024-01-01T00:00:00Z | true\n2 | null | false\n", false)
	check(t, `UrlClickEvents | project Url, Score | getschema`,
		"ColumnName:string | ColumnOrdinal:int | DataType:string | ColumnType:string\nUrl | 0 | System.String | string\nScore | 1 | System.Int64 | long\n", false)
	check(t, `UrlClickEvents | project-away Url, Timestamp, ThreatTypes, IsClickedThrough, Ratio | take 1`,
		"ActionType:string | AccountUpn:string | ReportId:string | Score:long\nClickAllowed | alice@contoso.com | r1 | 5\n", false)
	check(t, `UrlClickEvents | project-keep Score, ReportId | project-reorder Score | project-rename Id = ReportId | take 1`,
		"Score:long | Id:string\n5 | r1\n", false)
	check(t, `UrlClickEvents | as T | serialize | take 1 | project ReportId`, "ReportId:string\nr1\n", false)
	checkErr(t, `UrlClickEvents | project-away Nope`, "1:31: project-away: unknown column 'Nope'")
	checkErr(t, `datatable(a:long)[1, 2, "x"]`, "1:25: datatable column a: expected a long value, got string")
}

// Dynamic values: https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic
func TestDynamicAccess(t *testing.T) {
	check(t, `print d = dynamic({"a": {"b": [1, 2, 3]}, "s": "t"}) | extend x = d.a.b[-1], y = d["a"]["b"][0], z = d.missing, w = d['s'] | project x, y, z, w`,
		"x:dynamic | y:dynamic | z:dynamic | w:dynamic\n3 | 1 | null | t\n", false)
	check(t, `print j = '{"Type":"url","n":[5]}' | extend t = tostring(j.Type), n = j.n[0] | project t, n`,
		"t:string | n:dynamic\nurl | 5\n", false)
}

// arg_max/arg_min, toscalar, in (T), materialize, quoted names, TimeGenerated.
func TestSubqueriesAndAggregates(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/arg-max-aggregation-function
	check(t, `UrlClickEvents | summarize arg_max(Score, ReportId) by ActionType`,
		"ActionType:string | Score:long | ReportId:string\nClickAllowed | 7 | r2\nClickBlocked | -3 | r2\nUrlScanInProgress | 12 | r5\n", true)
	check(t, `UrlClickEvents | where ActionType == "ClickBlocked" | summarize arg_min(Timestamp, *) | project Timestamp, ReportId, Score`,
		"Timestamp:datetime | ReportId:string | Score:long\n2024-01-08T09:05:00Z | r2 | -3\n", false)
	check(t, `UrlClickEvents | summarize Latest = arg_max(Timestamp, *) by AccountUpn | where AccountUpn == "bob@contoso.com" | project AccountUpn, Latest, IsClickedThrough`,
		"AccountUpn:string | Latest:datetime | IsClickedThrough:bool\nbob@contoso.com | 2024-01-08T09:06:00Z | true\n", false)
	// https://learn.microsoft.com/kusto/query/toscalar-function
	check(t, `let m = toscalar(UrlClickEvents | summarize max(Score)); UrlClickEvents | where Score == m | project ReportId`, ids("r5"), false)
	check(t, `let blocked = UrlClickEvents | where ActionType == "ClickBlocked" | project AccountUpn; UrlClickEvents | where AccountUpn in (blocked) | project ReportId`,
		ids("r2", "r2", "r3"), false)
	check(t, `let none = UrlClickEvents | where Score > 100 | project AccountUpn; UrlClickEvents | where AccountUpn !in (none) | count`, "Count:long\n7\n", false)
	check(t, `let t = materialize(UrlClickEvents | where Score > 4); t | count`, "Count:long\n3\n", false)
	check(t, `UrlClickEvents | summarize ['Click Count'] = count() by ActionType | top 1 by ['Click Count']`,
		"ActionType:string | Click Count:long\nClickAllowed | 4\n", false)
	check(t, `UrlClickEvents | where TimeGenerated > datetime(2024-01-09T12:00) | project TimeGenerated`,
		"TimeGenerated:datetime\n2024-01-09T23:59:59.9999999Z\n2024-01-10T00:00:00Z\n", false)
}

// has_any and in over a dynamic array or a tabular expression; Kusto's
// aggregate names; percentiles by nearest rank (50th of 6 values: the 3rd).
// https://learn.microsoft.com/kusto/query/has-anyoperator
func TestListOperands(t *testing.T) {
	check(t, `let terms = dynamic(["america", "login"]); UrlClickEvents | where Url has_any (terms) | project ReportId`, ids("r1", "r3"), false)
	check(t, `let acts = dynamic(["ClickBlocked"]); UrlClickEvents | where ActionType in (acts) | project ReportId`, ids("r2", "r3"), false)
	check(t, `let words = datatable(w:string)["fabrikam", "amer"]; UrlClickEvents | where Url has_any (words) | project ReportId`, ids("r3", "r4", "r5"), false)
	check(t, `UrlClickEvents | summarize make_set(ActionType), take_any(ReportId) | project set_ActionType`,
		"set_ActionType:dynamic\n[\"ClickAllowed\",\"ClickBlocked\",\"UrlScanInProgress\"]\n", false)
	check(t, `UrlClickEvents | summarize percentiles(Score, 50, 90)`, "percentile_Score_50:long | percentile_Score_90:long\n1 | 12\n", false)
}

// User functions: https://learn.microsoft.com/kusto/query/functions/user-defined-functions
func TestUserFunctions(t *testing.T) {
	check(t, `let twice = (x:long) { x * 2 }; UrlClickEvents | where twice(Score) > 10 | project ReportId`, ids("r2", "r5"), false)
	check(t, `let domain = (u:string) { tostring(split(u, "/")[2]) }; UrlClickEvents | summarize n = count() by d = domain(Url) | where d == "fabrikam.net"`,
		"d:string | n:long\nfabrikam.net | 2\n", false)
	check(t, `let blocked = (t:(*), n:long = 1) { t | where ActionType == "ClickBlocked" | take n }; blocked(UrlClickEvents, 5) | count`, "Count:long\n2\n", false)
	check(t, `let blocked = (t:(*), n:long = 1) { t | where ActionType == "ClickBlocked" | take n }; blocked(UrlClickEvents) | count`, "Count:long\n1\n", false)
	check(t, `let recent = () { let cut = datetime(2024-01-09); UrlClickEvents | where Timestamp > cut }; recent() | count`, "Count:long\n3\n", false)
	checkErr(t, `let f = (x:long) { x }; UrlClickEvents | extend y = f(Url)`, "1:55: f(): parameter x is long, got string")
	checkErr(t, `let f = (x:long) { x }; UrlClickEvents | extend y = f()`, "1:53: f() needs argument x")
	checkErr(t, `let g = () { UrlClickEvents }; UrlClickEvents | extend y = g()`, "1:60: g() returns a table: use it where a table goes")
}

// A join whose side has no rows, and a join too big for the budget.
func TestJoinEdges(t *testing.T) {
	check(t, `UrlClickEvents | where AccountUpn == "nobody" | join kind=leftouter (UrlClickEvents) on ReportId | count`, "Count:long\n0\n", false)
	check(t, `UrlClickEvents | join kind=rightouter (UrlClickEvents | where AccountUpn == "nobody") on ReportId | count`, "Count:long\n0\n", false)
	check(t, `UrlClickEvents | where AccountUpn == "nobody" | join kind=rightouter (UrlClickEvents | take 2) on ReportId | project ReportId1`, "ReportId1:string\nr1\nr2\n", false)
}
