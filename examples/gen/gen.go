// Package gen writes synthetic Microsoft Defender for Office 365 Safe Links
// click events (the Advanced Hunting table UrlClickEvents) as an Advanced
// Hunting CSV export.
//
// The data is made up but shaped like the real thing: time-ordered clicks
// with a daily and weekly rhythm, a skewed set of busy and quiet users,
// mostly benign URLs with some phishing, malware and spam, blocked clicks,
// and click-throughs (a follow-up row sharing the blocked click's ReportId).
// The same Config always gives the same bytes: the generator has its own
// random source, never iterates maps and never reads the clock.
package gen

//go:generate go run clickhunt/cmd/clickgen -rows 5000 -seed 1 -o ../clicks.csv

import (
	"bufio"
	"io"
	"math/bits"
	"os"
	"slices"
	"sort"
	"strconv"
	"time"
)

// Config sets what Write generates.
type Config struct {
	// Rows is the number of rows to write.
	Rows int
	// Seed selects the data; the same seed gives the same bytes.
	Seed int64
	// Start is when the first day begins; zero means 2023-12-01T00:00:00Z.
	Start time.Time
	// Days is how many days the clicks cover; zero means 30.
	Days int
	// Users is how many users click; zero means one per 200 rows, at least 50.
	Users int
}

// Example is the configuration of examples/clicks.csv.
var Example = Config{Rows: 5000, Seed: 1}

// Header is the CSV header Write emits, in Advanced Hunting's column order.
const Header = "Timestamp,Url,ActionType,AccountUpn,Workload,NetworkMessageId,IPAddress,ThreatTypes,DetectionMethods,IsClickedThrough,UrlChain,ReportId"

func (c Config) withDefaults() Config {
	if c.Start.IsZero() {
		c.Start = time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)
	}
	c.Start = c.Start.UTC()
	if c.Days <= 0 {
		c.Days = 30
	}
	if c.Users <= 0 {
		c.Users = max(50, c.Rows/200)
	}
	return c
}

// hourWeights is the share of clicks by hour of day (UTC), and dayWeights
// by weekday from Sunday: office hours and working days dominate.
var (
	hourWeights = [24]int64{2, 1, 1, 1, 1, 2, 4, 8, 14, 18, 20, 19, 15, 18, 20, 19, 16, 12, 8, 6, 5, 4, 3, 2}
	dayWeights  = [7]int64{2, 10, 10, 10, 10, 9, 3}
)

const hourTicks = int64(time.Hour / 100) // 100 ns ticks, as Kusto counts

