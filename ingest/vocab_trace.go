package ingest

import "strings"

// The vocabularies of Get-UrlTrace and message trace, and how each maps
// onto the canonical tables' values (Defender's, for UrlClickEvents) and
// back. Ingest reads them one way; the urltrace and messagetrace commands
// build their KQL from them the other way, so both directions come from
// one table. The README's Sources section shows them.

// Spellings are compared by vocabKey (safelinks_report.go): any case,
// spaces, hyphens and underscores ignored ("Pending verdict" =
// "PendingVerdict" = "pending_verdict").

// ClickAction is one of Get-UrlTrace's Click Action values and what it
// means in UrlClickEvents' terms.
type ClickAction struct {
	// Name is the value as the cmdlet writes it.
	Name string
	// ActionType is the Defender ActionType stored for it ("" leaves
	// ActionType null: the cmdlet could not say what Safe Links did).
	ActionType string
	// Through is the IsClickedThrough stored for it; Unknown leaves it
	// null.
	Through Tristate
	// UrlBlocked and UrlClicked are the cmdlet's two flags for it, shown
	// for clicks whose export did not carry them (Defender's): UrlBlocked
	// counts a click made while the scan was in progress, as the cmdlet's
	// help says; UrlClicked says the user went on to the URL.
	UrlBlocked, UrlClicked bool
}

// Tristate is a bool that may be unknown (null).
type Tristate int8

// The values of a Tristate.
const (
	Unknown Tristate = iota
	False
	True
)

// ClickActions are Get-UrlTrace's eight Click Action values, in the
// order its help lists them.
var ClickActions = []ClickAction{
	{Name: "None"},
	{Name: "Allowed", ActionType: "ClickAllowed", Through: False, UrlClicked: true},
	{Name: "Blocked", ActionType: "ClickBlocked", Through: False, UrlBlocked: true},
	{Name: "Pending verdict", ActionType: "UrlScanInProgress", Through: False, UrlBlocked: true},
	// A click-through is stored as every source stores one (the Safe
	// Links report's User Override, Get-SafeLinksDetailReport's
	// ClickedThrough): ClickAllowed, clicked through.
	{Name: "Blocked overridden", ActionType: "ClickAllowed", Through: True, UrlBlocked: true, UrlClicked: true},
	{Name: "Pending verdict bypassed", ActionType: "UrlScanInProgress", Through: True, UrlBlocked: true, UrlClicked: true},
	{Name: "Error", ActionType: "UrlErrorPage", Through: False},
	{Name: "Failure"},
}

// LookupClickAction finds a Click Action by any spelling ("Pending
// verdict bypassed", "PendingVerdictBypassed").
func LookupClickAction(s string) (ClickAction, bool) {
	k := vocabKey(s)
	for _, a := range ClickActions {
		if vocabKey(a.Name) == k {
			return a, true
		}
	}
	return ClickAction{}, false
}

// ClickActionRule derives a Click Action from Defender's ActionType and
// IsClickedThrough: the first rule that matches gives the Click Action;
// when none does, it is None (the verdict was not captured).
type ClickActionRule struct {
	// ActionTypes are the ActionType values (any case) the rule takes;
	// nil takes any.
	ActionTypes []string
	// Through requires IsClickedThrough to be true.
	Through bool
	// ClickAction is the Click Action's Name.
	ClickAction string
}

// The spellings of Defender's ActionType values that mean one thing.
var (
	scanActionTypes    = []string{"UrlScanInProgress", "PendingDetonation"}
	allowedActionTypes = []string{"ClickAllowed", "ClickAllowedByTenantPolicy"}
	blockedActionTypes = []string{"ClickBlocked", "ClickBlockedByTenantPolicy"}
)

// ClickActionRules derive Get-UrlTrace's Click Action for clicks from
// Defender (UrlClickEvents), in order.
var ClickActionRules = []ClickActionRule{
	{ActionTypes: scanActionTypes, Through: true, ClickAction: "Pending verdict bypassed"},
	{ActionTypes: scanActionTypes, ClickAction: "Pending verdict"},
	{ActionTypes: []string{"ClickedThrough"}, ClickAction: "Blocked overridden"},
	{Through: true, ClickAction: "Blocked overridden"},
	{ActionTypes: allowedActionTypes, ClickAction: "Allowed"},
	{ActionTypes: blockedActionTypes, ClickAction: "Blocked"},
	{ActionTypes: []string{"UrlErrorPage"}, ClickAction: "Error"},
}

