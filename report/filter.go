package report

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"clickhunt/column"
	"clickhunt/storage"
)

// Filter narrows every section to some clicks. The zero Filter keeps all.
type Filter struct {
	// From and To bound Timestamp: From <= Timestamp < To (zero: open).
	From, To time.Time
	// Last keeps the clicks of the last duration of the data: after the
	// newest click's Timestamp minus Last (exports are read long after
	// they were taken, so it is not counted back from the clock).
	Last time.Duration
	// Verdicts, Actions and Sources keep clicks with one of the values
	// (canonical spellings: see Verdicts, Actions, Sources).
	Verdicts, Actions, Sources []string
	// Users keeps the clicks of these UPNs (any case).
	Users []string
	// Tenants keeps the clicks of these tenants (TenantId, any case), for
	// exports that carry it (Sentinel's do).
	Tenants []string
}

// ParamError is a bad filter or request parameter: Param names it.
type ParamError struct {
	Param string
	Msg   string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Msg }

// IsZero reports whether the filter keeps every click.
func (f Filter) IsZero() bool {
	return f.From.IsZero() && f.To.IsZero() && f.Last == 0 && len(f.Verdicts)+len(f.Actions)+len(f.Sources)+len(f.Users)+len(f.Tenants) == 0
}

// Where returns the filter as KQL where clauses on Clicks, one per line,
// each starting with "| where " ("" for the zero filter).
func (f Filter) Where() string {
	var b strings.Builder
	if !f.From.IsZero() {
		fmt.Fprintf(&b, "| where Timestamp >= datetime(%s)\n", column.FormatDatetime(column.TicksFromTime(f.From)))
	}
	if !f.To.IsZero() {
		fmt.Fprintf(&b, "| where Timestamp < datetime(%s)\n", column.FormatDatetime(column.TicksFromTime(f.To)))
	}
	if f.Last > 0 {
		fmt.Fprintf(&b, "| where Timestamp > toscalar(UrlClickEvents | summarize max(Timestamp)) - %s\n", kqlTimespan(f.Last))
	}
	in := func(col, op string, vals []string) {
		if len(vals) == 0 {
			return
		}
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = Quote(v)
		}
		fmt.Fprintf(&b, "| where %s %s (%s)\n", col, op, strings.Join(q, ", "))
	}
	in("Verdict", "in", f.Verdicts)
	in("Action", "in", f.Actions)
	in("Workload", "in~", f.Sources)
	in("AccountUpn", "in~", f.Users)
	in("TenantId", "in~", f.Tenants)
	return b.String()
}

// Apply returns the section query text with the filter's where clauses
// added to its Clicks let statement.
func (f Filter) Apply(text string) string {
	w := f.Where()
	if w == "" {
		return text
	}
	head := strings.TrimSuffix(ClicksHeader, ";\n")
	return strings.Replace(text, ClicksHeader, head+"\n"+strings.TrimSuffix(w, "\n")+";\n", 1)
}

// Quote writes s as a KQL string literal: double quotes, with backslash,
// quote and control characters escaped, so user input can never end the
// literal.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\' || r == '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			// Dropped: no export holds them in a UPN or URL.
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// kqlTimespan writes d as a KQL timespan literal (7d, 36h, 90m, 45s).
func kqlTimespan(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
}

// ParseTime reads a filter time: ISO 8601 (2023-12-01T08:00:00Z, with no
// zone UTC) or a date (2023-12-01, midnight UTC).
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	ticks, err := column.ParseDatetime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q (expected e.g. 2023-12-01 or 2023-12-01T08:00:00Z)", s)
	}
	return column.TimeFromTicks(ticks), nil
}

// ParseLast reads a --last duration: Nd, Nh (7d, 30d, 90d, 12h).
func ParseLast(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	unit := time.Duration(0)
	switch {
	case strings.HasSuffix(s, "d"):
		unit = 24 * time.Hour
	case strings.HasSuffix(s, "h"):
		unit = time.Hour
	}
	n, err := strconv.Atoi(strings.TrimRight(s, "dh"))
	if unit == 0 || err != nil || n <= 0 || n > 36500 {
		return 0, fmt.Errorf("bad duration %q (expected e.g. 7d, 30d, 90d or 12h)", s)
	}
	return time.Duration(n) * unit, nil
}

// canonical maps each value (comma-separated lists allowed) onto its
// spelling in known, ignoring case and spaces; an unknown value is an
// error listing the known ones.
func canonical(param string, vals []string, known []string) ([]string, error) {
	var out []string
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }
	for _, v := range splitList(vals) {
		found := ""
		for _, k := range known {
			if norm(k) == norm(v) {
				found = k
			}
		}
		if found == "" {
			return nil, &ParamError{param, fmt.Sprintf("unknown value %q (expected %s)", v, strings.Join(known, ", "))}
		}
		out = append(out, found)
	}
	return out, nil
}

