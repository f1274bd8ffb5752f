package kusto_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"clickhunt/column"
	"clickhunt/kusto"
	"clickhunt/kusto/kustotest"
	"clickhunt/query"
)

// everyType is a result holding each Kusto type, nulls included.
func everyType(rows int) *query.Result {
	schema := column.Schema{
		{Name: "Timestamp", Type: column.Datetime}, {Name: "Url", Type: column.String}, {Name: "Count", Type: column.Long},
		{Name: "Small", Type: column.Int}, {Name: "Score", Type: column.Real}, {Name: "Through", Type: column.Bool},
		{Name: "Took", Type: column.Timespan}, {Name: "Bag", Type: column.Dynamic}, {Name: "Id", Type: column.Guid},
	}
	bs := []*column.Builder{column.NewBuilder(column.Datetime, rows), column.NewBuilder(column.String, rows), column.NewBuilder(column.Long, rows),
		column.NewBuilder(column.Int, rows), column.NewBuilder(column.Real, rows), column.NewBuilder(column.Bool, rows),
		column.NewBuilder(column.Timespan, rows), column.NewDynamicBuilder(rows), column.NewBuilder(column.Guid, rows)}
	base, _ := column.ParseDatetime("2023-12-21T19:04:59.0109752Z")
	for r := 0; r < rows; r++ {
		if r%7 == 3 { // a row of nulls (strings are never null: empty)
			for i, b := range bs {
				if i == 1 {
					b.AppendString("")
				} else {
					b.AppendNull()
				}
			}
			continue
		}
		bs[0].AppendInt(base + int64(r)*column.Second + int64(r%10)) // 100-ns ticks
		bs[1].AppendString("https://a.example/" + strings.Repeat("x", r%5) + "?q=\"1\",2")
		bs[2].AppendInt(int64(r) * -1e12)
		bs[3].AppendInt(int64(r))
		bs[4].AppendFloat([]float64{0.1, -2.5e10, math.NaN(), math.Inf(1)}[r%4])
		bs[5].AppendBool(r%2 == 0)
		bs[6].AppendInt(column.Day + int64(r)*column.Millisecond + 3)
		bs[7].AppendDynamic(map[string]any{"r": int64(r), "tags": []any{"a", true, nil}})
		bs[8].AppendString("0aeb1a42-c28e-45f8-95c6-f1b60d922d13")
	}
	b := &column.Batch{Len: rows}
	for _, bl := range bs {
		b.Cols = append(b.Cols, bl.Build())
	}
	return &query.Result{Schema: schema, Batch: b}
}

