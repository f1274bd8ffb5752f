package exec

import "testing"

// Expected values are worked out from the semantics on each function's page
// in Microsoft's KQL documentation (cited above each group).

func TestSubstring(t *testing.T) {
	c := columnCheck(t)
	c(`substring(ReportId, 1)`, "string", "1", "2", "2", "3", "4", "5", "6")
}

func TestStrcatDelimAndLength(t *testing.T) {
	checkErr(t, `UrlClickEvents | extend x = strcat_delim("-", "a")`, "1:29: strcat_delim() takes at least 3 arguments, got 2")
}

func TestTrim(t *testing.T) {
	checkErr(t, `UrlClickEvents | extend x = trim("(", Url)`, "1:34: trim(): bad regular expression: error parsing regexp: missing closing ): `(`")
}

func TestSplit(t *testing.T) {
	c := columnCheck(t)
	c(`split(ThreatTypes, ",")`, "dynamic", `["Phish"]`, `["Phish","Malware"]`, `["Phish","Malware"]`, `["Malware"]`, `[""]`, `["Spam"]`, `[""]`)
	c(`array_length(split(ThreatTypes, ","))`, "long", "1", "2", "2", "1", "1", "1", "1")
}

func TestReplace(t *testing.T) {
	c := columnCheck(t)
	c(`replace_string(AccountUpn, "@contoso.com", "")`, "string", "alice", "bob", "bob", "carol", "Alice@Contoso.com", "dave", "")
}

func TestExtract(t *testing.T) {
	c := columnCheck(t)
	// The corpus's domain extraction.
	c(`extract(@"^(?:https?://)?([^/]+)", 1, Url)`, "string",
		"contoso.com", "www.contoso.com", "www.contoso.com", "North-America.example", "fabrikam.net", "fabrikam.net", "")
	c(`extract(@"[^.]+\.[^.]+$", 0, extract(@"^(?:https?://)?([^/]+)", 1, Url))`, "string",
		"contoso.com", "contoso.com", "contoso.com", "North-America.example", "fabrikam.net", "fabrikam.net", "")
	checkErr(t, `UrlClickEvents | extend x = extract("a", 1, Url, 5)`, "1:50: extract() argument 4 must be typeof(T), such as typeof(long)")
	checkErr(t, `UrlClickEvents | extend x = extract("a", 1, Url, typeof(lng))`, "1:57: unknown type 'lng'")
	checkErr(t, `UrlClickEvents | extend x = tolower(typeof(long))`, "1:37: tolower() does not take a typeof() argument")
}

func TestIndexofCountof(t *testing.T) {
	checkErr(t, `UrlClickEvents | extend x = countof("a", "a", "fuzzy")`, `countof(): unknown kind "fuzzy" (expected 'normal' or 'regex')`)
}

func TestParseURLAndPath(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/parse-url-function
	f(`parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")`, "dynamic",
		`{"Fragment":"fragment","Host":"host","Password":"password","Path":"/this/is/a/path","Port":"1234","Query Parameters":{"k1":"v1","k2":"v2"},"Scheme":"scheme","Username":"username"}`)
	f(`parse_url("https://contoso.com/a?x=1")`, "dynamic",
		`{"Fragment":"","Host":"contoso.com","Password":"","Path":"/a","Port":"","Query Parameters":{"x":"1"},"Scheme":"https","Username":""}`)
	f(`parse_url("contoso.com")`, "dynamic",
		`{"Fragment":"","Host":"","Password":"","Path":"","Port":"","Query Parameters":{},"Scheme":"","Username":""}`)
	// https://learn.microsoft.com/kusto/query/parse-path-function
	f(`parse_path(@"C:\temp\file.txt")`, "dynamic",
		`{"AlternateDataStreamName":"","DirectoryName":"temp","DirectoryPath":"C:\\temp","Extension":"txt","Filename":"file.txt","RootPath":"C:\\","Scheme":""}`)
	f(`parse_path(@"temp\file.txt")`, "dynamic",
		`{"AlternateDataStreamName":"","DirectoryName":"temp","DirectoryPath":"temp","Extension":"txt","Filename":"file.txt","RootPath":"","Scheme":""}`)
	f(`parse_path("file://C:/temp/file.txt:some.exe")`, "dynamic",
		`{"AlternateDataStreamName":"some.exe","DirectoryName":"temp","DirectoryPath":"C:/temp","Extension":"txt","Filename":"file.txt","RootPath":"C:/","Scheme":"file"}`)
	f(`parse_path(@"\\shared\users\temp\file.txt.gz")`, "dynamic",
		`{"AlternateDataStreamName":"","DirectoryName":"temp","DirectoryPath":"\\\\shared\\users\\temp","Extension":"gz","Filename":"file.txt.gz","RootPath":"","Scheme":""}`)
	f(`parse_path("/usr/lib/temp/file.txt")`, "dynamic",
		`{"AlternateDataStreamName":"","DirectoryName":"temp","DirectoryPath":"/usr/lib/temp","Extension":"txt","Filename":"file.txt","RootPath":"","Scheme":""}`)
}

// https://learn.microsoft.com/kusto/query/has-all-operator
func TestHasAll(t *testing.T) {
	c := columnCheck(t)
	c(`ThreatTypes has_all ("phish", "malware")`, "bool", "false", "true", "true", "false", "false", "false", "false")
	c(`ThreatTypes has_any ("spam", "malware")`, "bool", "false", "true", "true", "true", "false", "true", "false")
}
