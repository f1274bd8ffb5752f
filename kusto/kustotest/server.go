// Package kustotest is a local HTTP server that answers Kusto's REST API
// the way a cluster does, for tests without a network: the query endpoint
// (/v2/rest/query) sends the REST v2 frames Microsoft documents
// (DataSetHeader, the QueryProperties DataTable, the PrimaryResult table,
// QueryCompletionInformation, DataSetCompletion; errors as OneApi error
// bodies; partial failures as OneApiErrors in the completion frames), the
// management endpoint (/v1/rest/mgmt) answers .show database schema and
// .show tables details in the v1 format, and /v1/rest/auth/metadata says
// nothing (as the emulator). Queries are answered by clickhunt's own
// engine over a local database, or by canned replies.
package kustotest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"clickhunt/column"
	"clickhunt/query"
)

// Request is one request the server received.
type Request struct {
	Path          string
	Database      string
	CSL           string
	Authorization string
	// Options are the request's properties.Options (query_now,
	// results_v2_fragment_primary_tables...).
	Options map[string]any
}

// Reply is a canned answer to one query text.
type Reply struct {
	// Status and Body, when Status is set, refuse the request.
	Status int
	Body   string
	// Result answers with these rows; PartialErrors then make it a partial
	// failure (the errors in the table's completion and the data set's).
	Result        *query.Result
	PartialErrors []OneAPIError
}

// OneAPIError is an error in the OneApi format Kusto uses.
type OneAPIError struct {
	Code, Message, Type, AtMessage string
}

func (e OneAPIError) object() map[string]any {
	return map[string]any{"error": map[string]any{
		"code": e.Code, "message": e.Message, "@type": e.Type, "@message": e.AtMessage,
		"@context":   map[string]any{"timestamp": "2024-01-01T00:00:00Z", "clientRequestId": "test", "activityId": "00000000-0000-0000-0000-000000000000"},
		"@permanent": true,
	}}
}

// ErrorBody is the body of a refused request: a OneApi error, its
// innermost error's message being msg.
func ErrorBody(code, typ, msg string) string {
	b, _ := json.Marshal(OneAPIError{Code: code, Message: "Request is invalid and cannot be executed.", Type: typ, AtMessage: msg}.object())
	return string(b)
}

// Server answers the Kusto REST API.
type Server struct {
	*httptest.Server

	// Source answers the queries of a database that have no canned reply
	// (nil: such queries are refused as unknown tables).
	Source func(db string) query.Source
	// Tables lists a database's tables for the management commands.
	Tables func(db string) []query.ClusterTable
	// Replies are canned answers by query text.
	Replies map[string]Reply
	// Token, when set, is the bearer token every request must carry.
	Token string

	mu       sync.Mutex
	requests []Request
}

// New starts a plain-http server (as the emulator listens); NewTLS an
// https one (credentials are sent only over https).
func New() *Server {
	s := &Server{Replies: map[string]Reply{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// NewTLS starts an https server with a self-signed certificate; its
// Client() trusts it.
func NewTLS() *Server {
	s := &Server{Replies: map[string]Reply{}}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	return s
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1/rest/auth/metadata" {
		w.WriteHeader(http.StatusNotFound) // the SDK then takes the public cloud's defaults
		return
	}
	var body struct {
		DB         string `json:"db"`
		CSL        string `json:"csl"`
		Properties struct {
			Options map[string]any `json:"Options"`
		} `json:"properties"`
	}
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		httpError(w, 400, ErrorBody("BadRequest", "Kusto.Data.Exceptions.KustoBadRequestException", "the request body is not JSON: "+err.Error()))
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Path: r.URL.Path, Database: body.DB, CSL: body.CSL, Authorization: r.Header.Get("Authorization"), Options: body.Properties.Options})
	s.mu.Unlock()
	if s.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.Token {
		w.WriteHeader(http.StatusUnauthorized) // Kusto sends no body with a 401
		return
	}
	switch r.URL.Path {
	case "/v1/rest/mgmt":
		s.mgmt(w, body.DB, body.CSL)
	case "/v2/rest/query":
		s.query(r.Context(), w, body.DB, body.CSL, body.Properties.Options)
	default:
		http.NotFound(w, r)
	}
}

