package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"clickhunt/column"
)

// isJSONDocument reports whether br starts with an object whose first key
// is one of a hunting API response's: Defender's {"Stats", "Schema",
// "Results"} or Graph runHuntingQuery's {"@odata.context", "schema",
// "results"}, in any letter case.
func isJSONDocument(br *bufio.Reader) bool {
	b, _ := br.Peek(4096)
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	k, _ := tok.(string)
	switch strings.ToLower(k) {
	case "stats", "schema", "results", "@odata.context":
		return true
	}
	return false
}

// firstJSONKeys returns the keys of the first row object, from the
// buffered start of a JSON array or JSON lines file.
func firstJSONKeys(br *bufio.Reader) []string {
	b, _ := br.Peek(1 << 20)
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) > 0 && b[0] == '[' {
		b = b[1:]
	}
	var row map[string]json.RawMessage
	if json.NewDecoder(bytes.NewReader(b)).Decode(&row) != nil {
		return nil
	}
	var keys []string
	for k := range row {
		keys = append(keys, k)
	}
	return keys
}

// jsonType maps a type name of a hunting API schema onto the stored type.
// Dynamic values (Object) are kept as their JSON text.
func jsonType(s string) column.Type {
	switch strings.ToLower(strings.TrimPrefix(s, "System.")) {
	case "datetime", "date":
		return column.Datetime
	case "boolean", "bool", "sbyte":
		return column.Bool
	case "int64", "long", "int32", "int", "int16":
		return column.Long
	case "double", "real", "decimal", "single", "float":
		return column.Real
	}
	return column.String
}

// readJSONDoc reads a Defender API or Graph runHuntingQuery response:
// the schema gives names and types, results the rows.
func readJSONDoc(r io.Reader, name string, cfg *readConfig, bom int64, e *emitter) error {
	jr := &jsonReader{name: name, dec: json.NewDecoder(r), lc: e.lc, bom: bom, e: e, problem: cfg.problem, lim: cfg.lim, guard: cfg.guard}
	dec := jr.dec
	if _, err := dec.Token(); err != nil { // '{', checked by isJSONDocument
		return jr.syntaxError(err)
	}
	var p *plan
	var header []string
	var idx map[string]int
	graph := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jr.syntaxError(err)
		}
		key, _ := tok.(string)
		switch strings.ToLower(key) {
		case "@odata.context":
			graph = true
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return jr.syntaxError(err)
			}
		case "schema":
			graph = graph || key == "schema"
			var schema []map[string]any
			if err := dec.Decode(&schema); err != nil {
				return jr.errorf(jr.lineNow(), "schema: expected an array of {\"Name\", \"Type\"} objects: %v", err)
			}
			var types []column.Type
			for _, f := range schema {
				var n, t string
				for k, v := range f {
					s, _ := v.(string)
					switch strings.ToLower(k) {
					case "name":
						n = s
					case "type":
						t = s
					}
				}
				header = append(header, n)
				types = append(types, jsonType(t))
			}
			if len(header) > cfg.lim.columns {
				return jr.errorf(jr.lineNow(), "schema: %d columns, %s", len(header), columnLimitMsg(cfg.lim.columns))
			}
			if i := bigField(header, cfg.lim.field); i >= 0 {
				return jr.errorf(jr.lineNow(), "schema: column %d: name %s", i+1, fieldLimitMsg(len(header[i]), cfg.lim.field))
			}
			if p, err = newPlan(header, types, cfg); err != nil {
				return jr.errorf(jr.lineNow(), "%v", err)
			}
			idx = map[string]int{}
			for i, h := range header {
				idx[strings.ToLower(h)] = i
			}
		case "results":
			if p == nil {
				return jr.errorf(jr.lineNow(), "results come before schema: clickhunt needs the schema first (or save the results alone as a JSON array)")
			}
			e.info.source = "Defender API JSON"
			if graph {
				e.info.source = "Graph runHuntingQuery JSON"
			}
			e.info.format = "json"
			if err := e.start(p); err != nil {
				return err
			}
			e.info.source = map[bool]string{true: "Graph runHuntingQuery JSON", false: "Defender API JSON"}[graph]
			if err := jr.readResults(p, header, idx, cfg); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return jr.syntaxError(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return jr.syntaxError(err)
	}
	if p == nil {
		return jr.errorf(jr.lineNow(), "no schema and results in the document")
	}
	if err := p.flush(e); err != nil {
		return err
	}
	e.finish(p)
	return nil
}

