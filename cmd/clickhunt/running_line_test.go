package main

import (
	"testing"
	"time"
)

func TestRunningLine(t *testing.T) {
	for _, c := range []struct {
		d       time.Duration
		rows    int64
		counted bool
		want    string
	}{
		{3200 * time.Millisecond, 4194304, true, "running 3.2s, 4,194,304 rows scanned (Ctrl-C cancels)"},
		{500 * time.Millisecond, 0, true, "running 0.5s, 0 rows scanned (Ctrl-C cancels)"},
		{time.Second, 1, true, "running 1.0s, 1 row scanned (Ctrl-C cancels)"},
		{61 * time.Second, 999, true, "running 61.0s, 999 rows scanned (Ctrl-C cancels)"},
		{2300 * time.Millisecond, 0, false, "running 2.3s (Ctrl-C cancels)"},
	} {
		if got := runningLine(c.d, c.rows, c.counted); got != c.want {
			t.Errorf("runningLine(%v, %d, %v) = %q, want %q", c.d, c.rows, c.counted, got, c.want)
		}
	}
	for n, want := range map[int64]string{0: "0", 12: "12", 999: "999", 1000: "1,000", 65536: "65,536", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := fmtThousands(n); got != want {
			t.Errorf("fmtThousands(%d) = %q, want %q", n, got, want)
		}
	}
}