func httpError(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func (s *Server) query(ctx context.Context, w http.ResponseWriter, db, csl string, opts map[string]any) {
	reply, ok := s.Replies[csl]
	if !ok {
		var src query.Source
		if s.Source != nil {
			src = s.Source(db)
		}
		if src == nil {
			httpError(w, 400, ErrorBody("BadRequest_EntityNotFound", "Kusto.Data.Exceptions.EntityNotFoundException",
				fmt.Sprintf("Database '%s' was not found.", db)))
			return
		}
		var now time.Time
		if s, _ := opts["query_now"].(string); s != "" {
			now, _ = time.Parse(time.RFC3339Nano, s)
		}
		res, err := src.Run(ctx, csl, query.Options{Now: now})
		if err != nil {
			httpError(w, 400, queryErrorBody(err))
			return
		}
		reply = Reply{Result: res}
	}
	if reply.Status != 0 {
		httpError(w, reply.Status, reply.Body)
		return
	}
	fragmented, _ := opts["results_v2_fragment_primary_tables"].(bool)
	newlines, _ := opts["results_v2_newlines_between_frames"].(bool)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	io.WriteString(w, Frames(reply.Result, reply.PartialErrors, fragmented, newlines))
}

// queryErrorBody is a clickhunt query error as Kusto words one: the
// position in "[line:position=L:C]".
func queryErrorBody(err error) string {
	msg := err.Error()
	var typ = "Kusto.Data.Exceptions.SemanticException"
	if qe, ok := err.(*query.Error); ok {
		msg = fmt.Sprintf("Semantic error: %s [line:position=%d:%d]", qe.Msg, qe.Pos.Line, qe.Pos.Col)
	}
	return ErrorBody("General_BadRequest", typ, msg)
}

// Frames encodes a result as a REST v2 response: one JSON array of
// frames. fragmented sends the primary result as TableHeader,
// TableFragment and TableCompletion frames (what the Go SDK asks for)
// instead of one DataTable; newlines puts each frame on its own line.
// Partial errors go into the table's completion (fragmented) and the
// data set's completion, HasErrors set.
func Frames(res *query.Result, partial []OneAPIError, fragmented, newlines bool) string {
	var frames []any
	frames = append(frames, obj{{"FrameType", "DataSetHeader"}, {"IsProgressive", false}, {"Version", "v2.0"},
		{"IsFragmented", fragmented}, {"ErrorReportingPlacement", "EndOfTable"}})
	vis := "{}"
	if res.Render != nil {
		v := map[string]any{"Visualization": res.Render.Kind}
		for k, val := range res.Render.Properties {
			v[strings.ToUpper(k[:1])+k[1:]] = val
		}
		b, _ := json.Marshal(v)
		vis = string(b)
	}
	frames = append(frames, obj{{"FrameType", "DataTable"}, {"TableId", 0}, {"TableKind", "QueryProperties"}, {"TableName", "@ExtendedProperties"},
		{"Columns", []obj{columnObj("TableId", "int"), columnObj("Key", "string"), columnObj("Value", "dynamic")}},
		{"Rows", [][]any{{1, "Visualization", vis}}}})
	cols := make([]obj, len(res.Schema))
	for i, f := range res.Schema {
		cols[i] = columnObj(f.Name, f.Type.String())
	}
	rows := make([][]any, res.Batch.Len)
	for r := range rows {
		rows[r] = make([]any, len(res.Schema))
		for c := range res.Schema {
			rows[r][c] = jsonValue(res.Batch.Cols[c], r)
		}
	}
	var errs []any
	for _, e := range partial {
		errs = append(errs, e.object())
	}
	if fragmented {
		frames = append(frames, obj{{"FrameType", "TableHeader"}, {"TableId", 1}, {"TableKind", "PrimaryResult"}, {"TableName", "PrimaryResult"}, {"Columns", cols}})
		// Rows in fragments of at most 500, as a cluster streams them.
		for i := 0; i < len(rows) || i == 0; i += 500 {
			frames = append(frames, obj{{"FrameType", "TableFragment"}, {"TableFragmentType", "DataAppend"}, {"TableId", 1}, {"Rows", rows[i:min(i+500, len(rows))]}})
		}
		tc := obj{{"FrameType", "TableCompletion"}, {"TableId", 1}, {"RowCount", len(rows)}}
		if len(errs) > 0 {
			tc = append(tc, kv{"OneApiErrors", errs})
		}
		frames = append(frames, tc)
	} else {
		frames = append(frames, obj{{"FrameType", "DataTable"}, {"TableId", 1}, {"TableKind", "PrimaryResult"}, {"TableName", "PrimaryResult"}, {"Columns", cols}, {"Rows", rows}})
	}
	frames = append(frames, obj{{"FrameType", "DataTable"}, {"TableId", 2}, {"TableKind", "QueryCompletionInformation"}, {"TableName", "QueryCompletionInformation"},
		{"Columns", []obj{columnObj("Timestamp", "datetime"), columnObj("ClientRequestId", "string"), columnObj("ActivityId", "guid"),
			columnObj("SubActivityId", "guid"), columnObj("ParentActivityId", "guid"), columnObj("Level", "int"), columnObj("LevelName", "string"),
			columnObj("StatusCode", "int"), columnObj("StatusCodeName", "string"), columnObj("EventType", "int"), columnObj("EventTypeName", "string"),
			columnObj("Payload", "string")}},
		{"Rows", [][]any{{"2024-01-01T00:00:00Z", "test", "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000001",
			4, "Info", 0, "S_OK (0)", 4, "QueryInfo", `{"Count":1,"Text":"Query completed successfully"}`}}}})
	dc := obj{{"FrameType", "DataSetCompletion"}, {"HasErrors", len(errs) > 0}, {"Cancelled", false}}
	if len(errs) > 0 {
		dc = append(dc, kv{"OneApiErrors", errs})
	}
	frames = append(frames, dc)
	var sb strings.Builder
	for i, f := range frames {
		b, err := json.Marshal(f)
		if err != nil {
			panic("BUG: kustotest frame: " + err.Error())
		}
		switch {
		case i == 0:
			sb.WriteString("[")
		case newlines:
			sb.WriteString("\n,")
		default:
			sb.WriteString(",")
		}
		sb.Write(b)
	}
	if newlines {
		sb.WriteString("\n")
	}
	sb.WriteString("]")
	if newlines {
		sb.WriteString("\n")
	}
	return sb.String()
}

// obj is a JSON object that keeps its keys in order: a frame's first key
// is its FrameType, which clients read before the rest.
type obj []kv

type kv struct {
	k string
	v any
}

func (o obj) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, p := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(p.k)
		v, err := json.Marshal(p.v)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

func columnObj(name, typ string) obj { return obj{{"ColumnName", name}, {"ColumnType", typ}} }

// jsonValue is row r of v as Kusto's JSON encodes it: datetimes and
// timespans as strings, dynamic values as JSON, nulls as null.
func jsonValue(v *column.Vector, r int) any {
	if v.IsNull(r) {
		return nil
	}
	switch v.Type {
	case column.String:
		return v.Str(r)
	case column.Guid:
		if s := v.Str(r); s != "" {
			return s
		}
		return nil
	case column.Long, column.Int:
		return v.Int(r)
	case column.Real:
		f := v.Float(r)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return column.FormatReal(f)
		}
		return f
	case column.Bool:
		return v.Bool(r)
	case column.Datetime:
		return column.FormatDatetime(v.Int(r))
	case column.Timespan:
		return column.FormatTimespan(v.Int(r))
	case column.Dynamic:
		if v.Anys != nil {
			return json.RawMessage(column.AppendDynamicJSON(nil, v.Anys[r]))
		}
		if s := v.Str(r); s != "" {
			var x any
			if json.Unmarshal([]byte(s), &x) == nil {
				return x
			}
			return s
		}
		return nil
	}
	return nil
}

