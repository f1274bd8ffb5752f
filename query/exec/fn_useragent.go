package exec

import (
	"regexp"
	"strings"

	"clickhunt/column"
)

// parse_user_agent(UserAgent, LookFor): the browser, operating system and
// device a user-agent string names, as Kusto's documentation lays them
// out: {"Browser": {Family, MajorVersion, MinorVersion, Patch},
// "OperatingSystem": {Family, MajorVersion, MinorVersion, Patch,
// PatchMinor}, "Device": {Family, Brand, Model}}, each part asked for by
// LookFor ("browser", "os", "device", or an array of them). What no rule
// recognises is Family "Other" with empty versions.
//
// Kusto matches against a large list of patterns of its own; the rules
// below are clickhunt's: a compact table of the clients a Safe Links hunt
// meets (browsers, mail clients, scripting tools, crawlers), the families
// named as Kusto names them in its examples. They are tried in order, the
// first that matches wins, so a more specific rule (Edge, which also says
// Chrome and Safari) comes before a general one.
// https://learn.microsoft.com/kusto/query/parse-user-agent-function

// uaRule recognises one family. The pattern's groups are the version
// parts (major, minor, patch, patch minor) in order; for a device they
// are the model, which family and brand may name with $1.
type uaRule struct {
	re     *regexp.Regexp
	family string // "$1" takes the first group
	brand  string // devices
	model  string // devices: a template over the groups ("$1$2")
}

func rule(pattern, family string) uaRule {
	return uaRule{re: regexp.MustCompile(pattern), family: family}
}

func device(pattern, family, brand, model string) uaRule {
	return uaRule{re: regexp.MustCompile(pattern), family: family, brand: brand, model: model}
}

// version groups read "major.minor.patch" (or with underscores, as iOS and
// macOS write them).
const (
	v2 = `(\d+)[._](\d+)`
	v3 = `(\d+)[._](\d+)(?:[._](\d+))?`
)

var browserRules = []uaRule{
	rule(`\bEdg/`+v3, "Edge"),
	rule(`\bEdg(?:A|iOS)/`+v3, "Edge Mobile"),
	rule(`\bEdge/`+v2, "Edge"),
	rule(`\bOPR/`+v3, "Opera"),
	rule(`\bOpera/.*\bVersion/`+v2, "Opera"),
	rule(`\bSamsungBrowser/`+v2, "Samsung Internet"),
	rule(`\bYaBrowser/`+v3, "Yandex Browser"),
	rule(`\bVivaldi/`+v3, "Vivaldi"),
	rule(`\bMicrosoft Outlook `+v3, "Outlook"),
	rule(`\bOutlook-(?:iOS|Android)/`+v3, "Outlook"),
	rule(`\bThunderbird/`+v3, "Thunderbird"),
	rule(`\bAdobeAIR/`+v3, "AdobeAIR"),
	rule(`\bSeries60/`+v2+`.*AppleWebKit`, "Nokia OSS Browser"),
	rule(`\bFxiOS/`+v3, "Firefox iOS"),
	rule(`\bMobile.*\bFirefox/`+v3, "Firefox Mobile"),
	rule(`\bFirefox/`+v3, "Firefox"),
	rule(`\bCriOS/`+v3, "Chrome Mobile iOS"),
	rule(`; wv\).*\bChrome/`+v3, "Chrome Mobile WebView"),
	rule(`\bHeadlessChrome/`+v3, "HeadlessChrome"),
	rule(`\bChrome/`+v3+`[\d.]* Mobile`, "Chrome Mobile"),
	rule(`\bChrom(?:e|ium)/`+v3, "Chrome"),
	rule(`\bTrident/7\.0.*\brv:`+v2, "IE"),
	rule(`\bMSIE `+v2, "IE"),
	rule(`\bAndroid [\d.]+;.*\bVersion/`+v3+`.*Safari`, "Android"),
	rule(`\bVersion/`+v3+`.*\bMobile.*Safari`, "Mobile Safari"),
	rule(`\bVersion/`+v3+`.*\bSafari`, "Safari"),
	rule(`\b(?:iPhone|iPad|iPod).*AppleWebKit`, "Mobile Safari UI/WKWebView"),
	rule(`\bcurl/`+v3, "curl"),
	rule(`\bWget/`+v3, "Wget"),
	rule(`\bpython-requests/`+v3, "Python Requests"),
	rule(`\bPython-urllib/`+v2, "Python-urllib"),
	rule(`\bGo-http-client/`+v2, "Go-http-client"),
	rule(`\bokhttp/`+v3, "okhttp"),
	rule(`\bWindowsPowerShell/`+v3, "WindowsPowerShell"),
	rule(`\bGooglebot/`+v2, "Googlebot"),
	rule(`\bbingbot/`+v2, "bingbot"),
}

