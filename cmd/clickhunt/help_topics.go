package main

import (
	"sort"
	"strings"
)

// helpTopic documents one operator, function or keyword of the supported
// KQL subset, for ".help TOPIC" and Tab completion. Adding what the engine
// learns is one line in helpTopics.
type helpTopic struct {
	name string
	// kind is "operator" (after a pipe), "function" (scalar),
	// "aggregation" (inside summarize), "predicate" (a binary string or
	// set operator) or "statement".
	kind    string
	syntax  string // the usage line; for functions "name(args)" is the argument hint
	doc     string // one line
	example string
}

// helpTopics is the reference of what the engine supports today, grouped
// by kind, from the README's "Supported KQL".
var helpTopics = []helpTopic{
	// Tabular operators.
	{"where", "operator", "T | where Predicate", "keep the rows where Predicate is true", `UrlClickEvents | where ActionType == "ClickBlocked" and Timestamp > ago(7d)`},
	{"filter", "operator", "T | filter Predicate", "the same as where", `UrlClickEvents | filter Workload == "Teams"`},
	{"summarize", "operator", "T | summarize [Name =] Aggregation, ... [by [Name =] Expr, ...]", "group rows and aggregate each group", `UrlClickEvents | summarize Clicks = count(), Users = dcount(AccountUpn) by Workload`},
	{"project", "operator", "T | project [Name =] Expr, ...", "keep, rename or compute columns", `UrlClickEvents | project Timestamp, User = AccountUpn, Url`},
	{"extend", "operator", "T | extend Name = Expr, ...", "add computed columns", `UrlClickEvents | extend Hour = hourofday(Timestamp)`},
	{"sort", "operator", "T | sort by Expr [asc|desc] [nulls first|last], ...", "order rows (default desc)", `UrlClickEvents | sort by Timestamp desc`},
	{"order", "operator", "T | order by Expr [asc|desc] [nulls first|last], ...", "the same as sort", `UrlClickEvents | order by AccountUpn asc`},
	{"top", "operator", "T | top N by Expr [asc|desc]", "the first N rows by Expr", `UrlClickEvents | summarize count() by AccountUpn | top 10 by count_`},
	{"take", "operator", "T | take N", "any N rows", `UrlClickEvents | take 10`},
	{"limit", "operator", "T | limit N", "the same as take", `UrlClickEvents | limit 5`},
	{"distinct", "operator", "T | distinct Column, ... | *", "the distinct combinations of columns", `UrlClickEvents | distinct Workload, ActionType`},
	{"count", "operator", "T | count", "the number of rows, as one Count column", `UrlClickEvents | where IsClickedThrough | count`},
	{"render", "operator", "T | render Kind [with (title=\"...\", xtitle=\"...\", ytitle=\"...\", legend=hidden)]", "draw the result: barchart, columnchart, piechart, timechart, linechart, areachart", `UrlClickEvents | summarize Clicks = count() by bin(Timestamp, 1d) | render timechart with (title="Clicks per day")`},

	// Statements.
	{"let", "statement", "let Name = Expr; ...", "name a scalar or a tabular expression for the query that follows", `let blocked = UrlClickEvents | where ActionType == "ClickBlocked"; blocked | count`},

	// Aggregations.
	{"count", "aggregation", "count()", "the number of rows (column count_)", `UrlClickEvents | summarize count() by Workload`},
	{"countif", "aggregation", "countif(Predicate)", "the number of rows where Predicate is true (countif_)", `UrlClickEvents | summarize Through = countif(IsClickedThrough) by AccountUpn`},
	{"dcount", "aggregation", "dcount(Expr [, Accuracy])", "the number of distinct values (dcount_Column)", `UrlClickEvents | summarize Users = dcount(AccountUpn) by Url`},
	{"sum", "aggregation", "sum(Expr)", "the sum of a number column", `UrlClickEvents | extend One = 1 | summarize sum(One)`},
	{"avg", "aggregation", "avg(Expr)", "the mean of a number column", `UrlClickEvents | extend L = strlen(Url) | summarize avg(L)`},
	{"min", "aggregation", "min(Expr)", "the smallest value", `UrlClickEvents | summarize First = min(Timestamp) by AccountUpn`},
	{"max", "aggregation", "max(Expr)", "the largest value", `UrlClickEvents | summarize Last = max(Timestamp) by AccountUpn`},

	// Scalar functions.
	{"ago", "function", "ago(Timespan)", "now() minus Timespan", `UrlClickEvents | where Timestamp > ago(1d)`},
	{"now", "function", "now([Offset])", "the current time (pinned by .now / --now)", `UrlClickEvents | where Timestamp < now() | count`},
	{"bin", "function", "bin(Value, RoundTo)", "round down to a multiple of RoundTo (datetimes from 0001-01-01)", `UrlClickEvents | summarize count() by bin(Timestamp, 1h)`},
	{"floor", "function", "floor(Value, RoundTo)", "the same as bin", `UrlClickEvents | summarize count() by floor(Timestamp, 1d)`},
	{"iff", "function", "iff(Predicate, IfTrue, IfFalse)", "IfTrue where Predicate holds, else IfFalse", `UrlClickEvents | extend Blocked = iff(ActionType == "ClickBlocked", 1, 0)`},
	{"iif", "function", "iif(Predicate, IfTrue, IfFalse)", "the same as iff", `UrlClickEvents | extend K = iif(IsClickedThrough, "through", "stopped")`},
	{"not", "function", "not(Predicate)", "logical negation", `UrlClickEvents | where not(Url has "microsoft")`},
	{"isnull", "function", "isnull(Expr)", "true for null values", `UrlClickEvents | where isnull(IsClickedThrough)`},
	{"isnotnull", "function", "isnotnull(Expr)", "true for non-null values", `UrlClickEvents | where isnotnull(Timestamp)`},
	{"isempty", "function", "isempty(Expr)", "true for null or empty strings", `UrlClickEvents | where isempty(IPAddress)`},
	{"isnotempty", "function", "isnotempty(Expr)", "true for non-empty values", `UrlClickEvents | where isnotempty(ThreatTypes)`},
	{"tolower", "function", "tolower(String)", "lower case", `UrlClickEvents | extend U = tolower(AccountUpn)`},
	{"toupper", "function", "toupper(String)", "upper case", `UrlClickEvents | extend W = toupper(Workload)`},
	{"strlen", "function", "strlen(String)", "the length in characters", `UrlClickEvents | where strlen(Url) > 200`},
	{"strcat", "function", "strcat(Expr, ...)", "the arguments as strings, concatenated", `UrlClickEvents | extend Key = strcat(AccountUpn, "|", Url)`},
	{"tostring", "function", "tostring(Expr)", "the value as a string", `UrlClickEvents | extend T = tostring(Timestamp)`},
	{"tolong", "function", "tolong(Expr)", "the value as a long (null if it does not convert)", `UrlClickEvents | extend N = tolong("42")`},
	{"toint", "function", "toint(Expr)", "the value as an int", `UrlClickEvents | extend N = toint(IsClickedThrough)`},
	{"todouble", "function", "todouble(Expr)", "the value as a real", `UrlClickEvents | extend R = todouble(strlen(Url))`},
	{"toreal", "function", "toreal(Expr)", "the same as todouble", `UrlClickEvents | extend R = toreal("1.5")`},
	{"tobool", "function", "tobool(Expr)", "the value as a bool", `UrlClickEvents | extend B = tobool("true")`},
	{"todatetime", "function", "todatetime(Expr)", "the value as a datetime", `UrlClickEvents | where Timestamp > todatetime("2024-03-01")`},
	{"totimespan", "function", "totimespan(Expr)", "the value as a timespan", `UrlClickEvents | extend D = totimespan("01:00:00")`},
	{"hourofday", "function", "hourofday(Datetime)", "the hour, 0 to 23", `UrlClickEvents | summarize count() by hourofday(Timestamp)`},
	{"dayofweek", "function", "dayofweek(Datetime)", "days since the preceding Sunday, as a timespan", `UrlClickEvents | summarize count() by dayofweek(Timestamp)`},
	{"dayofmonth", "function", "dayofmonth(Datetime)", "the day of the month, 1 to 31", `UrlClickEvents | summarize count() by dayofmonth(Timestamp)`},
	{"startofday", "function", "startofday(Datetime)", "midnight of the day", `UrlClickEvents | summarize count() by startofday(Timestamp)`},

	// Binary predicates.
	{"has", "predicate", "Expr has \"term\"", "a whole term, case-insensitive (also !has, has_cs)", `UrlClickEvents | where ThreatTypes has "Phish"`},
	{"has_any", "predicate", "Expr has_any (\"a\", \"b\", ...)", "any of the terms", `UrlClickEvents | where ThreatTypes has_any ("Phish", "Malware")`},
	{"contains", "predicate", "Expr contains \"text\"", "a substring, case-insensitive (also !contains, contains_cs)", `UrlClickEvents | where Url contains "login"`},
	{"startswith", "predicate", "Expr startswith \"text\"", "a prefix, case-insensitive (also _cs)", `UrlClickEvents | where Url startswith "https://"`},
	{"endswith", "predicate", "Expr endswith \"text\"", "a suffix, case-insensitive (also _cs)", `UrlClickEvents | where AccountUpn endswith "@contoso.com"`},
	{"hasprefix", "predicate", "Expr hasprefix \"text\"", "a term starting with text", `UrlClickEvents | where Url hasprefix "micro"`},
	{"hassuffix", "predicate", "Expr hassuffix \"text\"", "a term ending with text", `UrlClickEvents | where Url hassuffix "soft"`},
	{"matches", "predicate", "Expr matches regex \"re\"", "an RE2 regular expression match", `UrlClickEvents | where Url matches regex @"\d+\.\d+\.\d+\.\d+"`},
	{"in", "predicate", "Expr in (Value, ...)", "one of the values, case-sensitive (also !in, in~, !in~)", `UrlClickEvents | where Workload in ("Teams", "Office")`},
	{"between", "predicate", "Expr between (Low .. High)", "within an inclusive range (also !between)", `UrlClickEvents | where Timestamp between (ago(2d) .. ago(1d))`},
}

// topicsNamed returns the topics called name (count is both an operator
// and an aggregation), matching case-insensitively.
func topicsNamed(name string) []helpTopic {
	var out []helpTopic
	for _, t := range helpTopics {
		if strings.EqualFold(t.name, name) {
			out = append(out, t)
		}
	}
	return out
}

// topicNames returns the sorted, distinct names of the topics of kind.
func topicNames(kinds ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range helpTopics {
		for _, k := range kinds {
			if t.kind == k && !seen[t.name] {
				seen[t.name] = true
				out = append(out, t.name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// functionHint is the argument hint of a scalar or aggregation function.
func functionHint(name string) (string, bool) {
	for _, t := range helpTopics {
		if (t.kind == "function" || t.kind == "aggregation") && t.name == name {
			return t.syntax, true
		}
	}
	return "", false
}
