package export

import (
	"fmt"
	"regexp"
	"strings"

	"clickhunt/column"
)

// KustoType is the KQL type a column of type t gets in a Kusto table the
// given format is ingested into. It is t's own name except for timespans
// in Parquet: Kusto ingests no Parquet type into a timespan column (its
// Parquet mapping's conversion table), so they travel as long 100-ns
// ticks (totimespan() turns them back).
func KustoType(t column.Type, format string) string {
	if t == column.Timespan && format == FormatParquet {
		return "long"
	}
	if t == column.Invalid {
		return "string"
	}
	return t.String()
}

// plainIdent is a name Kusto takes without brackets.
var plainIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// kqlKeywords are the words a name cannot be without brackets, as Kusto's
// parser reads them as the language's own (keywords are lower case, and
// names case-sensitive: Count and Project need no brackets). The list errs
// on the side of quoting: ['where'] is as valid as where would be.
var kqlKeywords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`and or not in has as by on of to with let set alias
		where filter project extend summarize sort order top take limit count distinct join
		union lookup render parse evaluate range datatable print find search facet fork
		invoke serialize getschema sample asc desc nulls first last kind true false null
		between contains startswith endswith matches regex typeof dynamic datetime timespan
		bool boolean int long real double decimal string guid time date materialize
		toscalar totable declare pattern restrict access database cluster table external_table
		materialized_view view function`) {
		kqlKeywords[w] = true
	}
}

// QuoteName returns name as Kusto needs it written: as it is when it is a
// plain identifier, else bracketed and quoted (['Message Subject']), with
// quotes and backslashes escaped as in a KQL string literal.
func QuoteName(name string) string {
	if plainIdent.MatchString(name) && !kqlKeywords[name] {
		return name
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return "['" + r.Replace(name) + "']"
}

// quoteString writes s as a KQL string literal in single quotes.
func quoteString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return "'" + r.Replace(s) + "'"
}

// CreateTable is the control command that creates table t with its
// columns and KQL types, or adds the missing columns to an existing one.
func CreateTable(t *Table) string {
	cols := make([]string, len(t.Schema))
	for i, f := range t.Schema {
		cols[i] = QuoteName(f.Name) + ":" + KustoType(f.Type, t.format)
	}
	return fmt.Sprintf(".create-merge table %s (%s)", QuoteName(t.Name), strings.Join(cols, ", "))
}

// MappingName is the name of the ingestion mapping the script creates for
// table in format: UrlClickEvents_csv, UrlClickEvents_parquet.
func MappingName(table, format string) string {
	return table + "_" + format
}

// mappingJSON is the ingestion mapping of t's parts: csv by ordinal (the
// parts' header row is skipped), parquet by field name. DataType lets
// queued ingestion create a column the table lacks.
func mappingJSON(t *Table) string {
	var sb strings.Builder
	sb.WriteString("[")
	for i, f := range t.Schema {
		if i > 0 {
			sb.WriteString(",")
		}
		typ := KustoType(f.Type, t.format)
		var props string
		if t.format == FormatParquet {
			props = fmt.Sprintf(`{"Field":%s}`, jsonString(f.Name))
		} else {
			props = fmt.Sprintf(`{"Ordinal":"%d"}`, i)
		}
		fmt.Fprintf(&sb, `{"Column":%s,"DataType":%s,"Properties":%s}`, jsonString(f.Name), jsonString(typ), props)
	}
	sb.WriteString("]")
	return sb.String()
}

// CreateMapping is the control command that creates (or replaces) the
// ingestion mapping named MappingName(t.Name, format).
func CreateMapping(t *Table) string {
	return fmt.Sprintf(".create-or-alter table %s ingestion %s mapping %s %s",
		QuoteName(t.Name), t.format, quoteString(MappingName(t.Name, t.format)), quoteString(mappingJSON(t)))
}

// ingestProps are the .ingest properties of t's parts.
func ingestProps(t *Table) string {
	props := fmt.Sprintf("format=%s, ingestionMappingReference=%s", quoteString(t.format), quoteString(MappingName(t.Name, t.format)))
	if t.format == FormatCSV {
		props += ", ignoreFirstRecord=true"
	}
	return props
}

// IngestCommand is the control command that ingests one part from uri
// (a blob URL with its SAS token, or a path the cluster can read).
func IngestCommand(t *Table, uri string) string {
	return fmt.Sprintf(".ingest into table %s (h%s) with (%s)", QuoteName(t.Name), quoteString(uri), ingestProps(t))
}

// LightIngest is the LightIngest command line that ingests all of t's
// parts from dir (a local directory, or a blob container URL with its SAS
// token) into database db of cluster (the ingest- endpoint).
func LightIngest(t *Table, cluster, db, dir string) string {
	args := []string{
		"LightIngest", `"` + cluster + `;Fed=True"`,
		"-database:" + db,
		`-table:"` + t.Name + `"`,
		`-source:"` + dir + `"`,
		`-pattern:"` + partGlob(t) + `"`,
		"-format:" + t.format,
		"-mappingRef:" + MappingName(t.Name, t.format),
	}
	if t.format == FormatCSV {
		args = append(args, "-ignoreFirstRow:true")
	}
	return strings.Join(args, " ")
}

func jsonString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&sb, `\u%04x`, r)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
