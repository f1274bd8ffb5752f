package exec

import "testing"

func TestExtraFunctions(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/hash-sha256-function
	f(`hash_sha256("World")`, "string", "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524")
	// https://learn.microsoft.com/kusto/query/hash-md5-function
	f(`hash_md5("World")`, "string", "f5a7924e621e84c9280a9a27e1bcb7f6")
	// https://learn.microsoft.com/kusto/query/strcmp-function
	f(`strcmp("ABC", "ABC")`, "long", "0")
	f(`strcmp("abc", "ABC")`, "long", "1")
	f(`strcmp("ABC", "abc")`, "long", "-1")
	// https://learn.microsoft.com/kusto/query/indexof-regex-function
	f(`indexof_regex("abcabc", @"a.c")`, "long", "0")
	f(`indexof_regex("abcabcdefg", @"a.c", 0, 9, 2)`, "long", "3")
	f(`indexof_regex("abcabc", @"a.c", 1, -1, 2)`, "long", "-1")
	f(`indexof_regex("ababaa", @"a.a", 0, -1, 2)`, "long", "-1")
	// https://learn.microsoft.com/kusto/query/dynamic-to-json-function
	f(`dynamic_to_json(parse_json('{"b":1,"a":[1,"x"]}'))`, "string", `{"a":[1,"x"],"b":1}`)
	// https://learn.microsoft.com/kusto/query/extract-json-function
	j := `'{"duration":123, "a":{"b":["x","y"]}}'`
	f(`extract_json("$.duration", `+j+`)`, "string", "123")
	f(`extract_json("$.duration", `+j+`, typeof(long))`, "long", "123")
	f(`extract_json("$.a.b[1]", `+j+`)`, "string", "y")
	f(`extract_json("$['a']['b'][0]", `+j+`)`, "string", "x")
	f(`extract_json("$.missing", `+j+`, typeof(long))`, "long", "null")
	f(`extractjson("$.a", `+j+`, typeof(dynamic))`, "dynamic", `{"b":["x","y"]}`)
	// https://learn.microsoft.com/kusto/query/count-distinct-aggregation-function
	check(t, `UrlClickEvents | summarize c = count_distinct(ReportId), d = count_distinctif(ReportId, Score > 4)`, "c:long | d:long\n6 | 3\n", false)
}
