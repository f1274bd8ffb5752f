package query

import (
	"context"
	"errors"
	"sync"
	"time"

	"clickhunt/column"
	"clickhunt/kusto"
	"clickhunt/query/syntax"
	"clickhunt/storage"
)

// Source is what a query runs on: a snapshot of the local database
// (Local) or a Kusto cluster (OpenCluster). The report and the trace
// commands build their KQL against one without knowing which.
type Source interface {
	// Run runs one query (let statements and a tabular expression).
	Run(ctx context.Context, text string, opts Options) (*Result, error)
	// TableSchema returns a table's columns; ok is false when the source
	// has no table of that name.
	TableSchema(ctx context.Context, name string) (schema column.Schema, ok bool, err error)
}

// Local is a Source over a snapshot of the local database (nil: no tables).
func Local(snap *storage.Snapshot) Source { return localSource{snap} }

type localSource struct{ snap *storage.Snapshot }

func (l localSource) Run(ctx context.Context, text string, opts Options) (*Result, error) {
	return Run(ctx, l.snap, text, opts)
}

func (l localSource) TableSchema(_ context.Context, name string) (column.Schema, bool, error) {
	s, ok := catalog{l.snap}.TableSchema(name)
	return s, ok, nil
}

// ClusterOptions say which cluster and database to query and how to sign
// in (kusto.Options).
type ClusterOptions = kusto.Options

// ClusterTable is a table of a cluster's database.
type ClusterTable = kusto.TableInfo

// ClusterAuths are the ways to sign in to a cluster (ClusterOptions.Auth).
var ClusterAuths = kusto.Auths

// The errors of a cluster that are not about the query (kusto package).
var (
	ErrClusterUnreachable = kusto.ErrUnreachable
	ErrClusterAuth        = kusto.ErrAuth
)

// Cluster is the second engine behind the front door: a Kusto cluster
// that runs the same KQL itself, through its REST query API. Results come
// back as the local engine's do (a schema, one batch, the render
// operator's chart); errors the cluster places in the query are *Error,
// so they print with their line, column and caret.
type Cluster struct {
	c *kusto.Client

	mu     sync.Mutex
	tables []ClusterTable // read once, for TableSchema
}

// OpenCluster prepares queries to a cluster's database; nothing is sent
// until the first one.
func OpenCluster(o ClusterOptions) (*Cluster, error) {
	c, err := kusto.Connect(o)
	if err != nil {
		return nil, err
	}
	return &Cluster{c: c}, nil
}

// Name is the cluster's URL and database, for messages.
func (c *Cluster) Name() string { return c.c.URL() + " database " + c.c.Database() }

// URL and Database name what the cluster queries.
func (c *Cluster) URL() string      { return c.c.URL() }
func (c *Cluster) Database() string { return c.c.Database() }

// Close releases the connection.
func (c *Cluster) Close() error { return c.c.Close() }

// Run runs text on the cluster. opts.Now pins now() (the query_now
// request property); the cluster bounds memory itself, so MaxMemory and
// Progress have no effect.
func (c *Cluster) Run(ctx context.Context, text string, opts Options) (*Result, error) {
	start := time.Now()
	r, err := c.c.Query(ctx, text, opts.Now)
	if err != nil {
		var ke *kusto.Error
		if errors.As(err, &ke) && ke.Line > 0 {
			return nil, &Error{Pos: syntax.Pos{Line: ke.Line, Col: ke.Col}, Msg: ke.Msg + " (the cluster's error)", Err: err}
		}
		return nil, err
	}
	res := &Result{Schema: r.Schema, Batch: r.Batch, Stats: Stats{Elapsed: time.Since(start)}}
	if r.Visualization != nil {
		kind, props := kusto.RenderProperties(r.Visualization)
		res.Render = &Render{Kind: kind, Properties: props}
	}
	return res, nil
}

// Tables lists the database's tables with their columns and rows.
func (c *Cluster) Tables(ctx context.Context) ([]ClusterTable, error) {
	ts, err := c.c.Tables(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.tables = ts
	c.mu.Unlock()
	return ts, nil
}

// TableSchema returns a table's columns (the database's schema is read
// once per Cluster).
func (c *Cluster) TableSchema(ctx context.Context, name string) (column.Schema, bool, error) {
	c.mu.Lock()
	ts := c.tables
	c.mu.Unlock()
	if ts == nil {
		var err error
		if ts, err = c.Tables(ctx); err != nil {
			return nil, false, err
		}
	}
	for _, t := range ts {
		if t.Name == name {
			return t.Schema, true, nil
		}
	}
	return nil, false, nil
}
