package gen

type domainKind uint8

const (
	kindBenign domainKind = iota
	kindPhish
	kindMalware
	kindSpam
	kindTenant // blocked by the tenant's own block list
)

// domain is a host clicks go to, its share of clicks (per 100,000) and how
// its paths look.
type domain struct {
	host   string
	kind   domainKind
	weight int
	path   func(dst []byte, r *rng, upn string) []byte
}

func pick(r *rng, xs []string) string { return xs[r.intn(len(xs))] }

var (
	teams   = []string{"Finance", "HR", "Marketing", "Sales", "Engineering", "Legal", "IT", "Operations", "Procurement", "Executive"}
	docs    = []string{"Q4-Budget", "Offsite-Agenda", "Benefits-Overview", "Quarterly-Review", "Roadmap-2024", "Vendor-Contract", "Onboarding-Checklist", "Security-Training", "Board-Deck", "Expense-Policy", "Pricing-Sheet", "Org-Chart"}
	docExts = []string{"docx", "xlsx", "pptx", "pdf"}
	repos   = []string{"web-portal", "billing-api", "infra", "mobile-app", "data-pipeline", "docs"}
	projs   = []string{"OPS", "FIN", "WEB", "SEC", "HR", "DATA"}
	section = []string{"business", "technology", "world", "markets", "science"}
	slugs   = []string{"ai-regulation-update", "quarterly-earnings-beat", "cloud-outage-report", "cybersecurity-trends", "remote-work-study", "chip-supply-outlook"}
	learn   = []string{"microsoft-365/security/office-365-security/safe-links-about", "defender-xdr/advanced-hunting-urlclickevents-table", "azure/active-directory/authentication/concept-mfa-howitworks", "purview/retention"}
)

