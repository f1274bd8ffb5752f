package query

import (
	"strings"
	"testing"

	"clickhunt/column"
)

func TestCheckKusto(t *testing.T) {
	clicks := column.Schema{{Name: "Timestamp", Type: column.Datetime}, {Name: "Url", Type: column.String},
		{Name: "IsClickedThrough", Type: column.Bool}, {Name: "UrlChain", Type: column.String}, {Name: "Bag", Type: column.Dynamic}}
	sentinel := column.Schema{{Name: "TimeGenerated", Type: column.Datetime}, {Name: "IsClickedThrough", Type: column.Bool}}
	schemas := map[string]column.Schema{"UrlClickEvents": clicks, "SentinelClicks": sentinel}
	// f checks the findings of q: "L:C: text the message starts with", in order.
	f := func(q string, want ...string) {
		t.Helper()
		got, err := CheckKusto(nil, schemas, q)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d findings %v, want %d", q, len(got), got, len(want))
		}
		for i, w := range want {
			pos, start, _ := strings.Cut(w, " ")
			if p := strings.Split(pos, ":"); p[0] != itoa(got[i].Pos.Line) || p[1] != itoa(got[i].Pos.Col) || !strings.HasPrefix(got[i].Msg, start) {
				t.Errorf("%q finding %d: %d:%d %s\nwant %s", q, i, got[i].Pos.Line, got[i].Pos.Col, got[i].Msg, w)
			}
		}
	}
	// Advanced Hunting's comparison of a bool with "0" (Microsoft's sample
	// hunting query), said as Kusto's own behaviour there.
	f(`UrlClickEvents | where IsClickedThrough !="0"`,
		`1:41: IsClickedThrough != "0" compares a bool with a string: Kusto in Advanced Hunting accepts it`)
	f(`UrlClickEvents | where "true" == IsClickedThrough or IsClickedThrough == 1`,
		`1:31: IsClickedThrough == "true" compares a bool with a string`,
		`1:71: IsClickedThrough == 1 compares a bool with a long: clickhunt reads 1 and 0 as true and false`)
	f(`UrlClickEvents | where IsClickedThrough in ("1", "true")`,
		`1:45: IsClickedThrough in (... "1" ...) compares a bool with a string`,
		`1:50: IsClickedThrough in (... "true" ...) compares a bool with a string`)
	f(`UrlClickEvents | where IsClickedThrough != false and IsClickedThrough == true`)
	// Sentinel's and Defender's names of the click time.
	f("UrlClickEvents\n| where TimeGenerated > ago(1d)", `2:9: the table has no column TimeGenerated: clickhunt reads Timestamp for it`)
	f("SentinelClicks | summarize max(Timestamp)", `1:32: the table has no column Timestamp: clickhunt reads TimeGenerated for it`)
	f("SentinelClicks | summarize max(TimeGenerated)")
	// JSON text indexed as if it were dynamic.
	f(`UrlClickEvents | extend First = UrlChain[0], Host = UrlChain.host`,
		`1:41: UrlChain is a string: clickhunt reads its JSON text as dynamic`,
		`1:61: UrlChain is a string`)
	f(`UrlClickEvents | extend First = parse_json(UrlChain)[0], B = Bag.x`)
	// A let used twice is reported once.
	f("let Through = UrlClickEvents | where IsClickedThrough != \"0\";\nThrough | union Through",
		`1:55: IsClickedThrough != "0"`)

	if _, err := CheckKusto(nil, schemas, "UrlClickEvents | where Nope == 1"); err == nil || err.Error() != "1:24: unknown column 'Nope'" {
		t.Errorf("an invalid query: %v", err)
	}
}

func itoa(i int) string {
	var b []byte
	for ; i > 0 || len(b) == 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
