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

func TestArrayFunctions(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/array-iff-function
	f(`array_iff(dynamic([true,false,true]), dynamic([1,2,3]), dynamic([4,5,6]))`, "dynamic", `[1,5,3]`)
	f(`array_iff(dynamic([1,0,50]), "yes", "no")`, "dynamic", `["yes","no","yes"]`)
	f(`array_iff(dynamic(["s", null]), 1, 0)`, "dynamic", `[null,null]`)
	f(`array_iff(dynamic([true,true,true]), dynamic([1,2]), dynamic([3,4]))`, "dynamic", `[1,2,null]`)
	// https://learn.microsoft.com/kusto/query/array-rotate-left-function
	f(`array_rotate_left(dynamic([1,2,3,4,5]), 2)`, "dynamic", `[3,4,5,1,2]`)
	f(`array_rotate_left(dynamic([1,2,3,4,5]), -2)`, "dynamic", `[4,5,1,2,3]`)
	f(`array_rotate_right(dynamic([1,2,3,4,5]), 7)`, "dynamic", `[4,5,1,2,3]`)
	// https://learn.microsoft.com/kusto/query/array-shift-left-function
	f(`array_shift_left(dynamic([1,2,3,4,5]), 2)`, "dynamic", `[3,4,5,null,null]`)
	f(`array_shift_left(dynamic([1,2,3,4,5]), -2, -1)`, "dynamic", `[-1,-1,1,2,3]`)
	f(`array_shift_right(dynamic([1,2,3,4,5]), 2, -1)`, "dynamic", `[-1,-1,1,2,3]`)
	// https://learn.microsoft.com/kusto/query/array-split-function
	f(`array_split(dynamic([1,2,3,4,5]), 2)`, "dynamic", `[[1,2],[3,4,5]]`)
	f(`array_split(dynamic([1,2,3,4,5]), dynamic([1,3]))`, "dynamic", `[[1],[2,3],[4,5]]`)
	f(`array_split(dynamic([1,2,3,4,5]), -1)`, "dynamic", `[[1,2,3,4],[5]]`)
	// https://learn.microsoft.com/kusto/query/zip-function
	f(`zip(dynamic(["A", 1, 1.5]), dynamic([{}, "B"]))`, "dynamic", `[["A",{}],[1,"B"],[1.5,null]]`)
	// https://learn.microsoft.com/kusto/query/array-index-of-function
	f(`array_index_of(dynamic(["this","is","an","example","an","example"]), "example", 1, 2)`, "long", "-1")
	f(`array_index_of(dynamic(["this","is","an","example","an","example"]), "an", 1, -1, 2)`, "long", "4")
	f(`array_index_of(dynamic(["this","is","an","example","an","example"]), "an", -3)`, "long", "4")
	// https://learn.microsoft.com/kusto/query/array-sort-asc-function
	f(`array_sort_asc(dynamic([null,"blue","yellow","green",null]))`, "dynamic", `["blue","green","yellow",null,null]`)
	f(`array_sort_desc(dynamic([null,"blue","yellow","green",null]), false)`, "dynamic", `[null,null,"yellow","green","blue"]`)
	// https://learn.microsoft.com/kusto/query/range-function
	f(`range(1, 8, 3)`, "dynamic", `[1,4,7]`)
	f(`range(1h, 3h)`, "dynamic", `["01:00:00","02:00:00","03:00:00"]`)
	f(`range(datetime(2020-01-01), datetime(2020-01-02), 1d)`, "dynamic", `["2020-01-01T00:00:00.0000000Z","2020-01-02T00:00:00.0000000Z"]`)
	f(`range(0.5, 1.5, 0.5)`, "dynamic", `[0.5,1,1.5]`)
	f(`array_length(range(1, 1000000000))`, "long", "1048576") // truncated at 2^20
	// https://learn.microsoft.com/kusto/query/repeat-function
	f(`repeat("a", 3)`, "dynamic", `["a","a","a"]`)
	f(`repeat(1, -1)`, "dynamic", "null")
	// https://learn.microsoft.com/kusto/query/jaccard-index-function
	f(`jaccard_index(dynamic([1,2,3]), dynamic([1,2,3,4]))`, "real", "0.75")
	checkErr(t, `UrlClickEvents | extend x = range("a", "b")`, `1:29: range() needs numbers, or datetimes or timespans with a timespan step; got string and string`)
}

func TestBagFunctions(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/bag-zip
	f(`bag_zip(dynamic(['a', 'b', 'c']), dynamic([1, '2']))`, "dynamic", `{"a":1,"b":"2","c":null}`)
	f(`bag_zip(dynamic(['a', 8, 'b']), dynamic([1, '2', 2.5]))`, "dynamic", `{"a":1,"b":2.5}`)
	f(`bag_zip(dynamic(['a', 'b']), dynamic(1))`, "dynamic", `{"a":null,"b":null}`)
	f(`isnull(bag_zip(dynamic('a'), dynamic([1])))`, "bool", "true")
	// https://learn.microsoft.com/kusto/query/bag-remove-keys-function
	f(`bag_remove_keys(dynamic({'key1': 123, 'key2': {'prop1': 'abc', 'prop2': 'xyz'}, 'key3': [100, 200]}), dynamic(['$.key2.prop1', 'key3']))`,
		"dynamic", `{"key1":123,"key2":{"prop2":"xyz"}}`)
	// https://learn.microsoft.com/kusto/query/bag-set-key-function
	f(`bag_set_key(dynamic({'key1': 1, 'key3': 'abc'}), 'key3', 3)`, "dynamic", `{"key1":1,"key3":3}`)
	f(`bag_set_key(dynamic({'key1': 123}), '$.key2.prop1', 'abc')`, "dynamic", `{"key1":123,"key2":{"prop1":"abc"}}`)
	// The input bag stays as it was.
	check(t, `UrlClickEvents | take 1 | extend b = dynamic({"a": {"x": 1}}) | extend c = bag_set_key(b, '$.a.x', 2) | project b, c`,
		"b:dynamic | c:dynamic\n{\"a\":{\"x\":1}} | {\"a\":{\"x\":2}}\n", false)
}