// mgmt answers the management commands the client sends.
func (s *Server) mgmt(w http.ResponseWriter, db, csl string) {
	var tables []query.ClusterTable
	if s.Tables != nil {
		tables = s.Tables(db)
	}
	type col struct{ ColumnName, DataType, ColumnType string }
	var out struct {
		Tables []struct {
			TableName string
			Columns   []col
			Rows      [][]any
		}
	}
	out.Tables = make([]struct {
		TableName string
		Columns   []col
		Rows      [][]any
	}, 1)
	t := &out.Tables[0]
	t.TableName = "Table_0"
	switch strings.TrimSpace(csl) {
	case ".show database schema":
		t.Columns = []col{{"DatabaseName", "String", "string"}, {"TableName", "String", "string"}, {"ColumnName", "String", "string"},
			{"ColumnType", "String", "string"}, {"IsDefaultTable", "Boolean", "bool"}, {"IsDefaultColumn", "Boolean", "bool"},
			{"PrettyName", "String", "string"}, {"Version", "String", "string"}, {"Folder", "String", "string"}, {"DocString", "String", "string"}}
		t.Rows = append(t.Rows, []any{db, nil, nil, nil, false, false, nil, "v1.0", nil, nil})
		for _, tb := range tables {
			t.Rows = append(t.Rows, []any{db, tb.Name, nil, nil, false, false, nil, "v1.0", nil, nil})
			for _, f := range tb.Schema {
				t.Rows = append(t.Rows, []any{db, tb.Name, f.Name, dotnetType(f.Type), false, false, nil, "v1.0", nil, nil})
			}
		}
	case ".show tables details":
		t.Columns = []col{{"TableName", "String", "string"}, {"DatabaseName", "String", "string"}, {"TotalRowCount", "Int64", "long"}}
		for _, tb := range tables {
			t.Rows = append(t.Rows, []any{tb.Name, db, tb.Rows})
		}
	default:
		httpError(w, 400, ErrorBody("BadRequest", "Kusto.Data.Exceptions.SyntaxException", "Syntax error: SYN0002: A recognition error occurred. [line:position=1:1]"))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(out)
}

// dotnetType is the .NET type name .show database schema gives a column.
func dotnetType(t column.Type) string {
	switch t {
	case column.String:
		return "System.String"
	case column.Long:
		return "System.Int64"
	case column.Int:
		return "System.Int32"
	case column.Real:
		return "System.Double"
	case column.Bool:
		return "System.Boolean"
	case column.Datetime:
		return "System.DateTime"
	case column.Timespan:
		return "System.TimeSpan"
	case column.Guid:
		return "System.Guid"
	}
	return "System.Object"
}
