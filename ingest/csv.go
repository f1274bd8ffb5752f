package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"

	"clickhunt/column"
	"clickhunt/storage"
)

// readCSV loads RFC 4180 CSV with a header row. Known tables keep their
// canonical types for the columns they name; every other column is a string.
// The schema is fixed by the header: canonical columns present (canonical
// order), then extra columns in file order.
func readCSV(r io.Reader, name, table string, e *emitter) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	// Header and rows must agree; FieldsPerRecord 0 takes the header's count.
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err == io.EOF {
		return &Error{File: name, Line: 1, Msg: "empty file: expected a header row of column names"}
	}
	if err != nil {
		return csvError(name, err, header, 0)
	}
	header = slices.Clone(header) // ReuseRecord: the next Read overwrites it
	schema, order, err := csvSchema(header, table)
	if err != nil {
		line, _ := cr.FieldPos(0)
		return &Error{File: name, Line: line, Msg: err.Error()}
	}
	nfields := len(header)
	// Field i of each record goes to strs[i] (string columns) or typed[i].
	strs := make([]*strCol, nfields)
	typed := make([]*column.Builder, nfields)
	types := make([]column.Type, nfields)
	for i, si := range order {
		types[i] = schema[si].Type
		if types[i] == column.String {
			strs[i] = newStrCol()
		} else {
			typed[i] = column.NewBuilder(types[i], storage.BlockRows)
		}
	}
	flush := func(n int) error {
		b := &column.Batch{Len: n, Cols: make([]*column.Vector, len(schema))}
		for i, si := range order {
			if strs[i] != nil {
				b.Cols[si] = strs[i].build()
			} else {
				b.Cols[si] = typed[i].Build()
			}
		}
		return e.emit(schema, b)
	}
	n := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return csvError(name, err, rec, nfields)
		}
		for i, f := range rec {
			switch types[i] {
			case column.String:
				strs[i].append(f)
			case column.Datetime:
				if f == "" {
					typed[i].AppendNull()
					continue
				}
				t, err := column.ParseDatetime(f)
				if err != nil {
					line, _ := cr.FieldPos(i)
					return &Error{File: name, Line: line, Msg: "column " + header[i] + ": " + err.Error()}
				}
				typed[i].AppendInt(t)
			case column.Bool:
				v, null, ok := parseBool(f)
				if !ok {
					line, _ := cr.FieldPos(i)
					return &Error{File: name, Line: line, Msg: "column " + header[i] + ": " + boolError(f)}
				}
				if null {
					typed[i].AppendNull()
				} else {
					typed[i].AppendBool(v)
				}
			default:
				panic("BUG: CSV column of type " + types[i].String())
			}
		}
		n++
		if n == storage.BlockRows {
			if err := flush(n); err != nil {
				return err
			}
			n = 0
		} else if n%checkEvery == 0 {
			if err := e.ctx.Err(); err != nil {
				return err
			}
		}
	}
	return flush(n)
}

// csvSchema maps a header onto the table's schema. order[i] is the schema
// position of field i.
func csvSchema(header []string, table string) (column.Schema, []int, error) {
	canon := Schemas[table]
	seen := make(map[string]bool, len(header))
	inCanon := make([]bool, len(canon))
	for i, h := range header {
		if h == "" {
			return nil, nil, fmt.Errorf("header: column %d has no name", i+1)
		}
		if seen[h] {
			return nil, nil, fmt.Errorf("header: column %s appears twice", h)
		}
		seen[h] = true
		if ci := canon.Index(h); ci >= 0 {
			inCanon[ci] = true
		}
	}
	var schema column.Schema
	for ci, f := range canon {
		if inCanon[ci] {
			schema = append(schema, f)
		}
	}
	order := make([]int, len(header))
	for i, h := range header {
		if canon.Index(h) >= 0 {
			order[i] = schema.Index(h)
			continue
		}
		order[i] = len(schema)
		schema = append(schema, column.Field{Name: h, Type: column.String})
	}
	return schema, order, nil
}

// csvError turns an encoding/csv error into an *Error; rec is the record
// returned with it and want the header's field count.
func csvError(name string, err error, rec []string, want int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	out := &Error{File: name, Line: pe.Line}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		out.Line = pe.StartLine
		out.Msg = fmt.Sprintf("wrong number of fields: got %d, the header has %d", len(rec), want)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		out.Column = pe.Column
		out.Msg = `broken quoting: a " in an unquoted field (quote the whole field and double the quotes inside: "a ""b"" c")`
	case errors.Is(pe.Err, csv.ErrQuote):
		out.Column = pe.Column
		out.Msg = `broken quoting: extraneous or missing " in a quoted field`
		if pe.StartLine != pe.Line {
			out.Msg += fmt.Sprintf(" (the record starts on line %d)", pe.StartLine)
		}
	default:
		out.Column = pe.Column
		out.Msg = pe.Err.Error()
	}
	return out
}

// parseBool reads the bool spellings exports use: True/False (Advanced
// Hunting CSV), true/false (JSON, KQL), 1/0; "" is null.
func parseBool(s string) (v, null, ok bool) {
	switch s {
	case "True", "true", "TRUE", "1":
		return true, false, true
	case "False", "false", "FALSE", "0":
		return false, false, true
	case "":
		return false, true, true
	}
	return false, false, false
}

func boolError(s string) string {
	return fmt.Sprintf("cannot parse %q as a bool (expected True, False, true, false, 1 or 0)", s)
}
