package storage

import (
	"strings"

	"clickhunt/column"
)

// Derived columns (format 6 on). A hunting query that groups clicks by
// site reads the host out of every URL (split(Url, "/")[2], or an
// anchored extract), and the URLs are the bulk of a table's bytes: at
// 10M clicks such a query spent most of its time decompressing URL text
// to keep the first few dozen bytes of each. The writer therefore also
// stores, beside each string column named Url, its head: the value up to
// (not including) its third "/" — "https://host" — or the whole value
// when it has fewer. Heads repeat (a few thousand sites), so the column
// is a dictionary of codes and costs about a byte a row.
//
// A derived column is a column of the catalog like any other, named
// source + "\x00" + kind, which no ingested column may be called; it is
// not among TableInfo.Columns (a user never sees it) but in
// TableInfo.Derived. The query planner reads it in place of its source
// where every use of the source depends on the head alone (plan's head
// analysis); blocks without it (no Url column) read as all null, as the
// source does.
const (
	firstDerivedFormat uint32 = 6
	derivedSep                = "\x00"
	// HeadKind names the head of a URL column (URLHead).
	HeadKind = "head"
)

// derivedName is the catalog name of source's derived column of kind.
func derivedName(source, kind string) string { return source + derivedSep + kind }

// isDerivedName reports whether name is a derived column's.
func isDerivedName(name string) bool { return strings.Contains(name, derivedSep) }

// URLHead is s up to (not including) its third "/", or s when it has
// fewer: every part of split(s, "/") up to index 2 is the same in s and
// in its head, and so is any match of a regex anchored at the start
// whose match can hold at most two "/".
func URLHead(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			if n++; n == 3 {
				return s[:i]
			}
		}
	}
	return s
}

// headSource reports whether a column gets a head column.
func headSource(f column.Field) bool { return f.Name == "Url" && f.Type == column.String }

// withDerived returns schema and b with the derived columns of version ver
// appended (schema and b themselves when there are none).
func withDerived(schema column.Schema, b *column.Batch, ver uint32) (column.Schema, *column.Batch) {
	if ver < firstDerivedFormat {
		return schema, b
	}
	for i, f := range schema {
		if !headSource(f) || i >= len(b.Cols) || b.Cols[i] == nil {
			continue
		}
		schema = append(schema[:len(schema):len(schema)], column.Field{Name: derivedName(f.Name, HeadKind), Type: column.String})
		cols := append(b.Cols[:len(b.Cols):len(b.Cols)], headVector(b.Cols[i]))
		b = &column.Batch{Len: b.Len, Cols: cols}
	}
	return schema, b
}

// headVector is the heads of v's values, dictionary-encoded.
func headVector(v *column.Vector) *column.Vector {
	out := &column.Vector{Type: column.String, Len: v.Len, Const: v.Const, Nulls: v.Nulls}
	if v.Const {
		out.Strs = []string{URLHead(v.Str(0))}
		return out
	}
	at := make(map[string]uint32)
	code := func(s string) uint32 {
		h := URLHead(s)
		c, ok := at[h]
		if !ok {
			c = uint32(len(out.Dict))
			at[h] = c
			out.Dict = append(out.Dict, h)
		}
		return c
	}
	out.Codes = make([]uint32, v.Len)
	if v.Codes != nil {
		// One head per dictionary entry; entries sharing a head share a
		// code.
		remap := make([]uint32, len(v.Dict))
		for i, s := range v.Dict {
			remap[i] = code(s)
		}
		for r, c := range v.Codes[:v.Len] {
			out.Codes[r] = remap[c]
		}
		return out
	}
	for r, s := range v.Strs[:v.Len] {
		out.Codes[r] = code(s)
	}
	return out
}
