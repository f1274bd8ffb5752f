package exec

import "testing"

// Expected values are worked out from the semantics on each function's page
// in Microsoft's KQL documentation (cited above each group).

func TestSubstring(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/substring-function
	f(`substring("123456", 1)`, "string", "23456")
	f(`substring("123456", 2, 2)`, "string", "34")
	f(`substring("ABCD", 0, 2)`, "string", "AB")
	f(`substring("123456", -2, 2)`, "string", "56")
	f(`substring("123456", 10)`, "string", "")
	f(`substring("123456", 4, 10)`, "string", "56")
	f(`substring("héllo", 1, 2)`, "string", "él")
	f(`substring(123456, 1, 2)`, "string", "23")
	c := columnCheck(t)
	c(`substring(ReportId, 1)`, "string", "1", "2", "2", "3", "4", "5", "6")
}

func TestStrcatDelimAndLength(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/strcat-delim-function
	f(`strcat_delim("-", "a", "b", 1)`, "string", "a-b-1")
	f(`strcat_delim(", ", ReportId, Score)`, "string", "r1, 5")
	// https://learn.microsoft.com/kusto/query/strlen-function
	f(`strlen("héllo")`, "long", "5")
	f(`strlen("")`, "long", "0")
	checkErr(t, `UrlClickEvents | extend x = strcat_delim("-", "a")`, "1:29: strcat_delim() takes at least 3 arguments, got 2")
}

func TestTrim(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/trim-function
	f(`trim("--", "--https://bing.com--")`, "string", "https://bing.com")
	f(`trim(@"[^\w]+", "- Te st1 // $")`, "string", "Te st1")
	// https://learn.microsoft.com/kusto/query/trim-start-function
	f(`trim_start("https://", "https://bing.com")`, "string", "bing.com")
	f(`trim_start(@"[^\w]+", "-  Te st1// $")`, "string", "Te st1// $")
	// https://learn.microsoft.com/kusto/query/trim-end-function
	f(`trim_end("bing", "bing.comcom")`, "string", "bing.comcom")
	f(`trim_end(@"[^\w]+", "-  Te st1// $")`, "string", "-  Te st1")
	f(`trim(" ", "  x  ")`, "string", "x")
	checkErr(t, `UrlClickEvents | extend x = trim("(", Url)`, "1:34: trim(): bad regular expression: error parsing regexp: missing closing ): `(`")
}

func TestSplit(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/split-function
	f(`split("aa_bb", "_")`, "dynamic", `["aa","bb"]`)
	f(`split("aaa_bbb_ccc", "_", 1)`, "dynamic", `["bbb"]`)
	f(`split("", "_")`, "dynamic", `[""]`)
	f(`split("a__b", "_")`, "dynamic", `["a","","b"]`)
	f(`split("aabbcc", "bb")`, "dynamic", `["aa","cc"]`)
	f(`split("a_b", "_", 5)`, "dynamic", `[]`)
	c := columnCheck(t)
	c(`split(ThreatTypes, ",")`, "dynamic", `["Phish"]`, `["Phish","Malware"]`, `["Phish","Malware"]`, `["Malware"]`, `[""]`, `["Spam"]`, `[""]`)
	c(`array_length(split(ThreatTypes, ","))`, "long", "1", "2", "2", "1", "1", "1", "1")
}

func TestReplace(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/replace-string-function
	f(`replace_string("A magic trick can turn a cat into a dog", "cat", "hamster")`, "string", "A magic trick can turn a hamster into a dog")
	f(`replace_string("aaa", "a", "")`, "string", "")
	f(`replace_string("abc", "", "x")`, "string", "abc")
	// https://learn.microsoft.com/kusto/query/replace-regex-function
	f(`replace_regex("Number is 12", @"is (\d+)", @"was: \1")`, "string", "Number was: 12")
	f(`replace_regex("a1b22", @"\d", "#")`, "string", "a#b##")
	f(`replace_regex("cost 5", "cost", "$1")`, "string", "$1 5")
	c := columnCheck(t)
	c(`replace_string(AccountUpn, "@contoso.com", "")`, "string", "alice", "bob", "bob", "carol", "Alice@Contoso.com", "dave", "")
}

