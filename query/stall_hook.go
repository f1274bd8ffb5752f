//go:build clickhunt_stall

package query

import (
	"fmt"
	"os"
	"strings"
)

// A test build (go build -tags clickhunt_stall): with
// CLICKHUNT_TEST_STALL=query.parse every parse says so on standard error
// and never ends, as the parse of a list of 40,000 indicators is busy for
// seconds on a busy machine, whatever the test machine's speed; the tests
// see that Ctrl-C is answered anyway.
func init() {
	if !strings.Contains(os.Getenv("CLICKHUNT_TEST_STALL"), "query.parse") {
		return
	}
	testHookParse = func() {
		fmt.Fprintf(os.Stderr, "[stalled in query.parse]\n")
		select {}
	}
}
