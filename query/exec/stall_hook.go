//go:build clickhunt_stall

package exec

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
)

// A test build (go build -tags clickhunt_stall, as cmd/clickhunt's tests
// build the binary): with CLICKHUNT_TEST_STALL=NAME, every cancellation
// check made inside a function whose name contains NAME waits until the
// run is cancelled, and the first says so on standard error. A query then
// runs until Ctrl-C whatever the machine's speed, and the tests see that a
// cancellation reaches a kernel's loop.
func init() {
	name := os.Getenv("CLICKHUNT_TEST_STALL")
	if name == "" {
		return
	}
	var once sync.Once
	testHookCheck = func(ctx context.Context) {
		pcs := make([]uintptr, 32)
		frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
		for {
			f, more := frames.Next()
			if strings.Contains(f.Function, name) {
				once.Do(func() { fmt.Fprintf(os.Stderr, "[stalled in %s]\n", f.Function) })
				<-ctx.Done()
				return
			}
			if !more {
				return
			}
		}
	}
}
