package exec

import "testing"

// Aggregations over clickRows(): Score is 5, -3, 7, null, 0, 12, 1 and
// ActionType ClickAllowed (r1, r2b, r4, r6), ClickBlocked (r2a, r3),
// UrlScanInProgress (r5).

func TestIfAggregations(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/sumif-aggregation-function:
	// a group with no matching row sums to 0.
	check(t, `UrlClickEvents | summarize s = sumif(Score, Score > 0) by ActionType`,
		"ActionType:string | s:long\nClickAllowed | 13\nClickBlocked | 0\nUrlScanInProgress | 12\n", true)
	// https://learn.microsoft.com/kusto/query/avgif-aggregation-function:
	// no matching row gives null.
	check(t, `UrlClickEvents | summarize a = avgif(Score, Score > 0) by ActionType`,
		"ActionType:string | a:real\nClickAllowed | 4.333333333333333\nClickBlocked | null\nUrlScanInProgress | 12\n", true)
	// https://learn.microsoft.com/kusto/query/minif-aggregation-function
	// https://learn.microsoft.com/kusto/query/maxif-aggregation-function
	check(t, `UrlClickEvents | summarize lo = minif(Score, ActionType != "ClickBlocked"), hi = maxif(Score, ActionType != "ClickAllowed"), m = minif(Timestamp, Score > 6)`,
		"lo:long | hi:long | m:datetime\n0 | 12 | 2024-01-08T09:06:00Z\n", false)
	// https://learn.microsoft.com/kusto/query/dcountif-aggregation-function
	check(t, `UrlClickEvents | summarize d = dcountif(ReportId, ActionType == "ClickAllowed"), e = dcountif(ReportId, Score > 100)`,
		"d:long | e:long\n4 | 0\n", false)
	check(t, `UrlClickEvents | summarize d = dcountif(AccountUpn, IsClickedThrough == false) by ActionType`,
		"ActionType:string | d:long\nClickAllowed | 3\nClickBlocked | 2\nUrlScanInProgress | 0\n", true)
	checkErr(t, `UrlClickEvents | summarize sumif(Score, Url)`, "1:41: sumif() argument 2 must be a bool predicate, got string")
}

func TestStdevVariance(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/stdev-aggregation-function
	// (sample, Bessel's correction): for 5, -3, 7, 0, 12, 1 the mean is
	// 11/3, the sum of squared deviations 442/3, so the variance is 442/15.
	check(t, `UrlClickEvents | summarize s = stdev(Score), v = variance(Score), sp = stdevp(Score), vp = variancep(Score)
		| extend s = round(s, 6), v = round(v, 6), sp = round(sp, 6), vp = round(vp, 6)`,
		"s:real | v:real | sp:real | vp:real\n5.428321 | 29.466667 | 4.955356 | 24.555556\n", false)
	// One value: 0; no value (r3's Score is null): null.
	check(t, `UrlClickEvents | summarize s = stdev(Score), v = variance(Score) by ReportId`,
		"ReportId:string | s:real | v:real\nr1 | 0 | 0\nr2 | 7.0710678118654755 | 50\nr3 | null | null\nr4 | 0 | 0\nr5 | 0 | 0\nr6 | 0 | 0\n", true)
	// https://learn.microsoft.com/kusto/query/stdevif-aggregation-function
	// https://learn.microsoft.com/kusto/query/varianceif-aggregation-function
	// Ratios >= 0: 0.5, 1.5, 2, 0, 3.25 (mean 1.45, squared deviations 6.55);
	// Ratios >= 1.5: 1.5, 2, 3.25 (mean 2.25, squared deviations 1.625).
	check(t, `UrlClickEvents | summarize s = stdevif(Ratio, Ratio >= 0), v = varianceif(Ratio, Ratio >= 1.5) | extend s = round(s, 4)`,
		"s:real | v:real\n1.2796 | 0.8125\n", false)
}

