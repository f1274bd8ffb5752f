package ingest

import (
	"strings"

	"clickhunt/column"
	"clickhunt/export"
)

// exportSource is a clickhunt export's part (export.go): names and types
// come from the file itself, nothing is renamed or derived.
var exportSource = &sourceDef{Name: "export", Desc: "clickhunt export"}

// typedHeader recognises the header row of a clickhunt export's CSV part:
// every cell is Name:type, Kusto's CSL schema notation (UrlBlocked:bool,
// ['Message Subject']:string). It returns the names, the types as ingest
// stores them, and cfg for the file: the export source (unless --source
// says otherwise) and, unless --table, the table the part's file name
// names (UrlClickEvents.00001.csv.gz). A header that is not typed is
// returned as it is with nil types.
func typedHeader(header []string, name string, cfg *readConfig) ([]string, []column.Type, *readConfig) {
	if len(header) == 0 {
		return header, nil, cfg
	}
	names := make([]string, len(header))
	types := make([]column.Type, len(header))
	for i, h := range header {
		n, t, ok := splitTypedName(h)
		if !ok {
			return header, nil, cfg
		}
		names[i], types[i] = n, storedType(t)
	}
	c := *cfg
	if c.source == nil {
		c.source = exportSource
	}
	if c.table == "" {
		c.table, _ = export.TableOfPart(name)
	}
	return names, types, &c
}

// storedType is the type ingest stores a column of KQL type t as: dynamic
// values and guids are kept as their text (as exports keep UrlChain), and
// so are CSV timespans ([d.]hh:mm:ss, which the stored long ticks are not).
func storedType(t column.Type) column.Type {
	switch t {
	case column.Dynamic, column.Guid, column.Timespan:
		return column.String
	}
	return t
}

// splitTypedName splits Name:type; the name may be bracketed
// (['A b']:string). ok is false when the cell is not of that form or the
// type is not a KQL type.
func splitTypedName(cell string) (name string, t column.Type, ok bool) {
	var typ string
	if strings.HasPrefix(cell, "['") || strings.HasPrefix(cell, `["`) {
		q := cell[1]
		end := -1
		for i := 2; i < len(cell); i++ {
			if cell[i] == '\\' {
				i++
				continue
			}
			if cell[i] == q {
				end = i
				break
			}
		}
		if end < 0 || !strings.HasPrefix(cell[end+1:], "]:") {
			return "", 0, false
		}
		name, typ = unescapeKQL(cell[2:end]), cell[end+3:]
	} else {
		i := strings.LastIndexByte(cell, ':')
		if i <= 0 || !isPlainIdent(cell[:i]) {
			return "", 0, false
		}
		name, typ = cell[:i], cell[i+1:]
	}
	switch typ {
	case "string", "long", "int", "real", "double", "bool", "boolean", "datetime", "date", "timespan", "time", "dynamic", "guid", "decimal":
		t, _ = column.ParseType(typ)
		return name, t, true
	}
	return "", 0, false
}

func isPlainIdent(s string) bool {
	for i, c := range s {
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

// unescapeKQL undoes the escapes of a KQL string literal's body.
func unescapeKQL(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			sb.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		default:
			sb.WriteByte(s[i])
		}
	}
	return sb.String()
}