func TestExtract(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/extract-function
	f(`extract(@"x=([0-9.]+)", 1, "hello x=45.6|wo")`, "string", "45.6")
	f(`extract(@"x=([0-9.]+)", 1, "hello x=45.6|wo", typeof(real))`, "real", "45.6")
	f(`extract(@"x=([0-9.]+)", 1, "hello x=45|wo", typeof(long))`, "long", "45")
	f(`extract(@"x=([0-9.]+)", 0, "hello x=45.6|wo")`, "string", "x=45.6")
	f(`extract(@"x=([0-9.]+)", 1, "no match")`, "string", "")
	f(`extract(@"x=([0-9.]+)", 1, "no match", typeof(long))`, "long", "null")
	f(`extract(@"x=([0-9.]+)", 2, "x=1")`, "string", "")
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

func TestExtractAll(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/extract-all-function
	f(`extract_all(@"(\d+)", "a set of numbers: 123, 567 and 789")`, "dynamic", `["123","567","789"]`)
	f(`extract_all(@"(\w)(\w+)(\w)", "82b8be2d-dfa7")`, "dynamic", `[["8","2b8be2","d"],["d","fa","7"]]`)
	f(`extract_all(@"(\w)(\w+)(\w)", parse_json("[1,3]"), "82b8be2d-dfa7")`, "dynamic", `[["8","d"],["d","7"]]`)
	f(`extract_all(@"(?P<first>\w)\w+(?P<last>\w)", parse_json('["last"]'), "abc-def")`, "dynamic", `["c","f"]`)
	f(`isnull(extract_all(@"(\d+)", "none"))`, "bool", "true")
}

func TestIndexofCountof(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/indexof-function
	f(`indexof("abcdefg", "cde")`, "long", "2")
	f(`indexof("abcdefg", "cde", 1, 4)`, "long", "2")
	f(`indexof("abcdefg", "cde", 1, 2)`, "long", "2") // length bounds where the match starts
	f(`indexof("abcdefg", "cde", 3, 4)`, "long", "-1")
	f(`indexof("abcdefg", "cde", -5)`, "long", "2")
	f(`indexof(1234567, 5, 1, 4)`, "long", "4")
	f(`indexof("abcdefg", "cde", 2, -1)`, "long", "2")
	f(`indexof("abcdefgabcdefg", "cde", 1, -1, 3)`, "long", "-1")
	f(`indexof("abcdefgabcdefg", "cde", 1, -1, 2)`, "long", "9")
	f(`indexof("abc", "b", 0, -2)`, "long", "null")
	f(`indexof("abc", "b", 0, -1, -1)`, "long", "null")
	// https://learn.microsoft.com/kusto/query/countof-function
	f(`countof("aaa", "a")`, "long", "3")
	f(`countof("aaaa", "aa")`, "long", "3")
	f(`countof("ababa", "ab", "normal")`, "long", "2")
	f(`countof("ababa", "aba")`, "long", "2")
	f(`countof("ababa", "aba", "regex")`, "long", "1")
	f(`countof("abcabc", "a.c", "regex")`, "long", "2")
	checkErr(t, `UrlClickEvents | extend x = countof("a", "a", "fuzzy")`, `countof(): unknown kind "fuzzy" (expected 'normal' or 'regex')`)
	// https://learn.microsoft.com/kusto/query/indexof-function: length
	// bounds where a match may start; occurrence counts from start.
	f(`indexof("abcdefg", "cde", 1, 4)`, "long", "2")
	f(`indexof("abcdefg", "cde", 3, 4)`, "long", "-1")
	f(`indexof("abcdefgabcdefg", "cde", 1, 10, 2)`, "long", "9")
	f(`indexof("abcdefgabcdefg", "cde", 1, -1, 3)`, "long", "-1")
	f(`indexof(1234567, 5, 1, 4)`, "long", "4")
}

func TestSmallStringFunctions(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/reverse-function
	f(`reverse("ABCDEF")`, "string", "FEDCBA")
	f(`reverse(123)`, "string", "321")
	// https://learn.microsoft.com/kusto/query/url-encode-function
	f(`url_encode("https://www.bing.com/hello world")`, "string", "https%3a%2f%2fwww.bing.com%2fhello+world")
	// https://learn.microsoft.com/kusto/query/url-encode-component-function
	f(`url_encode_component("https://www.bing.com/hello world/")`, "string", "https%3a%2f%2fwww.bing.com%2fhello%20world%2f")
	// https://learn.microsoft.com/kusto/query/url-decode-function
	f(`url_decode("https%3a%2f%2fwww.bing.com%2f")`, "string", "https://www.bing.com/")
	f(`url_decode("a+b%20c%zz")`, "string", "a b c%zz")
	// https://learn.microsoft.com/kusto/query/base64-encode-tostring-function
	f(`base64_encode_tostring("Kusto1")`, "string", "S3VzdG8x")
	// https://learn.microsoft.com/kusto/query/base64-decode-tostring-function
	f(`base64_decode_tostring("S3VzdG8=")`, "string", "Kusto")
	f(`base64_decode_tostring("not base64!")`, "string", "")
	// https://learn.microsoft.com/kusto/query/tohex-function
	f(`tohex(256)`, "string", "100")
	f(`tohex(-546)`, "string", "fffffffffffffdde")
	f(`tohex(48879, 8)`, "string", "0000beef")
	f(`tohex(toint(-256), 8)`, "string", "ffffff00") // an int in 32-bit two's complement
	// https://learn.microsoft.com/kusto/query/strrep-function
	f(`strrep("ABC", 2)`, "string", "ABCABC")
	f(`strrep("ABC", 2, " ")`, "string", "ABC ABC")
	// https://learn.microsoft.com/kusto/query/toupper-function
	f(`toupper("hello")`, "string", "HELLO")
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