func TestMakeSetList(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/make-set-aggregation-function:
	// distinct values, nulls ignored.
	check(t, `UrlClickEvents | summarize s = make_set(ActionType), r = make_set(ReportId)`,
		`s:dynamic | r:dynamic
["ClickAllowed","ClickBlocked","UrlScanInProgress"] | ["r1","r2","r3","r4","r5","r6"]
`, false)
	check(t, `UrlClickEvents | summarize s = make_set(Score, 3), t = make_set(split(ThreatTypes, ","))`,
		`s:dynamic | t:dynamic
[5,-3,7] | ["Phish","Malware","","Spam"]
`, false)
	check(t, `UrlClickEvents | summarize s = make_set(ReportId) by ActionType`,
		`ActionType:string | s:dynamic
ClickAllowed | ["r1","r2","r4","r6"]
ClickBlocked | ["r2","r3"]
UrlScanInProgress | ["r5"]
`, true)
	// https://learn.microsoft.com/kusto/query/make-list-aggregation-function:
	// all values in order, nulls ignored; make_list_with_nulls keeps them.
	check(t, `UrlClickEvents | summarize l = make_list(Score), n = make_list_with_nulls(Score), r = make_list(ReportId, 3)`,
		`l:dynamic | n:dynamic | r:dynamic
[5,-3,7,0,12,1] | [5,-3,7,null,0,12,1] | ["r1","r2","r2"]
`, false)
	check(t, `UrlClickEvents | summarize l = make_list(Timestamp) by ReportId | where ReportId in ("r2", "r6")`,
		`ReportId:string | l:dynamic
r2 | ["2024-01-08T09:05:00.0000000Z","2024-01-08T09:06:00.0000000Z"]
r6 | []
`, true)
	// https://learn.microsoft.com/kusto/query/make-set-if-aggregation-function
	// https://learn.microsoft.com/kusto/query/make-list-if-aggregation-function
	check(t, `UrlClickEvents | summarize s = make_set_if(AccountUpn, Score > 4), l = make_list_if(ReportId, IsClickedThrough), e = make_list_if(ReportId, Score > 100, 5)`,
		`s:dynamic | l:dynamic | e:dynamic
["alice@contoso.com","bob@contoso.com","dave@contoso.com"] | ["r2"] | []
`, false)
	// https://learn.microsoft.com/kusto/query/make-bag-aggregation-function:
	// a key seen twice keeps one value.
	check(t, `UrlClickEvents | summarize b = make_bag(bag_pack(ReportId, ActionType))`,
		`b:dynamic
{"r1":"ClickAllowed","r2":"ClickBlocked","r3":"ClickBlocked","r4":"ClickAllowed","r5":"UrlScanInProgress","r6":"ClickAllowed"}
`, false)
	checkErr(t, `UrlClickEvents | summarize make_set(Url, Score)`, "1:42: make_set() argument 2 must be a constant integer")
}

func TestTakeAny(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/take-any-aggregation-function:
	// a single column yields a non-null, non-empty value when there is one.
	check(t, `UrlClickEvents | where ReportId in ("r3", "r6") | summarize a = take_any(Score), u = take_any(AccountUpn), r = take_any(Ratio)`,
		"a:long | u:string | r:real\n1 | carol@contoso.com | 2\n", false)
	check(t, `UrlClickEvents | where ReportId == "r3" | summarize a = take_any(Score), t = take_any(Timestamp)`,
		"a:long | t:datetime\nnull | 2024-01-09T10:00:00Z\n", false)
	check(t, `UrlClickEvents | summarize a = take_any(ActionType) by ActionType`,
		"ActionType:string | a:string\nClickAllowed | ClickAllowed\nClickBlocked | ClickBlocked\nUrlScanInProgress | UrlScanInProgress\n", true)
	// https://learn.microsoft.com/kusto/query/take-anyif-aggregation-function
	check(t, `UrlClickEvents | summarize a = take_anyif(ReportId, Score == 12)`, "a:string\nr5\n", false)
}

// https://learn.microsoft.com/kusto/query/percentiles-aggregation-function:
// the nearest-rank percentile, a value of the set.
func TestPercentile(t *testing.T) {
	// Sorted Scores: -3, 0, 1, 5, 7, 12 (null ignored).
	check(t, `UrlClickEvents | summarize p0 = percentile(Score, 0), p50 = percentile(Score, 50), p90 = percentile(Score, 90), p100 = percentile(Score, 100)`,
		"p0:long | p50:long | p90:long | p100:long\n-3 | 1 | 12 | 12\n", false)
	// Sorted Ratios: -1, 0, 0.5, 1.5, 2, 3.25.
	check(t, `UrlClickEvents | summarize p = percentile(Ratio, 25), q = percentile(Ratio, 50.5), d = percentile(Timestamp, 50)`,
		"p:real | q:real | d:datetime\n0 | 1.5 | 2024-01-08T09:06:00Z\n", false)
	check(t, `UrlClickEvents | summarize p = percentile(Score, 50) by ActionType`,
		"ActionType:string | p:long\nClickAllowed | 1\nClickBlocked | -3\nUrlScanInProgress | 12\n", true)
	checkErr(t, `UrlClickEvents | summarize percentile(Score, 101)`, "1:46: percentile() argument 2 must be a constant number between 0 and 100")
}

// https://learn.microsoft.com/kusto/query/count-distinct-aggregation-function
func TestCountDistinct(t *testing.T) {
	check(t, `UrlClickEvents | summarize c = count_distinct(ReportId), d = count_distinctif(ReportId, Score > 4)`, "c:long | d:long\n6 | 3\n", false)
}
