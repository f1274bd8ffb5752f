package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"clickhunt/column"
	"clickhunt/storage"
)

// readJSON loads a JSON array of row objects, or JSON lines (one object per
// line; any whitespace between objects works), decoding one value at a time
// so memory stays bounded by a block.
//
// Column types: a known table's columns keep their canonical types. Other
// columns take the type of their first non-null value: string, bool, long
// for whole numbers (turning real if a fraction shows up before the first
// block is stored), real otherwise; objects and arrays are kept as their
// compact JSON text in a string column. A column's type is fixed for the
// file; a value of another type is an error, except that a string column
// takes any scalar as its JSON text. Blocks name only the columns seen in
// them; a row without a key holds null ("" for strings).
//
// bom is the number of bytes skipped before r, so decoder offsets can be
// mapped onto lines of the file.
func readJSON(r io.Reader, name, table string, lines bool, bom int64, e *emitter) error {
	jr := &jsonReader{
		name:  name,
		dec:   json.NewDecoder(r),
		lc:    e.lc,
		bom:   bom,
		e:     e,
		canon: Schemas[table],
		cols:  make(map[string]*jsonCol),
	}
	return jr.run(lines)
}

// jsonCol is one column of a JSON file. typ and written live for the whole
// file; s (strings) or b (other types) for the current block.
type jsonCol struct {
	name    string
	canon   bool        // type fixed by the table's schema
	pos     int         // canonical position, or -1
	seq     int         // order of first appearance in the file
	typ     column.Type // Invalid until the first non-null value
	written bool        // a block holding this column went to the sink
	inBlock bool
	s       *strCol
	b       *column.Builder
	lastRow int64 // file row of the last value, to catch duplicate keys
}

func (c *jsonCol) len() int {
	if c.s != nil {
		return c.s.n
	}
	return c.b.Len()
}

func (c *jsonCol) appendNull() {
	if c.s != nil {
		c.s.append("")
	} else {
		c.b.AppendNull()
	}
}

type jsonReader struct {
	name  string
	dec   *json.Decoder
	lc    *lineCounter
	bom   int64
	e     *emitter
	canon column.Schema
	cols  map[string]*jsonCol
	// block holds the columns seen in the current block.
	block []*jsonCol
	n     int // rows in the current block
	line  int // line where the current row starts
	raw   json.RawMessage
	buf   bytes.Buffer
}

