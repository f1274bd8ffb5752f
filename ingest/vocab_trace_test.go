package ingest

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestClickActionsRoundTrip: every Click Action stored with an ActionType
// derives back to itself from what is stored, so Defender's clicks and
// Get-UrlTrace's read the same; one stored without (None, Failure)
// derives to None, the cmdlet's "verdict not captured".
func TestClickActionsRoundTrip(t *testing.T) {
	for _, a := range ClickActions {
		want := a.Name
		if a.ActionType == "" {
			want = "None"
		}
		if got := DeriveClickAction(a.ActionType, a.Through == True); got != want {
			t.Errorf("%s stored as %s/%v derives %s", a.Name, a.ActionType, a.Through, got)
		}
		for _, spelling := range []string{a.Name, strings.ToUpper(a.Name), strings.ReplaceAll(a.Name, " ", "")} {
			if got, ok := LookupClickAction(spelling); !ok || got.Name != a.Name {
				t.Errorf("LookupClickAction(%q) = %v, %v", spelling, got, ok)
			}
		}
	}
	if _, ok := LookupClickAction("ClickAllowed"); ok {
		t.Error("a Defender ActionType taken for a Click Action")
	}
}

// TestMessageStatusSpellings: each status is found by each of its
// spellings and by no other status's; a summary's events give it.
func TestMessageStatusSpellings(t *testing.T) {
	for _, st := range MessageStatuses {
		for _, sp := range st.Spellings() {
			for _, v := range []string{sp, strings.ToLower(sp), strings.ToUpper(strings.ReplaceAll(sp, " ", ""))} {
				if got, ok := LookupMessageStatus(v); !ok || got.Name != st.Name {
					t.Errorf("LookupMessageStatus(%q) = %q, %v; want %q", v, got.Name, ok, st.Name)
				}
			}
		}
		for _, e := range st.Events {
			if got := statusOfEvents("Receive, " + e); got != st.Name {
				t.Errorf("events Receive, %s: status %q, want %q", e, got, st.Name)
			}
		}
	}
	if got := statusOfEvents("Receive, Teleport"); got != "Teleport" {
		t.Errorf("an unknown event: %q, want it kept", got)
	}
	if _, ok := LookupMessageStatus("Bogus"); ok {
		t.Error("Bogus taken for a status")
	}
}

// TestVocabularyREADME: the README's tables of Click Actions and message
// trace statuses say what these tables hold.
func TestVocabularyREADME(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows[cells[0]] = cells
	}
	tri := map[Tristate]string{Unknown: "null", False: "false", True: "true"}
	for _, a := range ClickActions {
		r := rows[a.Name]
		at := a.ActionType
		if at == "" {
			at = "null"
		}
		if len(r) < 5 || r[1] != at || r[2] != tri[a.Through] || r[3] != tri[boolTri(a.UrlBlocked)] || r[4] != tri[boolTri(a.UrlClicked)] {
			t.Errorf("README row of Click Action %s: %q", a.Name, r)
		}
	}
	for i, rule := range ClickActionRules {
		r := rows[rule.ClickAction]
		if len(r) < 6 || !strings.Contains(r[5], fmt.Sprintf("%d: ", i+1)) {
			t.Errorf("README lacks rule %d (%s): %q", i+1, rule.ClickAction, r)
			continue
		}
		for _, at := range rule.ActionTypes {
			if !strings.Contains(r[5], at) {
				t.Errorf("README rule %d lacks %s: %q", i+1, at, r[5])
			}
		}
	}
	for _, st := range MessageStatuses {
		r := rows[st.Name]
		if len(r) < 3 || r[2] != strings.Join(st.Events, ", ") {
			t.Errorf("README row of status %s: %q", st.Name, r)
		}
		for _, v := range st.Stored {
			if !strings.Contains(r[1], v) {
				t.Errorf("README row of status %s lacks %s: %q", st.Name, v, r)
			}
		}
	}
}

func boolTri(b bool) Tristate {
	if b {
		return True
	}
	return False
}
