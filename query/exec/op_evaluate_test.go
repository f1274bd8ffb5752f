package exec

import "testing"

func TestEvaluateBagUnpack(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/bag-unpack-plugin: the bag
	// column goes, each property becomes a column (sorted by name); a
	// property whose values differ in type is dynamic; missing ones are
	// null (an empty string: KQL has no null string).
	check(t, `datatable(id:long, d:dynamic)[1, dynamic({"b": "x", "a": 1}), 2, dynamic({"a": 2.5, "c": true})] | evaluate bag_unpack(d)`,
		"id:long | a:dynamic | b:string | c:bool\n1 | 1 | x | null\n2 | 2.5 |  | true\n", false)
	check(t, `print d = dynamic({"a": 1}) | evaluate bag_unpack(d, "p_")`, "p_a:long\n1\n", false)
	check(t, `print d = dynamic({"a": 1, "b": 2}) | evaluate bag_unpack(d, ignoredProperties = dynamic(["b"]))`, "a:long\n1\n", false)
	// A property named like a column: an error unless columnsConflict says.
	checkErr(t, `print a = "src", d = dynamic({"a": 1}) | evaluate bag_unpack(d)`,
		"1:42: bag_unpack(): the property 'a' would replace the column of the same name (columnsConflict='replace_source' or 'keep_source' decides)")
	check(t, `print a = "src", d = dynamic({"a": 1}) | evaluate bag_unpack(d, columnsConflict = "replace_source")`, "a:long\n1\n", false)
	check(t, `print a = "src", d = dynamic({"a": 1}) | evaluate bag_unpack(d, columnsConflict = "keep_source")`, "a:string\nsrc\n", false)
	// An output schema names the columns and their types; * keeps the rest.
	check(t, `print k = 1, d = dynamic({"a": 1, "b": "x"}) | evaluate bag_unpack(d) : (*, a:real, z:string)`,
		"k:long | b:string | a:real | z:string\n1 | x | 1 | \n", false)
	checkErr(t, `print d = 1 | evaluate bag_unpack(d)`, "1:35: bag_unpack(): the column to unpack must be dynamic, got long")
	checkErr(t, `print d = dynamic({}) | evaluate bag_unpak(d)`, "1:25: unknown evaluate plugin 'bag_unpak' (did you mean 'bag_unpack'?)")
}

func TestEvaluateNarrowAndRowsNear(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/narrow-plugin
	check(t, `print a = 1, b = "x" | evaluate narrow()`,
		"Row:int | Column:string | Value:string\n0 | a | 1\n0 | b | x\n", false)
	// https://learn.microsoft.com/kusto/query/rows-near-plugin: two rows
	// before and one after each match, in input order.
	check(t, `datatable(x:long)[1, 2, 3, 4, 5, 6, 7, 8, 9] | evaluate rows_near(x == 5 or x == 9, 2, 1)`,
		"x:long\n3\n4\n5\n6\n7\n8\n9\n", false)
	check(t, `datatable(x:long)[1, 2, 3, 4, 5] | evaluate rows_near(x == 1, 1)`, "x:long\n1\n2\n", false)
}

func TestEvaluateSchemaMerge(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/schema-merge-plugin: a new
	// column takes its place at its ordinal; with PreserveOrder a column
	// met at another ordinal than first is an error; int and long widen.
	check(t, `union (datatable(a:string, b:int)[] | getschema), (datatable(a:string, c:string, b:long)[] | getschema) | evaluate schema_merge(PreserveOrder = false)`,
		"ColumnName:string | ColumnOrdinal:long | DataType:string | ColumnType:string\na | 0 | System.String | string\nc | 1 | System.String | string\nb | 2 | System.Int64 | long\n", true)
	check(t, `union (datatable(a:string, b:int)[] | getschema), (datatable(a:string, c:string, b:int)[] | getschema) | evaluate schema_merge()`,
		"ColumnName:string | ColumnOrdinal:long | DataType:string | ColumnType:string\na | 0 | System.String | string\nc | 1 | System.String | string\nb | -1 | ERROR(unknown CSL type:ERROR(columns are out of order)) | ERROR(columns are out of order)\n", true)
}