func connect(t *testing.T, s *kustotest.Server, o kusto.Options) *kusto.Client {
	t.Helper()
	if o.URL == "" {
		o.URL = s.URL
	}
	if o.Database == "" {
		o.Database = "Hunting"
	}
	if o.HTTPClient == nil {
		o.HTTPClient = s.Client()
	}
	c, err := kusto.Connect(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Every type comes back exactly, through the SDK's fragmented frames (1,234
// rows: three fragments), and the request says what it should.
func TestQueryEveryType(t *testing.T) {
	s := kustotest.New()
	defer s.Close()
	want := everyType(1234)
	s.Replies["T | take 1234"] = kustotest.Reply{Result: want}
	c := connect(t, s, kusto.Options{})
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	got, err := c.Query(context.Background(), "T | take 1234", now)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(got.Schema, want.Schema) {
		t.Fatalf("schema %v, want %v", got.Schema, want.Schema)
	}
	if got.Batch.Len != want.Batch.Len {
		t.Fatalf("%d rows, want %d", got.Batch.Len, want.Batch.Len)
	}
	for c, f := range want.Schema {
		for r := 0; r < want.Batch.Len; r++ {
			w, g := want.Batch.Cols[c], got.Batch.Cols[c]
			if w.IsNull(r) != g.IsNull(r) || column.FormatValue(w, r) != column.FormatValue(g, r) {
				t.Fatalf("%s row %d: got %q (null %v), want %q (null %v)", f.Name, r, column.FormatValue(g, r), g.IsNull(r), column.FormatValue(w, r), w.IsNull(r))
			}
		}
	}
	if got.Visualization != nil {
		t.Errorf("visualization %v without render", got.Visualization)
	}
	reqs := s.Requests()
	last := reqs[len(reqs)-1]
	if last.Path != "/v2/rest/query" || last.Database != "Hunting" || last.CSL != "T | take 1234" || last.Authorization != "" {
		t.Errorf("request %+v", last)
	}
	if last.Options["query_now"] != "2024-03-01T12:00:00Z" || last.Options["results_v2_fragment_primary_tables"] != true {
		t.Errorf("request options %v", last.Options)
	}
}

func TestRender(t *testing.T) {
	s := kustotest.New()
	defer s.Close()
	res := everyType(3)
	res.Render = &query.Render{Kind: "barchart", Properties: map[string]any{"title": "Clicks by action", "ycolumns": "Count"}}
	s.Replies["T | render barchart"] = kustotest.Reply{Result: res}
	got, err := connect(t, s, kusto.Options{}).Query(context.Background(), "T | render barchart", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	kind, props := kusto.RenderProperties(got.Visualization)
	if kind != "barchart" || !cmp.Equal(props, res.Render.Properties) {
		t.Errorf("render %s %v, want barchart %v", kind, props, res.Render.Properties)
	}
}

func TestQueryErrors(t *testing.T) {
	s := kustotest.New()
	defer s.Close()
	s.Replies["UrlClickEvents | wher x"] = kustotest.Reply{Status: 400, Body: kustotest.ErrorBody("General_BadRequest", "Kusto.Data.Exceptions.SyntaxException",
		"Syntax error: SYN0002: A recognition error occurred. [line:position=1:18]")}
	s.Replies["UrlClickEvents\n| where Foo == 1"] = kustotest.Reply{Status: 400, Body: `{"error":{"code":"BadArgumentError","message":"The request had some invalid properties",` +
		`"innererror":{"code":"SemanticError","message":"A semantic error occurred.","innererror":{"code":"SEM0100","message":"'where' operator: Failed to resolve scalar expression named 'Foo'","line":2,"pos":8}}}}`}
	s.Replies["T | take 5"] = kustotest.Reply{Status: 500, Body: "not json"}
	partial := kustotest.OneAPIError{Code: "LimitsExceeded", Message: "Request is invalid and cannot be executed.", Type: "Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException",
		AtMessage: "Query execution has exceeded the allowed limits (80DA0003): the results of this query exceed the set limit of 500000 records (E_QUERY_RESULT_SET_TOO_LARGE)."}
	s.Replies["UrlClickEvents"] = kustotest.Reply{Result: everyType(10), PartialErrors: []kustotest.OneAPIError{partial}}
	c := connect(t, s, kusto.Options{})

	f := func(text string, want kusto.Error) {
		t.Helper()
		_, err := c.Query(context.Background(), text, time.Time{})
		var ke *kusto.Error
		if !errors.As(err, &ke) {
			t.Fatalf("%q: %v (%T), want a *kusto.Error", text, err, err)
		}
		if *ke != want {
			t.Errorf("%q:\n got %+v\nwant %+v", text, *ke, want)
		}
	}
	f("UrlClickEvents | wher x", kusto.Error{Line: 1, Col: 18, Msg: "Syntax error: SYN0002: A recognition error occurred", Code: "General_BadRequest", Status: 400})
	f("UrlClickEvents\n| where Foo == 1", kusto.Error{Line: 2, Col: 9, Msg: "The request had some invalid properties", Code: "SEM0100", Status: 400})
	f("T | take 5", kusto.Error{Msg: "the cluster refused the request (500 Internal Server Error)", Status: 500})
	f("UrlClickEvents", kusto.Error{Msg: "the query failed part way on the cluster, its result is incomplete: " + partial.AtMessage, Code: "LimitsExceeded"})
	// A query clickhunt's engine cannot answer: the server words its
	// error as Kusto does, with the position.
	f("Nope | count", kusto.Error{Msg: "Database 'Hunting' was not found.", Code: "BadRequest_EntityNotFound", Status: 400})
}

// A token goes only over https, as "Bearer TOKEN"; a refused one is an
// ErrAuth saying where the token came from.
func TestToken(t *testing.T) {
	s := kustotest.NewTLS()
	defer s.Close()
	s.Token = "secret-token"
	s.Replies["print 1"] = kustotest.Reply{Result: everyType(1)}
	if _, err := connect(t, s, kusto.Options{Token: "secret-token"}).Query(context.Background(), "print 1", time.Time{}); err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	if got := reqs[len(reqs)-1].Authorization; got != "Bearer secret-token" {
		t.Errorf("Authorization %q", got)
	}
	_, err := connect(t, s, kusto.Options{Token: "wrong"}).Query(context.Background(), "print 1", time.Time{})
	if !errors.Is(err, kusto.ErrAuth) || !strings.Contains(err.Error(), "401 Unauthorized") || !strings.Contains(err.Error(), "$CLICKHUNT_KUSTO_TOKEN") || strings.Contains(err.Error(), "\n") {
		t.Errorf("wrong token: %v", err)
	}
	// Plain http with a credential is refused before anything is sent.
	if _, err := kusto.Connect(kusto.Options{URL: "http://example.com:8080", Database: "D", Token: "x"}); err == nil || !strings.Contains(err.Error(), "only over https") {
		t.Errorf("http with a token: %v", err)
	}
}

func TestUnreachable(t *testing.T) {
	s := kustotest.New()
	url := s.URL
	s.Close()
	c, err := kusto.Connect(kusto.Options{URL: url, Database: "D"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Query(context.Background(), "print 1", time.Time{})
	if !errors.Is(err, kusto.ErrUnreachable) || !strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "\n") {
		t.Errorf("closed server: %v", err)
	}
}

func TestTables(t *testing.T) {
	s := kustotest.New()
	defer s.Close()
	want := []query.ClusterTable{
		{Name: "MessageTrace", Schema: column.Schema{{Name: "Timestamp", Type: column.Datetime}, {Name: "Size", Type: column.Long}}, Rows: 2683, HasRows: true},
		{Name: "UrlClickEvents", Schema: column.Schema{{Name: "Timestamp", Type: column.Datetime}, {Name: "IsClickedThrough", Type: column.Bool}, {Name: "UrlChain", Type: column.Dynamic}}, Rows: 5000, HasRows: true},
	}
	s.Tables = func(db string) []query.ClusterTable { return []query.ClusterTable{want[1], want[0]} }
	got, err := connect(t, s, kusto.Options{}).Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(got, want) {
		t.Errorf("tables %v, want %v", got, want)
	}
}

func TestConnectRefusals(t *testing.T) {
	t.Setenv(kusto.TokenEnv, "")
	for _, o := range []kusto.Options{
		{URL: "kusto.windows.net", Database: "D"},
		{URL: "ftp://x", Database: "D"},
		{URL: "https://c.kusto.windows.net"},
		{URL: "https://c.kusto.windows.net", Database: "D", Auth: "password"},
		{URL: "https://c.kusto.windows.net", Database: "D", Auth: kusto.AuthToken, Token: ""},
	} {
		if _, err := kusto.Connect(o); err == nil {
			t.Errorf("Connect(%+v) accepted", o)
		}
	}
}
