package ingest

import (
	"fmt"
	"sort"
	"strings"

	"clickhunt/column"
)

// The canonical tables beyond UrlClickEvents (see api.go), added to
// Schemas at init.
var moreSchemas = map[string]column.Schema{
	// As documented for Defender Advanced Hunting.
	"EmailEvents": {
		{Name: "Timestamp", Type: column.Datetime},
		{Name: "NetworkMessageId", Type: column.String},
		{Name: "InternetMessageId", Type: column.String},
		{Name: "SenderMailFromAddress", Type: column.String},
		{Name: "SenderFromAddress", Type: column.String},
		{Name: "SenderDisplayName", Type: column.String},
		{Name: "SenderObjectId", Type: column.String},
		{Name: "SenderMailFromDomain", Type: column.String},
		{Name: "SenderFromDomain", Type: column.String},
		{Name: "SenderIPv4", Type: column.String},
		{Name: "SenderIPv6", Type: column.String},
		{Name: "RecipientEmailAddress", Type: column.String},
		{Name: "RecipientObjectId", Type: column.String},
		{Name: "Subject", Type: column.String},
		{Name: "EmailClusterId", Type: column.Long},
		{Name: "EmailDirection", Type: column.String},
		{Name: "DeliveryAction", Type: column.String},
		{Name: "DeliveryLocation", Type: column.String},
		{Name: "ThreatTypes", Type: column.String},
		{Name: "ThreatNames", Type: column.String},
		{Name: "DetectionMethods", Type: column.String},
		{Name: "ConfidenceLevel", Type: column.String},
		{Name: "BulkComplaintLevel", Type: column.Long},
		{Name: "EmailAction", Type: column.String},
		{Name: "EmailActionPolicy", Type: column.String},
		{Name: "EmailActionPolicyGuid", Type: column.String},
		{Name: "AuthenticationDetails", Type: column.String},
		{Name: "AttachmentCount", Type: column.Long},
		{Name: "UrlCount", Type: column.Long},
		{Name: "EmailLanguage", Type: column.String},
		{Name: "Connectors", Type: column.String},
		{Name: "OrgLevelAction", Type: column.String},
		{Name: "OrgLevelPolicy", Type: column.String},
		{Name: "UserLevelAction", Type: column.String},
		{Name: "UserLevelPolicy", Type: column.String},
		{Name: "ReportId", Type: column.String},
		{Name: "AdditionalFields", Type: column.String},
		{Name: "LatestDeliveryLocation", Type: column.String},
		{Name: "LatestDeliveryAction", Type: column.String},
	},
	"EmailUrlInfo": {
		{Name: "Timestamp", Type: column.Datetime},
		{Name: "NetworkMessageId", Type: column.String},
		{Name: "Url", Type: column.String},
		{Name: "UrlDomain", Type: column.String},
		{Name: "UrlLocation", Type: column.String},
		{Name: "ReportId", Type: column.String},
	},
	// One row per message and recipient, from Get-MessageTrace(V2) or a
	// historical search summary.
	"MessageTrace": {
		{Name: "Timestamp", Type: column.Datetime},
		{Name: "SenderAddress", Type: column.String},
		{Name: "RecipientAddress", Type: column.String},
		{Name: "Subject", Type: column.String},
		{Name: "Status", Type: column.String},
		{Name: "FromIP", Type: column.String},
		{Name: "ToIP", Type: column.String},
		{Name: "Size", Type: column.Long},
		{Name: "MessageId", Type: column.String},
		{Name: "NetworkMessageId", Type: column.String},
	},
	// One row per message event, from a historical search detailed report.
	"MessageTraceDetail": {
		{Name: "Timestamp", Type: column.Datetime},
		{Name: "EventId", Type: column.String},
		{Name: "SenderAddress", Type: column.String},
		{Name: "RecipientAddress", Type: column.String},
		{Name: "Subject", Type: column.String},
		{Name: "ClientIP", Type: column.String},
		{Name: "ServerIP", Type: column.String},
		{Name: "Size", Type: column.Long},
		{Name: "MessageId", Type: column.String},
		{Name: "NetworkMessageId", Type: column.String},
		// Get-MessageTraceDetail's Action, Detail (a failure's reason)
		// and Data.
		{Name: "Action", Type: column.String},
		{Name: "Detail", Type: column.String},
		{Name: "Data", Type: column.String},
	},
}

func init() {
	for k, v := range moreSchemas {
		Schemas[k] = v
	}
}

// convKind says how a source field becomes stored values.
type convKind uint8