func (jr *jsonReader) readResults(p *plan, header []string, idx map[string]int, cfg *readConfig) error {
	dec := jr.dec
	tok, err := dec.Token()
	if err != nil {
		return jr.syntaxError(err)
	}
	if tok != json.Delim('[') {
		return jr.errorf(jr.lineNow(), "results: expected an array of row objects, found %s", describeToken(tok))
	}
	rec := make([]string, len(header))
	nulls := make([]bool, len(header))
	at := make([]int, len(header)) // where each value starts in the row
	var buf bytes.Buffer
	for dec.More() {
		jr.raw = jr.raw[:0]
		if err := dec.Decode(&jr.raw); err != nil {
			return jr.syntaxError(err)
		}
		jr.guard.markRow()
		jr.rowOff = jr.offset() - int64(len(jr.raw))
		jr.line = jr.lc.lineAt(jr.rowOff)
		if int64(len(jr.raw)) > jr.lim.line {
			return jr.errorf(jr.line, "%s", rowLimitError(jr.lim.line).msg)
		}
		// bad stops the file, or rejects the row, for a problem at byte
		// at of the row.
		bad := func(at int, msg string) error {
			return jr.bad(jr.errAt(at, "%s", msg))
		}
		if jr.raw[0] != '{' {
			if err := bad(0, "expected a JSON object for each row, found "+jsonKind(jr.raw[0])); err != nil {
				return err
			}
			continue
		}
		if obj := jr.raw; obj[skipSpace(obj, 1)] == '}' {
			jr.e.empty++ // {}: no row (errEmptyRow)
			continue
		}
		for i := range rec {
			rec[i], nulls[i], at[i] = "", true, 0
		}
		var rowErr string
		rowErrAt := 0
		obj := jr.raw
		i := skipSpace(obj, 1)
		for obj[i] != '}' {
			end, _ := scanString(obj, i)
			var key string
			json.Unmarshal(obj[i:end], &key)
			i = skipSpace(obj, skipSpace(obj, end)+1)
			vend := scanValue(obj, i)
			raw := obj[i:vend]
			fi, ok := idx[strings.ToLower(key)]
			if !ok && len(p.schema) >= cfg.lim.columns {
				return jr.errorf(jr.line, "%s", columnLimitMsg(cfg.lim.columns))
			}
			if !ok {
				p.addColumn(key)
				header = append(header, key)
				idx[strings.ToLower(key)] = len(header) - 1
				p.fields = append(p.fields, fieldPlan{name: key, out: len(p.schema) - 1, typ: column.String})
				rec = append(rec, "")
				nulls = append(nulls, true)
				at = append(at, 0)
				fi = len(header) - 1
			}
			at[fi] = i
			switch raw[0] {
			case 'n':
			case '"':
				var s string
				if err := json.Unmarshal(raw, &s); err != nil && rowErr == "" {
					rowErr, rowErrAt = "bad JSON string: "+err.Error(), i
				}
				rec[fi], nulls[fi] = s, false
			case '{', '[':
				buf.Reset()
				json.Compact(&buf, raw)
				rec[fi], nulls[fi] = buf.String(), false
			default:
				rec[fi], nulls[fi] = string(raw), false
			}
			i = skipSpace(obj, vend)
			if obj[i] == ',' {
				i = skipSpace(obj, i+1)
			}
		}
		if fi := bigField(rec, cfg.lim.field); fi >= 0 && rowErr == "" {
			rowErr, rowErrAt = "column "+header[fi]+": "+fieldLimitMsg(len(rec[fi]), cfg.lim.field), at[fi]
		}
		if rowErr != "" {
			if err := bad(rowErrAt, rowErr); err != nil {
				return err
			}
			continue
		}
		if fi, err := p.convert(rec, nulls); err != nil {
			if err := bad(at[fi], "column "+header[fi]+": "+err.Error()); err != nil {
				return err
			}
			continue
		}
		p.bytes += int64(len(jr.raw))
		if err := p.appendRow(rec, jr.e); err != nil {
			return err
		}
		jr.e.in++
	}
	if _, err := dec.Token(); err != nil { // ']'
		return jr.syntaxError(err)
	}
	return nil
}
