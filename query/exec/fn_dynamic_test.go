package exec

import "testing"

func TestDynamicFunctions(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/array-length-function
	f(`array_length(parse_json('[1, 2, 3, "four"]'))`, "long", "4")
	f(`array_length(parse_json("[]"))`, "long", "0")
	f(`array_length(parse_json('{"a":1}'))`, "long", "null")
	// https://learn.microsoft.com/kusto/query/bag-keys-function
	f(`bag_keys(parse_json('{"a":1,"b":{"c":2}}'))`, "dynamic", `["a","b"]`)
	f(`bag_keys(parse_json('[1]'))`, "dynamic", "null")
	// https://learn.microsoft.com/kusto/query/pack-array-function
	f(`pack_array(1, "a", true, 2.5)`, "dynamic", `[1,"a",true,2.5]`)
	f(`pack_array(ReportId, Score, Timestamp)`, "dynamic", `["r1",5,"2024-01-08T09:00:00.0000000Z"]`)
	// https://learn.microsoft.com/kusto/query/pack-function
	f(`bag_pack("Level", "Information", "ProcessID", 1234)`, "dynamic", `{"Level":"Information","ProcessID":1234}`)
	f(`pack("a", Score)`, "dynamic", `{"a":5}`)
	checkErr(t, `UrlClickEvents | extend x = bag_pack("a")`, "1:29: bag_pack() takes key, value pairs (an even number of arguments), got 1")
	// https://learn.microsoft.com/kusto/query/array-concat-function
	f(`array_concat(parse_json("[1,2]"), parse_json('["a"]'))`, "dynamic", `[1,2,"a"]`)
	// https://learn.microsoft.com/kusto/query/set-has-element-function
	f(`set_has_element(parse_json('["a","b"]'), "b")`, "bool", "true")
	f(`set_has_element(parse_json('[1,2]'), 3)`, "bool", "false")
	f(`set_has_element(parse_json('[1,2]'), "1")`, "bool", "false")
	// https://learn.microsoft.com/kusto/query/array-index-of-function
	f(`array_index_of(parse_json('["a","b"]'), "b")`, "long", "1")
	f(`array_index_of(parse_json('["a","b"]'), "z")`, "long", "-1")
	// https://learn.microsoft.com/kusto/query/set-union-function
	f(`set_union(parse_json('[1,2,3]'), parse_json('[2,3,4]'))`, "dynamic", `[1,2,3,4]`)
	// https://learn.microsoft.com/kusto/query/set-intersect-function
	f(`set_intersect(parse_json('[1,2,3]'), parse_json('[2,3,4]'))`, "dynamic", `[2,3]`)
	// https://learn.microsoft.com/kusto/query/set-difference-function
	f(`set_difference(parse_json('[1,2,3,1]'), parse_json('[2]'))`, "dynamic", `[1,3]`)
	// https://learn.microsoft.com/kusto/query/array-sort-asc-function
	f(`array_sort_asc(parse_json('[3,1,"b","a",2]'))`, "dynamic", `[1,2,3,"a","b"]`)
	f(`array_sort_desc(parse_json('[3,1,2]'))`, "dynamic", `[3,2,1]`)
	f(`array_reverse(parse_json('[1,2,3]'))`, "dynamic", `[3,2,1]`)
	// https://learn.microsoft.com/kusto/query/array-sum-function
	f(`array_sum(parse_json('[1,2.5,3]'))`, "real", "6.5")
	// https://learn.microsoft.com/kusto/query/array-slice-function
	f(`array_slice(parse_json('[1,2,3,4,5]'), 1, 3)`, "dynamic", `[2,3,4]`)
	f(`array_slice(parse_json('[1,2,3,4,5]'), -2, -1)`, "dynamic", `[4,5]`)
	// https://learn.microsoft.com/kusto/query/strcat-array-function
	f(`strcat_array(parse_json('[1,"b",true]'), "-")`, "string", "1-b-true")
	// https://learn.microsoft.com/kusto/query/bag-has-key-function
	f(`bag_has_key(parse_json('{"a":1}'), "a")`, "bool", "true")
	f(`bag_has_key(parse_json('{"a":{"b":[1]}}'), "$.a.b")`, "bool", "true")
	f(`bag_has_key(parse_json('{"a":{"b":[1]}}'), "$.a.c")`, "bool", "false")
	// https://learn.microsoft.com/kusto/query/bag-merge-function
	f(`bag_merge(parse_json('{"a":1}'), parse_json('{"a":2,"b":3}'))`, "dynamic", `{"a":1,"b":3}`)
}
