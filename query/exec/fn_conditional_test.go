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
}
