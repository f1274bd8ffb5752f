// Command clickhunt is an offline KQL analytics engine for Microsoft 365
// Safe Links click exports: ingest exports into a local database, then
// query them with KQL from the command line, batch files or a REPL.
package main

import (
	"context"
	"os"
	"syscall"

	_ "clickhunt/cmd/clickhunt/internal/warm" // builds the KQL parser from init on
)

// exitsAfterRun is set when run's caller exits the process when it
// returns (main, not a test), so run may leave what the exit releases.
var exitsAfterRun bool

func main() {
	// SIGTERM ends everything; Ctrl-C (SIGINT) is handled per query in run
	// so that in the REPL it cancels a query, not the session.
	ctx, stop := notifyContext(context.Background(), syscall.SIGTERM)
	stopProfiles := startProfiles(os.Stderr)
	exitsAfterRun = true
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfiles()
	stop()
	os.Exit(code)
}
