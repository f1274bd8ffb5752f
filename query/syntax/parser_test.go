package syntax

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sampleQuery is Microsoft's UrlClickEvents example, verbatim.
const sampleQuery = `// Search for malicious links where user was allowed to proceed through
UrlClickEvents
| where ActionType == "ClickAllowed" or IsClickedThrough !="0"
| where ThreatTypes has "Phish"
| summarize by ReportId, IsClickedThrough, AccountUpn, NetworkMessageId, ThreatTypes, Timestamp`

// treeOpts compares small syntax trees: positions differ between a query and
// its printed form, and participle may leave an empty list nil.
var treeOpts = cmp.Options{cmpopts.IgnoreTypes(Position{}), cmpopts.EquateEmpty()}

// checkRoundTrip checks that s prints as KQL that parses back to s, and that
// printing is stable. It returns the printed text.
func checkRoundTrip(t testing.TB, q string, s *Script) string {
	t.Helper()
	printed := s.String()
	s2, err := Parse(printed)
	if err != nil {
		t.Fatalf("query %q printed as %q, which does not parse: %v", q, printed, err)
	}
	if want, got := treeText(s), treeText(s2); got != want {
		t.Fatalf("query %q printed as %q, which parses to another tree (-query +printed):\n%s", q, printed, cmp.Diff(want, got))
	}
	if again := s2.String(); again != printed {
		t.Fatalf("query %q printed as %q, then as %q", q, printed, again)
	}
	return printed
}

// treeText dumps a tree one field a line, leaving out positions and empty
// fields. Round trips compare dumps, not trees with cmp.Equal: go-cmp
// compares each slice element twice (to find an edit script, then to
// report), so its time doubles with each nested call or index, and the 200
// levels Parse allows would never finish.
func treeText(n any) string {
	var b strings.Builder
	writeTree(&b, reflect.ValueOf(n), 0)
	return b.String()
}

var positionType = reflect.TypeFor[Position]()

func writeTree(b *strings.Builder, v reflect.Value, depth int) {
	indent := func(d int) { b.WriteString(strings.Repeat("  ", d)) }
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		writeTree(b, v.Elem(), depth)
	case reflect.Struct:
		b.WriteString(v.Type().Name())
		b.WriteString("{\n")
		for i := range v.NumField() {
			f, fv := v.Type().Field(i), v.Field(i)
			if f.Type == positionType || fv.IsZero() || (fv.Kind() == reflect.Slice && fv.Len() == 0) {
				continue
			}
			indent(depth + 1)
			b.WriteString(f.Name)
			b.WriteString(": ")
			writeTree(b, fv, depth+1)
			b.WriteByte('\n')
		}
		indent(depth)
		b.WriteByte('}')
	case reflect.Slice:
		b.WriteString("[\n")
		for i := range v.Len() {
			indent(depth + 1)
			writeTree(b, v.Index(i), depth+1)
			b.WriteByte('\n')
		}
		indent(depth)
		b.WriteByte(']')
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	default:
		fmt.Fprint(b, v.Interface())
	}
}

func TestParse_Success(t *testing.T) {
	// f parses q, checks it prints as want and that want parses back to the
	// same tree.
	f := func(q, want string) {
		t.Helper()
		s, err := Parse(q)
		if err != nil {
			t.Fatalf("Parse(%q): unexpected error: %v", q, err)
		}
		if got := checkRoundTrip(t, q, s); got != want {
			t.Fatalf("Parse(%q).String()\n got %q\nwant %q", q, got, want)
		}
	}
	successCases(f)
}