// WriteFile writes cfg.Rows rows of CSV, header first, to a new file at
// path (replacing one that is there).
func WriteFile(path string, cfg Config) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Write(f, cfg); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Write writes cfg.Rows rows of CSV, header first, to w (buffered here:
// w needs no buffer of its own).
func Write(w io.Writer, cfg Config) error {
	cfg = cfg.withDefaults()
	g := newGenerator(cfg)
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(Header)
	bw.WriteByte('\n')

	// Spread the rows over the hours by weight with integer arithmetic, so
	// every platform agrees; within an hour, sorted uniform offsets. Days
	// and hours get some noise so no two look alike.
	hours := cfg.Days * 24
	weights := make([]int64, hours)
	var total, dayNoise int64
	for h := range weights {
		t := cfg.Start.Add(time.Duration(h) * time.Hour)
		if h%24 == 0 {
			dayNoise = int64(70 + g.r.intn(61))
		}
		hourNoise := int64(80 + g.r.intn(41))
		weights[h] = hourWeights[t.Hour()] * dayWeights[t.Weekday()] * dayNoise * hourNoise
		total += weights[h]
	}
	n := int64(cfg.Rows)
	var cum int64
	var offsets []int64
	for h := 0; h < hours; h++ {
		from := n * cum / total
		cum += weights[h]
		k := int(n*cum/total - from)
		if k == 0 {
			continue
		}
		hourStart := cfg.Start.Add(time.Duration(h) * time.Hour)
		g.setHour(hourStart)
		offsets = offsets[:0]
		for i := 0; i < k; i++ {
			offsets = append(offsets, int64(g.r.intn(int(hourTicks))))
		}
		slices.Sort(offsets)
		for _, off := range offsets {
			g.row(off)
			if _, err := bw.Write(g.line); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// rng is SplitMix64: tiny, fast, and fixed here so the output never
// changes with the Go version.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n) (Lemire's multiply-shift, bias ~n/2^64).
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// permille reports true p times in a thousand.
func (r *rng) permille(p int) bool { return r.intn(1000) < p }

// weighted picks indexes with integer weights.
type weighted struct {
	cum []int
}

func newWeighted(w []int) weighted {
	cum := make([]int, len(w))
	t := 0
	for i, x := range w {
		t += x
		cum[i] = t
	}
	return weighted{cum}
}

func (w weighted) pick(r *rng) int {
	x := r.intn(w.cum[len(w.cum)-1])
	return sort.SearchInts(w.cum, x+1)
}

type user struct {
	upn     string
	ip      string
	lastNMI [16]byte
	hasNMI  bool
}

// followUp is a click-through waiting for its time.
type followUp struct {
	due      int64 // datetime ticks since the Unix epoch
	user     int
	url      string
	chain    string
	workload string
	nmi      string
	ip       string
	threat   string
	methods  string
	reportID [16]byte
}

type generator struct {
	r        rng
	users    []user
	userPick weighted
	domPick  weighted
	// campaigns[i] are the URLs of domain i's mass mailings (threats only).
	campaigns [][]string

	hourTicks int64  // ticks of the current hour since the epoch
	prefix    []byte // "2023-12-21T19:" of the current hour
	pending   []followUp

	line, url, chain, scratch []byte
}

func newGenerator(cfg Config) *generator {
	g := &generator{r: rng{uint64(cfg.Seed)*0x2545F4914F6CDD1D + 0x1234567}}
	g.users = make([]user, cfg.Users)
	seen := make(map[string]bool, cfg.Users)
	w := make([]int, cfg.Users)
	for i := range g.users {
		first := firstNames[g.r.intn(len(firstNames))]
		last := lastNames[g.r.intn(len(lastNames))]
		dom := "contoso.com"
		if g.r.permille(80) {
			dom = "contoso.co.uk"
		}
		base := first + "." + last
		upn := base + "@" + dom
		for k := 2; seen[upn]; k++ {
			upn = base + strconv.Itoa(k) + "@" + dom
		}
		seen[upn] = true
		g.users[i].upn = upn
		g.users[i].ip = g.userIP()
		// Zipf-like: the user of rank i clicks in proportion to 1/(i+5), so
		// a few are busy and most are quiet.
		w[i] = 1_000_000 / (i + 5)
	}
	g.userPick = newWeighted(w)
	dw := make([]int, len(domains))
	for i, d := range domains {
		dw[i] = d.weight
	}
	g.domPick = newWeighted(dw)
	g.campaigns = make([][]string, len(domains))
	for i, d := range domains {
		if d.kind == kindBenign || d.kind == kindTenant {
			continue
		}
		for k := 0; k < 3; k++ {
			u := d.path([]byte("https://"+d.host), &g.r, "")
			g.campaigns[i] = append(g.campaigns[i], string(u))
		}
	}
	return g
}

// userIP is an office egress address for most users, a home ISP one for
// the rest.
func (g *generator) userIP() string {
	if g.r.permille(650) {
		return officeIPs[g.r.intn(len(officeIPs))]
	}
	b := []byte(strconv.Itoa(ispFirstOctets[g.r.intn(len(ispFirstOctets))]))
	for i := 0; i < 3; i++ {
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(1+g.r.intn(254)), 10)
	}
	return string(b)
}

func (g *generator) setHour(t time.Time) {
	g.hourTicks = t.Unix() * 10_000_000
	g.prefix = t.AppendFormat(g.prefix[:0], "2006-01-02T15:")
}

// row builds the row for offset off (ticks into the current hour) in
// g.line: a due click-through if there is one, else a new click.
func (g *generator) row(off int64) {
	now := g.hourTicks + off
	if len(g.pending) > 0 && g.pending[0].due <= now {
		f := g.pending[0]
		g.pending = g.pending[1:]
		g.writeFollowUp(&f)
		return
	}
	g.newClick(now)
}

func (g *generator) newClick(now int64) {
	r := &g.r
	ui := g.userPick.pick(r)
	u := &g.users[ui]
	di := g.domPick.pick(r)
	d := &domains[di]

	// Most threat clicks come from a few mass mailings sharing one URL;
	// the rest, like everything benign, are one of a kind.
	if c := g.campaigns[di]; c != nil && r.permille(650) {
		g.url = append(g.url[:0], c[r.intn(len(c))]...)
	} else {
		g.url = append(g.url[:0], "https://"...)
		g.url = append(g.url, d.host...)
		g.url = d.path(g.url, r, u.upn)
	}

	// Redirect chains: document links, and phishing kits bouncing to a
	// credential page on the same host.
	g.chain = append(g.chain[:0], `["`...)
	g.chain = append(g.chain, g.url...)
	if d.kind == kindPhish && r.permille(300) || d.kind == kindBenign && r.permille(40) {
		g.chain = append(g.chain, `","https://`...)
		g.chain = append(g.chain, d.host...)
		g.chain = append(g.chain, '/', 'r', '/')
		g.chain = appendToken(g.chain, r, 10)
	}
	g.chain = append(g.chain, `"]`...)

	workload := "Email"
	switch x := r.intn(100); {
	case x >= 94:
		workload = "Office"
	case x >= 72:
		workload = "Teams"
	}
	// Teams and Office clicks have no message; repeated clicks on one mail
	// share its NetworkMessageId.
	var nmi []byte
	if workload == "Email" {
		if !u.hasNMI || !r.permille(250) {
			u.lastNMI = g.guid()
			u.hasNMI = true
		}
		nmi = appendGUID(g.scratch[:0], u.lastNMI)
		g.scratch = nmi
	}
	ip := u.ip
	if r.permille(150) {
		ip = officeIPs[r.intn(len(officeIPs))]
	}

	threat, methods := "", ""
	action := "ClickAllowed"
	clickThrough := false
	switch d.kind {
	case kindBenign:
		switch x := r.intn(1000); {
		case x < 25:
			action = "UrlScanInProgress"
		case x < 35:
			action = "UrlErrorPage"
		}
	case kindTenant:
		action = "ClickBlockedByTenantPolicy"
		clickThrough = r.permille(100)
	case kindSpam:
		threat, methods = "Spam", spamMethods[r.intn(len(spamMethods))]
		if r.permille(400) {
			action = "ClickBlocked"
			clickThrough = r.permille(250)
		}
	case kindPhish, kindMalware:
		if d.kind == kindPhish {
			threat, methods = "Phish", phishMethods[r.intn(len(phishMethods))]
			if r.permille(100) {
				threat, methods = "Phish,Malware", bothMethods[r.intn(len(bothMethods))]
			}
		} else {
			threat, methods = "Malware", malwareMethods[r.intn(len(malwareMethods))]
		}
		switch x := r.intn(1000); {
		case x < 820:
			action = "ClickBlocked"
			clickThrough = r.permille(180)
		case x < 870:
			action = "UrlScanInProgress"
		}
	}
	id := g.guid()
	g.line = g.appendRow(g.line[:0], now, g.url, action, u.upn, workload, nmi, ip, threat, methods, false, g.chain, id)
	if clickThrough {
		f := followUp{
			due:      now + int64(5+r.intn(85))*10_000_000 + int64(r.intn(10_000_000)),
			user:     ui,
			url:      string(g.url),
			chain:    string(g.chain),
			workload: workload,
			nmi:      string(nmi),
			ip:       ip,
			threat:   threat,
			methods:  methods,
			reportID: id,
		}
		i := sort.Search(len(g.pending), func(i int) bool { return g.pending[i].due > f.due })
		g.pending = slices.Insert(g.pending, i, f)
	}
}

// writeFollowUp writes a click-through at its own due time. Slots come in
// time order and the follow-up is due before this slot and after any
// earlier one, so output stays sorted.
func (g *generator) writeFollowUp(f *followUp) {
	g.line = g.appendRow(g.line[:0], f.due, []byte(f.url), "ClickAllowed", g.users[f.user].upn, f.workload,
		[]byte(f.nmi), f.ip, f.threat, f.methods, true, []byte(f.chain), f.reportID)
}

func (g *generator) guid() [16]byte {
	var b [16]byte
	x, y := g.r.next(), g.r.next()
	for i := 0; i < 8; i++ {
		b[i] = byte(x >> (8 * i))
		b[8+i] = byte(y >> (8 * i))
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return b
}

const hexDigits = "0123456789abcdef"

// appendGUID appends b as a lower-case GUID with dashes.
func appendGUID(dst []byte, b [16]byte) []byte {
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[x>>4], hexDigits[x&15])
	}
	return dst
}

func (g *generator) appendRow(dst []byte, ticks int64, url []byte, action, upn, workload string, nmi []byte,
	ip, threat, methods string, clicked bool, chain []byte, id [16]byte) []byte {
	dst = g.appendTimestamp(dst, ticks)
	dst = append(dst, ',')
	dst = appendCSV(dst, url)
	dst = append(dst, ',')
	dst = append(dst, action...)
	dst = append(dst, ',')
	dst = append(dst, upn...)
	dst = append(dst, ',')
	dst = append(dst, workload...)
	dst = append(dst, ',')
	dst = append(dst, nmi...)
	dst = append(dst, ',')
	dst = append(dst, ip...)
	dst = append(dst, ',')
	dst = appendCSVString(dst, threat)
	dst = append(dst, ',')
	dst = appendCSVString(dst, methods)
	if clicked {
		dst = append(dst, ",True,"...)
	} else {
		dst = append(dst, ",False,"...)
	}
	dst = appendCSV(dst, chain)
	dst = append(dst, ',')
	dst = appendGUID(dst, id)
	return append(dst, '\n')
}

// appendTimestamp appends ticks (in or after the current hour) as
// ISO 8601 with 7 fractional digits, like Advanced Hunting exports.
func (g *generator) appendTimestamp(dst []byte, ticks int64) []byte {
	off := ticks - g.hourTicks
	if off >= hourTicks || off < 0 {
		// A click-through due in an earlier hour: rare, take the slow way.
		t := time.Unix(ticks/10_000_000, ticks%10_000_000*100).UTC()
		return t.AppendFormat(dst, "2006-01-02T15:04:05.0000000Z")
	}
	dst = append(dst, g.prefix...)
	sec := off / 10_000_000
	frac := off % 10_000_000
	dst = append(dst, byte('0'+sec/600), byte('0'+sec/60%10), ':', byte('0'+sec%60/10), byte('0'+sec%10), '.')
	var f [7]byte
	for i := 6; i >= 0; i-- {
		f[i] = byte('0' + frac%10)
		frac /= 10
	}
	dst = append(dst, f[:]...)
	return append(dst, 'Z')
}

// appendCSV appends s as one CSV field, quoted when it must be.
func appendCSV(dst, s []byte) []byte {
	needs := false
	for _, c := range s {
		if c == '"' || c == ',' || c == '\n' || c == '\r' {
			needs = true
			break
		}
	}
	if !needs {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for _, c := range s {
		if c == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

func appendCSVString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == ',' || c == '\n' || c == '\r' {
			dst = append(dst, '"')
			for j := 0; j < len(s); j++ {
				if s[j] == '"' {
					dst = append(dst, '"')
				}
				dst = append(dst, s[j])
			}
			return append(dst, '"')
		}
	}
	return append(dst, s...)
}

const tokenChars = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// appendToken appends n random letters and digits: rare terms for has.
func appendToken(dst []byte, r *rng, n int) []byte {
	x := r.next()
	for i := 0; i < n; i++ {
		if i%10 == 9 {
			x = r.next()
		}
		dst = append(dst, tokenChars[x%62])
		x /= 62
	}
	return dst
}

func appendLowerToken(dst []byte, r *rng, n int) []byte {
	x := r.next()
	for i := 0; i < n; i++ {
		if i%12 == 11 {
			x = r.next()
		}
		dst = append(dst, tokenChars[x%36])
		x /= 36
	}
	return dst
}

func appendHex(dst []byte, r *rng, n int) []byte {
	x := r.next()
	for i := 0; i < n; i++ {
		if i%16 == 15 {
			x = r.next()
		}
		dst = append(dst, hexDigits[x&15])
		x >>= 4
	}
	return dst
}

func appendDigits(dst []byte, r *rng, n int) []byte {
	dst = append(dst, byte('1'+r.intn(9)))
	for i := 1; i < n; i++ {
		dst = append(dst, byte('0'+r.intn(10)))
	}
	return dst
}
