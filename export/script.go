package export

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// ScriptOptions fill in the .kql script's ingest commands.
type ScriptOptions struct {
	// Source says what was exported ("database /data/db", "query ...").
	Source string
	// IngestFrom is where the cluster will read the parts: a blob
	// container URL (a SAS token after '?' is kept at the end of every
	// part's URL) or a directory on the cluster's own machine (the Kusto
	// emulator's mounted /kustodata). Empty: a placeholder to replace.
	IngestFrom string
	// Cluster and Database fill in the LightIngest lines (placeholders
	// when empty).
	Cluster, Database string
	// Now dates the script (zero: the clock).
	Now time.Time
}

// PlaceholderIngestFrom stands for the blob container in the script when
// no ScriptOptions.IngestFrom is given.
const PlaceholderIngestFrom = "https://ACCOUNT.blob.core.windows.net/CONTAINER?SAS"

// partURI is where the cluster reads part name from: from's path joined
// with the name, a query string (a SAS token) kept at the end.
func partURI(from, name string) string {
	base, query, hasQuery := strings.Cut(from, "?")
	uri := strings.TrimRight(base, "/") + "/" + name
	if hasQuery {
		uri += "?" + query
	}
	return uri
}

// WriteScript writes the export's .kql script to w: for each table the
// .create-merge table command with its KQL types, the ingestion mapping
// of its format, one .ingest command a part and the LightIngest command
// line that ingests them all. Control commands are separated by blank
// lines, as Kusto Explorer and the web UI run them one at a time.
func (e *Export) WriteScript(w io.Writer, o ScriptOptions) error {
	from := o.IngestFrom
	if from == "" {
		from = PlaceholderIngestFrom
	}
	cluster, db := o.Cluster, o.Database
	if cluster == "" {
		cluster = "https://ingest-CLUSTER.REGION.kusto.windows.net"
	} else if strings.HasPrefix(cluster, "https://") && !strings.HasPrefix(cluster, "https://ingest-") {
		// LightIngest works best through the cluster's ingestion
		// endpoint (the Data Management service), ingest-CLUSTER.
		cluster = "https://ingest-" + strings.TrimPrefix(cluster, "https://")
	}
	if db == "" {
		db = "DATABASE"
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	format := e.opts.Format
	if format == FormatCSV {
		format = "csv, gzip-compressed"
	}
	dataDir, err := filepath.Abs(filepath.Join(e.opts.Dir, DataDir))
	if err != nil {
		dataDir = filepath.Join(e.opts.Dir, DataDir)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "// clickhunt export of %s, %s: %d table(s), %s.\n", o.Source, now.UTC().Format(time.RFC3339), len(e.tables), format)
	sb.WriteString(`//
// Run these control commands in the target database (the Azure Data Explorer
// web UI, Kusto Explorer, or any Kusto client), one at a time: each is
// separated from the next by a blank line. The .create-merge commands create
// the tables with their KQL types (or add missing columns to existing ones);
// the mappings tell ingestion where each column is in the files. Then ingest
// the parts: upload the files under the data directory to a blob container
// and run the .ingest commands, or run the LightIngest command lines instead.
`)
	if o.IngestFrom == "" {
		fmt.Fprintf(&sb, "// Replace %s with the container's URL and SAS token.\n", PlaceholderIngestFrom)
	}
	sb.WriteString("// Data directory: " + dataDir + "\n")
	for _, t := range e.tables {
		var bytes int64
		for _, p := range t.Parts {
			bytes += p.Bytes
		}
		fmt.Fprintf(&sb, "\n// Table %s: %d rows in %d part(s), %d bytes.\n", t.Name, t.Rows, len(t.Parts), bytes)
		for _, f := range t.Schema {
			if KustoType(f.Type, t.format) != f.Type.String() {
				fmt.Fprintf(&sb, "// %s is a %s written as %s (100-ns ticks): Kusto ingests no Parquet type into a %s; totimespan(%s) turns it back.\n",
					f.Name, f.Type, KustoType(f.Type, t.format), f.Type, QuoteName(f.Name))
			}
		}
		sb.WriteString(CreateTable(t) + "\n\n")
		sb.WriteString(CreateMapping(t) + "\n\n")
		for _, p := range t.Parts {
			sb.WriteString(IngestCommand(t, partURI(from, p.Name)) + "\n\n")
		}
		sb.WriteString("// Or, with LightIngest (https://aka.ms/lightingest), from this machine:\n")
		sb.WriteString("// " + LightIngest(t, cluster, db, dataDir) + "\n")
	}
	_, err = io.WriteString(w, sb.String())
	return err
}

// Finish writes the script to Dir/setup.kql and returns its path.
func (e *Export) Finish(o ScriptOptions) (string, error) {
	path := filepath.Join(e.opts.Dir, ScriptName)
	var sb strings.Builder
	if err := e.WriteScript(&sb, o); err != nil {
		return "", err
	}
	if err := writeFileSync(path, sb.String()); err != nil {
		return "", fmt.Errorf("cannot write %s: %w", path, err)
	}
	return path, nil
}
