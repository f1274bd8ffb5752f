package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"clickhunt/column"
	"clickhunt/output"
	"clickhunt/query"
	"clickhunt/storage"
)

// ServerOptions configure the report server.
type ServerOptions struct {
	// Snapshot returns a fresh read-only view of the database; the
	// handler closes it after each request.
	Snapshot func() (*storage.Snapshot, error)
	// Token, when set, must come with every request as
	// "Authorization: Bearer TOKEN". Without it, only requests whose Host
	// is a loopback name are served (a guard against DNS rebinding).
	Token string
	// QueryTimeout bounds each query (default 30s); MaxRows bounds what
	// POST /api/query returns (default 10000); MaxMemory bounds each
	// query's memory (0: none).
	QueryTimeout time.Duration
	MaxRows      int
	MaxMemory    int64
	// WriteIdle bounds how long a streamed export waits for the client to
	// take the next part (default 30s): a client that stops reading ends
	// the export instead of holding it.
	WriteIdle time.Duration
	// exportEnd, when set, is told each export's rows and error as it
	// ends (tests wait on it).
	exportEnd func(rows int64, err error)
	// Groups is the group file the group parameter names groups from
	// (serve --group-file; nil: none).
	Groups *Groups
}

// API paths.
const (
	PathSafeLinks = "/api/reports/exchange/safe-links"
	PathTopURLs   = PathSafeLinks + "/top-urls"
	PathTopUsers  = PathSafeLinks + "/top-users"
	PathExport    = PathSafeLinks + "/export"
	PathQuery     = "/api/query"
)

// Page bounds of the safe-links listing, as Get-UrlTrace's.
const (
	MaxPage         = 1000
	MaxPageSize     = 5000
	DefaultPageSize = 1000
)

// maxBody bounds a POST body.
const maxBody = 1 << 20

type server struct {
	o        ServerOptions
	sessions sessions
}

// NewHandler returns the report server: the report page at / and the
// read-only JSON API. Nothing it serves can write to the database.
func NewHandler(o ServerOptions) http.Handler {
	if o.QueryTimeout <= 0 {
		o.QueryTimeout = 30 * time.Second
	}
	if o.MaxRows <= 0 {
		o.MaxRows = 10000
	}
	if o.WriteIdle <= 0 {
		o.WriteIdle = 30 * time.Second
	}
	if err := CheckToken(o.Token); err != nil {
		panic("BUG: NewHandler: " + err.Error() + " (check it with CheckToken first)")
	}
	s := &server{o: o, sessions: sessions{ids: map[string]time.Time{}}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathLogin, s.login)
	mux.HandleFunc("POST "+PathLogout, s.logout)
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET "+PathSafeLinks, s.list)
	mux.HandleFunc("GET "+PathTopURLs, s.section("top-urls"))
	mux.HandleFunc("GET "+PathTopUsers, s.section("top-blocked-users"))
	mux.HandleFunc("POST "+PathExport, s.export)
	mux.HandleFunc("POST "+PathQuery, s.query)
	return s.guard(mux)
}

