package report

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"clickhunt/column"
	"clickhunt/query"
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
	// Groups keeps the clicks of these groups' members (the report's "User
	// or group" filter): with Users, a click of either is kept. Members
	// are the groups' users, from the group file (see Groups).
	Groups, Members []string
	// Zone is no filter: the IANA time zone the report counts days and
	// hours in and shows times in ("" is UTC).
	Zone string
}

// ParamError is a bad filter or request parameter: Param names it.
type ParamError struct {
	Param string
	Msg   string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Msg }

// IsZero reports whether the filter keeps every click.
func (f Filter) IsZero() bool {
	return f.From.IsZero() && f.To.IsZero() && f.Last == 0 && len(f.Verdicts)+len(f.Actions)+len(f.Sources)+len(f.Users)+len(f.Tenants)+len(f.Groups) == 0
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
	if len(f.Groups) > 0 {
		// The members are listed, so the query runs as shown; the
		// comment says where they came from.
		fmt.Fprintf(&b, "// the members of group %s (from the group file)\n", strings.Join(f.Groups, ", "))
		members := union(f.Users, f.Members)
		if len(members) == 0 {
			members = []string{""} // an empty group keeps no click
		}
		in("AccountUpn", "in~", members)
	} else {
		in("AccountUpn", "in~", f.Users)
	}
	in("TenantId", "in~", f.Tenants)
	return b.String()
}

// union returns the values of a and b, each once (any case), in order.
func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range append(append([]string(nil), a...), b...) {
		if k := strings.ToLower(v); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// zoneLine is ClicksHeader's first line, which names the report's time
// zone.
var zoneLine = ClicksHeader[:strings.Index(ClicksHeader, "\n")+1]

// Apply returns the section query text with the filter's where clauses
// added to its Clicks let statement and the filter's zone in its
// TimeZone let statement.
func (f Filter) Apply(text string) string { return f.applySpan(text, nil) }

// clicksSource is how ClicksHeader names the table it reads.
const clicksSource = "let Clicks = union UrlClickEvents,"

// applySpan is Apply that also narrows the table's scan to a span of
// Timestamp (nil: none).
func (f Filter) applySpan(text string, sp *span) string {
	w := f.Where()
	if w == "" && (f.Zone == "" || f.Zone == "UTC") && sp == nil {
		return text
	}
	head := ClicksHeader
	if f.Zone != "" && f.Zone != "UTC" {
		head = strings.Replace(head, zoneLine, strings.Replace(zoneLine, `"UTC"`, Quote(f.Zone), 1), 1)
	}
	if sp != nil {
		head = strings.Replace(head, clicksSource, "let Clicks = union "+sp.where()+",", 1)
	}
	if w != "" {
		head = strings.TrimSuffix(head, ";\n") + "\n" + strings.TrimSuffix(w, "\n") + ";\n"
	}
	return strings.Replace(text, ClicksHeader, head, 1)
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
func ParseTime(s string) (time.Time, error) { return ParseTimeIn(s, time.UTC) }

// ParseTimeIn is ParseTime with times and dates that carry no zone read
// in loc.
func ParseTimeIn(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, nil
	}
	ticks, err := column.ParseDatetime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q (expected e.g. 2023-12-01 or 2023-12-01T08:00:00Z)", s)
	}
	t := column.TimeFromTicks(ticks)
	if loc != time.UTC && !hasZone(s) {
		// The wall time as written, in loc.
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	}
	return t, nil
}

// hasZone reports whether an ISO 8601 time ends in Z or an offset.
func hasZone(s string) bool {
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return true
	}
	if i := strings.IndexAny(s, "Tt "); i >= 0 {
		return strings.ContainsAny(s[i:], "+-")
	}
	return false
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
	From, To, Last                               string
	Verdict, Action, Source, User, Tenant, Group []string
	// TZ is the report's time zone (IANA name; "" is UTC). From and To
	// without a zone of their own are read in it.
	TZ string
	// Groups is the group file Group names its groups in (nil: none).
	Groups *Groups
}

