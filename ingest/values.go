package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"clickhunt/column"
)

// NormalizeNetworkMessageID returns the one form clickhunt stores network
// message ids in: a lower-case GUID with dashes. Defender writes
// 3f2a...-...; message trace may write 32 hex digits, upper case, or braces.
// Anything that is not a GUID is returned unchanged.
func NormalizeNetworkMessageID(s string) string {
	t := strings.TrimSpace(s)
	if len(t) == 38 && t[0] == '{' && t[37] == '}' {
		t = t[1:37]
	}
	var hex [32]byte
	switch len(t) {
	case 32:
		for i := 0; i < 32; i++ {
			if hexClass[t[i]] == 0 {
				return s
			}
			hex[i] = lowerHex(t[i])
		}
	case 36:
		if t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
			return s
		}
		// One pass classifies every digit: 0 not hex, 2 upper case.
		var seen uint8
		for i := 0; i < 36; i++ {
			if i == 8 || i == 13 || i == 18 || i == 23 {
				continue
			}
			k := hexClass[t[i]]
			if k == 0 {
				return s
			}
			seen |= k
		}
		if seen&2 == 0 {
			return t // already lower case: the stored form
		}
		n := 0
		for i := 0; i < 36; i++ {
			if t[i] != '-' {
				hex[n] = lowerHex(t[i])
				n++
			}
		}
	default:
		return s
	}
	var out [36]byte
	j := 0
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			out[j] = '-'
			j++
		}
		out[j] = hex[i]
		j++
	}
	return string(out[:])
}

// hexClass classifies bytes as hex digits: 1 a digit or a-f, 2 A-F, 0
// anything else.
var hexClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = 1
		t[c-'a'+'A'] = 2
	}
	return t
}()

func lowerHex(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// Cultures maps the --culture names clickhunt knows onto Go time layouts of
// the culture's short date and long time, as PowerShell's Export-Csv writes
// them. Parsing accepts one or two digits for day, month and hour, and a
// fraction of a second after the seconds.
var Cultures = map[string]string{
	"en-US": "1/2/2006 3:04:05 PM",
	"en-GB": "2/1/2006 15:04:05",
	"en-AU": "2/1/2006 3:04:05 PM",
	"en-IN": "2/1/2006 3:04:05 PM",
	"en-CA": "2006-01-02 3:04:05 PM",
	"fr-FR": "2/1/2006 15:04:05",
	"es-ES": "2/1/2006 15:04:05",
	"it-IT": "2/1/2006 15:04:05",
	"pt-BR": "2/1/2006 15:04:05",
	"de-DE": "2.1.2006 15:04:05",
	"de-AT": "2.1.2006 15:04:05",
	"de-CH": "2.1.2006 15:04:05",
	"ru-RU": "2.1.2006 15:04:05",
	"pl-PL": "2.1.2006 15:04:05",
	"nl-NL": "2-1-2006 15:04:05",
	"sv-SE": "2006-01-02 15:04:05",
	"ja-JP": "2006/01/02 15:04:05",
	"zh-CN": "2006/1/2 15:04:05",
}

// DotNetLayout turns a .NET custom date format ("dd.MM.yyyy HH:mm:ss",
// "M/d/yyyy h:mm:ss tt") into a Go layout.
func DotNetLayout(f string) (string, error) {
	var sb strings.Builder
	for i := 0; i < len(f); {
		c := f[i]
		j := i
		for j < len(f) && f[j] == c {
			j++
		}
		n := j - i
		var tok string
		switch c {
		case 'y':
			tok = map[bool]string{true: "2006", false: "06"}[n >= 3]
		case 'M':
			tok = [...]string{"", "1", "01", "Jan", "January"}[min(n, 4)]
		case 'd':
			tok = [...]string{"", "2", "02", "Mon", "Monday"}[min(n, 4)]
		case 'H':
			tok = "15"
		case 'h':
			tok = map[bool]string{true: "03", false: "3"}[n >= 2]
		case 'm':
			tok = map[bool]string{true: "04", false: "4"}[n >= 2]
		case 's':
			tok = map[bool]string{true: "05", false: "5"}[n >= 2]
		case 'f', 'F':
			tok = "." + strings.Repeat(string(map[bool]byte{true: '0', false: '9'}[c == 'f']), n)
			if sb.Len() > 0 && strings.HasSuffix(sb.String(), ".") {
				tok = tok[1:]
			}
		case 't':
			tok = "PM"
		case 'z', 'K':
			tok = "Z07:00"
		case '\\':
			if i+1 < len(f) {
				sb.WriteByte(f[i+1])
			}
			i += 2
			continue
		default:
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				return "", fmt.Errorf("unsupported date format letter %q in %q", c, f)
			}
			tok = f[i:j]
		}
		sb.WriteString(tok)
		i = j
	}
	return sb.String(), nil
}