// guard refuses what no handler should see, then checks the token (or,
// without one, the Host). It refuses requests another site's page made
// the browser send (403), and POST bodies that are not JSON (415; the
// login form's own), which no page can send across sites without the
// browser asking first. It sets headers that keep the page from loading
// or running anything.
func (s *server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		if crossSite(r) {
			writeError(w, http.StatusForbidden, "Origin", "a request from another site's page is refused (Origin "+r.Header.Get("Origin")+", Sec-Fetch-Site "+r.Header.Get("Sec-Fetch-Site")+")")
			return
		}
		if r.Method == http.MethodPost {
			want := "application/json"
			if r.URL.Path == PathLogin || r.URL.Path == PathLogout {
				want = "application/x-www-form-urlencoded" // the sign-in and sign-out forms
			}
			if mediaType(r) != want {
				writeError(w, http.StatusUnsupportedMediaType, "Content-Type", "a POST body here must be "+want+", not "+fmt.Sprintf("%q", r.Header.Get("Content-Type")))
				return
			}
		}
		if s.o.Token != "" {
			if r.URL.Path == PathLogin || r.URL.Path == PathLogout || s.authorized(r) {
				next.ServeHTTP(w, r)
				return
			}
			h.Set("WWW-Authenticate", `Bearer realm="clickhunt"`)
			if wantsPage(r) {
				s.loginPage(w, http.StatusUnauthorized, "")
				return
			}
			writeError(w, http.StatusUnauthorized, "Authorization", "missing or wrong bearer token (a browser signs in at /)")
			return
		}
		if !loopbackHost(r.Host) {
			writeError(w, http.StatusForbidden, "Host", "this server answers only to localhost, 127.0.0.1 or [::1] (start it with --token to serve other names)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackHost reports whether a Host header names this machine.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type apiError struct {
	Error     string `json:"error"`
	Parameter string `json:"parameter,omitempty"`
}

func writeError(w http.ResponseWriter, status int, param, msg string) {
	if param != "" {
		msg = param + ": " + msg
	}
	writeJSON(w, status, apiError{Error: msg, Parameter: param})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// errTimeLimit is a query stopped by the server's time limit.
type errTimeLimit struct{ limit time.Duration }

func (e errTimeLimit) Error() string {
	return fmt.Sprintf("the query ran longer than the server's limit of %s (serve --query-timeout)", e.limit)
}

// fail answers an error: a bad parameter (*ParamError) with 400 naming
// it, data that cannot give the answer (*DataError) with 409, a query
// stopped by the time limit with 503, anything else with 500.
func fail(w http.ResponseWriter, err error) {
	var pe *ParamError
	var de *DataError
	var tl errTimeLimit
	switch {
	case errors.As(err, &pe):
		writeError(w, http.StatusBadRequest, pe.Param, pe.Msg)
	case errors.As(err, &de):
		writeError(w, http.StatusConflict, "", de.Msg)
	case errors.As(err, &tl):
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusServiceUnavailable, "", err.Error())
	default:
		writeError(w, http.StatusInternalServerError, "", err.Error())
	}
}

var filterParams = []string{"from", "to", "last", "verdict", "action", "source", "user", "group", "tenant", "tz"}

// parseQuery reads the filter parameters and any extra ones allowed;
// another parameter is an error naming it.
func (s *server) parseQuery(r *http.Request, extra ...string) (Filter, error) {
	q := r.URL.Query()
	for k := range q {
		if !contains(filterParams, k) && !contains(extra, k) {
			return Filter{}, &ParamError{k, "unknown parameter (expected one of " + strings.Join(append(append([]string(nil), filterParams...), extra...), ", ") + ")"}
		}
	}
	a := FilterArgsFromQuery(q)
	a.Groups = s.o.Groups
	return a.Parse()
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// intParam reads an integer parameter within [lo, hi], def when absent.
func intParam(r *http.Request, name string, lo, hi, def int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, &ParamError{name, fmt.Sprintf("must be a whole number from %d to %d, not %q", lo, hi, s)}
	}
	return n, nil
}

// snap opens a snapshot or answers 503.
// filtered reads a request's filter parameters and takes a snapshot that
// can answer them; on a bad parameter it has written the 400 and ok is
// false. The caller closes the snapshot.
func (s *server) filtered(w http.ResponseWriter, r *http.Request) (Filter, *storage.Snapshot, bool) {
	f, err := s.parseQuery(r)
	if err != nil {
		fail(w, err)
		return f, nil, false
	}
	snap, ok := s.snapFor(w, f)
	return f, snap, ok
}

// snapFor is snap for a filtered request: a filter the data cannot answer
// is a 400 naming the parameter.
func (s *server) snapFor(w http.ResponseWriter, f Filter) (*storage.Snapshot, bool) {
	snap, ok := s.snap(w)
	if !ok {
		return nil, false
	}
	if err := f.Check(snap); err != nil {
		snap.Close()
		fail(w, err)
		return nil, false
	}
	return snap, true
}

func (s *server) snap(w http.ResponseWriter) (*storage.Snapshot, bool) {
	snap, err := s.o.Snapshot()
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "", err.Error())
		return nil, false
	}
	return snap, true
}

