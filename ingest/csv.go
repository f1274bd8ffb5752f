package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
)

// csvError turns an encoding/csv error into an *Error; rec is the record
// returned with it, want the header's field count and lineBase the lines
// of the file before the reader's first.
func csvError(name string, err error, rec []string, want, lineBase int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	out := &Error{File: name, Line: pe.Line + lineBase}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		out.Line = pe.StartLine + lineBase
		out.Msg = fmt.Sprintf("wrong number of fields: got %d, the header has %d", len(rec), want)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		out.Column = pe.Column
		out.Msg = `broken quoting: a " in an unquoted field (quote the whole field and double the quotes inside: "a ""b"" c")`
	case errors.Is(pe.Err, csv.ErrQuote):
		out.Column = pe.Column
		out.Msg = `broken quoting: extraneous or missing " in a quoted field`
		if pe.StartLine != pe.Line {
			out.Msg += fmt.Sprintf(" (the record starts on line %d)", pe.StartLine+lineBase)
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