func TestEvaluateIPLookup(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin
	nets := `let nets = datatable(network:string, name:string)["10.0.0.0/8", "ten", "10.1.0.0/16", "ten-one", "192.168.1.1", "host"];`
	check(t, nets+` datatable(ip:string)["10.1.2.3", "192.168.1.1", "8.8.8.8", "x"] | evaluate ipv4_lookup(nets, ip, network)`,
		"ip:string | network:string | name:string\n10.1.2.3 | 10.0.0.0/8 | ten\n10.1.2.3 | 10.1.0.0/16 | ten-one\n192.168.1.1 | 192.168.1.1 | host\n", true)
	check(t, nets+` datatable(ip:string)["8.8.8.8"] | evaluate ipv4_lookup(nets, ip, network, return_unmatched = true)`,
		"ip:string | network:string | name:string\n8.8.8.8 |  | \n", false)
	// https://learn.microsoft.com/kusto/query/ipv6-lookup-plugin: the lookup
	// columns come first.
	check(t, `let nets = datatable(network:string, name:string)["2001:db8::/32", "doc"]; datatable(ip:string)["2001:db8:0:1::5", "2001:db9::1"] | evaluate ipv6_lookup(nets, ip, network, true)`,
		"network:string | name:string | ip:string\n2001:db8::/32 | doc | 2001:db8:0:1::5\n |  | 2001:db9::1\n", true)
}

func TestEvaluateActivity(t *testing.T) {
	days := `datatable(u:string, t:datetime)["a", datetime(2024-01-01), "b", datetime(2024-01-01), "a", datetime(2024-01-02), "c", datetime(2024-01-03), "a", datetime(2024-01-03)]`
	// https://learn.microsoft.com/kusto/query/sliding-window-counts-plugin:
	// a 2-day window ending with each day.
	check(t, days+` | evaluate sliding_window_counts(u, t, datetime(2024-01-01), datetime(2024-01-04), 2d, 1d)`,
		"t:datetime | Count:long | Dcount:long\n2024-01-01T00:00:00Z | 2 | 2\n2024-01-02T00:00:00Z | 3 | 2\n2024-01-03T00:00:00Z | 3 | 2\n2024-01-04T00:00:00Z | 2 | 2\n", false)
	// https://learn.microsoft.com/kusto/query/activity-counts-metrics-plugin
	check(t, days+` | evaluate activity_counts_metrics(u, t, datetime(2024-01-01), datetime(2024-01-03), 1d)`,
		"t:datetime | count:long | dcount:long | new_dcount:long | aggregated_dcount:long\n2024-01-01T00:00:00Z | 2 | 2 | 2 | 2\n2024-01-02T00:00:00Z | 1 | 1 | 0 | 2\n2024-01-03T00:00:00Z | 2 | 2 | 1 | 3\n", false)
	// https://learn.microsoft.com/kusto/query/active-users-count-plugin: a
	// is active on the 3rd (three days within (t-3d, t]); on the 2nd only
	// two days; b and c never.
	check(t, days+` | evaluate active_users_count(u, t, datetime(2024-01-01), datetime(2024-01-07), 3d, 1d, 3, 1d)`,
		"t:datetime | dcount:long\n2024-01-03T00:00:00Z | 1\n", false)
	// https://learn.microsoft.com/kusto/query/session-count-plugin: id 1's
	// appearances 1, 3 (within 5 of 1), 20 (a new session); id 2's at 4.
	check(t, `datatable(id:long, t:long)[1, 1, 1, 3, 2, 4, 1, 20] | evaluate session_count(id, t, 0, 100, 10, 5)`,
		"t:long | count_sessions:long\n0 | 2\n20 | 1\n", false)
	// Dimensions slice the counts.
	check(t, `datatable(id:long, t:long, k:string)[1, 1, "x", 1, 3, "y"] | evaluate session_count(id, t, 0, 100, 10, 5, k)`,
		"t:long | k:string | count_sessions:long\n0 | x | 1\n0 | y | 1\n", true)
	checkErr(t, days+` | evaluate sliding_window_counts(u, t, datetime(2024-01-01))`,
		"1:170: sliding_window_counts() takes IdColumn, TimelineColumn, Start, End and LookbackWindow, Bin [, dim1, ...], got 3")
}

func TestEvaluateRollingPercentile(t *testing.T) {
	// https://learn.microsoft.com/kusto/query/rolling-percentile-plugin: bins
	// of 2 over 1..6 hold {1}, {2,3}, {4,5}, {6}; a window of two bins
	// holds {1}, {1,2,3}, {2,3,4,5}, {4,5,6}; their nearest-rank medians
	// (rank ceil(n/2)) are 1, 2, 3, 5.
	check(t, `datatable(i:long, v:long)[1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6] | evaluate rolling_percentile(v, 50, i, 2, 2)`,
		"i:long | rolling_2_percentile_v_50:long\n0 | 1\n2 | 2\n4 | 3\n6 | 5\n", false)
}