func (s *server) run(ctx context.Context, snap *storage.Snapshot, text string) (*query.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, s.o.QueryTimeout)
	defer cancel()
	res, err := query.Run(ctx, snap, text, query.Options{MaxMemory: s.o.MaxMemory})
	return res, s.timed(ctx, err)
}

func (s *server) page(w http.ResponseWriter, r *http.Request) {
	f, snap, ok := s.filtered(w, r)
	if !ok {
		return
	}
	defer snap.Close()
	ctx, cancel := context.WithTimeout(r.Context(), s.o.QueryTimeout)
	defer cancel()
	rep, err := Run(ctx, snap, f, Options{MaxMemory: s.o.MaxMemory})
	err = s.timed(ctx, err)
	if err != nil {
		fail(w, err)
		return
	}
	opts := PageOptions{Form: true, Query: f.Values().Encode(), Tenants: Tenants(ctx, snap), SignOut: s.o.Token != ""}
	if s.o.Groups != nil {
		opts.Groups = s.o.Groups.Names()
	}
	var buf bytes.Buffer
	if err := rep.WriteHTML(&buf, opts); err != nil {
		fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

func (s *server) list(w http.ResponseWriter, r *http.Request) {
	f, err := s.parseQuery(r, "page", "pageSize")
	if err != nil {
		fail(w, err)
		return
	}
	page, err := intParam(r, "page", 1, MaxPage, 1)
	if err != nil {
		fail(w, err)
		return
	}
	size, err := intParam(r, "pageSize", 1, MaxPageSize, DefaultPageSize)
	if err != nil {
		fail(w, err)
		return
	}
	snap, ok := s.snapFor(w, f)
	if !ok {
		return
	}
	defer snap.Close()
	ctx, cancel := context.WithTimeout(r.Context(), s.o.QueryTimeout)
	defer cancel()
	p, err := newPager(ctx, s.runner(snap), f, hasTable(snap, "MessageTrace"))
	if err != nil {
		fail(w, err)
		return
	}
	res, text, err := p.page(ctx, int64(page-1)*int64(size), int64(size))
	if err != nil {
		fail(w, err)
		return
	}
	rows, err := rowsJSON(res.Schema, res.Batch)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Page     int             `json:"page"`
		PageSize int             `json:"pageSize"`
		Total    int64           `json:"total"`
		Filter   string          `json:"filter"`
		Query    string          `json:"query"`
		Rows     json.RawMessage `json:"rows"`
	}{page, size, p.total, f.String(), text, rows})
}

// timed turns an error of work under ctx into errTimeLimit when ctx's
// deadline stopped it.
func (s *server) timed(ctx context.Context, err error) error {
	if err != nil && ctx.Err() == context.DeadlineExceeded {
		return errTimeLimit{s.o.QueryTimeout}
	}
	return err
}

// runner runs queries on snap under the server's memory limit; a query
// stopped by its context's deadline is an errTimeLimit.
func (s *server) runner(snap *storage.Snapshot) func(context.Context, string) (*query.Result, error) {
	return func(ctx context.Context, text string) (*query.Result, error) {
		res, err := query.Run(ctx, snap, text, query.Options{MaxMemory: s.o.MaxMemory})
		return res, s.timed(ctx, err)
	}
}

func rowsJSON(schema column.Schema, b *column.Batch) (json.RawMessage, error) {
	var buf bytes.Buffer
	if err := output.WriteJSON(&buf, schema, b); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimSpace(buf.Bytes())), nil
}

