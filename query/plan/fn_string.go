package plan

import (
	"regexp"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// String function signatures; the kernels are in exec/fn_string.go (the
// string predicates, has and the like, are operators: exec/pred_string.go).
// https://learn.microsoft.com/kusto/query/string-functions

// strFunc types a function whose arguments are checked by the given helpers
// in order (the last helper repeats for further arguments).
func strFunc(minArgs, maxArgs int, fn string, ret column.Type, checks ...func(*syntax.Call, []Expr, int) (Expr, error)) funcSig {
	return fsig(minArgs, maxArgs, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		out := make([]Expr, len(args))
		for i := range args {
			check := checks[min(i, len(checks)-1)]
			e, err := check(c, args, i)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return &Call{Fn: fn, Args: out, T: ret}, nil
	})
}

// regexArg checks that a constant pattern compiles, so a bad one is reported
// before the query runs (with its position).
func regexArg(c *syntax.Call, args []Expr, i int) (Expr, error) {
	e, err := strArg(c, args, i)
	if err != nil {
		return nil, err
	}
	if k, ok := e.(*Const); ok {
		if _, err := regexp.Compile(k.Val.(string)); err != nil {
			return nil, errAt(argPos(c, i), "%s(): bad regular expression: %v", c.Name, err)
		}
	}
	return e, nil
}

func init() {
	typeofFuncs["extract"] = true
	typeofFuncs["extract_json"] = true
	typeofFuncs["extractjson"] = true
	addFuncs(map[string]funcSig{
		"substring":              strFunc(2, 3, "substring", column.String, textArg, intArg).doc("substring(Source, Start [, Length])", "the part of a string from Start (0-based), of Length characters or to the end", `print substring("ABCD", 1, 2)`),
		"strcat_delim":           strFunc(3, 64, "strcat_delim", column.String, textArg).doc("strcat_delim(Delimiter, Value1, Value2, ...)", "the values as strings joined with Delimiter", `print strcat_delim("-", "a", 1, "b")`),
		"trim":                   strFunc(2, 2, "trim", column.String, regexArg, textArg).doc("trim(Regex, Source)", "Source without the leading and trailing matches of Regex", `print trim("--", "--abc--")`),
		"trim_start":             strFunc(2, 2, "trim_start", column.String, regexArg, textArg).doc("trim_start(Regex, Source)", "Source without the leading match of Regex", `print trim_start("[0-9]+", "123abc")`),
		"trim_end":               strFunc(2, 2, "trim_end", column.String, regexArg, textArg).doc("trim_end(Regex, Source)", "Source without the trailing match of Regex", `print trim_end("\\s+", "abc   ")`),
		"split":                  strFunc(2, 3, "split", column.Dynamic, textArg, strArg, intArg).doc("split(Source, Delimiter [, Index])", "the parts of a string between delimiters, as an array (or the part at Index)", `print split("a,b,c", ","), split("a,b,c", ",", 1)`),
		"replace_string":         strFunc(3, 3, "replace_string", column.String, textArg, strArg).doc("replace_string(Text, Lookup, Replacement)", "Text with every occurrence of Lookup replaced", `print replace_string("A magic trick", "magic", "cool")`),
		"replace_regex":          strFunc(3, 3, "replace_regex", column.String, textArg, regexArg, strArg).doc("replace_regex(Source, Regex, Rewrite)", `Source with every match of Regex replaced by Rewrite (\\1 for a group)`, `print replace_regex("2024-03-01", @"(\d+)-(\d+)-(\d+)", @"\3/\2/\1")`),
		"indexof":                strFunc(2, 5, "indexof", column.Long, textArg, textArg, intArg).doc("indexof(Source, Lookup [, Start [, Length [, Occurrence]]])", "the 0-based index of Lookup's occurrence in Source, or -1", `print indexof("abcdefg", "cde"), indexof("abcabc", "b", 0, -1, 2)`),
		"countof":                strFunc(2, 3, "countof", column.Long, textArg, strArg, strArg).doc("countof(Source, Search [, Kind])", `how many times Search occurs in Source (Kind "regex" for a regular expression)`, `print countof("aaa", "a"), countof("ababa", "aba"), countof("ababa", "aba", "regex")`),
		"reverse":                strFunc(1, 1, "reverse", column.String, textArg).doc("reverse(Value)", "the value as a string, reversed", `print reverse("abc")`),
		"url_decode":             strFunc(1, 1, "url_decode", column.String, strArg).doc("url_decode(EncodedUrl)", "a URL with its %-escapes decoded", `print url_decode("https%3a%2f%2fexample.com%2fa%20b")`),
		"url_encode":             strFunc(1, 1, "url_encode", column.String, strArg).doc("url_encode(Url)", "a URL with the characters that need it %-escaped (spaces as +)", `print url_encode("https://example.com/a b")`),
		"url_encode_component":   strFunc(1, 1, "url_encode_component", column.String, strArg).doc("url_encode_component(Url)", "a URL with everything but unreserved characters %-escaped (spaces as %20)", `print url_encode_component("https://example.com/a b")`),
		"base64_encode_tostring": strFunc(1, 1, "base64_encode_tostring", column.String, textArg).doc("base64_encode_tostring(String)", "the base64 encoding of a string's UTF-8 bytes", `print base64_encode_tostring("Kusto")`),
		"base64_decode_tostring": strFunc(1, 1, "base64_decode_tostring", column.String, strArg).doc("base64_decode_tostring(Base64)", "the UTF-8 string a base64 text encodes (null if invalid)", `print base64_decode_tostring("S3VzdG8=")`),
		"base64_encodestring":    strFunc(1, 1, "base64_encode_tostring", column.String, textArg).page("base64-encode-tostring-function").doc("base64_encodestring(String)", "the same as base64_encode_tostring()", `print base64_encodestring("Kusto")`),
		"base64_decodestring":    strFunc(1, 1, "base64_decode_tostring", column.String, strArg).page("base64-decode-tostring-function").doc("base64_decodestring(Base64)", "the same as base64_decode_tostring()", `print base64_decodestring("S3VzdG8=")`),
		"parse_url":              strFunc(1, 1, "parse_url", column.Dynamic, strArg).doc("parse_url(Url)", "a URL's parts (Scheme, Host, Port, Path, Username, Password, Query Parameters, Fragment) as a bag", `print parse_url("https://user:pw@example.com:8080/a/b?k=v#f")`),
		"parseurl":               strFunc(1, 1, "parse_url", column.Dynamic, strArg).page("parse-url-function").doc("parseurl(Url)", "the same as parse_url()", `print parseurl("https://example.com/a?k=v")`),
		// https://learn.microsoft.com/kusto/query/parse-user-agent-function
		"parse_user_agent": strFunc(2, 2, "parse_user_agent", column.Dynamic, strArg, dynArg).doc("parse_user_agent(UserAgent, LookFor)", `the browser, operating system and device a user-agent names, as a bag; LookFor is "browser", "os", "device" or an array of them`, `print parse_user_agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", dynamic(["browser", "os"]))`),
		"parse_path":       strFunc(1, 1, "parse_path", column.Dynamic, strArg).doc("parse_path(Path)", "a file path's parts (Scheme, RootPath, DirectoryPath, DirectoryName, Filename, Extension, AlternateDataStreamName)", `print parse_path(@"C:\temp\file.txt")`),
		"parse_urlquery":   strFunc(1, 1, "parse_urlquery", column.Dynamic, strArg).doc("parse_urlquery(Query)", "a URL query's parameters as a bag under Query Parameters", `print parse_urlquery("k1=v1&k2=v2")`),
		"tohex":            strFunc(1, 2, "tohex", column.String, intArg).doc("tohex(Value [, MinLength])", "an integer in hexadecimal (two's complement when negative), padded to MinLength", "print tohex(256), tohex(-256), tohex(255, 4)"),
		"strrep":           strFunc(2, 3, "strrep", column.String, textArg, intArg, textArg).doc("strrep(Value, Multiplier [, Delimiter])", "the value repeated Multiplier times (at most 1024), joined with Delimiter", `print strrep("ab", 3, "-")`),
		"strlen":           strFunc(1, 1, "strlen", column.Long, textArg).doc("strlen(Source)", "the number of characters (Unicode code points) of a string", `print strlen("hello")`),
		"tolower":          strFunc(1, 1, "tolower", column.String, strArg).doc("tolower(Source)", "the string in lowercase", `print tolower("Hello")`),
		"toupper":          strFunc(1, 1, "toupper", column.String, strArg).doc("toupper(Source)", "the string in uppercase", `print toupper("Hello")`),
		// https://learn.microsoft.com/kusto/query/replace-strings-function
		"replace_strings": strFunc(3, 3, "replace_strings", column.String, textArg, dynArg).doc("replace_strings(Text, Lookups, Replacements)", "Text with each of the Lookups array replaced by the Replacements element at its index, all at once", `print replace_strings("a cat and a dog", dynamic(["cat", "dog"]), dynamic(["dog", "bird"]))`),
		// https://learn.microsoft.com/kusto/query/translate-function
		"translate": strFunc(3, 3, "translate", column.String, textArg).doc("translate(SearchList, ReplacementList, Source)", "Source with each character of SearchList replaced by the one at its index in ReplacementList", `print translate("abc", "x", "abcdef"), translate("ab", "AB", "abba")`),
		// https://learn.microsoft.com/kusto/query/has-any-index-function
		"has_any_index": strFunc(2, 2, "has_any_index", column.Long, textArg, dynArg).doc("has_any_index(Source, Lookups)", "the index of the first element of Lookups that is a term of Source, or -1", `print has_any_index("this is an example", dynamic(["not", "example"]))`),
		// https://learn.microsoft.com/kusto/query/string-size-function
		"string_size": strFunc(1, 1, "string_size", column.Long, textArg).doc("string_size(Source)", "the size of a string in bytes (UTF-8)", `print string_size("hello"), string_size("⒦⒰⒮⒯⒪")`),
		"isascii":     strFunc(1, 1, "isascii", column.Bool, textArg).doc("isascii(Value)", "whether a string holds only ASCII characters", `print isascii("some string"), isascii("é")`),
		"isutf8":      strFunc(1, 1, "isutf8", column.Bool, textArg).doc("isutf8(Value)", "whether a string is valid UTF-8", `print isutf8("some string")`),
		// https://learn.microsoft.com/kusto/query/regex-quote-function
		"regex_quote": strFunc(1, 1, "regex_quote", column.String, textArg).doc("regex_quote(String)", "the string with the regular expression characters escaped, to match it literally", `print regex_quote("(so$me.Te^xt)")`),
		// https://learn.microsoft.com/kusto/query/unicode-codepoints-from-string-function
		"unicode_codepoints_from_string": strFunc(1, 1, "unicode_codepoints_from_string", column.Dynamic, textArg).doc("unicode_codepoints_from_string(Value)", "the Unicode code points of a string, as an array", `print unicode_codepoints_from_string("Kusto")`),
		"unicode_codepoints_to_string":   strFunc(1, 64, "unicode_codepoints_to_string", column.String, dynArg).doc("unicode_codepoints_to_string(Values, ...)", "the string of Unicode code points given as numbers or arrays of numbers", "print unicode_codepoints_to_string(75, 117, dynamic([115, 116, 111]))"),
		// https://learn.microsoft.com/kusto/query/base64-decode-toarray-function
		"base64_decode_toarray":   strFunc(1, 1, "base64_decode_toarray", column.Dynamic, strArg).doc("base64_decode_toarray(Base64)", "the bytes a base64 text encodes, as an array of numbers", `print base64_decode_toarray("S3VzdG8=")`),
		"base64_encode_fromarray": strFunc(1, 1, "base64_encode_fromarray", column.String, dynArg).doc("base64_encode_fromarray(Bytes)", "the base64 encoding of an array of byte values", "print base64_encode_fromarray(dynamic([75, 117, 115, 116, 111]))"),
		"base64_decode_toguid":    strFunc(1, 1, "base64_decode_toguid", column.Guid, strArg).doc("base64_decode_toguid(Base64)", "the guid whose 16 bytes a base64 text encodes (null if not 16 bytes)", `print base64_decode_toguid("JpbpECu8dUy7Pv5gbeJXAA==")`),
		"base64_encode_fromguid":  strFunc(1, 1, "base64_encode_fromguid", column.String, textArg).doc("base64_encode_fromguid(Guid)", "the base64 encoding of a guid's 16 bytes", `print base64_encode_fromguid("10e99626-bc2b-4c75-bb3e-fe606de25700")`),
		// https://learn.microsoft.com/kusto/query/gzip-base64-compress
		"gzip_compress_to_base64_string":     strFunc(1, 1, "gzip_compress_to_base64_string", column.String, textArg).page("gzip-base64-compress").doc("gzip_compress_to_base64_string(String)", "a string in gzip format, as base64", `print gzip_compress_to_base64_string("1234567890qwertyuiop")`),
		"gzip_decompress_from_base64_string": strFunc(1, 1, "gzip_decompress_from_base64_string", column.String, strArg).page("gzip-base64-decompress").doc("gzip_decompress_from_base64_string(Base64)", `the string in a base64 gzip text ("" if invalid)`, `print gzip_decompress_from_base64_string("H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==")`),
		"zlib_compress_to_base64_string":     strFunc(1, 1, "zlib_compress_to_base64_string", column.String, textArg).page("zlib-compress-to-base64-string").doc("zlib_compress_to_base64_string(String)", "a string in zlib format, as base64", `print zlib_compress_to_base64_string("1234567890qwertyuiop")`),
		"zlib_decompress_from_base64_string": strFunc(1, 1, "zlib_decompress_from_base64_string", column.String, strArg).page("zlib-decompress-from-base64-string").doc("zlib_decompress_from_base64_string(Base64)", `the string in a base64 zlib text ("" if invalid)`, `print zlib_decompress_from_base64_string("eJwLSS0uUSguKcrMS1cwNDIGACxqBQ4=")`),
		// https://learn.microsoft.com/kusto/query/parse-csv-function
		"parse_csv": strFunc(1, 1, "parse_csv", column.Dynamic, strArg).doc("parse_csv(CsvText)", "the fields of the first CSV record of a string, as an array", `print parse_csv('aa,"b,b","x ""y"""')`),
		// https://learn.microsoft.com/kusto/query/parse-command-line-function
		"parse_command_line": strFunc(2, 2, "parse_command_line", column.Dynamic, strArg).doc(`parse_command_line(CommandLine, "windows")`, "the arguments of a command line, split as Windows splits them", `print parse_command_line('echo "hello world!"', "windows")`),
		// https://learn.microsoft.com/kusto/query/parse-version-function
		"parse_version": strFunc(1, 1, "parse_version", column.Real, textArg).doc("parse_version(Version)", "a number ordering versions of up to four parts (1.2.3.4), for comparison", `print parse_version("1.2.3.4") > parse_version("1.2.10")`),
		// https://learn.microsoft.com/kusto/query/punycode-from-string-function
		"punycode_from_string":        strFunc(1, 1, "punycode_from_string", column.String, strArg).doc("punycode_from_string(Label)", "a domain label in Punycode (without the xn-- prefix)", `print punycode_from_string("académie-française")`),
		"punycode_to_string":          strFunc(1, 1, "punycode_to_string", column.String, strArg).doc("punycode_to_string(Encoded)", "the label a Punycode text encodes", `print punycode_to_string("acadmie-franaise-npb1a")`),
		"punycode_domain_from_string": strFunc(1, 1, "punycode_domain_from_string", column.String, strArg).doc("punycode_domain_from_string(Domain)", "a domain with its xn-- labels decoded", `print punycode_domain_from_string("xn--Ge-mia.Bulg.edu")`),
		"punycode_domain_to_string":   strFunc(1, 1, "punycode_domain_to_string", column.String, strArg).doc("punycode_domain_to_string(Domain)", "a domain with its non-ASCII labels encoded as xn-- Punycode", `print punycode_domain_to_string("Gáe.Bulg.edu")`),
		// https://learn.microsoft.com/kusto/query/format-bytes-function
		"format_bytes": strFunc(1, 3, "format_bytes", column.String, realArg, intArg, strArg).doc("format_bytes(Size [, Precision [, Units]])", "a size in bytes as text in KB, MB, GB... (1024-based)", `print format_bytes(564), format_bytes(20010332, 2), format_bytes(20010332, 0, "KB")`),
		"extract": fsig(3, 4, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			re, err := regexArg(c, args, 0)
			if err != nil {
				return nil, err
			}
			grp, err := intArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			src, err := textArg(c, args, 2)
			if err != nil {
				return nil, err
			}
			var call Expr = &Call{Fn: "extract", Args: []Expr{re, grp, src}, T: column.String}
			if len(args) == 4 {
				tl, ok := args[3].(*typeLit)
				if !ok {
					return nil, errAt(argPos(c, 3), "extract() argument 4 must be typeof(T), such as typeof(long)")
				}
				call = convertTo(call, tl.T)
			}
			return call, nil
		}).doc("extract(Regex, CaptureGroup, Source [, typeof(T)])", "the text of a capture group of the first match of Regex (converted to T)", `print extract(@"(\d+) clicks", 1, "saw 42 clicks", typeof(long))`),
		"extract_all": fsig(2, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			re, err := regexArg(c, args, 0)
			if err != nil {
				return nil, err
			}
			out := []Expr{re}
			if len(args) == 3 {
				g, err := dynArg(c, args, 1)
				if err != nil {
					return nil, err
				}
				out = append(out, g)
			}
			src, err := textArg(c, args, len(args)-1)
			if err != nil {
				return nil, err
			}
			return &Call{Fn: "extract_all", Args: append(out, src), T: column.Dynamic}, nil
		}).doc("extract_all(Regex, [CaptureGroups,] Source)", "every match of Regex (its capture groups as arrays), as an array", `print extract_all(@"(\w)(\d+)", "a1 b22 c333")`),
	})
}