// splitList splits comma-separated values and drops empty ones.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// FilterArgs are filter values as the command line and the API take them:
// strings, lists comma-separated or repeated.
type FilterArgs struct {
	From, To, Last                        string
	Verdict, Action, Source, User, Tenant []string
}

// Parse checks the arguments and builds the filter. Errors are
// *ParamError naming the parameter (from, to, last, verdict, action,
// source, user, tenant).
func (a FilterArgs) Parse() (Filter, error) {
	var f Filter
	var err error
	if a.From != "" {
		if f.From, err = ParseTime(a.From); err != nil {
			return f, &ParamError{"from", err.Error()}
		}
	}
	if a.To != "" {
		if f.To, err = ParseTime(a.To); err != nil {
			return f, &ParamError{"to", err.Error()}
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, &ParamError{"to", "must be after from"}
	}
	if a.Last != "" {
		if f.Last, err = ParseLast(a.Last); err != nil {
			return f, &ParamError{"last", err.Error()}
		}
	}
	if f.Verdicts, err = canonical("verdict", a.Verdict, Verdicts); err != nil {
		return f, err
	}
	if f.Actions, err = canonical("action", a.Action, Actions); err != nil {
		return f, err
	}
	if f.Sources, err = canonical("source", a.Source, Sources); err != nil {
		return f, err
	}
	for _, u := range splitList(a.User) {
		if strings.ContainsAny(u, "\x00\r\n\t\"\\") || len(u) > 320 {
			return f, &ParamError{"user", fmt.Sprintf("bad user %q", u)}
		}
		f.Users = append(f.Users, u)
	}
	for _, t := range splitList(a.Tenant) {
		if strings.ContainsAny(t, "\x00\r\n\t\"\\") || len(t) > 320 {
			return f, &ParamError{"tenant", fmt.Sprintf("bad tenant %q", t)}
		}
		f.Tenants = append(f.Tenants, t)
	}
	return f, nil
}

// Check reports a filter the loaded clicks cannot answer: a tenant filter
// needs a TenantId column.
func (f Filter) Check(snap *storage.Snapshot) error {
	if len(f.Tenants) == 0 {
		return nil
	}
	t, err := snap.Table("UrlClickEvents")
	if err != nil {
		return nil // Run says there is no table
	}
	if _, ok := t.Column("TenantId"); !ok {
		return &ParamError{"tenant", "the loaded clicks have no TenantId column (Sentinel exports carry one; Defender's do not)"}
	}
	return nil
}

// FilterArgsFromQuery reads the filter parameters of a URL query (from,
// to, last, verdict, action, source, user, tenant; lists repeated or
// comma-separated).
func FilterArgsFromQuery(q url.Values) FilterArgs {
	return FilterArgs{
		From: q.Get("from"), To: q.Get("to"), Last: q.Get("last"),
		Verdict: q["verdict"], Action: q["action"], Source: q["source"], User: q["user"], Tenant: q["tenant"],
	}
}

// Values returns the filter as URL query parameters (the inverse of
// FilterArgsFromQuery and Parse).
func (f Filter) Values() url.Values {
	v := url.Values{}
	if !f.From.IsZero() {
		v.Set("from", f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		v.Set("to", f.To.UTC().Format(time.RFC3339))
	}
	if f.Last > 0 {
		v.Set("last", kqlTimespan(f.Last))
	}
	for _, s := range f.Verdicts {
		v.Add("verdict", s)
	}
	for _, s := range f.Actions {
		v.Add("action", s)
	}
	for _, s := range f.Sources {
		v.Add("source", s)
	}
	for _, s := range f.Users {
		v.Add("user", s)
	}
	for _, s := range f.Tenants {
		v.Add("tenant", s)
	}
	return v
}

// String describes the filter for people ("all clicks" when zero).
func (f Filter) String() string {
	if f.IsZero() {
		return "all clicks"
	}
	var parts []string
	if !f.From.IsZero() {
		parts = append(parts, "from "+f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		parts = append(parts, "to "+f.To.UTC().Format(time.RFC3339))
	}
	if f.Last > 0 {
		parts = append(parts, "last "+kqlTimespan(f.Last)+" of the data")
	}
	add := func(name string, vals []string) {
		if len(vals) > 0 {
			parts = append(parts, name+" "+strings.Join(vals, ", "))
		}
	}
	add("verdict", f.Verdicts)
	add("action", f.Actions)
	add("source", f.Sources)
	add("user", f.Users)
	add("tenant", f.Tenants)
	return strings.Join(parts, "; ")
}
