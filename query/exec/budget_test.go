package exec

import "testing"

// A budget is written in the unit it fills, never rounded down to 0.
func TestFmtBytes(t *testing.T) {
	f := func(n int64, want string) {
		t.Helper()
		if got := fmtBytes(n); got != want {
			t.Errorf("fmtBytes(%d) = %q, want %q", n, got, want)
		}
	}
	f(512, "512 bytes")
	f(16<<10, "16 KiB")
	f(1536, "1.5 KiB")
	f(512<<10, "512 KiB")
	f(4<<30, "4 GiB")
	f(3<<40, "3 TiB")
	f(1<<20+1, "1 MiB")
}
