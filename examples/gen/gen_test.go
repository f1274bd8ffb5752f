package gen

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestExampleFile keeps examples/clicks.csv in step with the generator:
// after changing it, run go generate ./examples/gen.
func TestExampleFile(t *testing.T) {
	want, err := os.ReadFile("../clicks.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := Write(&got, Example); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatal("examples/clicks.csv differs from the generator's output: run go generate ./examples/gen")
	}
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Rows: 20000, Seed: 42, Start: time.Date(2024, 3, 1, 0, 0, 0, 0, time.FixedZone("X", 3600)), Days: 7}
	var a, b, c bytes.Buffer
	if err := Write(&a, cfg); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, cfg); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same config, different output")
	}
	cfg.Seed++
	if err := Write(&c, cfg); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("different seeds, same output")
	}
}

// TestShape checks the properties the hunts and the sample query rely on.
func TestShape(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Example); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	r.FieldsPerRecord = 12
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != Header {
		t.Fatalf("header %s", got)
	}
	rows := recs[1:]
	if len(rows) != Example.Rows {
		t.Fatalf("got %d rows, want %d", len(rows), Example.Rows)
	}
	const (
		colTime, colURL, colAction, colUpn, colWorkload = 0, 1, 2, 3, 4
		colThreat, colMethods, colClicked, colChain     = 7, 8, 9, 10
		colReport                                       = 11
	)
	var times []string
	users := map[string]int{}
	actions := map[string]int{}
	blocked := map[string]bool{}
	sample := 0
	for _, row := range rows {
		times = append(times, row[colTime])
		if _, err := time.Parse(time.RFC3339Nano, row[colTime]); err != nil || len(row[colTime]) != 28 {
			t.Fatalf("timestamp %q: want 7 fractional digits (%v)", row[colTime], err)
		}
		users[row[colUpn]]++
		actions[row[colAction]]++
		if !strings.HasPrefix(row[colChain], `["https://`) || !strings.HasSuffix(row[colChain], `"]`) {
			t.Fatalf("UrlChain %q", row[colChain])
		}
		if (row[colThreat] == "") != (row[colMethods] == "") {
			t.Fatalf("ThreatTypes %q with DetectionMethods %q", row[colThreat], row[colMethods])
		}
		switch row[colClicked] {
		case "False":
			if row[colAction] == "ClickBlocked" || row[colAction] == "ClickBlockedByTenantPolicy" {
				blocked[row[colReport]] = true
			}
		case "True":
			if row[colAction] != "ClickAllowed" || !blocked[row[colReport]] {
				t.Fatalf("click-through %v does not follow a blocked click with its ReportId", row)
			}
		default:
			t.Fatalf("IsClickedThrough %q", row[colClicked])
		}
		// The sample query's IsClickedThrough != "0" compares a bool with
		// "0", that is false.
		if (row[colAction] == "ClickAllowed" || row[colClicked] == "True") && strings.Contains(row[colThreat], "Phish") {
			sample++
		}
	}
	if !slices.IsSorted(times) {
		t.Error("timestamps are not in order")
	}
	if len(users) < 40 || len(users) > 50 {
		t.Errorf("%d users clicked, want most of 50", len(users))
	}
	if actions["ClickAllowed"] < len(rows)*8/10 || actions["ClickBlocked"] == 0 || actions["UrlErrorPage"] == 0 ||
		actions["UrlScanInProgress"] == 0 || actions["ClickBlockedByTenantPolicy"] == 0 {
		t.Errorf("action mix %v", actions)
	}
	if sample < 20 || sample > 60 {
		t.Errorf("the sample query would return %d rows, want a few dozen", sample)
	}
}

func BenchmarkWrite(b *testing.B) {
	var n int64
	for b.Loop() {
		w := &countWriter{}
		if err := Write(w, Config{Rows: 1_000_000, Seed: 7}); err != nil {
			b.Fatal(err)
		}
		n = w.n
	}
	b.SetBytes(n)
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// TestWriteFile: the file holds what Write writes, and a path that cannot
// be created is an error.
func TestWriteFile(t *testing.T) {
	cfg := Config{Rows: 500, Seed: 9}
	var want bytes.Buffer
	if err := Write(&want, cfg); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clicks.csv")
	if err := WriteFile(path, cfg); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("file holds %d bytes (%v), Write gives %d", len(got), err, want.Len())
	}
	if err := WriteFile(filepath.Join(path, "sub.csv"), cfg); err == nil {
		t.Fatal("writing under a file succeeded")
	}
}