func (jr *jsonReader) run(lines bool) error {
	if !lines {
		tok, err := jr.dec.Token()
		if err == io.EOF {
			return &Error{File: jr.name, Line: 1, Msg: "empty file: expected a JSON array of row objects"}
		}
		if err != nil {
			return jr.syntaxError(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return jr.errorf(jr.lineNow(), "expected a JSON array of row objects, found %s", describeToken(tok))
		}
	}
	for {
		if !lines && !jr.dec.More() {
			break
		}
		// Decode validates the whole row, so readObject can walk the bytes
		// without checking them again.
		jr.raw = jr.raw[:0]
		err := jr.dec.Decode(&jr.raw)
		if lines && err == io.EOF {
			break
		}
		if err != nil {
			return jr.syntaxError(err)
		}
		jr.line = jr.lc.lineAt(jr.dec.InputOffset() - int64(len(jr.raw)) + jr.bom)
		if jr.raw[0] != '{' {
			v := string(jr.raw)
			if len(v) > 40 {
				v = v[:40] + "..."
			}
			return jr.errorf(jr.line, "expected a JSON object for each row, found %s %s", jsonKind(jr.raw[0]), v)
		}
		if err := jr.readObject(jr.raw); err != nil {
			return err
		}
		jr.n++
		if jr.n == storage.BlockRows {
			if err := jr.flush(false); err != nil {
				return err
			}
		} else if jr.n%checkEvery == 0 {
			if err := jr.e.ctx.Err(); err != nil {
				return err
			}
		}
	}
	if !lines {
		tok, err := jr.dec.Token() // the closing ]
		if err != nil {
			return jr.syntaxError(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != ']' {
			return jr.errorf(jr.lineNow(), "expected ] after the last row, found %s", describeToken(tok))
		}
		if tok, err := jr.dec.Token(); err != io.EOF {
			if err != nil {
				return jr.syntaxError(err)
			}
			return jr.errorf(jr.lineNow(), "unexpected %s after the JSON array", describeToken(tok))
		}
	}
	return jr.flush(true)
}

// readObject adds the keys and values of one row object, already
// validated by the decoder.
func (jr *jsonReader) readObject(obj []byte) error {
	i := skipSpace(obj, 1)
	if obj[i] == '}' {
		return nil
	}
	for {
		end, esc := scanString(obj, i)
		key := obj[i+1 : end-1]
		var c *jsonCol
		if esc {
			var k string
			if err := json.Unmarshal(obj[i:end], &k); err != nil {
				return jr.errorf(jr.line, "bad JSON key %s: %v", obj[i:end], err)
			}
			c = jr.col(k)
		} else if c = jr.cols[string(key)]; c == nil { // no allocation on a hit
			c = jr.col(string(key))
		}
		i = skipSpace(obj, end)
		i = skipSpace(obj, i+1) // past ':'
		end = scanValue(obj, i)
		if err := jr.addValue(c, obj[i:end]); err != nil {
			return err
		}
		i = skipSpace(obj, end)
		if obj[i] != ',' {
			return nil // '}'
		}
		i = skipSpace(obj, i+1)
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the end of the valid JSON string at b[i] and whether
// it holds escapes.
func scanString(b []byte, i int) (end int, esc bool) {
	for j := i + 1; ; j++ {
		switch b[j] {
		case '"':
			return j + 1, esc
		case '\\':
			esc = true
			j++
		}
	}
}

// scanValue returns the end of the valid JSON value at b[i].
func scanValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		end, _ := scanString(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; ; j++ {
			switch b[j] {
			case '"':
				end, _ := scanString(b, j)
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j
}

// col returns the column named key, creating it on first sight.
func (jr *jsonReader) col(key string) *jsonCol {
	c := jr.cols[key]
	if c == nil {
		c = &jsonCol{name: key, pos: jr.canon.Index(key), seq: len(jr.cols), lastRow: -1}
		if c.pos >= 0 {
			c.canon = true
			c.typ = jr.canon[c.pos].Type
		}
		jr.cols[key] = c
	}
	return c
}

// open gives a typed column its builder for the current block, padded
// with nulls up to the current row.
func (jr *jsonReader) open(c *jsonCol) {
	if !c.inBlock && c.typ != column.Invalid {
		c.inBlock = true
		if c.typ == column.String {
			if c.s == nil {
				c.s = newStrCol()
			}
		} else {
			c.b = column.NewBuilder(c.typ, storage.BlockRows)
		}
		jr.block = append(jr.block, c)
	}
	if c.inBlock {
		for c.len() < jr.n {
			c.appendNull()
		}
	}
}

// addValue appends one key's value to the current row.
func (jr *jsonReader) addValue(c *jsonCol, raw []byte) error {
	key := c.name
	row := jr.e.rows + int64(jr.n)
	if c.lastRow == row {
		return jr.errorf(jr.line, "key %q appears twice in one row", key)
	}
	c.lastRow = row
	kind := raw[0]
	if kind == 'n' { // null
		jr.open(c)
		if c.inBlock {
			c.appendNull()
		}
		return nil
	}
	if c.typ == column.Invalid {
		switch {
		case kind == '"', kind == '{', kind == '[':
			c.typ = column.String
		case kind == 't', kind == 'f':
			c.typ = column.Bool
		case isIntegral(raw):
			c.typ = column.Long
		default:
			c.typ = column.Real
		}
	}
	jr.open(c)
	switch c.typ {
	case column.String:
		if kind == '"' && key == "NetworkMessageId" {
			s, err := jr.unquote(raw)
			if err != nil {
				return err
			}
			c.s.append(NormalizeNetworkMessageID(s))
			return nil
		}
		switch kind {
		case '"':
			if bytes.IndexByte(raw, '\\') < 0 {
				c.s.appendBytes(raw[1 : len(raw)-1])
				return nil
			}
			s, err := jr.unquote(raw)
			if err != nil {
				return err
			}
			c.s.append(s)
		case '{', '[':
			jr.buf.Reset()
			if err := json.Compact(&jr.buf, raw); err != nil {
				return jr.errorf(jr.line, "column %s: %v", key, err)
			}
			c.s.appendBytes(jr.buf.Bytes())
		default: // number, true, false: their JSON text
			c.s.appendBytes(raw)
		}
	case column.Datetime:
		if kind != '"' {
			return jr.typeError(c, raw)
		}
		s, err := jr.unquote(raw)
		if err != nil {
			return err
		}
		if s == "" {
			c.b.AppendNull()
			return nil
		}
		t, err := column.ParseDatetime(s)
		if err != nil {
			return jr.errorf(jr.line, "column %s: %v", key, err)
		}
		c.b.AppendInt(t)
	case column.Bool:
		switch kind {
		case 't':
			c.b.AppendBool(true)
		case 'f':
			c.b.AppendBool(false)
		case '"', '0', '1':
			s := string(raw)
			if kind == '"' {
				var err error
				if s, err = jr.unquote(raw); err != nil {
					return err
				}
			}
			v, null, ok := parseBool(s)
			if !ok {
				return jr.errorf(jr.line, "column %s: %s", key, boolError(s))
			}
			if null {
				c.b.AppendNull()
			} else {
				c.b.AppendBool(v)
			}
		default:
			return jr.typeError(c, raw)
		}
	case column.Long:
		if !isNumber(kind) {
			return jr.typeError(c, raw)
		}
		if x, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			c.b.AppendInt(x)
			return nil
		}
		if c.written {
			return jr.errorf(jr.line, "column %s: %s is not a whole number, but earlier rows stored the column as long", key, raw)
		}
		jr.promoteReal(c)
		fallthrough
	case column.Real:
		if !isNumber(kind) {
			return jr.typeError(c, raw)
		}
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return jr.errorf(jr.line, "column %s: cannot parse %s as a real", key, raw)
		}
		c.b.AppendFloat(f)
	default:
		panic("BUG: JSON column of type " + c.typ.String())
	}
	return nil
}

// promoteReal turns a long column of the current block into a real one.
func (jr *jsonReader) promoteReal(c *jsonCol) {
	v := c.b.Build()
	c.typ = column.Real
	c.b = column.NewBuilder(column.Real, storage.BlockRows)
	for i := 0; i < v.Len; i++ {
		if v.IsNull(i) {
			c.b.AppendNull()
		} else {
			c.b.AppendFloat(float64(v.Int(i)))
		}
	}
}

// flush hands the current block to the sink. Columns with only nulls so far
// have no type yet and are left out, unless this is the last block.
func (jr *jsonReader) flush(last bool) error {
	if last {
		for _, c := range jr.cols {
			if c.typ == column.Invalid {
				c.typ = column.String
				jr.open(c)
			}
		}
	}
	if jr.n == 0 {
		return nil
	}
	// Canonical columns in schema order, then the rest by first appearance.
	block := jr.block
	sortCols(block)
	schema := make(column.Schema, len(block))
	b := &column.Batch{Len: jr.n, Cols: make([]*column.Vector, len(block))}
	for i, c := range block {
		for c.len() < jr.n {
			c.appendNull()
		}
		schema[i] = column.Field{Name: c.name, Type: c.typ}
		if c.s != nil {
			b.Cols[i] = c.s.build()
		} else {
			b.Cols[i] = c.b.Build()
			c.b = nil
		}
		c.written = true
		c.inBlock = false
	}
	jr.block = jr.block[:0]
	jr.n = 0
	return jr.e.emit(schema, b)
}

// sortCols orders columns canonical first (by position), then by first
// appearance. Insertion sort: blocks have few columns.
func sortCols(cs []*jsonCol) {
	less := func(a, b *jsonCol) bool {
		if a.canon != b.canon {
			return a.canon
		}
		if a.canon {
			return a.pos < b.pos
		}
		return a.seq < b.seq
	}
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && less(cs[j], cs[j-1]); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// unquote decodes a JSON string, without the decoder when it has no escapes.
func (jr *jsonReader) unquote(raw []byte) (string, error) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", jr.errorf(jr.line, "bad JSON string %s: %v", raw, err)
	}
	return s, nil
}

func (jr *jsonReader) typeError(c *jsonCol, raw []byte) error {
	v := string(raw)
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	return jr.errorf(jr.line, "column %s: expected %s, found %s %s", c.name, typeWant(c.typ), jsonKind(raw[0]), v)
}

func typeWant(t column.Type) string {
	switch t {
	case column.Datetime:
		return "a datetime string"
	case column.Bool:
		return "a bool"
	case column.Long, column.Real:
		return "a number"
	}
	return "a " + t.String()
}

func jsonKind(c byte) string {
	switch c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	}
	return "number"
}

func isNumber(c byte) bool { return c == '-' || c >= '0' && c <= '9' }

// isIntegral reports whether a JSON number has no fraction or exponent.
func isIntegral(raw []byte) bool {
	return bytes.IndexAny(raw, ".eE") < 0
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return strconv.Quote(t.String())
	case string:
		return "string " + strconv.Quote(t)
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("bool %v", t)
	case float64:
		return "number " + strconv.FormatFloat(t, 'g', -1, 64)
	}
	return fmt.Sprint(tok)
}

// leadingSpace counts the JSON whitespace at the start of r's bytes.
func leadingSpace(r io.Reader) int {
	b, _ := r.(*bytes.Reader)
	n := 0
	for b != nil {
		c, err := b.ReadByte()
		if err != nil || (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			break
		}
		n++
	}
	return n
}

// lineNow is the line of the decoder's position.
func (jr *jsonReader) lineNow() int {
	return jr.lc.lineAt(jr.dec.InputOffset() + jr.bom)
}

func (jr *jsonReader) errorf(line int, format string, args ...any) error {
	return &Error{File: jr.name, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// syntaxError reports a decoder error at its line. The decoder's offsets
// are not all counted from the same place, so the bad byte is found again:
// the decoder stays where the failed value or token began, and its
// buffered bytes run at least to the error.
func (jr *jsonReader) syntaxError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off := jr.dec.InputOffset()
		var raw json.RawMessage
		var again *json.SyntaxError
		if errors.As(json.NewDecoder(jr.dec.Buffered()).Decode(&raw), &again) {
			off += again.Offset - 1 // Offset counts the bad byte itself
		} else {
			off += int64(leadingSpace(jr.dec.Buffered()))
		}
		return jr.errorf(jr.lc.lineAt(off+jr.bom), "bad JSON: %s", se.Error())
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return jr.errorf(jr.lc.lastLine(), "bad JSON: unexpected end of file")
	}
	return err
}