// domains: mostly the SaaS and news mix of an ordinary tenant, then the
// threats. Weights are per 100,000 clicks.
var domains = []domain{
	{"contoso.sharepoint.com", kindBenign, 16000, func(b []byte, r *rng, _ string) []byte {
		if r.permille(500) {
			b = append(b, "/sites/"...)
			b = append(b, pick(r, teams)...)
			b = append(b, "/Shared%20Documents/"...)
			b = append(b, pick(r, docs)...)
			b = append(b, '.')
			return append(b, pick(r, docExts)...)
		}
		b = append(b, "/:w:/s/"...)
		b = append(b, pick(r, teams)...)
		b = append(b, '/')
		b = appendToken(b, r, 22)
		b = append(b, "?e="...)
		return appendToken(b, r, 6)
	}},
	{"contoso-my.sharepoint.com", kindBenign, 9000, func(b []byte, r *rng, upn string) []byte {
		b = append(b, "/personal/"...)
		// OneDrive site names spell the UPN with underscores.
		for i := 0; i < len(upn); i++ {
			if c := upn[i]; c == '.' || c == '@' {
				b = append(b, '_')
			} else {
				b = append(b, c)
			}
		}
		b = append(b, "/Documents/"...)
		b = append(b, pick(r, docs)...)
		b = append(b, '.')
		return append(b, pick(r, docExts)...)
	}},
	{"teams.microsoft.com", kindBenign, 9000, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/l/meetup-join/19%3ameeting_"...)
		b = appendToken(b, r, 32)
		return append(b, "%40thread.v2/0"...)
	}},
	{"outlook.office365.com", kindBenign, 4000, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/owa/calendar/"...)
		b = appendHex(b, r, 32)
		return append(b, "/reachcalendar.ics"...)
	}},
	{"forms.office.com", kindBenign, 2500, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/r/"...)
		return appendToken(b, r, 10)
	}},
	{"learn.microsoft.com", kindBenign, 3500, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/en-us/"...)
		return append(b, pick(r, learn)...)
	}},
	{"aka.ms", kindBenign, 2000, func(b []byte, r *rng, _ string) []byte {
		b = append(b, '/')
		return appendLowerToken(b, r, 7)
	}},
	{"www.linkedin.com", kindBenign, 6000, func(b []byte, r *rng, _ string) []byte {
		if r.permille(500) {
			b = append(b, "/jobs/view/"...)
			return appendDigits(b, r, 10)
		}
		b = append(b, "/posts/"...)
		b = append(b, pick(r, slugs)...)
		b = append(b, "-activity-"...)
		return appendDigits(b, r, 19)
	}},
	{"github.com", kindBenign, 5000, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/contoso/"...)
		b = append(b, pick(r, repos)...)
		if r.permille(600) {
			b = append(b, "/pull/"...)
		} else {
			b = append(b, "/issues/"...)
		}
		return appendDigits(b, r, 4)
	}},
	{"contoso.atlassian.net", kindBenign, 5000, func(b []byte, r *rng, _ string) []byte {
		p := pick(r, projs)
		if r.permille(700) {
			b = append(b, "/browse/"...)
			b = append(b, p...)
			b = append(b, '-')
			return appendDigits(b, r, 4)
		}
		b = append(b, "/wiki/spaces/"...)
		b = append(b, p...)
		b = append(b, "/pages/"...)
		return appendDigits(b, r, 9)
	}},
	{"contoso.zoom.us", kindBenign, 4000, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/j/"...)
		b = appendDigits(b, r, 11)
		b = append(b, "?pwd="...)
		return appendToken(b, r, 32)
	}},
	{"www.docusign.net", kindBenign, 2500, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/Signing/EmailStart.aspx?a="...)
		var id [16]byte
		x, y := r.next(), r.next()
		for i := 0; i < 8; i++ {
			id[i], id[8+i] = byte(x>>(8*i)), byte(y>>(8*i))
		}
		b = appendGUID(b, id)
		return append(b, "&etti=24"...)
	}},
	{"contoso.lightning.force.com", kindBenign, 4000, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/lightning/r/Opportunity/006"...)
		b = appendToken(b, r, 15)
		return append(b, "/view"...)
	}},
	{"www.dropbox.com", kindBenign, 2500, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/s/"...)
		b = appendLowerToken(b, r, 15)
		b = append(b, '/')
		b = append(b, pick(r, docs)...)
		return append(b, ".pdf?dl=0"...)
	}},
	{"www.bbc.co.uk", kindBenign, 3000, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/news/"...)
		b = append(b, pick(r, section)...)
		b = append(b, '-')
		return appendDigits(b, r, 8)
	}},
	{"www.reuters.com", kindBenign, 3000, func(b []byte, r *rng, _ string) []byte {
		b = append(b, '/')
		b = append(b, pick(r, section)...)
		b = append(b, '/')
		b = append(b, pick(r, slugs)...)
		b = append(b, '-')
		b = appendDigits(b, r, 4)
		return append(b, "-12-2023/"...)
	}},
	{"www.surveymonkey.com", kindBenign, 1500, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/r/"...)
		return appendToken(b, r, 7)
	}},
	{"www.fedex.com", kindBenign, 1500, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/fedextrack/?trknbr="...)
		return appendDigits(b, r, 12)
	}},
	{"portal.azure.com", kindBenign, 2000, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/#@contoso.onmicrosoft.com/resource/subscriptions/"...)
		return appendHex(b, r, 32)
	}},

	// Blocked by the tenant's own policy.
	{"wetransfer.com", kindTenant, 700, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/downloads/"...)
		b = appendHex(b, r, 32)
		b = append(b, '/')
		return appendHex(b, r, 6)
	}},
	{"pastebin.com", kindTenant, 300, func(b []byte, r *rng, _ string) []byte {
		b = append(b, '/')
		return appendToken(b, r, 8)
	}},

	// Phishing: look-alike hosts, and kits on abused legitimate hosting.
	{"contoso-sso-login.com", kindPhish, 700, func(b []byte, r *rng, upn string) []byte {
		b = append(b, "/auth/"...)
		b = appendToken(b, r, 24)
		b = append(b, "/login.php?email="...)
		for i := 0; i < len(upn); i++ {
			if upn[i] == '@' {
				b = append(b, "%40"...)
			} else {
				b = append(b, upn[i])
			}
		}
		return b
	}},
	{"micros0ft-verify.net", kindPhish, 500, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/secure/"...)
		return appendHex(b, r, 32)
	}},
	{"office365-docshare.top", kindPhish, 450, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/doc/"...)
		b = appendToken(b, r, 12)
		b = append(b, "?id="...)
		return appendHex(b, r, 16)
	}},
	{"docusign-review.info", kindPhish, 300, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/envelope/"...)
		return appendHex(b, r, 24)
	}},
	{"secure-payroll-update.com", kindPhish, 250, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/portal/"...)
		b = appendLowerToken(b, r, 8)
		return append(b, "/index.html"...)
	}},
	{"storage.googleapis.com", kindPhish, 300, func(b []byte, r *rng, _ string) []byte {
		b = append(b, '/')
		b = appendLowerToken(b, r, 14)
		return append(b, "/o365-verify.html"...)
	}},

	// Malware delivery.
	{"invoice-archive-download.com", kindMalware, 350, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/files/Invoice_"...)
		b = appendDigits(b, r, 6)
		return append(b, ".zip"...)
	}},
	{"cdn-updates-service.net", kindMalware, 250, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/dl/"...)
		b = appendToken(b, r, 10)
		return append(b, "/setup.msi"...)
	}},

	// Spam.
	{"best-deals-today.shop", kindSpam, 550, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/promo/"...)
		b = appendLowerToken(b, r, 8)
		b = append(b, "?ref="...)
		return appendLowerToken(b, r, 6)
	}},
	{"crypto-earn-fast.biz", kindSpam, 350, func(b []byte, r *rng, _ string) []byte {
		b = append(b, "/join/"...)
		return appendToken(b, r, 9)
	}},
}