// successCases calls f with each query that parses and its printed form. The
// fuzz test seeds its corpus with them too.
func successCases(f func(q, want string)) {
	f(sampleQuery, `UrlClickEvents | where ActionType == "ClickAllowed" or IsClickedThrough != "0" | where ThreatTypes has "Phish" | summarize by ReportId, IsClickedThrough, AccountUpn, NetworkMessageId, ThreatTypes, Timestamp`)

	// Sources, spacing, comments, lines.
	f(`T`, `T`)
	f(`T | where A == 1 | summarize count() by B`, `T | where A == 1 | summarize count() by B`)
	f(`T|where A==1|summarize count()by B`, `T | where A == 1 | summarize count() by B`)
	f("  T\t|\twhere   A  ==  1  ", `T | where A == 1`)
	f("T // trailing comment\n// a whole-line comment\n| where A == 1 // why\n| take 10 // done", `T | where A == 1 | take 10`)
	f("T\r\n| where A == \"http://x\" // a comment after a string holding //\r\n| count", `T | where A == "http://x" | count`)
	f("T\n\n| where A\n\n\n| count\n", `T | where A | count`)
	f(`1 + 2`, `1 + 2`)

	// Statements.
	f("let threshold = 5;\nT | where X > threshold", "let threshold = 5;\nT | where X > threshold")
	f(`range x from 1 to 3 step 1 | project s = strcat("fooZ", x) | reduce by s with threshold=0.5, characters="Z"`,
		`range x from 1 to 3 step 1 | project s = strcat("fooZ", x) | reduce by s with threshold = 0.5, characters = "Z"`)
	f("T | reduce kind=source by s", "T | reduce kind=source by s")
	f("T | top-nested of id by Ignore0=max(1), top-nested 2 of timestamp with others = 0 by Ignore1=max(timestamp) asc, top-nested of State by sum(x)",
		"T | top-nested of id by Ignore0 = max(1), top-nested 2 of timestamp with others = 0 by Ignore1 = max(timestamp) asc, top-nested of State by sum(x)")
	f(`declare pattern country = (name:string)[state:string] { ("USA").["New York"] = { print Capital = "Albany" }; ('Canada').['Alberta'] = { print Capital = "Edmonton" }; }; country("Canada").Alberta`,
		"declare pattern country = (name:string)[state:string] { (\"USA\").[\"New York\"] = { print Capital = \"Albany\" }; ('Canada').['Alberta'] = { print Capital = \"Edmonton\" }; };\ncountry(\"Canada\").Alberta")
	f("declare pattern p; p('x')", "declare pattern p;\np('x')")
	f("union App('a2').Data, App('a1').['Metrics'], f(1), T", "union App('a2').Data, App('a1').['Metrics'], f(1), T")
	f(`search kind=case_sensitive in (T, A*) "err*" and Col:"x" or n > 1`, `search kind=case_sensitive in (T, A*) "err*" and Col : "x" or n > 1`)
	f("T | search *", "T | search *")
	f("set notruncation; set query_now=datetime(2024-01-01 00:05); set query_datascope = hotcache;\nprint now()",
		"set notruncation;\nset query_now = datetime(2024-01-01 00:05);\nset query_datascope = hotcache;\nprint now()")
	f("let Recent = T | where Timestamp > ago(1h);\nRecent | count", "let Recent = T | where Timestamp > ago(1h);\nRecent | count")
	f(`let a = 1;;; let b = a * 2; T | where x == b;`, "let a = 1;\nlet b = a * 2;\nT | where x == b")
	f(`T; U`, "T;\nU")
	// Without the ";" the two would read as a call, T(U).
	f("T; (U)", "T;\n(U)")
	f("T\n(U)", "T(U)")

	// where / filter.
	f(`T | filter A > 1`, `T | filter A > 1`)
	f(`T | where A and B and C or D or E`, `T | where A and B and C or D or E`)
	f(`T | where (A or B) and C`, `T | where (A or B) and C`)

	// summarize.
	f(`T | summarize count()`, `T | summarize count()`)
	f(`T | summarize by A`, `T | summarize by A`)
	f(`T | summarize n=count(), dcount(B) by C, bin(Timestamp, 1h)`, `T | summarize n = count(), dcount(B) by C, bin(Timestamp, 1h)`)
	f(`T | summarize Total = sum(X) by Day = bin(Timestamp, 1d)`, `T | summarize Total = sum(X) by Day = bin(Timestamp, 1d)`)
	f(`T | summarize arg_max(Timestamp, *) by DeviceId`, `T | summarize arg_max(Timestamp, *) by DeviceId`)
	f(`T | summarize countif(A == "x")`, `T | summarize countif(A == "x")`)

	// project, extend.
	f(`T | project A, B = C + 1, c = strcat("a", B)`, `T | project A, B = C + 1, c = strcat("a", B)`)
	f(`T | extend Hour = datetime_part("hour", Timestamp), Age = now() - Timestamp`, `T | extend Hour = datetime_part("hour", Timestamp), Age = now() - Timestamp`)

	// sort / order, top.
	f(`T | sort by X asc nulls first`, `T | sort by X asc nulls first`)
	f(`T | order by X desc, Y asc nulls last, Z`, `T | order by X desc, Y asc nulls last, Z`)
	f(`T | sort by X nulls last`, `T | sort by X nulls last`)
	f(`T | top 10 by X desc`, `T | top 10 by X desc`)
	f(`T | top 5 by X asc nulls first`, `T | top 5 by X asc nulls first`)
	f(`T | top 2+3 by strlen(A)`, `T | top 2 + 3 by strlen(A)`)

	// take / limit, distinct, count.
	f(`T | take 10`, `T | take 10`)
	f(`T | limit 5`, `T | limit 5`)
	f(`T | distinct *`, `T | distinct *`)
	f(`T | distinct A, B`, `T | distinct A, B`)
	f(`T | count`, `T | count`)
	f(`T | where A | count | take 1`, `T | where A | count | take 1`)

	// join, lookup, union.
	f(`T | join kind=inner (U | where x) on A, $left.B == $right.C`, `T | join kind=inner (U | where x) on A, $left.B == $right.C`)
	f(`T | lookup kind = leftouter U on A`, `T | lookup kind=leftouter U on A`)
	f(`T | join hint.strategy=shuffle ['U V'] on A`, `T | join hint.strategy=shuffle ['U V'] on A`)
	f(`union T, (U | where x), ['W']`, `union T, (U | where x), ['W']`)
	f(`union withsource=Src isfuzzy=true T, U | count`, `union withsource=Src isfuzzy=true T, U | count`)
	f(`T | union U`, `T | union U`)

	// make-series, mv-expand.
	f(`T | make-series n = count() default = 0, avg(X) on Timestamp from ago(7d) to now() step 1h by A`, `T | make-series n = count() default = 0, avg(X) on Timestamp from ago(7d) to now() step 1h by A`)
	f(`T | make-series count() on Timestamp step 1d`, `T | make-series count() on Timestamp step 1d`)
	f(`T | mv-expand kind=array A, B = C to typeof(string) limit 10`, `T | mv-expand kind=array A, B = C to typeof(string) limit 10`)
	f(`T | mv-expand A`, `T | mv-expand A`)

	// project-away and friends, parse.
	f(`T | project-away A, ['B C'] | project-keep A | project-reorder A`, `T | project-away A, ['B C'] | project-keep A | project-reorder A`)
	f(`T | project-rename New = Old, ['N 2'] = ['O 2']`, `T | project-rename New = Old, ['N 2'] = ['O 2']`)
	f(`T | parse kind=regex Url with * "://" Host:string "/" Rest`, `T | parse kind=regex Url with * "://" Host:string "/" Rest`)
	f(`T | parse Url with "a" x "b" *`, `T | parse Url with "a" x "b" *`)
	f(`T | parse-where kind = regex flags=Ui Url with * "://" Host`, `T | parse-where kind=regex flags=Ui Url with * "://" Host`)
	f(`T | mv-apply with_itemindex=i x = A to typeof(long) on (top 2 by x | summarize make_list(x))`, `T | mv-apply with_itemindex=i x = A to typeof(long) on (top 2 by x | summarize make_list(x))`)
	f(`T | project-reorder a* asc, *Id, ['x y']* desc | project-away *tmp*`, `T | project-reorder a* asc, *Id, ['x y']* desc | project-away *tmp*`)
	f(`T | invoke f(1, k = 2)`, `T | invoke f(1, k = 2)`)
	f("let ['a b'] = 1; let v = view () { print x = 1 }; let f = (T:(x: long, *), n:long) { T | take n }; union v*", "let ['a b'] = 1;\nlet v = view () { print x = 1 };\nlet f = (T:(x:long), n:long) { T | take n };\nunion v*")
	f(`print d = dynamic({'k': dynamic([1, datetime(2024-01-01), timespan(1d)])}), d.["k"], d.k[0]`, `print d = dynamic({'k': dynamic([1, datetime(2024-01-01), timespan(1d)])}), d.["k"], d.k[0]`)
	f(`print has = "a" has "a", contains = 1 | where contains > 0 and has`, `print has = "a" has "a", contains = 1 | where contains > 0 and has`)
	f(`T | summarize by = count() by X`, `T | summarize by = count() by X`)
	f(`range x from 1 to 10 step 2 | take 1`, `range x from 1 to 10 step 2 | take 1`)
	f(`range ['a b'] from datetime(2024-01-01) to now() step 1d`, `range ['a b'] from datetime(2024-01-01) to now() step 1d`)
	f(`print toscalar(print x = 1), toscalar(range x from 1 to 2 step 1 | count)`, `print toscalar(print x = 1), toscalar(range x from 1 to 2 step 1 | count)`)
	f(`print guid(74be27de-1e4e-49d9-b579-fe0b331d3642), long(null), real(-inf)`, `print guid(74be27de-1e4e-49d9-b579-fe0b331d3642), long(null), real(-inf)`)

	// datatable, print.
	f(`datatable(a:string, ['b c']:long) ["x", 1, "y", 2,]`, `datatable(a:string, ['b c']:long) ["x", 1, "y", 2]`)
	f(`datatable(a:string) ["x"]`, `datatable(a:string) ["x"]`)
	f(`datatable(a:string) ["x",]`, `datatable(a:string) ["x",]`)
	f(`datatable(a:long) []`, `datatable(a:long) []`)
	f(`print x = 1, 2`, `print x = 1, 2`)

	// getschema, as, serialize, render.
	f(`T | getschema`, `T | getschema`)
	f(`T | as hint.materialized=true X`, `T | as hint.materialized=true X`)
	f(`T | serialize | serialize n = row_number()`, `T | serialize | serialize n = row_number()`)
	f(`T | render timechart with (title="x", ymin=0)`, `T | render timechart with (title = "x", ymin = 0)`)
	f(`T | render piechart with ()`, `T | render piechart`)
	f(`T | render table`, `T | render table`)

	// dynamic literals and quoted names.
	f(`T | extend d = dynamic([1, -2.5, "a", null, true, {"k": ["v"]}, {}])`, `T | extend d = dynamic([1, -2.5, "a", null, true, {"k": ["v"]}, {}])`)
	f(`T | extend d = dynamic(["a"]), e = dynamic({"a": ['b']})`, `T | extend d = dynamic(["a"]), e = dynamic({"a": ['b']})`)
	f(`T | extend d = dynamic(x)`, `T | extend d = dynamic(x)`)
	f(`T | extend d = x[ 'k' ], e = ['col name'], ['f g'] = 1`, `T | extend d = x[ 'k' ], e = ['col name'], ['f g'] = 1`)
	// ["k"] is one quoted-name token; split by a comment it is an index or a
	// one-item array, and an empty comment keeps it so.
	f("T | extend d = x[\"k\" // c\n], e = x[(\"k\")]", "T | extend d = x[\"k\" //\n], e = x[(\"k\")]")
	f("T | extend d = dynamic([ // c\n \"a\"])", "T | extend d = dynamic([\"a\" //\n])")

	// Sub-pipelines.
	f(`(T | where x) | count`, `(T | where x) | count`)
	f(`(T) | take 1`, `(T) | take 1`)
	f(`T | where A in ((U | take 1), 2)`, `T | where A in ((U | take 1), 2)`)

	// Tabular call arguments.
	f(`let m = toscalar(T | summarize max(X)); T | where X == m`, "let m = toscalar(T | summarize max(X));\nT | where X == m")
	f(`let t = materialize(T|where x|take 1); t | count`, "let t = materialize(T | where x | take 1);\nt | count")
	f(`f(union T, U | count)`, `f(union T, U | count)`)
	f(`A(0|where 0)`, `A(0 | where 0)`)

	// in and friends.
	f(`T | where A in ("a", "b")`, `T | where A in ("a", "b")`)
	f(`T | where A in (1)`, `T | where A in (1)`)
	f(`T | where A !in ("a")`, `T | where A !in ("a")`)
	f(`T | where A in~ ("A", "b")`, `T | where A in~ ("A", "b")`)
	f(`T | where A !in~("a","b")`, `T | where A !in~ ("a", "b")`)
	f(`T | where A has_any ("x", "y")`, `T | where A has_any ("x", "y")`)
	f(`T | where A has_all ("x", "y")`, `T | where A has_all ("x", "y")`)

	// between.
	f(`T | where X between (1 .. 10)`, `T | where X between (1 .. 10)`)
	f(`T | where X between(1..10)`, `T | where X between (1 .. 10)`)
	f(`T | where X !between (ago(1d) .. now())`, `T | where X !between (ago(1d) .. now())`)
	f(`T | where X between (-1 + 2 .. 3 * 4)`, `T | where X between (-1 + 2 .. 3 * 4)`)

	// Comparisons and string predicates.
	f(`T | where A == 1 and B != 2 and C <> 3`, `T | where A == 1 and B != 2 and C <> 3`)
	f(`T | where A < 1 or A <= 2 or A > 3 or A >= 4`, `T | where A < 1 or A <= 2 or A > 3 or A >= 4`)
	f(`T | where A =~ "x" and B !~ "y"`, `T | where A =~ "x" and B !~ "y"`)
	f(`T | where Url matches regex @"^https?://"`, `T | where Url matches regex @"^https?://"`)
	f(`T | where A has "x" and B !has "y"`, `T | where A has "x" and B !has "y"`)
	f(`T | where A has_cs "x" and B !has_cs "y"`, `T | where A has_cs "x" and B !has_cs "y"`)
	f(`T | where A contains "x" and B !contains "y" and C contains_cs "z" and D !contains_cs "w"`, `T | where A contains "x" and B !contains "y" and C contains_cs "z" and D !contains_cs "w"`)
	f(`T | where A startswith "x" and B !startswith "y" and C startswith_cs "z"`, `T | where A startswith "x" and B !startswith "y" and C startswith_cs "z"`)
	f(`T | where A endswith "x" and B !endswith "y" and C endswith_cs "z"`, `T | where A endswith "x" and B !endswith "y" and C endswith_cs "z"`)
	f(`T | where A hasprefix "x" and B hassuffix "y" and C hasprefix_cs "z" and D hassuffix_cs "w"`, `T | where A hasprefix "x" and B hassuffix "y" and C hasprefix_cs "z" and D hassuffix_cs "w"`)
	f(`T | where A like "x%" and B notlike "y"`, `T | where A like "x%" and B notlike "y"`)

	// Timespans.
	f(`T | where D > 7d or D < 1h or D == 30m or D == 10s or D == 100ms or D == 1.5h`, `T | where D > 7d or D < 1h or D == 30m or D == 10s or D == 100ms or D == 1.5h`)
	f(`T | where D == 2days or D == 5min or D == 3hours or D == 10ticks or D == 1microsecond`, `T | where D == 2days or D == 5min or D == 3hours or D == 10ticks or D == 1microsecond`)
	f(`T | where D == time(1.00:00:00) or D == timespan(2d)`, `T | where D == time(1.00:00:00) or D == timespan(2d)`)

	// Datetimes.
	f(`T | where Timestamp > datetime(2023-12-21T19:04:59.0109752Z)`, `T | where Timestamp > datetime(2023-12-21T19:04:59.0109752Z)`)
	f(`T | where Timestamp between (datetime(2023-12-21) .. datetime(2023-12-22))`, `T | where Timestamp between (datetime(2023-12-21) .. datetime(2023-12-22))`)
	f(`T | where Timestamp > datetime( 2023-12-21 10:00 )`, `T | where Timestamp > datetime( 2023-12-21 10:00 )`)
	f(`T | where Timestamp > datetime("2023-12-21")`, `T | where Timestamp > datetime("2023-12-21")`)
	// With a space these are calls, not literals, and must stay so.
	f(`T | where Timestamp > datetime (X)`, `T | where Timestamp > datetime (X)`)
	f(`T | where D < time (1) and E > timespan ( X )`, `T | where D < time (1) and E > timespan (X)`)

	// Strings, printed as written.
	f(`T | where Path startswith @"c:\x"`, `T | where Path startswith @"c:\x"`)
	f(`T | where Path == @"c:\"`, `T | where Path == @"c:\"`)
	f(`T | where A == 'single' or A == "dou\"ble" or A == 'it\'s'`, `T | where A == 'single' or A == "dou\"ble" or A == 'it\'s'`)
	f(`T | where A == @'it''s' or A == @"say ""hi"""`, `T | where A == @'it''s' or A == @"say ""hi"""`)
	f(`T | where A == h"hidden" or A == H'x' or A == h@"c:\x"`, `T | where A == h"hidden" or A == H'x' or A == h@"c:\x"`)
	f(`T | where A == "a"  'b'`+"\n"+`@"c"`, `T | where A == "a" 'b' @"c"`)
	f(`T | where A == "tab\t, nl\n, \u00e9, é"`, `T | where A == "tab\t, nl\n, \u00e9, é"`)
	f(`T | where A == ""`, `T | where A == ""`)

	// Other literals.
	f(`T | where A == 1.5 or A == 1e5 or A == 2.5e-3 or A == 0x1F`, `T | where A == 1.5 or A == 1e5 or A == 2.5e-3 or A == 0x1F`)
	f(`T | where A == true or B == false or C == True or D == FALSE`, `T | where A == true or B == false or C == True or D == FALSE`)

	// Unary signs and arithmetic.
	f(`T | where X > -1 and Y == -Z`, `T | where X > -1 and Y == -Z`)
	f(`T | extend A = - (B + 1), C = +1, D = 1 - -1, E = 2*-3`, `T | extend A = -(B + 1), C = +1, D = 1 - -1, E = 2 * -3`)
	f(`T | extend A = B + C * D - E / F % G`, `T | extend A = B + C * D - E / F % G`)
	f(`T | extend A = (B + C) * (D - E)`, `T | extend A = (B + C) * (D - E)`)
	f(`T | where A + 1 > B * 2`, `T | where A + 1 > B * 2`)

	// Calls, members, indexes.
	f(`T | extend A = now(), B = f(*), C = iff(X > 1, "a", "b")`, `T | extend A = now(), B = f(*), C = iff(X > 1, "a", "b")`)
	f(`T | extend A = D.b.c, E = D["k"][0], F = parse_json(X).a[1 + 1]`, `T | extend A = D.b.c, E = D["k"][0], F = parse_json(X).a[1 + 1]`)
	f(`T | extend A = 1d.x, B = x.e5, C = "s".len`, `T | extend A = 1d.x, B = x.e5, C = "s".len`)
	f(`T | where $x == _y`, `T | where $x == _y`)
}