const (
	convPlain      convKind = iota // parsed as the target column's type
	convNMID                       // a network message id, normalised
	convAction                     // Safe Links action: kept, and ActionType/IsClickedThrough derived
	convRecipients                 // historical search recipient_status: one row per recipient
)

// srcCol maps one source column (matched case-insensitively).
type srcCol struct {
	name   string
	target string      // "" keeps the column under its own name
	typ    column.Type // type of a non-canonical target; Invalid: string
	kind   convKind
	adds   []string // derived columns this one brings
	note   string   // what ingest does with it, for --dry-run's mapping
}

// sourceDef is one kind of export clickhunt recognises.
type sourceDef struct {
	Name  string // as --source names it
	Desc  string
	Table string // "" when the header decides (Advanced Hunting)
	// match reports whether a header (lower-cased names) is this source's.
	match func(h map[string]bool) bool
	cols  []srcCol
	// derive fills columns computed from others (by stored name).
	derive func(r *rowView)
}

// Sources lists the recognised sources, in the order detection tries them.
var sources = []*sourceDef{
	{
		Name: "urltrace", Desc: "PowerShell Export-Csv of Get-UrlTrace", Table: "UrlClickEvents",
		match: func(h map[string]bool) bool { return h["urlblocked"] || h["clickid"] && h["urlclicked"] },
		cols: []srcCol{
			{name: "Clicked", target: "Timestamp"},
			{name: "ClickTime", target: "Timestamp"},
			{name: "RecipientAddress", target: "AccountUpn"},
			{name: "UserIp", target: "IPAddress"},
			{name: "MessageTraceId", target: "NetworkMessageId", kind: convNMID},
			{name: "NetworkMessageId", target: "NetworkMessageId", kind: convNMID},
			{name: "ClickId", target: "ReportId", kind: convNMID},
			{name: "Workload", target: "Workload", note: "Mail as Email, OfficeClient as Office"},
			// AppName (Outlook, Word) is kept; it gives Workload where the
			// export's is empty or Other.
			{name: "AppName", adds: []string{"Workload"}, note: "kept; gives Workload where that is empty or Other"},
			{name: "ClickAction", adds: []string{"ActionType", "IsClickedThrough"}, note: "kept; ActionType and IsClickedThrough derived from it"},
			{name: "Click Action", target: "ClickAction", adds: []string{"ActionType", "IsClickedThrough"}, note: "kept; ActionType and IsClickedThrough derived from it"},
			// The cmdlet's other fields, under one spelling whatever the
			// export's (SourceID, "Source ID"), so urltrace finds them.
			{name: "MessageId", target: "MessageId"},
			{name: "Message ID", target: "MessageId"},
			{name: "SourceId", target: "SourceId"},
			{name: "Source ID", target: "SourceId"},
			{name: "SourceDetails", target: "SourceDetails"},
			{name: "Source Details", target: "SourceDetails"},
			{name: "App Name", target: "AppName", adds: []string{"Workload"}, note: "kept; gives Workload where that is empty or Other"},
			{name: "UrlBlocked", typ: column.Bool, adds: []string{"ActionType", "IsClickedThrough"}},
			{name: "UrlClicked", typ: column.Bool},
		},
		derive: deriveUrlTrace,
	},
	{
		Name: "safelinks-detail", Desc: "PowerShell Export-Csv of Get-SafeLinksDetailReport", Table: "UrlClickEvents",
		match: func(h map[string]bool) bool {
			return h["clicktime"] && h["recipientaddress"] && (h["action"] || h["clickaction"])
		},
		cols: []srcCol{
			{name: "ClickTime", target: "Timestamp"},
			{name: "RecipientAddress", target: "AccountUpn"},
			{name: "NetworkMessageId", target: "NetworkMessageId", kind: convNMID},
			{name: "MessageTraceId", target: "NetworkMessageId", kind: convNMID},
			{name: "Action", kind: convAction, adds: []string{"ActionType", "IsClickedThrough"}},
			{name: "ClickAction", kind: convAction, adds: []string{"ActionType", "IsClickedThrough"}},
			{name: "AppName", target: "Workload"},
			{name: "UserIp", target: "IPAddress"},
			{name: "IPAddress", target: "IPAddress"},
		},
		derive: deriveAction,
	},
	{
		Name: "safelinks-report", Desc: "Safe Links report export (Defender portal)", Table: "UrlClickEvents",
		match: func(h map[string]bool) bool { return h["original url"] || h["click source"] && h["verdict"] },
		cols: []srcCol{
			{name: "Date", target: "Timestamp"},
			{name: "Date (UTC)", target: "Timestamp"},
			{name: "User", target: "AccountUpn"},
			{name: "Original URL", target: "Url"},
			{name: "Verdict", note: "kept in the report's words (Clean → Safe, Phish → Malicious); ThreatTypes, ActionType, IsClickedThrough derived",
				adds: []string{"ThreatTypes", "ActionType", "IsClickedThrough"}},
			{name: "Action", note: "kept in the report's words; ActionType and IsClickedThrough derived (User Override: clicked through)",
				adds: []string{"ActionType", "IsClickedThrough"}},
			{name: "Click Source", target: "Workload"},
			{name: "IP Address", target: "IPAddress"},
			{name: "Network Message ID", target: "NetworkMessageId", kind: convNMID},
			{name: "Threat Types", target: "ThreatTypes"},
			{name: "Report ID", target: "ReportId"},
			{name: "Tenant ID", target: "TenantId"},
			{name: "Tenant", target: "TenantId"},
		},
		derive: deriveSafeLinksReport,
	},
	{
		Name: "messagetrace-detail", Desc: "PowerShell Export-Csv of Get-MessageTraceDetail", Table: "MessageTraceDetail",
		match: func(h map[string]bool) bool { return h["event"] && h["date"] && h["messagetraceid"] },
		cols: []srcCol{
			{name: "Date", target: "Timestamp"},
			{name: "Event", target: "EventId"},
			{name: "MessageTraceId", target: "NetworkMessageId", kind: convNMID},
		},
	},
	{
		Name: "messagetrace", Desc: "PowerShell Export-Csv of Get-MessageTrace / Get-MessageTraceV2", Table: "MessageTrace",
		match: func(h map[string]bool) bool {
			return h["received"] && (h["messagetraceid"] || h["senderaddress"] && h["status"])
		},
		cols: []srcCol{
			{name: "Received", target: "Timestamp"},
			{name: "MessageTraceId", target: "NetworkMessageId", kind: convNMID},
		},
	},
	{
		Name: "mt-summary", Desc: "message trace historical search, summary report", Table: "MessageTrace",
		match: func(h map[string]bool) bool { return h["origin_timestamp_utc"] && h["recipient_status"] },
		cols: []srcCol{
			{name: "origin_timestamp_utc", target: "Timestamp"},
			{name: "sender_address", target: "SenderAddress"},
			{name: "recipient_status", kind: convRecipients, adds: []string{"RecipientAddress", "RecipientStatus", "Status"}},
			{name: "message_subject", target: "Subject"},
			{name: "total_bytes", target: "Size"},
			{name: "message_id", target: "MessageId"},
			{name: "network_message_id", target: "NetworkMessageId", kind: convNMID},
			{name: "original_client_ip", target: "FromIP"},
		},
	},
	{
		Name: "mt-detail", Desc: "message trace historical search, detailed report", Table: "MessageTraceDetail",
		match: func(h map[string]bool) bool { return h["date_time_utc"] && h["event_id"] },
		cols: []srcCol{
			{name: "date_time_utc", target: "Timestamp"},
			{name: "event_id", target: "EventId"},
			{name: "sender_address", target: "SenderAddress"},
			{name: "recipient_address", target: "RecipientAddress"},
			{name: "message_subject", target: "Subject"},
			{name: "client_ip", target: "ClientIP"},
			{name: "server_ip", target: "ServerIP"},
			{name: "total_bytes", target: "Size"},
			{name: "message_id", target: "MessageId"},
			{name: "network_message_id", target: "NetworkMessageId", kind: convNMID},
			// What happened at the event: a failure's reason ("550 5.1.10
			// RESOLVER.ADR.RecipientNotFound; ..."), as Get-MessageTraceDetail's
			// Detail and Data give it.
			{name: "recipient_status", target: "Detail"},
			{name: "custom_data", target: "Data"},
		},
	},
	{
		Name: "sentinel", Desc: "Sentinel / Log Analytics CSV export",
		match: func(h map[string]bool) bool {
			for k := range h {
				if strings.HasSuffix(k, " [utc]") || strings.HasSuffix(k, " [local time]") {
					return true
				}
			}
			return false
		},
	},
	{Name: "ah", Desc: "Advanced Hunting export"},
}