func (s *server) section(id string) http.HandlerFunc {
	sec, ok := SectionByID(id)
	if !ok {
		panic("BUG: no report section " + id)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		f, snap, ok := s.filtered(w, r)
		if !ok {
			return
		}
		defer snap.Close()
		ctx, cancel := context.WithTimeout(r.Context(), s.o.QueryTimeout)
		defer cancel()
		res, err := RunSection(ctx, snap, sec, f, Options{MaxMemory: s.o.MaxMemory})
		if err != nil {
			fail(w, s.timed(ctx, err))
			return
		}
		v, err := res.JSON()
		if err != nil {
			fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

// stringList is a JSON string or array of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("expected a string or an array of strings")
	}
	*l = many
	return nil
}

// decodeBody reads a JSON object body into v (a pointer to a struct with
// json tags), field by field, so an error names the field; unknown fields
// are errors.
func decodeBody(r *http.Request, v any) error {
	var fields map[string]json.RawMessage
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&fields); err != nil {
		return &ParamError{"body", "not a JSON object: " + err.Error()}
	}
	rv := reflect.ValueOf(v).Elem()
	rt := rv.Type()
	names := map[string]int{}
	for i := 0; i < rt.NumField(); i++ {
		names[rt.Field(i).Tag.Get("json")] = i
	}
	for name, raw := range fields {
		i, ok := names[name]
		if !ok {
			return &ParamError{name, "unknown field"}
		}
		if err := json.Unmarshal(raw, rv.Field(i).Addr().Interface()); err != nil {
			return &ParamError{name, "wrong type: expected " + kindName(rt.Field(i).Type)}
		}
	}
	return nil
}

func kindName(t reflect.Type) string {
	switch {
	case t == reflect.TypeOf(stringList(nil)):
		return "a string or an array of strings"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Int:
		return "a whole number"
	}
	return t.String()
}

type exportBody struct {
	From    string     `json:"from"`
	To      string     `json:"to"`
	Last    string     `json:"last"`
	Verdict stringList `json:"verdict"`
	Action  stringList `json:"action"`
	Source  stringList `json:"source"`
	User    stringList `json:"user"`
	Group   stringList `json:"group"`
	Tenant  stringList `json:"tenant"`
	TZ      string     `json:"tz"`
	Format  string     `json:"format"`
}

func (s *server) export(w http.ResponseWriter, r *http.Request) {
	var body exportBody
	if err := decodeBody(r, &body); err != nil {
		fail(w, err)
		return
	}
	if body.Format == "" {
		body.Format = "csv"
	}
	if body.Format != "csv" && body.Format != "json" {
		writeError(w, http.StatusBadRequest, "format", fmt.Sprintf("must be csv or json, not %q", body.Format))
		return
	}
	f, err := FilterArgs{From: body.From, To: body.To, Last: body.Last, Verdict: body.Verdict, Action: body.Action, Source: body.Source,
		User: body.User, Group: body.Group, Tenant: body.Tenant, TZ: body.TZ, Groups: s.o.Groups}.Parse()
	if err != nil {
		fail(w, err)
		return
	}
	snap, ok := s.snapFor(w, f)
	if !ok {
		return
	}
	defer snap.Close()
	snap.PassThrough() // every block once: not worth keeping, nor evicting others for
	run := s.runner(snap)
	ctx, cancel := context.WithTimeout(r.Context(), s.o.QueryTimeout)
	p, err := newPager(ctx, run, f, hasTable(snap, "MessageTrace"))
	cancel()
	if err != nil {
		fail(w, err)
		return
	}
	h := w.Header()
	if body.Format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("Content-Disposition", `attachment; filename="safe-links.`+body.Format+`"`)
	rows, err := s.streamExport(r.Context(), w, p, body.Format)
	if s.o.exportEnd != nil {
		s.o.exportEnd(rows, err)
	}
	if err != nil {
		// The status is sent: end the response unfinished, so the client
		// sees a failed download rather than a short file.
		panic(http.ErrAbortHandler)
	}
}

// idleWriter gives each write to the client idle to go through: a client
// that stops reading fails the write instead of holding the handler (and
// what it holds) for ever, while a slow one that keeps reading is served
// however long the whole download takes.
type idleWriter struct {
	w    http.ResponseWriter
	rc   *http.ResponseController
	idle time.Duration
}

func (iw idleWriter) Write(p []byte) (int, error) {
	iw.rc.SetWriteDeadline(time.Now().Add(iw.idle)) // an error means the writer has no deadlines; its writes still fail on a dead client
	return iw.w.Write(p)
}

// exportChunk is how many clicks the export reads, writes and forgets at
// a time: more than a stored block's 65,536 rows, so each block is decoded
// about once or twice, yet a bounded amount of memory.
const exportChunk = 100000

func hasTable(snap *storage.Snapshot, name string) bool {
	_, err := snap.Table(name)
	return err == nil
}