// dateParser reads the datetimes of one file: ISO 8601 always; otherwise
// the layout from --date-format/--culture, else Sentinel's portal form
// ("9/24/2024, 7:34:57.433 PM"), dotted day-first dates
// ("08.06.2020 15:41:22") and, for slashes without a culture, month first
// (en-US, PowerShell's default) — noted in the summary, and refused when a
// value shows it is day first. Values without a zone are in loc (UTC
// unless --tz).
type dateParser struct {
	layout  string // from the options; "" for automatic
	loc     *time.Location
	assumed bool // a slash date was read as month first without a culture
}

func (p *dateParser) parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') && !hasZone(s) && p.loc != time.UTC {
			t, err := time.ParseInLocation("2006-01-02T15:04:05", strings.Replace(s, " ", "T", 1), p.loc)
			if err == nil {
				return column.TicksFromTime(t), nil
			}
		}
		return column.ParseDatetime(s)
	}
	if p.layout != "" {
		t, err := time.ParseInLocation(p.layout, s, p.loc)
		if err != nil {
			return 0, fmt.Errorf("cannot parse %q as a datetime in the format %s", s, p.layout)
		}
		return column.TicksFromTime(t), nil
	}
	for _, l := range []string{"1/2/2006, 3:04:05 PM", "1/2/2006 3:04:05 PM", "2.1.2006 15:04:05", "2.1.2006 15:04"} {
		if t, err := time.ParseInLocation(l, s, p.loc); err == nil {
			if l == "1/2/2006 3:04:05 PM" {
				p.assumed = true // Sentinel's "M/d/yyyy, h:mm" form is always month first
			}
			return column.TicksFromTime(t), nil
		}
	}
	if t, err := time.ParseInLocation("1/2/2006 15:04:05", s, p.loc); err == nil {
		p.assumed = true
		return column.TicksFromTime(t), nil
	}
	if _, err := time.ParseInLocation("2/1/2006 15:04:05", s, p.loc); err == nil {
		return 0, fmt.Errorf("cannot parse %q as a datetime: it looks day first; give --culture (e.g. en-GB) or --date-format \"d/M/yyyy HH:mm:ss\"", s)
	}
	if t, err := column.ParseDatetime(s); err == nil {
		return t, nil
	}
	return 0, fmt.Errorf("cannot parse %q as a datetime (expected ISO 8601 such as 2023-12-21T19:04:59.0109752Z, or give --culture / --date-format)", s)
}

// hasZone reports whether an ISO datetime ends in Z or an offset.
func hasZone(s string) bool {
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return true
	}
	if len(s) > 19 {
		tail := s[19:]
		return strings.ContainsAny(tail, "+-")
	}
	return false
}

// clickAction maps a Safe Links action as the PowerShell reports and the
// portal write it onto UrlClickEvents' ActionType and IsClickedThrough.
// ok is false for values it does not know: they are kept verbatim as
// ActionType with IsClickedThrough null.
func clickAction(s string) (action string, through, ok bool) {
	k := strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "").Replace(s))
	switch k {
	case "allowed", "clickallowed", "allow":
		return "ClickAllowed", false, true
	case "blocked", "clickblocked", "block":
		return "ClickBlocked", false, true
	case "clickedthrough", "blockedandclickedthrough", "clickthrough", "allowedandclickedthrough", "blockedclickedthrough":
		return "ClickAllowed", true, true
	case "pendingdetonation", "pending", "pendingscan", "urlscaninprogress", "scaninprogress":
		return "UrlScanInProgress", false, true
	case "allowedbyorgpolicy", "allowedbytenantpolicy", "clickallowedbytenantpolicy", "allowedbypolicy":
		return "ClickAllowedByTenantPolicy", false, true
	case "blockedbyorgpolicy", "blockedbytenantpolicy", "clickblockedbytenantpolicy", "blockedbypolicy":
		return "ClickBlockedByTenantPolicy", false, true
	case "error", "urlerrorpage", "errorpage":
		return "UrlErrorPage", false, true
	}
	return s, false, false
}

// parseLong reads a whole number, allowing thousands separators that
// culture-formatted exports write ("1,234").
func parseLong(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if x, err := strconv.ParseInt(s, 10, 64); err == nil {
		return x, nil
	}
	if x, err := strconv.ParseInt(strings.NewReplacer(",", "", "\u00a0", "", " ", "").Replace(s), 10, 64); err == nil {
		return x, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int64(f)) {
		return int64(f), nil
	}
	return 0, fmt.Errorf("cannot parse %q as a whole number", s)
}

func parseReal(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("cannot parse %q as a real number", s)
	}
	return f, nil
}