var osRules = []uaRule{
	rule(`\bWindows Phone (?:OS )?`+v2, "Windows Phone"),
	rule(`\bWindows NT 10\.0\b`, "Windows 10"),
	rule(`\bWindows NT 6\.3\b`, "Windows 8.1"),
	rule(`\bWindows NT 6\.2\b`, "Windows 8"),
	rule(`\bWindows NT 6\.1\b`, "Windows 7"),
	rule(`\bWindows NT 6\.0\b`, "Windows Vista"),
	rule(`\bWindows NT 5\.[12]\b`, "Windows XP"),
	rule(`\b(?:iPhone|iPad|iPod).*? OS `+v3, "iOS"),
	rule(`\bMac OS X `+v3, "Mac OS X"),
	rule(`\bAndroid[ /]`+`(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Android"),
	rule(`\bCrOS \S+ `+v3, "Chrome OS"),
	rule(`\bSymbianOS/`+v2, "Symbian OS"),
	rule(`\bSeries60/`, "Symbian OS"),
	rule(`\bUbuntu(?:/`+v2+`)?`, "Ubuntu"),
	rule(`\bFedora\b`, "Fedora"),
	rule(`\bLinux\b`, "Linux"),
	rule(`\bWindows\b`, "Windows"),
}

var deviceRules = []uaRule{
	device(`(?i)\b(?:bot|crawler|spider|slurp)\b|bot/`, "Spider", "Spider", "Desktop"),
	device(`\biPhone\b`, "iPhone", "Apple", "iPhone"),
	device(`\biPad\b`, "iPad", "Apple", "iPad"),
	device(`\biPod\b`, "iPod", "Apple", "iPod"),
	device(`\bMacintosh\b`, "Mac", "Apple", "Mac"),
	device(`\bNokia([A-Za-z0-9]+)(-\w+)?`, "Nokia $1", "Nokia", "$1$2"),
	device(`\b(SM-[A-Z0-9]+)\b`, "Samsung $1", "Samsung", "$1"),
	device(`; (Pixel(?: \w+)*?)(?: Build|\))`, "$1", "Google", "$1"),
	device(`\bAndroid\b.*\bMobile\b`, "Generic Smartphone", "Generic", "Smartphone"),
	device(`\bAndroid\b`, "Generic Tablet", "Generic", "Tablet"),
}

// uaVersioned matches rules that give a family and version parts; the
// result has the family and nparts version fields, "" where absent. A
// family such as "Windows 10" names its version after the first space
// (Family "Windows", MajorVersion "10"; Vista and XP as they are).
func uaVersioned(rules []uaRule, ua string, nparts int) map[string]any {
	keys := []string{"MajorVersion", "MinorVersion", "Patch", "PatchMinor"}[:nparts]
	out := map[string]any{"Family": "Other"}
	for _, k := range keys {
		out[k] = ""
	}
	for _, r := range rules {
		m := r.re.FindStringSubmatch(ua)
		if m == nil {
			continue
		}
		family := r.family
		if strings.HasPrefix(family, "Windows ") && family != "Windows Phone" {
			v := strings.TrimPrefix(family, "Windows ")
			family = "Windows"
			major, minor, _ := strings.Cut(v, ".")
			out["MajorVersion"], out["MinorVersion"] = major, minor
		}
		out["Family"] = family
		for i, g := range m[1:] {
			if i < len(keys) && g != "" {
				out[keys[i]] = g
			}
		}
		return out
	}
	return out
}

func uaDevice(ua string) map[string]any {
	for _, r := range deviceRules {
		m := r.re.FindStringSubmatchIndex(ua)
		if m == nil {
			continue
		}
		expand := func(t string) string { return string(r.re.ExpandString(nil, t, ua, m)) }
		return map[string]any{"Family": expand(r.family), "Brand": expand(r.brand), "Model": expand(r.model)}
	}
	return map[string]any{"Family": "Other", "Brand": "", "Model": ""}
}

// parseUserAgent answers one row: lookFor is a target name or an array
// of them (in any case); unknown targets are left out.
func parseUserAgent(ua string, lookFor any) any {
	var targets []any
	switch l := lookFor.(type) {
	case string:
		targets = []any{l}
	case []any:
		targets = l
	default:
		return nil
	}
	out := map[string]any{}
	for _, t := range targets {
		s, _ := t.(string)
		switch strings.ToLower(s) {
		case "browser":
			out["Browser"] = uaVersioned(browserRules, ua, 3)
		case "os":
			out["OperatingSystem"] = uaVersioned(osRules, ua, 4)
		case "device":
			out["Device"] = uaDevice(ua)
		}
	}
	return out
}

func init() {
	registerK("parse_user_agent", valueKernel(column.Dynamic, func(a []any) any {
		ua, ok := a[0].(string)
		if !ok {
			return nil
		}
		return parseUserAgent(ua, a[1])
	}))
}