func TestParse_Failure(t *testing.T) {
	// f checks that q fails with exactly want, an *Error.
	f := func(q, want string) {
		t.Helper()
		s, err := Parse(q)
		if err == nil {
			t.Fatalf("Parse(%q): expected error %q, got tree %q", q, want, s)
		}
		var perr *Error
		if !errors.As(err, &perr) {
			t.Fatalf("Parse(%q): error %T %v is not *Error", q, err, err)
		}
		if got := err.Error(); got != want {
			t.Fatalf("Parse(%q): error\n got %q\nwant %q", q, got, want)
		}
	}

	failureCases(f)
}

// failureCases calls f with each query that fails and its exact error.
func failureCases(f func(q, want string)) {
	// Empty.
	f(``, `1:1: empty query: expected a table name such as UrlClickEvents`)
	f("  // only a comment\n", `1:1: empty query: expected a table name such as UrlClickEvents`)

	// Pipes and operators.
	f(`T |`, `1:4: unexpected end of query, expected operator`)
	f(`| T`, `1:1: unexpected "|": a query starts with a table, e.g. UrlClickEvents | where ...`)
	f("let x = 1;\n| where A", `2:1: unexpected "|": a query starts with a table, e.g. UrlClickEvents | where ...`)
	f("T | where A in ((1));\n  | take 1", `2:3: unexpected "|": a query starts with a table, e.g. UrlClickEvents | where ...`)
	f(`T | foo`, `1:5: unexpected "foo", expected operator`)
	f(`T | project-away`, `1:17: unexpected end of query, expected a column name or pattern`)
	f(`T | mv-apply A on take 1`, `1:19: unexpected "take", expected "("`)
	f(`T | join U`, `1:11: unexpected end of query, expected "on"`)
	f(`T | render`, `1:11: unexpected end of query, expected a name`)
	f(`T | parse A`, `1:12: unexpected end of query, expected "with"`)
	f(`datatable(a:string)`, `1:20: unexpected end of query, expected a ['quoted name'] or "["`)
	f(`T | make-series count() on T`, `1:29: unexpected end of query, expected "step"`)
	// mv-expand Name = Array: the parameter list takes "A = B" for a
	// parameter like kind=array, then finds no column.
	// Statements are separated by ";": trailing junk is an error.
	f(`T | where A B`, `1:13: unexpected "B"`)
	f(`T | take 10 20`, `1:13: unexpected "20"`)
	f(`T | count 5`, `1:11: unexpected "5"`)
	f(`T | where`, `1:10: unexpected end of query, expected expression`)
	f(`T | where | count`, `1:11: unexpected "|", expected expression`)
	f(`T | summarize count() by`, `1:25: unexpected end of query, expected expression`)
	f(`T | summarize n = count() by B,`, `1:32: unexpected end of query, expected expression`)
	f(`T | take`, `1:9: unexpected end of query, expected expression`)
	f(`T | project`, `1:12: unexpected end of query, expected expression`)
	f(`T | extend A =`, `1:15: unexpected end of query, expected expression`)
	f(`T | distinct`, `1:13: unexpected end of query, expected expression`)
	f(`T | sort X`, `1:10: unexpected "X", expected "by"`)
	f(`T | sort by`, `1:12: unexpected end of query, expected expression`)
	f(`T | sort by X asc nulls`, `1:24: unexpected end of query, expected "first" or "last"`)
	f(`T | sort by X nulls middle`, `1:21: unexpected "middle", expected "first" or "last"`)
	f(`T | top 10`, `1:11: unexpected end of query, expected "by"`)
	f(`T | top by X`, `1:9: unexpected "by", expected expression`)

	// Expressions.
	f(`T | where A = 1`, `1:13: unexpected "="`)
	f(`T | where A ~ 1`, `1:13: unexpected "~"`)
	f(`T | where !A`, `1:11: unexpected "!", expected expression`)
	f(`T | where !a`, `1:11: unexpected "!a", expected expression`)
	f(`T | where A !has`, `1:17: unexpected end of query, expected expression`)
	f(`T | where A in (1, 2`, `1:21: unexpected end of query, expected ")"`)
	f(`T | where A in (1,)`, `1:19: unexpected ")", expected expression`)
	f(`T | where A between (1 .. )`, `1:27: unexpected ")", expected expression`)
	f(`T | where A between (1, 2)`, `1:23: unexpected ",", expected ".."`)
	f(`T | where A matches regex`, `1:26: unexpected end of query, expected expression`)
	f(`T | where (A`, `1:13: unexpected end of query, expected "("`)
	f(`T | where A)`, `1:12: unexpected ")"`)
	f(`T | where f(1,)`, `1:15: unexpected ")", expected expression`)
	f(`T | where A.`, `1:13: unexpected end of query, expected a name or a ['quoted name'] or "["`)
	f(`T | where A.1`, `1:13: unexpected "1", expected a name or a ['quoted name'] or "["`)
	f(`T | where A[1`, `1:14: unexpected end of query, expected "]"`)
	f(`T | where A == 1 +`, `1:19: unexpected end of query, expected expression`)
	f(`T | where A == datetime(`, `1:25: unexpected end of query, expected ")"`)
	f(`T | extend x = dynamic([1,])`, `1:27: unexpected "]", expected a number`)
	f(`T | extend x = dynamic({"a"})`, `1:28: unexpected "}", expected ":"`)
	// A column named regex: the parser takes it for "matches regex".
	f(`T | where A == regex`, `1:21: unexpected end of query, expected expression`)

	// let.
	f(`let = 5`, `1:5: unexpected "=", expected a name or a ['quoted name']`)
	f(`let x 5`, `1:7: unexpected "5", expected "="`)
	f(`let x =`, `1:8: unexpected end of query, expected expression`)
	f(`;T`, `1:1: unexpected ";"`)

	// Lexer errors.
	f(`T | where A == "abc`, `1:16: unterminated string: no closing " before the end of the line`)
	f(`T | where A == 'abc`, `1:16: unterminated string: no closing ' before the end of the line`)
	f("T | where A == \"ab\nc\"", `1:16: unterminated string: no closing " before the end of the line`)
	f(`T | where A == @"abc`, `1:17: unterminated string: no closing " before the end of the line`)
	f("T | where A == \x00", `1:16: lexer: invalid input text "\x00"`)
	f("T | where A == \xff", "1:16: lexer: invalid input text \"\ufffd\"")
	f("T | where A == #", `1:16: lexer: invalid input text "#"`)

	// Limits.
	f(strings.Repeat("(", 201)+"1"+strings.Repeat(")", 201), `1:1: query nests parentheses or brackets 201 deep (the limit is 200)`)
	f("T | where "+strings.Repeat("a[", 201)+"1"+strings.Repeat("]", 201), `1:1: query nests parentheses or brackets 201 deep (the limit is 200)`)
	f(strings.Repeat("x", maxQueryLen+1), `1:1: query is too long (1048577 bytes; the limit is 1048576)`)

	// Positions on later lines point at the offending token.
	f("T\n| where A == 1\n| summarize count() by\n", `4:1: unexpected end of query, expected expression`)
	f("T\n| where A ==\n| count", `3:1: unexpected "|", expected expression`)
	f("T\n| where A == 1\n  | foo B", `3:5: unexpected "foo", expected operator`)
	// The error points at the first comma of ",,", not the second.
	f("let x = 1;\nT\n| where A in (1,\n    2,, 3)", `4:6: unexpected ",", expected ")"`)
	f("T // comment\n\t| where A == \"x\n", `2:15: unterminated string: no closing " before the end of the line`)
	// Columns count characters, not bytes.
	f("T\n| where Name == \"é\" and é", `2:25: lexer: invalid input text "é"`)
}