// sourceByName finds a source by its --source name.
func sourceByName(name string) (*sourceDef, error) {
	for _, s := range sources {
		if s.Name == name {
			return s, nil
		}
	}
	var names []string
	for _, s := range sources {
		names = append(names, s.Name)
	}
	return nil, fmt.Errorf("unknown source %q (want auto, %s)", name, strings.Join(names, ", "))
}

// SourceNames lists the --source values.
func SourceNames() []string {
	var names []string
	for _, s := range sources {
		names = append(names, s.Name)
	}
	return names
}

// detectSource picks the source of a header.
func detectSource(header []string) *sourceDef {
	h := make(map[string]bool, len(header))
	for _, n := range header {
		h[strings.ToLower(strings.TrimSpace(n))] = true
	}
	for _, s := range sources {
		if s.match != nil && s.match(h) {
			return s
		}
	}
	return sources[len(sources)-1]
}

// ahTable picks the Advanced Hunting table a set of column names belongs
// to; UrlClickEvents when nothing else fits.
func ahTable(names []string) string {
	h := make(map[string]bool, len(names))
	for _, n := range names {
		h[baseName(n)] = true
	}
	switch {
	case h["UrlLocation"] && h["Url"] && !h["ActionType"]:
		return "EmailUrlInfo"
	case h["RecipientEmailAddress"] || h["SenderFromAddress"] || h["EmailDirection"] || h["DeliveryAction"]:
		return "EmailEvents"
	}
	return DefaultTable
}

