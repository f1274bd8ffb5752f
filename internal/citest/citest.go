// Package citest is for tests that need something the machine may lack (a
// browser, a tool): locally such a test skips and says why; in CI
// (CI=true, as .ci/run sets it) a required check that cannot run fails
// instead, so a missing prerequisite cannot hide a broken feature.
package citest

import (
	"os"
	"testing"
)

// InCI reports whether the tests run in CI (CI=true).
func InCI() bool { return os.Getenv("CI") == "true" }

// Require stops t when a prerequisite of a required check is missing:
// outside CI it skips with "SKIP: why", in CI it fails with why.
func Require(t testing.TB, why string) {
	t.Helper()
	if InCI() {
		t.Fatalf("required check cannot run in CI: %s", why)
	}
	t.Skipf("SKIP: %s (CI=true makes this a failure)", why)
}

// Optional skips t, saying why, in CI too: for checks CI does not provide
// the means for (a network install, say).
func Optional(t testing.TB, why string) {
	t.Helper()
	t.Skipf("SKIP (optional): %s", why)
}