// streamExport writes every click of the pager's listing, a chunk at a
// time: memory stays flat however many rows there are. Each write must
// progress within the server's WriteIdle, so a client that stops reading
// lets the export end instead of holding it. It returns the rows written.
func (s *server) streamExport(ctx context.Context, w http.ResponseWriter, p *pager, format string) (int64, error) {
	rc := http.NewResponseController(w)
	bw := bufio.NewWriterSize(idleWriter{w, rc, s.o.WriteIdle}, 64<<10)
	var sheet *sheetWriter
	if format == "csv" {
		sheet = newSheetWriter(bw, func(t int64) string { return column.FormatDatetime(t) })
	} else {
		bw.WriteString("[")
	}
	var written int64
	var line bytes.Buffer
	for off := int64(0); off == 0 || off < p.total; off += exportChunk {
		qctx, cancel := context.WithTimeout(ctx, s.o.QueryTimeout)
		res, _, err := p.page(qctx, off, exportChunk)
		cancel()
		if err != nil {
			return written, err
		}
		if format == "csv" {
			if off == 0 {
				if err := sheet.header(res.Schema); err != nil {
					return written, err
				}
			}
			if err := sheet.rows(res.Batch); err != nil {
				return written, err
			}
			if err := sheet.flush(); err != nil {
				return written, err
			}
		} else {
			line.Reset()
			if err := output.WriteJSONL(&line, res.Schema, res.Batch); err != nil {
				return written, err
			}
			for _, obj := range bytes.Split(bytes.TrimSuffix(line.Bytes(), []byte("\n")), []byte("\n")) {
				if len(obj) == 0 {
					continue
				}
				if written > 0 {
					bw.WriteString(",")
				}
				bw.WriteString("\n")
				bw.Write(obj)
				written++
			}
		}
		if format == "csv" {
			written += int64(res.Batch.Len)
		}
		if err := bw.Flush(); err != nil {
			return written, err
		}
		if err := rc.Flush(); err != nil {
			return written, err
		}
		if res.Batch.Len == 0 {
			break
		}
	}
	if format == "json" {
		bw.WriteString("\n]\n")
	}
	if err := bw.Flush(); err != nil {
		return written, err
	}
	return written, rc.Flush()
}

type queryBody struct {
	Query   string `json:"query"`
	MaxRows int    `json:"maxRows"`
}

func (s *server) query(w http.ResponseWriter, r *http.Request) {
	var body queryBody
	if err := decodeBody(r, &body); err != nil {
		fail(w, err)
		return
	}
	if strings.TrimSpace(body.Query) == "" {
		writeError(w, http.StatusBadRequest, "query", "missing: give a KQL query")
		return
	}
	limit := s.o.MaxRows
	if body.MaxRows != 0 {
		if body.MaxRows < 1 || body.MaxRows > s.o.MaxRows {
			writeError(w, http.StatusBadRequest, "maxRows", fmt.Sprintf("must be from 1 to %d", s.o.MaxRows))
			return
		}
		limit = body.MaxRows
	}
	snap, ok := s.snap(w)
	if !ok {
		return
	}
	defer snap.Close()
	res, err := s.run(r.Context(), snap, body.Query)
	var tl errTimeLimit
	if errors.As(err, &tl) {
		fail(w, err)
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "query", err.Error())
		return
	}
	n := res.Batch.Len
	b := res.Batch
	if n > limit {
		idx := make([]uint32, limit)
		for i := range idx {
			idx[i] = uint32(i)
		}
		b = b.Gather(idx)
	}
	rows, err := rowsJSON(res.Schema, b)
	if err != nil {
		fail(w, err)
		return
	}
	cols := []jsonColumn{}
	for _, c := range res.Schema {
		cols = append(cols, jsonColumn{c.Name, c.Type.String()})
	}
	writeJSON(w, http.StatusOK, struct {
		Columns   []jsonColumn    `json:"columns"`
		Rows      json.RawMessage `json:"rows"`
		RowCount  int             `json:"rowCount"`
		Truncated bool            `json:"truncated"`
		ElapsedMs int64           `json:"elapsedMs"`
	}{cols, rows, n, n > limit, res.Stats.Elapsed.Milliseconds()})
}
