// Package kusto runs KQL on a Kusto cluster — Azure Data Explorer, a
// Microsoft Fabric Eventhouse, the Kusto emulator — through Microsoft's Go
// SDK for Kusto data (azkustodata) and its REST query API, and turns what
// comes back into clickhunt's column batches. It is the second engine the
// query front door (query/cluster.go) puts behind the same Run.
package kusto

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-kusto-go/azkustodata"
	"github.com/Azure/azure-kusto-go/azkustodata/kql"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"clickhunt/column"
)

// The ways to authenticate (Options.Auth).
const (
	// AuthAuto: a token in $CLICKHUNT_KUSTO_TOKEN, else none for a
	// plain-http cluster on this machine (the Kusto emulator), else the
	// Azure CLI's login, then the machine's managed identity.
	AuthAuto = "auto"
	// AuthNone sends no credentials (the emulator has none).
	AuthNone = "none"
	// AuthToken sends the bearer token of $CLICKHUNT_KUSTO_TOKEN.
	AuthToken = "token"
	// AuthCLI asks the Azure CLI (az login) for tokens.
	AuthCLI = "azcli"
	// AuthMSI uses the managed identity of the Azure machine it runs on.
	AuthMSI = "msi"
)

// Auths lists the Options.Auth values.
var Auths = []string{AuthAuto, AuthNone, AuthToken, AuthCLI, AuthMSI}

// TokenEnv is the environment variable holding a bearer token for the
// cluster (e.g. from az account get-access-token --resource URL).
const TokenEnv = "CLICKHUNT_KUSTO_TOKEN"

// Options say which cluster and database to query and how.
type Options struct {
	// URL is the cluster's query endpoint: https://CLUSTER.REGION.kusto.windows.net,
	// or http://localhost:8080 for the emulator.
	URL      string
	Database string
	// Auth is one of Auths ("" is AuthAuto).
	Auth string
	// Token is the bearer token of AuthToken (and of AuthAuto when set);
	// "" reads $CLICKHUNT_KUSTO_TOKEN.
	Token string
	// HTTPClient carries the requests (nil: a default client).
	HTTPClient *http.Client
}

// Client queries one database of a cluster. It is safe for concurrent use.
type Client struct {
	c    *azkustodata.Client
	url  string
	db   string
	auth string // the way it authenticates, for messages
}

// Connect prepares a client; nothing is sent until the first query.
func Connect(o Options) (*Client, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("cluster URL %q: expected https://CLUSTER.REGION.kusto.windows.net (or http://localhost:8080 for the emulator)", o.URL)
	}
	if o.Database == "" {
		return nil, errors.New("a cluster needs a database (--database DB)")
	}
	token := o.Token
	if token == "" {
		token = os.Getenv(TokenEnv)
	}
	auth := o.Auth
	if auth == "" || auth == AuthAuto {
		switch {
		case token != "":
			auth = AuthToken
		case u.Scheme == "http" && isLoopback(u.Hostname()):
			auth = AuthNone
		default:
			auth = "azcli+msi"
		}
	}
	kcsb := azkustodata.NewConnectionStringBuilder(strings.TrimRight(o.URL, "/"))
	switch auth {
	case AuthNone:
	case AuthToken:
		if token == "" {
			return nil, fmt.Errorf("--auth token: $%s holds no token", TokenEnv)
		}
		kcsb = kcsb.WithAadUserToken(token)
	case AuthCLI:
		kcsb = kcsb.WithAzCli()
	case AuthMSI:
		kcsb = kcsb.WithSystemManagedIdentity()
	case "azcli+msi":
		var creds []azcore.TokenCredential
		if c, err := azidentity.NewAzureCLICredential(nil); err == nil {
			creds = append(creds, c)
		}
		if c, err := azidentity.NewManagedIdentityCredential(nil); err == nil {
			creds = append(creds, c)
		}
		chain, err := azidentity.NewChainedTokenCredential(creds, nil)
		if err != nil {
			return nil, fmt.Errorf("no way to sign in to the cluster: %w", err)
		}
		kcsb = kcsb.WithTokenCredential(chain)
	default:
		return nil, fmt.Errorf("unknown --auth %q (want %s)", auth, strings.Join(Auths, ", "))
	}
	if auth != AuthNone && u.Scheme != "https" {
		return nil, fmt.Errorf("cluster URL %s: credentials go only over https (a plain-http cluster is the emulator: --auth none)", o.URL)
	}
	kcsb.SetConnectorDetails("clickhunt", "", "", "", false, "")
	var copts []azkustodata.Option
	if o.HTTPClient != nil {
		copts = append(copts, azkustodata.WithHttpClient(o.HTTPClient))
	}
	c, err := azkustodata.New(kcsb, copts...)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to %s: %w", o.URL, err)
	}
	return &Client{c: c, url: o.URL, db: o.Database, auth: auth}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL and Database name what the client queries.
