package ingest

import "strings"

// The Safe Links report's vocabulary (the Defender portal's export:
// Date, User, Original URL, Verdict, Action, Click Source, IP Address,
// Device, Message Subject) and what each word says in UrlClickEvents'
// terms. Ingest reads an export through these tables; the report
// (report.ClicksHeader) shows the export's own Verdict and Action and, for
// clicks from other exports, derives them from ActionType,
// IsClickedThrough and ThreatTypes the inverse way. A test in package
// report checks both directions agree for every row here.

// ReportVerdict is one verdict of the Safe Links report.
type ReportVerdict struct {
	// Word is the report's spelling, stored in the Verdict column.
	Word string
	// Aliases are other spellings met in exports, compared without
	// case, spaces, '-' and '_'.
	Aliases []string
	// Threat: the URL was found malicious; ThreatTypes takes the
	// verdict as the export wrote it.
	Threat bool
	// ActionType is the ActionType the verdict itself implies ("": the
	// export's Action decides).
	ActionType string
	// ClickedThrough: the user went on to the URL past a warning.
	ClickedThrough bool
	// Means is the report's description, for the README and help.
	Means string
}

// ReportAction is one action of the Safe Links report.
type ReportAction struct {
	Word           string
	Aliases        []string
	ActionType     string
	ClickedThrough bool
	Means          string
}

// ReportVerdicts are the report's verdicts in its order. Older exports
// name the threat instead of saying Malicious (Phish, Malware...) and
// call a safe URL Clean.
var ReportVerdicts = []ReportVerdict{
	{Word: "Safe", Aliases: []string{"clean", "none", "notspam", "good"}, Means: "scanned and found clean: no threat"},
	{Word: "Malicious", Threat: true, Aliases: []string{"phish", "phishing", "highconfphish", "malware", "spam", "highconfspam", "bulk", "maliciousurl"},
		Means: "the URL hosts phishing, malware or exploit content"},
	{Word: "Blocked", ActionType: "ClickBlockedByTenantPolicy", Aliases: []string{"blockedbytenantpolicy", "blockedbyorgpolicy", "blocklist", "blockedurl"},
		Means: "the URL is on the tenant's block list; the user was stopped"},
	{Word: "Pending Verdict", ActionType: "UrlScanInProgress", Aliases: []string{"pending", "pendingdetonation", "scaninprogress", "urlscaninprogress"},
		Means: "the URL was still being scanned"},
	{Word: "User Override", ClickedThrough: true, Aliases: []string{"clickedthrough", "blockedandclickedthrough", "overridden", "blockedoverridden"},
		Means: "the URL was blocked and the user clicked through the warning"},
}

// ReportActions are the report's actions. Pending and Error are clickhunt's
// words for Defender's UrlScanInProgress and UrlErrorPage, which the
// portal's three actions do not name.
var ReportActions = []ReportAction{
	{Word: "Allowed", ActionType: "ClickAllowed", Aliases: []string{"clickallowed", "allow", "allowedbyorgpolicy", "allowedbytenantpolicy"}, Means: "the user reached the URL"},
	{Word: "Blocked", ActionType: "ClickBlocked", Aliases: []string{"clickblocked", "block", "blockedbyorgpolicy", "blockedbytenantpolicy"}, Means: "Safe Links stopped the user"},
	{Word: "User Override", ActionType: "ClickAllowed", ClickedThrough: true, Aliases: []string{"clickedthrough", "clickthrough", "blockedandclickedthrough", "blockedoverridden", "override"},
		Means: "the user clicked through the warning page"},
	{Word: "Pending", ActionType: "UrlScanInProgress", Aliases: []string{"pendingdetonation", "pendingverdict", "scaninprogress", "urlscaninprogress"}, Means: "the scan was in progress"},
	{Word: "Error", ActionType: "UrlErrorPage", Aliases: []string{"urlerrorpage", "errorpage"}, Means: "Safe Links showed an error page"},
}

// vocabKey is how spellings are compared: lower case, no spaces, dashes
// or underscores.
func vocabKey(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.TrimSpace(s)))
}

func findVerdict(s string) *ReportVerdict {
	k := vocabKey(s)
	for i := range ReportVerdicts {
		v := &ReportVerdicts[i]
		if k == vocabKey(v.Word) {
			return v
		}
		for _, a := range v.Aliases {
			if k == vocabKey(a) {
				return v
			}
		}
	}
	return nil
}

func findAction(s string) *ReportAction {
	k := vocabKey(s)
	for i := range ReportActions {
		a := &ReportActions[i]
		if k == vocabKey(a.Word) {
			return a
		}
		for _, al := range a.Aliases {
			if k == vocabKey(al) {
				return a
			}
		}
	}
	return nil
}

// deriveSafeLinksReport reads a row of the portal's export: Verdict and
// Action are stored in the report's words (a spelling it does not know
// is kept as written), and ThreatTypes, ActionType and IsClickedThrough
// say the same in UrlClickEvents' terms where the export left them empty.
//
//   - ThreatTypes: the verdict as written when it names a threat
//     (Malicious, or Phish, Malware... in older exports); empty for Safe
//     and Clean and the verdicts that name no threat.
//   - ActionType: the verdict's when it implies one (Blocked: the tenant's
//     block list; Pending Verdict: a scan in progress), else the
//     action's.
//   - IsClickedThrough: true when the verdict or the action is User
//     Override, false when the action is known, else null.
func deriveSafeLinksReport(r *rowView) {
	var verdict *ReportVerdict
	var action *ReportAction
	written := ""
	if c := r.get("Verdict"); c != nil && !c.null && strings.TrimSpace(c.s) != "" {
		written = strings.TrimSpace(c.s)
		if verdict = findVerdict(written); verdict != nil {
			*c = cell{s: verdict.Word}
		}
	}
	if c := r.get("Action"); c != nil && !c.null && strings.TrimSpace(c.s) != "" {
		if action = findAction(c.s); action != nil {
			*c = cell{s: action.Word}
		}
	}
	if tt := r.get("ThreatTypes"); tt != nil && tt.null && verdict != nil && verdict.Threat {
		*tt = cell{s: written}
	}
	if at := r.get("ActionType"); at != nil && at.null {
		switch {
		case verdict != nil && verdict.ActionType != "":
			*at = cell{s: verdict.ActionType}
		case verdict != nil && verdict.ClickedThrough:
			*at = cell{s: "ClickAllowed"}
		case action != nil:
			*at = cell{s: action.ActionType}
		}
	}
	if ct := r.get("IsClickedThrough"); ct != nil && ct.null {
		switch {
		case verdict != nil && verdict.ClickedThrough || action != nil && action.ClickedThrough:
			*ct = cell{b: true}
		case action != nil:
			*ct = cell{b: false}
		}
	}
}