// DeriveClickAction applies ClickActionRules to one click.
func DeriveClickAction(actionType string, through bool) string {
	for _, r := range ClickActionRules {
		if r.Through && !through {
			continue
		}
		if r.ActionTypes == nil {
			return r.ClickAction
		}
		for _, a := range r.ActionTypes {
			if strings.EqualFold(a, actionType) {
				return r.ClickAction
			}
		}
	}
	return "None"
}

// UrlTraceWorkload maps a workload between the cmdlet's words and
// Defender's.
type UrlTraceWorkload struct {
	// Cmdlet is Get-UrlTrace's word (-Workloads takes it); Defender is
	// the stored Workload.
	Cmdlet, Defender string
}

// UrlTraceWorkloads are the workloads both name. A stored Workload not
// listed (Teams) is "Other" to the cmdlet; an exported one not listed
// (Other) is stored as written, unless AppName names the app.
var UrlTraceWorkloads = []UrlTraceWorkload{
	{Cmdlet: "Mail", Defender: "Email"},
	{Cmdlet: "OfficeClient", Defender: "Office"},
}

// AppWorkloads give the Defender Workload of a click from Get-UrlTrace's
// AppName, where the export's Workload is empty or Other.
var AppWorkloads = []struct{ App, Workload string }{
	{"Teams", "Teams"},
	{"Outlook", "Email"},
	{"Word", "Office"},
	{"Excel", "Office"},
	{"PowerPoint", "Office"},
	{"OneNote", "Office"},
	{"Visio", "Office"},
}

// canonicalWorkload is the stored Workload of a Get-UrlTrace click.
func canonicalWorkload(workload, app string) string {
	k := vocabKey(workload)
	for _, w := range UrlTraceWorkloads {
		if k == vocabKey(w.Cmdlet) || k == vocabKey(w.Defender) {
			return w.Defender
		}
	}
	if k == "" || k == "other" {
		for _, a := range AppWorkloads {
			if vocabKey(app) == vocabKey(a.App) {
				return a.Workload
			}
		}
	}
	return workload
}

// MessageStatus is one delivery status of message trace.
type MessageStatus struct {
	// Name is the status as message trace's documentation writes it.
	Name string
	// Stored are the other spellings exports store for it:
	// Get-MessageTrace writes FilteredAsSpam and GettingStatus.
	Stored []string
	// Events are the historical search events that leave a recipient in
	// this status when they are the last one (a summary report lists a
	// recipient's events, "Receive, Deliver"). Older clickhunts stored
	// that last event as the status, so they are its spellings too.
	Events []string
}

// MessageStatuses are message trace's seven delivery statuses.
var MessageStatuses = []MessageStatus{
	{Name: "Delivered", Events: []string{"Deliver", "Send"}},
	{Name: "Expanded", Events: []string{"Expand"}},
	{Name: "Failed", Events: []string{"Fail", "Badmail", "PoisonMessage", "Drop"}},
	{Name: "Pending", Events: []string{"Defer", "Receive", "Submit", "Resolve", "Transfer", "Redirect"}},
	{Name: "Quarantined", Events: []string{"Quarantine"}},
	{Name: "Filtered as spam", Stored: []string{"FilteredAsSpam"}},
	{Name: "Getting status", Stored: []string{"GettingStatus"}},
}

// Spellings are every stored spelling of the status: its name, its
// other spellings and its events.
func (st MessageStatus) Spellings() []string {
	return append(append([]string{st.Name}, st.Stored...), st.Events...)
}

// LookupMessageStatus finds a status by any of its spellings, in any
// case and spacing.
func LookupMessageStatus(s string) (MessageStatus, bool) {
	k := vocabKey(s)
	for _, st := range MessageStatuses {
		for _, v := range st.Spellings() {
			if vocabKey(v) == k {
				return st, true
			}
		}
	}
	return MessageStatus{}, false
}

// statusOfEvents is the delivery status of a recipient whose historical
// search events are events ("Receive, Deliver"): the status of the last
// event; an event not listed is kept as written.
func statusOfEvents(events string) string {
	last := events
	if k := strings.LastIndex(events, ","); k >= 0 {
		last = events[k+1:]
	}
	last = strings.TrimSpace(last)
	k := vocabKey(last)
	for _, st := range MessageStatuses {
		for _, e := range st.Events {
			if vocabKey(e) == k {
				return st.Name
			}
		}
	}
	return last
}
