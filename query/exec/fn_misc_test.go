package exec

import "testing"

func TestCaseCoalesce(t *testing.T) {
	c := columnCheck(t)
	// https://learn.microsoft.com/kusto/query/case-function
	c(`case(Score > 6, "high", Score > 0, "low", "none")`, "string", "low", "none", "high", "none", "none", "high", "low")
	c(`case(Score > 6, 1, 0.5)`, "real", "0.5", "0.5", "1", "0.5", "0.5", "1", "0.5")
	// https://learn.microsoft.com/kusto/query/coalesce-function
	c(`coalesce(Score, 0)`, "long", "5", "-3", "7", "0", "0", "12", "1")
	c(`coalesce(ThreatTypes, "none")`, "string", "Phish", "Phish,Malware", "Phish,Malware", "Malware", "none", "Spam", "none")
	c(`coalesce(Ratio, Score, -1)`, "real", "0.5", "1.5", "7", "2", "-1", "0", "3.25")
	// https://learn.microsoft.com/kusto/query/iff-function: dynamic branches
	// keep their values (the string "123" stays a string).
	c(`gettype(iff(Score > 6, parse_json('"123"'), parse_json("[1]")))`, "string", "array", "array", "string", "array", "array", "string", "array")
	checkErr(t, `UrlClickEvents | extend x = case(Score > 1, "a", Score > 2, "b")`, "1:29: case() takes predicate, value pairs and a final else value (an odd number of arguments), got 4")
	checkErr(t, `UrlClickEvents | extend x = case(Score > 1, "a")`, "1:29: case() takes at least 3 arguments, got 2")
	checkErr(t, `UrlClickEvents | extend x = case(Score, "a", "b")`, "1:34: case() argument 1 must be a bool predicate, got long")
	checkErr(t, `UrlClickEvents | extend x = coalesce(Score, "a")`, "1:29: coalesce() arguments must have the same type, got long and string")
}

func TestMaxOfMinOf(t *testing.T) {
	c := columnCheck(t)
	// https://learn.microsoft.com/kusto/query/max-of-function: nulls are ignored.
	c(`max_of(Score, 6)`, "long", "6", "6", "7", "6", "6", "12", "6")
	// https://learn.microsoft.com/kusto/query/min-of-function
	c(`min_of(Score, 1)`, "long", "1", "-3", "1", "1", "0", "1", "1")
	f := scalarCheck(t)
	f(`max_of(10, 1, -3, 17)`, "long", "17")
	f(`min_of(1.5, 2)`, "real", "1.5")
	f(`max_of("a", "b")`, "string", "b")
}

func TestGettypeAndParseJSON(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/gettype-function
	f(`gettype("a")`, "string", "string")
	f(`gettype(111)`, "string", "long")
	f(`gettype(1==1)`, "string", "bool")
	f(`gettype(now())`, "string", "datetime")
	f(`gettype(1s)`, "string", "timespan")
	f(`gettype(parse_json('1'))`, "string", "int")
	f(`gettype(parse_json(' "abc" '))`, "string", "string")
	f(`gettype(parse_json(' {"abc":1} '))`, "string", "dictionary")
	f(`gettype(parse_json(' [1, 2, 3] '))`, "string", "array")
	f(`gettype(123.45)`, "string", "real")
	f(`gettype(parse_json(''))`, "string", "null")
	// https://learn.microsoft.com/kusto/query/parse-json-function
	f(`parse_json('{"a":123, "b":"hello", "c":[1,2,3], "d":{}}')`, "dynamic", `{"a":123,"b":"hello","c":[1,2,3],"d":{}}`)
	f(`todynamic("not json")`, "dynamic", "not json")
	f(`todynamic(5)`, "dynamic", "5")
}

func TestDynamicConversions(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/tolong-function
	f(`tolong(parse_json("123"))`, "long", "123")
	f(`tolong(parse_json('"12"'))`, "long", "12")
	f(`tolong(parse_json("[1]"))`, "long", "null")
	// https://learn.microsoft.com/kusto/query/toint-function
	f(`toint(parse_json("2.7"))`, "int", "2")
	// https://learn.microsoft.com/kusto/query/todouble-function
	f(`todouble(parse_json("1.5"))`, "real", "1.5")
	// https://learn.microsoft.com/kusto/query/tostring-function
	f(`tostring(parse_json('{"a":1}'))`, "string", `{"a":1}`)
	f(`tostring(parse_json('"abc"'))`, "string", "abc")
	// https://learn.microsoft.com/kusto/query/tobool-function
	f(`tobool(parse_json("true"))`, "bool", "true")
	f(`tobool(parse_json('"false"'))`, "bool", "false")
	// https://learn.microsoft.com/kusto/query/todatetime-function
	f(`todatetime(parse_json('"2024-01-01"'))`, "datetime", "2024-01-01T00:00:00Z")
	// https://learn.microsoft.com/kusto/query/totimespan-function
	f(`totimespan(parse_json('"1.02:03:04"'))`, "timespan", "1.02:03:04")
	// https://learn.microsoft.com/kusto/query/isempty-function
	f(`isempty(parse_json(""))`, "bool", "true")
	f(`isempty(parse_json("[]"))`, "bool", "false")
	f(`isempty(parse_json("{}"))`, "bool", "false")
	f(`isempty(parse_json('""'))`, "bool", "true")
	f(`isnotempty(parse_json("[1]"))`, "bool", "true")
	// https://learn.microsoft.com/kusto/query/isnull-function
	f(`isnull(parse_json(""))`, "bool", "true")
	f(`isnull(parse_json("[]"))`, "bool", "false")
	f(`isnotnull(parse_json("0"))`, "bool", "true")
}

func TestConversionEdges(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/tolong-function: null when the
	// conversion fails; reals are truncated.
	f(`tolong("12.7")`, "long", "12")
	f(`tolong(" 42 ")`, "long", "42")
	f(`tolong("abc")`, "long", "null")
	f(`tolong(-2.9)`, "long", "-2")
	f(`tolong(1e30)`, "long", "null")
	f(`tolong(true)`, "long", "1")
	f(`tolong(datetime(0001-01-01))`, "long", "0")
	// https://learn.microsoft.com/kusto/query/toint-function
	f(`toint("2147483647")`, "int", "2147483647")
	f(`toint("2147483648")`, "int", "null")
	f(`toint(parse_json("4294967296"))`, "int", "null")
	// https://learn.microsoft.com/kusto/query/todouble-function
	f(`todouble("1e3")`, "real", "1000")
	f(`todouble("x")`, "real", "null")
	// https://learn.microsoft.com/kusto/query/tobool-function
	f(`tobool("TRUE")`, "bool", "true")
	f(`tobool("yes")`, "bool", "null")
	f(`tobool(0)`, "bool", "false")
	// https://learn.microsoft.com/kusto/query/todatetime-function
	f(`todatetime("2015-12-24")`, "datetime", "2015-12-24T00:00:00Z")
	f(`todatetime("not a date")`, "datetime", "null")
	// https://learn.microsoft.com/kusto/query/totimespan-function
	f(`totimespan("0.00:01:00")`, "timespan", "00:01:00")
	f(`totimespan("1d")`, "timespan", "1.00:00:00")
	// https://learn.microsoft.com/kusto/query/tostring-function: null is "".
	f(`tostring(toint("x"))`, "string", "")
	f(`tostring(1.5)`, "string", "1.5")
	f(`tostring(datetime(2024-01-01))`, "string", "2024-01-01T00:00:00.0000000Z")
}