// Parse checks the arguments and builds the filter. Errors are
// *ParamError naming the parameter (from, to, last, verdict, action,
// source, user, tenant, group, tz).
func (a FilterArgs) Parse() (Filter, error) {
	var f Filter
	var err error
	loc := time.UTC
	if z := strings.TrimSpace(a.TZ); z != "" && !strings.EqualFold(z, "UTC") {
		if loc, err = LoadZone(z); err != nil {
			return f, &ParamError{"tz", err.Error()}
		}
		f.Zone = loc.String()
	}
	if a.From != "" {
		if f.From, err = ParseTimeIn(a.From, loc); err != nil {
			return f, &ParamError{"from", err.Error()}
		}
	}
	if a.To != "" {
		if f.To, err = ParseTimeIn(a.To, loc); err != nil {
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
	if groups := splitList(a.Group); len(groups) > 0 {
		if a.Groups == nil {
			return f, &ParamError{"group", "no group file: give one (a CSV of user,group rows) to filter by group"}
		}
		for _, g := range groups {
			name, members, ok := a.Groups.Lookup(g)
			if !ok {
				return f, &ParamError{"group", fmt.Sprintf("unknown group %q (%s has %s)", g, a.Groups.File, strings.Join(a.Groups.Names(), ", "))}
			}
			f.Groups = append(f.Groups, name)
			f.Members = union(f.Members, members)
		}
	}
	return f, nil
}

// LoadZone loads an IANA time zone (Europe/Berlin, US/Pacific, UTC).
func LoadZone(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q (expected an IANA name such as UTC, Europe/Berlin or America/New_York)", name)
	}
	return loc, nil
}

// Location is the filter's zone (UTC when none was given).
func (f Filter) Location() *time.Location {
	if f.Zone == "" {
		return time.UTC
	}
	if loc, err := LoadZone(f.Zone); err == nil {
		return loc
	}
	return time.UTC
}

// ZoneName is the zone's name for people ("UTC" when none was given).
func (f Filter) ZoneName() string {
	if f.Zone == "" {
		return "UTC"
	}
	return f.Zone
}

// Check reports loaded clicks the report cannot read (CheckClicks: a
// *DataError) and a filter they cannot answer (a *ParamError): a tenant
// filter needs a TenantId column.
func (f Filter) Check(snap *storage.Snapshot) error {
	return f.CheckOn(context.Background(), query.Local(snap))
}

// CheckOn is Check on any source (a Kusto cluster too).
func (f Filter) CheckOn(ctx context.Context, src query.Source) error {
	if err := checkClicksOn(ctx, src); err != nil {
		return err
	}
	if len(f.Tenants) == 0 {
		return nil
	}
	t, _, err := src.TableSchema(ctx, "UrlClickEvents")
	if err != nil {
		return err
	}
	if t.Index("TenantId") < 0 {
		return &ParamError{"tenant", "the loaded clicks have no tenant column (TenantId: Sentinel's exports carry one, and the portal's Tenant; Defender's do not)"}
	}
	return nil
}

// Tenants returns the tenants the loaded clicks name (TenantId), for the
// page's tenant choice; none when the clicks carry no tenant column.
func Tenants(ctx context.Context, snap *storage.Snapshot) []string {
	t, err := snap.Table("UrlClickEvents")
	if err != nil {
		return nil
	}
	if c, ok := t.Column("TenantId"); !ok || c.Type != column.String {
		return nil
	}
	res, err := query.Run(ctx, snap, "UrlClickEvents | where isnotempty(TenantId) | distinct TenantId | sort by TenantId asc | take 100", query.Options{})
	if err != nil {
		return nil
	}
	var out []string
	for i := 0; i < res.Batch.Len; i++ {
		out = append(out, res.Batch.Cols[0].Str(i))
	}
	return out
}

// FilterArgsFromQuery reads the filter parameters of a URL query (from,
// to, last, verdict, action, source, user, tenant; lists repeated or
// comma-separated).
func FilterArgsFromQuery(q url.Values) FilterArgs {
	return FilterArgs{
		From: q.Get("from"), To: q.Get("to"), Last: q.Get("last"),
		Verdict: q["verdict"], Action: q["action"], Source: q["source"], User: q["user"], Tenant: q["tenant"],
		Group: q["group"], TZ: q.Get("tz"),
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
	for _, s := range f.Groups {
		v.Add("group", s)
	}
	if f.Zone != "" {
		v.Set("tz", f.Zone)
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
	add("group", f.Groups)
	add("tenant", f.Tenants)
	return strings.Join(parts, "; ")
}