// typeSuffixes are what union exports append to a column that has values
// of more than one type: ReportId_long, ReportId_string.
var typeSuffixes = []string{"_string", "_long", "_int", "_real", "_double", "_decimal", "_bool", "_datetime", "_dynamic", "_guid", "_timespan"}

// baseName strips a Sentinel unit suffix (" [UTC]") from a header name.
func baseName(h string) string {
	h = strings.TrimSpace(h)
	if i := strings.LastIndex(h, " ["); i > 0 && strings.HasSuffix(h, "]") {
		return h[:i]
	}
	return h
}

// splitTypeSuffix returns the base of a type-suffixed name, or "".
func splitTypeSuffix(h string) string {
	for _, s := range typeSuffixes {
		if len(h) > len(s) && strings.HasSuffix(h, s) {
			return h[:len(h)-len(s)]
		}
	}
	return ""
}

// rowView gives derive functions the current row's cells by stored name.
type rowView struct {
	p     *plan
	cells []cell
}

func (r *rowView) get(name string) *cell {
	if i, ok := r.p.byName[name]; ok {
		return &r.cells[i]
	}
	return nil
}

// deriveAction sets ActionType and IsClickedThrough from the action column.
func deriveAction(r *rowView) {
	src := r.get("Action")
	if src == nil {
		src = r.get("ClickAction")
	}
	at, ct := r.get("ActionType"), r.get("IsClickedThrough")
	if src == nil || src.null || at == nil || !at.null {
		return
	}
	action, through, ok := clickAction(src.s)
	*at = cell{s: action}
	if ok && ct != nil && ct.null {
		*ct = cell{b: through}
	}
}

// deriveUrlTrace fills a Get-UrlTrace click's canonical columns: Workload
// in Defender's words (from AppName where the export's is empty or
// Other), and ActionType and IsClickedThrough from the Click Action
// (ClickActions), else from UrlBlocked and UrlClicked: a blocked URL the
// user went on to is a click-through (ClickAllowed, clicked through, as
// Blocked overridden). A Click Action the table knows is
// stored in the cmdlet's spelling.
func deriveUrlTrace(r *rowView) {
	if w := r.get("Workload"); w != nil {
		app := ""
		if a := r.get("AppName"); a != nil && !a.null {
			app = a.s
		}
		if c := canonicalWorkload(w.s, app); c != "" {
			*w = cell{s: c}
		}
	}
	at, ct := r.get("ActionType"), r.get("IsClickedThrough")
	if at == nil || !at.null {
		return
	}
	if ca := r.get("ClickAction"); ca != nil && !ca.null {
		if a, ok := LookupClickAction(ca.s); ok {
			*ca = cell{s: a.Name}
			if a.ActionType != "" {
				*at = cell{s: a.ActionType}
			}
			if ct != nil && ct.null && a.Through != Unknown {
				*ct = cell{b: a.Through == True}
			}
			return
		}
	}
	blocked, clicked := r.get("UrlBlocked"), r.get("UrlClicked")
	if blocked == nil || blocked.null {
		return
	}
	through := blocked.b && clicked != nil && !clicked.null && clicked.b
	if blocked.b && !through {
		*at = cell{s: "ClickBlocked"}
	} else {
		*at = cell{s: "ClickAllowed"}
	}
	if ct != nil && ct.null {
		*ct = cell{b: through}
	}
}

// MappingEntry is one line of a dry run's mapping: where a source column
// goes.
type MappingEntry struct {
	Source string // source column ("" for a derived column)
	Column string // stored column
	Type   column.Type
	Note   string
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
