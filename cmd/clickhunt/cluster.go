package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"clickhunt/column"
	"clickhunt/query"
	"clickhunt/storage"
)

// clusterFlags send a command's KQL to a Kusto cluster instead of the
// local database: query, report, urltrace, messagetrace and the REPL take
// them.
type clusterFlags struct {
	Cluster  string `placeholder:"URL" help:"Run on this Kusto cluster instead of the local database: https://CLUSTER.REGION.kusto.windows.net, or http://localhost:8080 for the Kusto emulator."`
	Database string `placeholder:"DB" help:"The cluster's database (with --cluster)."`
	Auth     string `placeholder:"HOW" help:"How to sign in to the cluster: auto (a token in $$CLICKHUNT_KUSTO_TOKEN, else none for http://localhost, else the Azure CLI's login, then managed identity), none, token, azcli, msi."`
}

// check reports flags that do not go together (a usage error).
func (f clusterFlags) check() error {
	switch {
	case f.Cluster == "" && f.Database != "":
		return errors.New("--database names a cluster's database: give --cluster URL too")
	case f.Cluster != "" && f.Database == "":
		return errors.New("--cluster needs --database DB")
	case f.Auth != "" && !slices.Contains(query.ClusterAuths, f.Auth):
		return fmt.Errorf("--auth %s: want one of %s", f.Auth, strings.Join(query.ClusterAuths, ", "))
	}
	return nil
}

// open connects to the cluster the flags name (nothing is sent yet).
func (f clusterFlags) open() (*query.Cluster, error) {
	return query.OpenCluster(query.ClusterOptions{URL: f.Cluster, Database: f.Database, Auth: f.Auth})
}

// openSource returns what a command's queries run on: the cluster when
// the flags name one (its tables read at once, so that a cluster that
// cannot be reached or refuses the credentials says so before anything
// else), else a snapshot of the local database. done releases it.
func openSource(ctx context.Context, dbDir string, f clusterFlags, cached bool) (src query.Source, done func(), err error) {
	if f.Cluster != "" {
		c, err := f.open()
		if err != nil {
			return nil, nil, err
		}
		if _, err := c.Tables(ctx); err != nil {
			c.Close()
			return nil, nil, err
		}
		return c, func() { c.Close() }, nil
	}
	db, err := openForQuery(dbDir, cached)
	if err != nil {
		return nil, nil, err
	}
	snap, err := db.Snapshot()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return query.Local(snap), func() { snap.Close(); db.Close() }, nil
}

// clusterEngine is the session's engine on a cluster: the REPL after
// .connect, or query --cluster.
type clusterEngine struct {
	c *query.Cluster
}

// clusterTimeout bounds the management commands behind .tables and
// completion, which have no Ctrl-C of their own.
const clusterTimeout = 30 * time.Second

func (e *clusterEngine) Tables() ([]storage.TableInfo, error) {
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	ts, err := e.c.Tables(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]storage.TableInfo, len(ts))
	for i, t := range ts {
		out[i] = storage.TableInfo{Name: t.Name, Rows: t.Rows}
		for j, f := range t.Schema {
			out[i].Columns = append(out[i].Columns, storage.ColumnInfo{ID: uint32(j), Name: f.Name, Type: f.Type})
		}
	}
	return out, nil
}

func (e *clusterEngine) Table(name string) (*storage.TableInfo, error) {
	ts, err := e.Tables()
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].Name == name {
			return &ts[i], nil
		}
	}
	return nil, fmt.Errorf("%w on %s", storage.ErrNoTable, e.c.Name())
}

func (e *clusterEngine) Run(ctx context.Context, text string, now time.Time) (*query.Result, error) {
	return e.c.Run(ctx, text, query.Options{Now: now})
}

// Check parses and resolves text with clickhunt's planner against the
// cluster's table schemas, without running it.
func (e *clusterEngine) Check(text string) error {
	ts, err := e.Tables()
	if err != nil {
		return err
	}
	schemas := map[string]column.Schema{}
	for _, t := range ts {
		s := make(column.Schema, len(t.Columns))
		for i, c := range t.Columns {
			s[i] = column.Field{Name: c.Name, Type: c.Type}
		}
		schemas[t.Name] = s
	}
	return query.CheckSchemas(schemas, text)
}

// dotConnect is the REPL's .connect URL DB [AUTH]: queries go to the
// cluster until .disconnect.
func (s *session) dotConnect(ctx context.Context, args []string) (bool, error) {
	if len(args) < 2 || len(args) > 3 {
		return false, fmt.Errorf("usage: .connect URL DATABASE [%s]", strings.Join(query.ClusterAuths, "|"))
	}
	f := clusterFlags{Cluster: args[0], Database: args[1]}
	if len(args) == 3 {
		f.Auth = args[2]
	}
	c, err := f.open()
	if err != nil {
		return false, err
	}
	cctx, stop := signalContext(ctx)
	defer stop()
	ts, err := c.Tables(cctx)
	if err != nil {
		c.Close()
		return false, err
	}
	s.disconnect()
	s.local = s.eng
	s.eng = &clusterEngine{c: c}
	fmt.Fprintf(s.stdout, "connected to %s (%d tables); .disconnect goes back to the local database\n", c.Name(), len(ts))
	return false, nil
}

// dotDisconnect is the REPL's .disconnect: back to the local database.
func (s *session) dotDisconnect(_ context.Context, _ []string) (bool, error) {
	if _, ok := s.eng.(*clusterEngine); !ok {
		return false, errors.New("not connected to a cluster")
	}
	s.disconnect()
	fmt.Fprintf(s.stdout, "back to the local database %s\n", s.dbDir)
	return false, nil
}

// disconnect closes the cluster connection, if any, and restores the
// local engine.
func (s *session) disconnect() {
	if ce, ok := s.eng.(*clusterEngine); ok {
		ce.c.Close()
		s.eng = s.local
		s.local = nil
	}
}
