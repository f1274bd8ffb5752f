package report

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"clickhunt/storage"
)

// smallBuffers is a listener whose connections have a small send buffer,
// so a client that stops reading stalls the server's writes at once.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096)
	}
	return c, err
}

// Three clients that ask for an export and stop reading do not hold the
// server: each export ends when a write has waited WriteIdle, and its
// memory is freed; a client that reads gets every row.
func TestServerExportStalledClients(t *testing.T) {
	db := exampleDB(t, true)
	type end struct {
		rows int64
		err  error
	}
	serve := func(idle time.Duration) (string, chan end) {
		ended := make(chan end, 4)
		h := NewHandler(ServerOptions{
			Snapshot:  func() (*storage.Snapshot, error) { return db.Snapshot() },
			WriteIdle: idle,
			exportEnd: func(n int64, err error) { ended <- end{n, err} },
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: h}
		go srv.Serve(smallBuffers{ln})
		t.Cleanup(func() { srv.Close() })
		return "http://" + ln.Addr().String(), ended
	}
	client := &http.Client{Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetReadBuffer(4096)
			}
			return c, err
		},
	}}
	export := func(base string) *http.Response {
		t.Helper()
		resp, err := client.Post(base+PathExport, "application/json", strings.NewReader(`{"format":"csv"}`))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			t.Fatalf("export: %d", resp.StatusCode)
		}
		return resp
	}
	base, ended := serve(100 * time.Millisecond)
	var stalled []*http.Response
	for i := 0; i < 3; i++ {
		stalled = append(stalled, export(base)) // headers read, the body never
	}
	for i := 0; i < 3; i++ {
		select {
		case e := <-ended:
			if e.err == nil || e.rows >= 5000 {
				t.Errorf("an export to a client that stopped reading ended with %d rows, error %v", e.rows, e.err)
			}
		case <-time.After(2 * time.Minute): // a failsafe, far beyond WriteIdle
			t.Fatal("exports to clients that stopped reading are still held")
		}
	}
	for _, r := range stalled {
		r.Body.Close()
	}
	// A client that reads gets every row.
	base, ended = serve(30 * time.Second)
	resp, err := http.Post(base+PathExport, "application/json", strings.NewReader(`{"format":"csv"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if e := <-ended; err != nil || e.err != nil || e.rows != 5000 || strings.Count(string(b), "\n") != 5001 {
		t.Errorf("a reading client: %v, %v, %d rows, %d lines", err, e.err, e.rows, strings.Count(string(b), "\n"))
	}
}