func (c *Client) URL() string      { return c.url }
func (c *Client) Database() string { return c.db }

// Close releases the client's connections.
func (c *Client) Close() error { return c.c.Close() }

// Result is a query's primary result.
type Result struct {
	Schema column.Schema
	Batch  *column.Batch
	// Visualization is what a render operator asked for (the
	// @ExtendedProperties table's Visualization entry); nil without one.
	Visualization map[string]any
}

// Query runs text (let statements and one query) in the database. A zero
// now leaves now() to the cluster's clock; otherwise the request pins it
// (the query_now request property). The cluster's errors are *Error.
func (c *Client) Query(ctx context.Context, text string, now time.Time) (*Result, error) {
	opts := []azkustodata.QueryOption{azkustodata.Application("clickhunt")}
	if !now.IsZero() {
		opts = append(opts, azkustodata.QueryNow(now.UTC()))
	}
	ds, err := c.c.Query(ctx, c.db, kql.New("").AddUnsafe(text), opts...)
	if err != nil {
		return nil, c.explain(ctx, err, text)
	}
	res := &Result{}
	found := false
	for _, t := range ds.Tables() {
		switch {
		case t.Kind() == "PrimaryResult" && !found:
			found = true
			if res.Schema, res.Batch, err = tableBatch(t); err != nil {
				return nil, fmt.Errorf("cannot read the cluster's result: %w", err)
			}
		case t.Kind() == "QueryProperties":
			res.Visualization = visualization(t)
		}
	}
	if !found {
		return nil, errors.New("the cluster sent no result table")
	}
	return res, nil
}

// TableInfo is one table of the database: its columns and (when the
// cluster says) its rows.
type TableInfo struct {
	Name    string
	Schema  column.Schema
	Rows    int64
	HasRows bool
}

// Tables lists the database's tables with their columns (.show database
// schema) and row counts (.show tables details), sorted by name.
func (c *Client) Tables(ctx context.Context) ([]TableInfo, error) {
	ds, err := c.c.Mgmt(ctx, c.db, kql.New(".show database schema"))
	if err != nil {
		return nil, c.explain(ctx, err, "")
	}
	byName := map[string]*TableInfo{}
	var order []string
	for _, t := range ds.Tables() {
		for _, row := range t.Rows() {
			table, _ := row.StringByName("TableName")
			col, _ := row.StringByName("ColumnName")
			typ, _ := row.StringByName("ColumnType")
			if table == "" {
				continue
			}
			ti := byName[table]
			if ti == nil {
				ti = &TableInfo{Name: table}
				byName[table] = ti
				order = append(order, table)
			}
			if col != "" {
				ct, ok := column.ParseType(typ)
				if !ok {
					ct = clusterType(typ)
				}
				ti.Schema = append(ti.Schema, column.Field{Name: col, Type: ct})
			}
		}
	}
	// Row counts are a convenience: a cluster that will not say leaves
	// them unknown.
	if details, err := c.c.Mgmt(ctx, c.db, kql.New(".show tables details")); err == nil {
		for _, t := range details.Tables() {
			for _, row := range t.Rows() {
				name, _ := row.StringByName("TableName")
				n, err := row.LongByName("TotalRowCount")
				if ti := byName[name]; ti != nil && err == nil && n != nil {
					ti.Rows, ti.HasRows = *n, true
				}
			}
		}
	}
	out := make([]TableInfo, 0, len(order))
	for _, n := range order {
		out = append(out, *byName[n])
	}
	sortTables(out)
	return out, nil
}

// clusterType maps a .NET type name of .show database schema that
// column.ParseType does not know (System.Data.SqlTypes.SqlDecimal).
func clusterType(s string) column.Type {
	if strings.Contains(strings.ToLower(s), "decimal") {
		return column.Real
	}
	return column.String
}