// extractJSONSig: extract_json(jsonPath, dataSource [, typeof(T)]); the
// result is a string unless a type is given.
func extractJSONSig() funcSig {
	return fsig(2, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		path, err := strArg(c, args, 0)
		if err != nil {
			return nil, err
		}
		src, err := textArg(c, args, 1)
		if err != nil {
			return nil, err
		}
		var call Expr = &Call{Fn: "extract_json", Args: []Expr{path, src}, T: column.Dynamic}
		t := column.String
		if len(args) == 3 {
			tl, ok := args[2].(*typeLit)
			if !ok {
				return nil, errAt(argPos(c, 2), "%s() argument 3 must be typeof(T), such as typeof(long)", c.Name)
			}
			t = tl.T
		}
		return convertTo(call, t), nil
	})
}

func init() {
	addFuncs(map[string]funcSig{
		"isnull":     simple(column.Bool, "isnull", isAny).doc("isnull(Expr)", "true when Expr is null", "print isnull(long(null)), isnull(0)"),
		"isnotnull":  simple(column.Bool, "isnotnull", isAny).doc("isnotnull(Expr)", "true when Expr is not null", "print isnotnull(long(null)), isnotnull(0)"),
		"isempty":    simple(column.Bool, "isempty", isAny).doc("isempty(Expr)", "true when Expr is null or an empty string", `print isempty(""), isempty("a")`),
		"isnotempty": simple(column.Bool, "isnotempty", isAny).doc("isnotempty(Expr)", "true when Expr is neither null nor an empty string", `print isnotempty(""), isnotempty("a")`),
		"strcat": funcSig{minArgs: 1, maxArgs: 64, argsText: "1 to 64 arguments", resolve: func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			for i := range args {
				args[i] = asString(args[i])
			}
			return &Call{Fn: "strcat", Args: args, T: column.String}, nil
		}}.doc("strcat(Expr1, Expr2, ...)", "its 1 to 64 arguments as strings, concatenated", `print strcat("a", 1, "b")`),
		"parse_json": parseJSONSig().doc("parse_json(Json)", "a JSON text as a dynamic value", `print parse_json('{"a": [1, 2]}').a[1]`),
		"parsejson":  parseJSONSig().page("parse-json-function").doc("parsejson(Json)", "the same as parse_json()", "print parsejson('[1, 2]')[0]"),
		// https://learn.microsoft.com/kusto/query/strcmp-function
		"strcmp": strFunc(2, 2, "strcmp", column.Long, strArg).doc("strcmp(String1, String2)", "-1, 0 or 1 as String1 sorts before, equal to or after String2", `print strcmp("abc", "abd")`),
		// https://learn.microsoft.com/kusto/query/indexof-regex-function
		"indexof_regex": strFunc(2, 5, "indexof_regex", column.Long, textArg, regexArg, intArg).doc("indexof_regex(Source, Regex [, Start [, Length [, Occurrence]]])", "the index of the first match of Regex in Source, or -1", `print indexof_regex("abcabc", @"a.c", 1)`),
		// https://learn.microsoft.com/kusto/query/extract-json-function
		"extract_json": extractJSONSig().doc("extract_json(JsonPath, Json [, typeof(T)])", "the element of a JSON text at a JSONPath ($.a.b, $['a'][0]), as a string or T", `print extract_json("$.hosts[1]", '{"hosts": ["a", "b"]}')`),
		"extractjson":  extractJSONSig().page("extract-json-function").doc("extractjson(JsonPath, Json [, typeof(T)])", "the same as extract_json()", `print extractjson("$.a", '{"a": 1}', typeof(long))`),
	})
}
