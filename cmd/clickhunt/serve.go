package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"clickhunt/ingest"
	"clickhunt/report"
	"clickhunt/storage"
)

type serveCmd struct {
	Addr         string        `default:"127.0.0.1:8080" placeholder:"HOST:PORT" help:"Address to listen on (default 127.0.0.1:8080). A non-loopback address needs --token."`
	Token        string        `placeholder:"T" env:"CLICKHUNT_TOKEN" help:"Require the token T (16 characters or more) on every request: 'Authorization: Bearer T', or a browser's sign-in at /."`
	QueryTimeout time.Duration `default:"30s" placeholder:"D" help:"Time limit of each query (default 30s)."`
	MaxRows      int           `default:"10000" placeholder:"N" help:"Most rows POST /api/query returns (default 10000)."`
	reportFilesFlags
}

func (serveCmd) Help() string {
	return `Serves the Safe Links report and a read-only JSON API over the database:

  GET  /                                     the report page, filters as a form
  GET  /api/reports/exchange/safe-links      clicks, newest first: filters from,
       to, last, verdict, action, source, user, group, tenant, tz; page
       (1-1000), pageSize (1-5000, default 1000)
  GET  /api/reports/exchange/safe-links/top-urls    most clicked malicious URLs
  GET  /api/reports/exchange/safe-links/top-users   users with most blocked clicks
  POST /api/reports/exchange/safe-links/export      body {filters..., "format":
       "csv"|"json"}: every filtered click as a file, streamed
  POST /api/query                            body {"query": KQL, "maxRows": N}

POST bodies must be application/json; requests another site's page makes a
browser send (Origin, Sec-Fetch-Site) are refused. With --token, scripts send
'Authorization: Bearer T' and a browser signs in at / once (an HttpOnly,
SameSite=Strict session cookie). Bad parameters get HTTP 400 and {"error",
"parameter"}; a query stopped by --query-timeout gets 503. The database is
opened read-only; nothing served can change it. While serve runs, an ingest
into the same database is refused ("database is in use"): one writer or many
readers. Stop serve to ingest.`
}

// isLoopbackAddr reports whether a listen address is on the loopback
// interface only ("" host means every interface).
func isLoopbackAddr(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

func runServe(ctx context.Context, dbDir string, c *serveCmd, stdout, stderr io.Writer) int {
	loop, err := isLoopbackAddr(c.Addr)
	if err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: --addr: %v\n", err)
		return 2
	}
	if err := report.CheckToken(c.Token); err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: --token: %v\n", err)
		return 2
	}
	if c.QueryTimeout <= 0 {
		fmt.Fprintf(stderr, "clickhunt: error: --query-timeout must be more than 0\n")
		return 2
	}
	if !loop && c.Token == "" {
		fmt.Fprintf(stderr, "clickhunt: error: --addr %s is reachable from other machines: give --token T (every request then needs 'Authorization: Bearer T'), or listen on 127.0.0.1\n", c.Addr)
		return 2
	}
	if c.MaxRows < 1 {
		fmt.Fprintf(stderr, "clickhunt: error: --max-rows must be at least 1\n")
		return 2
	}
	groups, err := loadGroups(c.GroupFile)
	if err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: --group-file: %v\n", err)
		return 2
	}
	if entries, err := os.ReadDir(dbDir); errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) {
		fmt.Fprintf(stderr, "error: %v\n", errNoDB{dbDir})
		return 1
	}
	cache, err := cacheBytes()
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 2
	}
	db, err := storage.Open(dbDir, storage.Options{ReadOnly: true, CacheBytes: cache, Declared: ingest.Schemas})
	if err != nil {
		fmt.Fprintf(stderr, "error: cannot open the database read-only: %v\n", err)
		return 1
	}
	defer db.Close()

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	srv := &http.Server{
		Handler: report.NewHandler(report.ServerOptions{
			Snapshot:     db.Snapshot,
			Token:        c.Token,
			QueryTimeout: c.QueryTimeout,
			MaxRows:      c.MaxRows,
			MaxMemory:    defaultMaxMemory,
			Groups:       groups,
		}),
		// A client that sends slowly, or stops reading, is cut off: no
		// handler waits on it for ever. The export streams past
		// WriteTimeout, each of its writes given the server's WriteIdle.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      c.QueryTimeout + time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	auth := "no token: loopback only"
	if c.Token != "" {
		auth = "bearer token required"
	}
	fmt.Fprintf(stdout, "clickhunt serve: http://%s/ (read-only, %s; Ctrl-C stops)\n", ln.Addr(), auth)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	return 0
}
