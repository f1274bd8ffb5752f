package kustotest

import (
	"encoding/json"
	"strings"
	"testing"

	"clickhunt/column"
	"clickhunt/query"
)

// The frames follow the REST v2 response Microsoft documents: a JSON array
// whose first frame is the DataSetHeader and last the DataSetCompletion,
// each frame's first key its FrameType; the primary result one DataTable,
// or (fragmented) TableHeader, TableFragment... and TableCompletion.
func TestFrames(t *testing.T) {
	res := &query.Result{
		Schema: column.Schema{{Name: "Count", Type: column.Long}, {Name: "When", Type: column.Datetime}},
		Batch: &column.Batch{Len: 1001, Cols: []*column.Vector{
			{Type: column.Long, Len: 1001, Ints: make([]int64, 1001)},
			{Type: column.Datetime, Len: 1001, Ints: make([]int64, 1001)},
		}},
	}
	f := func(fragmented bool, partial []OneAPIError, wantKinds string) {
		t.Helper()
		text := Frames(res, partial, fragmented, fragmented)
		var frames []map[string]any
		if err := json.Unmarshal([]byte(text), &frames); err != nil {
			t.Fatalf("not a JSON array: %v", err)
		}
		var kinds []string
		rows := 0
		for _, fr := range frames {
			kind := fr["FrameType"].(string)
			if tk, ok := fr["TableKind"].(string); ok {
				kind += "/" + tk
			}
			kinds = append(kinds, kind)
			if r, ok := fr["Rows"].([]any); ok && (fr["TableKind"] == "PrimaryResult" || fr["FrameType"] == "TableFragment") {
				rows += len(r)
			}
		}
		if got := strings.Join(kinds, " "); got != wantKinds {
			t.Errorf("frames %s\nwant   %s", got, wantKinds)
		}
		if rows != 1001 {
			t.Errorf("%d rows in the frames", rows)
		}
		for _, line := range strings.Split(strings.Trim(text, "[]\n"), "\n,") {
			if !strings.HasPrefix(line, `{"FrameType":`) {
				t.Errorf("a frame does not start with its FrameType: %.60s", line)
			}
		}
		last := frames[len(frames)-1]
		if last["HasErrors"] != (len(partial) > 0) || (len(partial) > 0) != (last["OneApiErrors"] != nil) {
			t.Errorf("completion %v", last)
		}
	}
	f(false, nil, "DataSetHeader DataTable/QueryProperties DataTable/PrimaryResult DataTable/QueryCompletionInformation DataSetCompletion")
	f(true, nil, "DataSetHeader DataTable/QueryProperties TableHeader/PrimaryResult TableFragment TableFragment TableFragment TableCompletion DataTable/QueryCompletionInformation DataSetCompletion")
	f(false, []OneAPIError{{Code: "LimitsExceeded", AtMessage: "too many rows"}}, "DataSetHeader DataTable/QueryProperties DataTable/PrimaryResult DataTable/QueryCompletionInformation DataSetCompletion")
}