// TestParse_Lax lists inputs the grammar accepts though KQL rejects them.
// They are here so a grammar fix shows up; move each to TestParse_Failure
// once the grammar rejects it.
func TestParse_Lax(t *testing.T) {
	// f checks that q parses into n statements and round-trips.
	f := func(q string, n int, want string) {
		t.Helper()
		s, err := Parse(q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		if len(s.Statements) != n {
			t.Fatalf("Parse(%q): got %d statements, want %d", q, len(s.Statements), n)
		}
		if got := checkRoundTrip(t, q, s); got != want {
			t.Fatalf("Parse(%q).String()\n got %q\nwant %q", q, got, want)
		}
	}

	// mv-expand Name = Expr is a named expansion, not a parameter.
	f(`T | mv-expand A = B to typeof(long)`, 1, "T | mv-expand A = B to typeof(long)")
	// summarize with neither aggregate nor by.
	f(`T | summarize`, 1, `T | summarize`)
	// An empty in list.
	f(`T | where A in ()`, 1, `T | where A in ()`)
	// !in and !between without a list parse as binary operators.
	f(`T | where A !in B`, 1, `T | where A !in B`)
	f(`T | where A !between B`, 1, `T | where A !between B`)
	// Any !word is a binary operator.
	f(`T | where A !foo B`, 1, `T | where A !foo B`)
	// regex after any operator, and matches without regex.
	f(`T | where A has regex B`, 1, `T | where A has regex B`)
	f(`T | where A matches B`, 1, `T | where A matches B`)
}

// TestParse_Trees checks a few trees exactly.
func TestParse_Trees(t *testing.T) {
	leaf := func(p *Primary) *MulExpr { return &MulExpr{Left: &Unary{Operand: &Postfix{Primary: p}}} }
	name := func(s string) *MulExpr { return leaf(&Primary{Ident: &s}) }
	num := func(s string) *MulExpr { return leaf(&Primary{Number: &s}) }
	cmpName := func(s string) *CmpExpr { return &CmpExpr{Left: &AddExpr{Left: name(s)}} }
	source := func(q string) *Expr {
		t.Helper()
		s, err := Parse(q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		return s.Statements[0].Query.Source
	}
	// f checks that q parses to an expression equal to want.
	f := func(q string, want *Expr) {
		t.Helper()
		if diff := cmp.Diff(want, source(q), treeOpts); diff != "" {
			t.Fatalf("Parse(%q) (-want +got):\n%s", q, diff)
		}
	}

	// and binds tighter than or.
	f(`a or b and c`, &Expr{
		Left:  &AndExpr{Left: cmpName("a")},
		Right: []*AndExpr{{Left: cmpName("b"), Right: []*CmpExpr{cmpName("c")}}},
	})
	f(`a and b or c`, &Expr{
		Left:  &AndExpr{Left: cmpName("a"), Right: []*CmpExpr{cmpName("b")}},
		Right: []*AndExpr{{Left: cmpName("c")}},
	})
	// * binds tighter than +.
	f(`a + b * c`, &Expr{Left: &AndExpr{Left: &CmpExpr{Left: &AddExpr{
		Left: name("a"),
		Right: []*AddOp{{Op: "+", Right: &MulExpr{
			Left:  name("b").Left,
			Right: []*MulOp{{Op: "*", Right: name("c").Left}},
		}}},
	}}}})
	// + binds tighter than ==.
	f(`a + 1 == 2`, &Expr{Left: &AndExpr{Left: &CmpExpr{
		Left:   &AddExpr{Left: name("a"), Right: []*AddOp{{Op: "+", Right: num("1")}}},
		Binary: &BinTail{Op: "==", Right: &AddExpr{Left: num("2")}},
	}}})
	// A sign applies to one operand.
	f(`-a * b`, &Expr{Left: &AndExpr{Left: &CmpExpr{Left: &AddExpr{Left: &MulExpr{
		Left:  &Unary{Sign: "-", Operand: name("a").Left.Operand},
		Right: []*MulOp{{Op: "*", Right: name("b").Left}},
	}}}}})

	// Shapes, read through String.
	shape := func(q string, check func(e *Expr) bool) {
		t.Helper()
		if e := source(q); !check(e) {
			t.Fatalf("Parse(%q): unexpected shape %#v", q, e)
		}
	}
	shape(`a == 1 or b in (1, 2) and c between (1 .. 2)`, func(e *Expr) bool {
		return len(e.Right) == 1 && e.Left.String() == "a == 1" &&
			e.Right[0].Left.In.String() == "in (1, 2)" &&
			e.Right[0].Right[0].Between.Lo.String() == "1"
	})
	shape(`a - b - c`, func(e *Expr) bool {
		r := e.Left.Left.Left.Right
		return len(r) == 2 && r[0].String() == "- b" && r[1].String() == "- c"
	})
	shape(`x.a[0].b`, func(e *Expr) bool {
		p := e.Left.Left.Left.Left.Left.Operand
		return *p.Primary.Ident == "x" && len(p.Suffix) == 3 &&
			p.Suffix[0].Member == "a" && p.Suffix[1].Index.String() == "0" && p.Suffix[2].Member == "b"
	})
	shape(`"a" 'b' @"c"`, func(e *Expr) bool {
		p := e.Left.Left.Left.Left.Left.Operand.Primary
		return cmp.Equal(p.Strings, []string{`"a"`, `'b'`, `@"c"`})
	})
	shape(`datetime(2023-12-21) + 1.5h`, func(e *Expr) bool {
		a := e.Left.Left.Left
		return *a.Left.Left.Operand.Primary.Datetime == "datetime(2023-12-21)" &&
			*a.Right[0].Right.Left.Operand.Primary.Timespan == "1.5h"
	})
	shape(`datetime (x)`, func(e *Expr) bool {
		c := e.Left.Left.Left.Left.Left.Operand.Primary.Call
		return c != nil && c.Name == "datetime" && c.Args[0].String() == "x"
	})
	shape(`(T | where x) | count`, func(e *Expr) bool {
		p := e.Left.Left.Left.Left.Left.Operand.Primary.Paren
		return p != nil && p.String() == "T | where x"
	})

	// Operators.
	s, err := Parse(sampleQuery)
	if err != nil {
		t.Fatal(err)
	}
	ops := s.Statements[0].Query.Ops
	if len(ops) != 3 {
		t.Fatalf("sample query: got %d operators, want 3", len(ops))
	}
	w, ok := ops[0].(*WhereOp)
	if !ok || w.Predicate.String() != `ActionType == "ClickAllowed" or IsClickedThrough != "0"` {
		t.Fatalf("sample query: operator 0 is %#v", ops[0])
	}
	sum, ok := ops[2].(*SummarizeOp)
	if !ok || len(sum.Aggs) != 0 || len(sum.By) != 6 || sum.By[5].String() != "Timestamp" {
		t.Fatalf("sample query: operator 2 is %#v", ops[2])
	}
}

// TestParse_Positions checks that nodes point where they start, lines and
// columns 1-based.
func TestParse_Positions(t *testing.T) {
	q := "let x = 1;\nT\n| where A ==  x\n\t| summarize n = count() by B"
	s, err := Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	// f checks that pos is at line:col.
	f := func(what string, pos Position, line, col int) {
		t.Helper()
		if pos.Line != line || pos.Column != col {
			t.Fatalf("%s: got %d:%d, want %d:%d", what, pos.Line, pos.Column, line, col)
		}
	}
	f("let", s.Statements[0].Pos, 1, 1)
	f("let value", s.Statements[0].Let.Value.Pos, 1, 9)
	p := s.Statements[1].Query
	f("pipeline", p.Pos, 2, 1)
	w := p.Ops[0].(*WhereOp)
	f("where", w.Pos, 3, 3)
	f("where predicate", w.Predicate.Pos, 3, 9)
	f("==", w.Predicate.Left.Left.Binary.Pos, 3, 11)
	f("x", w.Predicate.Left.Left.Binary.Right.Pos, 3, 15)
	sum := p.Ops[1].(*SummarizeOp)
	f("summarize", sum.Pos, 4, 4)
	f("n = count()", sum.Aggs[0].Pos, 4, 14)
	f("count()", sum.Aggs[0].Expr.Left.Left.Left.Left.Left.Operand.Primary.Call.Pos, 4, 18)
	f("B", sum.By[0].Pos, 4, 29)
}

func TestTreeText(t *testing.T) {
	// f checks whether a and b parse to the same tree, positions aside.
	f := func(a, b string, same bool) {
		t.Helper()
		sa, err := Parse(a)
		if err != nil {
			t.Fatal(err)
		}
		sb, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if got := treeText(sa) == treeText(sb); got != same {
			t.Fatalf("treeText(%q) == treeText(%q) is %v, want %v:\n%s\n%s", a, b, got, same, treeText(sa), treeText(sb))
		}
		if got := cmp.Equal(sa, sb, treeOpts); got != same {
			t.Fatalf("cmp.Equal(%q, %q) is %v, want %v", a, b, got, same)
		}
	}
	f("T|count", "T\n  | count // c", true)
	f("a or b and c", "(a or b) and c", false)
	f("a or b and c", "a or (b and c)", false)
	f("T | sort by A", "T | sort by A asc", false)
	f("T | distinct *", "T | distinct A", false)
	f(`T | where A matches regex "x"`, `T | where A matches "x"`, false)
	f(`"a" "b"`, `"a" 'b'`, false)
	f("1.0", "1", false)
	f("T | where f(a, b)", "T | where f(a)", false)
	f("datetime(x)", "datetime (x)", false)
}
