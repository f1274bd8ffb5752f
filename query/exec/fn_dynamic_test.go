package exec

import "testing"

func TestDynamicFunctions(t *testing.T) {
	checkErr(t, `UrlClickEvents | extend x = bag_pack("a")`, "1:29: bag_pack() takes key, value pairs (an even number of arguments), got 1")
}

func TestArrayFunctions(t *testing.T) {
	checkErr(t, `UrlClickEvents | extend x = range("a", "b")`, `1:29: range() needs numbers, or datetimes or timespans with a timespan step; got string and string`)
}

func TestBagFunctions(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/bag-remove-keys-function
	f(`bag_remove_keys(dynamic({'key1': 123, 'key2': {'prop1': 'abc', 'prop2': 'xyz'}, 'key3': [100, 200]}), dynamic(['$.key2.prop1', 'key3']))`,
		"dynamic", `{"key1":123,"key2":{"prop2":"xyz"}}`)
	// The input bag stays as it was.
	check(t, `UrlClickEvents | take 1 | extend b = dynamic({"a": {"x": 1}}) | extend c = bag_set_key(b, '$.a.x', 2) | project b, c`,
		"b:dynamic | c:dynamic\n{\"a\":{\"x\":1}} | {\"a\":{\"x\":2}}\n", false)
}