// DetectionMethods values, as Advanced Hunting writes them: JSON text.
var (
	phishMethods = []string{
		`{"Phish":["URL detonation reputation"]}`,
		`{"Phish":["URL detonation reputation"]}`,
		`{"Phish":["URL malicious reputation"]}`,
		`{"Phish":["URL detonation"]}`,
		`{"Phish":["Fingerprint matching"]}`,
		`{"Phish":["Impersonation brand","URL detonation reputation"]}`,
	}
	malwareMethods = []string{
		`{"Malware":["URL detonation"]}`,
		`{"Malware":["URL malicious reputation"]}`,
		`{"Malware":["File detonation reputation"]}`,
	}
	bothMethods = []string{
		`{"Phish":["URL detonation reputation"],"Malware":["URL detonation"]}`,
		`{"Phish":["URL malicious reputation"],"Malware":["File detonation"]}`,
	}
	spamMethods = []string{
		`{"Spam":["URL malicious reputation"]}`,
		`{"Spam":["Mixed analysis detection"]}`,
		`{"Spam":["Advanced filter"]}`,
	}
)

// Office egress addresses (documentation ranges) and first octets of home
// ISPs.
var (
	officeIPs      = []string{"203.0.113.10", "203.0.113.11", "203.0.113.12", "198.51.100.5", "198.51.100.6", "192.0.2.44"}
	ispFirstOctets = []int{24, 67, 71, 73, 76, 81, 86, 92, 98, 108, 109, 174}
)

var firstNames = []string{
	"adele", "alex", "allan", "amara", "ana", "ben", "bianca", "carlos", "chen", "chloe",
	"daniel", "diego", "elena", "emily", "fatima", "felix", "grace", "hannah", "hiro", "ines",
	"isaac", "jamal", "james", "jana", "johanna", "jonas", "julia", "kenji", "laura", "lee",
	"lidia", "lina", "lucas", "lynne", "maria", "mark", "megan", "miriam", "nestor", "nina",
	"noah", "olga", "omar", "patti", "pradeep", "priya", "raul", "rosa", "sam", "sara",
	"sofia", "stefan", "tariq", "tom", "uma", "victor", "wei", "yara", "yusuf", "zoe",
}

var lastNames = []string{
	"adams", "ahmed", "alvarez", "bauer", "becker", "brown", "castro", "chen", "clark", "cohen",
	"costa", "davis", "diaz", "dubois", "evans", "fischer", "garcia", "gomez", "gupta", "hall",
	"hansen", "ito", "jensen", "johnson", "kaur", "kim", "kowalski", "kumar", "larsen", "lee",
	"lopez", "martin", "meyer", "moreau", "muller", "nakamura", "nguyen", "novak", "okafor", "olsen",
	"park", "patel", "perez", "petrov", "rossi", "sato", "schmidt", "silva", "singh", "smith",
	"suzuki", "tanaka", "taylor", "wagner", "walker", "wang", "weber", "wilson", "wright", "zhang",
}
