package plan

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"clickhunt/storage"
)

var headRegexes = []struct {
	pat  string
	safe bool
}{
	{`^(?:https?://)?([^/]+)`, true},
	{`^[a-z]+://[^/]*`, true},
	{`^https?://(www\.)?([a-z0-9.-]+)`, true},
	{`^(a|b/c)/?`, true},
	{`^[^/]*/[^/]*/[^/]*`, true},
	{`^(?i)HTTPS?://([^/:]+)`, true},
	{`^.{0,5}`, false}, // "." matches "/": up to five
	{`^[^/]*(/[^/]*){2}`, true},
	{`^(?:https?://)?([^/]+)/`, false}, // a third "/"
	{`(?:https?://)?([^/]+)`, false},   // not anchored
	{`^https?://[^/]+$`, false},        // end of text
	{`^https?://\w+\b`, false},         // word boundary
	{`^.*`, false},
	{`^[^/]*(/[^/]*)*`, false},
	{`a|^b`, false},
	{`(?m)^x`, false}, // start of a line, not of the text
	{`^(`, false},     // not a regex
}

func TestHeadSafeRegex(t *testing.T) {
	for _, tt := range headRegexes {
		if got := headSafeRegex(tt.pat); got != tt.safe {
			t.Errorf("headSafeRegex(%q) = %v, want %v", tt.pat, got, tt.safe)
		}
	}
}

// TestHeadSafeRegexMatches checks the promise: a head-safe regex finds
// the same match, groups and all, in a string and in its head.
func TestHeadSafeRegexMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := "ab/:.hpst w\n"
	var checked int
	for _, tt := range headRegexes {
		if !tt.safe {
			continue
		}
		re := regexp.MustCompile(tt.pat)
		for range 5000 {
			var b strings.Builder
			if r.IntN(2) == 0 {
				b.WriteString([]string{"http://", "https://", "HTTPS://"}[r.IntN(3)])
			}
			for range r.IntN(16) {
				b.WriteByte(alphabet[r.IntN(len(alphabet))])
			}
			s := b.String()
			h := storage.URLHead(s)
			m, mh := re.FindStringSubmatchIndex(s), re.FindStringSubmatchIndex(h)
			if !slices.Equal(m, mh) {
				t.Fatalf("%q in %q: %v, in its head %q: %v", tt.pat, s, m, h, mh)
			}
			if m != nil {
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d strings matched: the check proves little", checked)
	}
}
