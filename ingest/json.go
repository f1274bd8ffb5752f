package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"clickhunt/column"
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
// A bad row stops the file, or with cfg.problem is handed to it and
// skipped: each row is checked whole before any of it is stored, so a
// rejected row leaves no trace (not even a column or a type). In JSON
// lines a row that is not even JSON is skipped up to the next line that
// starts with '{'; in a JSON array there is no telling where it ends, so
// it still stops the file.
//
// bom is the number of bytes skipped before r, so decoder offsets can be
// mapped onto lines of the file.
func readJSON(r *bufio.Reader, name, table string, lines bool, bom int64, cfg *readConfig, e *emitter) error {
	src := &jsonSource{br: r}
	jr := &jsonReader{
		name:    name,
		dec:     json.NewDecoder(src),
		src:     src,
		lc:      e.lc,
		bom:     bom,
		e:       e,
		problem: cfg.problem,
		canon:   Schemas[table],
		cols:    make(map[string]*jsonCol),
		lim:     cfg.lim,
		guard:   cfg.guard,
	}
	jr.blockRows = blockRowsFor(0)
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
	src   *jsonSource // what dec reads (JSON array and lines files)
	base  int64       // stream offset of dec's first byte (after a resync)
	lc    *lineCounter
	bom   int64
	e     *emitter
	canon column.Schema
	cols  map[string]*jsonCol
	// problem, when set, takes bad rows (see readConfig).
	problem func(Problem) error
	lim     limits
	guard   *inputGuard
	// blockRows is the most rows a block takes (blockRowsFor the
	// columns so far); bytes the row text read into the current block,
	// which is cut early past maxBlockBytes.
	blockRows int
	bytes     int64
	// block holds the columns seen in the current block.
	block  []*jsonCol
	n      int   // rows in the current block
	line   int   // line where the current row starts
	rowOff int64 // stream offset of the current row
	raw    json.RawMessage
	buf    bytes.Buffer

	// The row being read, checked whole before any of it is stored.
	stg     []staged
	scratch []byte     // compacted objects and arrays of the row
	touched []*jsonCol // columns given a value in the row
	created []*jsonCol // columns first seen in the row
}

// staged is one value of the row being read, converted but not stored.
type staged struct {
	c       *jsonCol
	typ     column.Type // the column's type with this value (Invalid: untyped null)
	promote bool        // the long column turns real
	kind    stagedKind
	bs      []byte // stBytes: into the row
	str     string // stStr
	lo, hi  int    // stScratch: jr.scratch[lo:hi]
	i       int64
	f       float64
	b       bool
}

type stagedKind uint8

const (
	stNull stagedKind = iota
	stBytes
	stStr
	stScratch
	stInt
	stFloat
	stBool
)

// jsonSource is what the decoder of an array or lines file reads: bytes
// handed back after a bad line, then the file.
type jsonSource struct {
	back []byte
	br   *bufio.Reader
}

func (s *jsonSource) Read(p []byte) (int, error) {
	if len(s.back) > 0 {
		n := copy(p, s.back)
		s.back = s.back[n:]
		return n, nil
	}
	return s.br.Read(p)
}

// peek returns the next byte without reading it.
func (s *jsonSource) peek() (byte, error) {
	if len(s.back) > 0 {
		return s.back[0], nil
	}
	b, err := s.br.Peek(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// skip drops the next byte, known to be there.
func (s *jsonSource) skip() {
	if len(s.back) > 0 {
		s.back = s.back[1:]
	} else {
		s.br.Discard(1)
	}
}

// readLine appends the bytes up to and including the next '\n' to dst.
func (s *jsonSource) readLine(dst []byte) ([]byte, error) {
	if len(s.back) > 0 {
		if i := bytes.IndexByte(s.back, '\n'); i >= 0 {
			dst = append(dst, s.back[:i+1]...)
			s.back = s.back[i+1:]
			return dst, nil
		}
		dst = append(dst, s.back...)
		s.back = nil
	}
	for {
		b, err := s.br.ReadSlice('\n')
		dst = append(dst, b...)
		if err != bufio.ErrBufferFull {
			return dst, err
		}
	}
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
		jr.guard.markRow()
		if err == nil && int64(len(jr.raw)) > jr.lim.line {
			// The guard lets a row run a little past the limit before it
			// stops the read; a row that made it through whole is held
			// to the limit all the same.
			jr.rowOff = jr.offset() - int64(len(jr.raw))
			return jr.errorf(jr.lc.lineAt(jr.rowOff), "%s", rowLimitError(jr.lim.line).msg)
		}
		if err != nil {
			if lines && jr.problem != nil && isSyntaxError(err) {
				if err := jr.skipBadLines(err); err != nil {
					return err
				}
				continue
			}
			return jr.syntaxError(err)
		}
		jr.rowOff = jr.offset() - int64(len(jr.raw))
		jr.line = jr.lc.lineAt(jr.rowOff)
		if jr.raw[0] != '{' {
			v := string(jr.raw)
			if len(v) > 40 {
				v = v[:40] + "..."
			}
			if err := jr.bad(jr.errAt(0, "expected a JSON object for each row, found %s %s", jsonKind(jr.raw[0]), v)); err != nil {
				return err
			}
			continue
		}
		if err := jr.readObject(jr.raw); err != nil {
			if err == errEmptyRow {
				jr.e.empty++
				continue
			}
			if err := jr.bad(err); err != nil {
				return err
			}
			continue
		}
		jr.n++
		jr.bytes += int64(len(jr.raw))
		if jr.n >= jr.blockRows || jr.bytes >= maxBlockBytes {
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

// bad stops the file with err, or hands the row (jr.raw) to problem.
func (jr *jsonReader) bad(err error) error {
	var perr *Error
	if jr.problem == nil || !errors.As(err, &perr) {
		return err
	}
	jr.e.rejected++
	return jr.problem(Problem{Error: *perr, Raw: string(jr.raw)})
}

func isSyntaxError(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
}

// skipBadLines rejects a JSON lines row that is not valid JSON: from where
// it starts up to the next line starting with '{' (or the end of the
// file), and goes on reading from there.
func (jr *jsonReader) skipBadLines(decErr error) error {
	errOff, errKnown := jr.syntaxOffset(decErr)
	// The decoder stopped where the bad value began; what it has read
	// beyond goes back in front of the rest of the file.
	off := jr.offset()
	buffered, _ := io.ReadAll(jr.dec.Buffered())
	jr.src.back = append(buffered, jr.src.back...)
	for {
		c, err := jr.src.peek()
		if err != nil || c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			break
		}
		jr.src.skip()
		off++
	}
	start := off
	raw := jr.raw[:0]
	for {
		var err error
		n := len(raw)
		raw, err = jr.src.readLine(raw)
		off += int64(len(raw) - n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if c, err := jr.src.peek(); err != nil || c == '{' {
			break
		}
	}
	jr.guard.markRow()
	if off == start {
		return jr.syntaxError(decErr) // nothing to skip: cannot happen
	}
	jr.base = off - jr.bom
	jr.dec = json.NewDecoder(jr.src)
	jr.raw = bytes.TrimRight(raw, "\r\n")
	var msg string
	var se *json.SyntaxError
	switch _, err := jr.src.peek(); {
	case errors.As(decErr, &se):
		msg = "bad JSON: " + se.Error()
	case err == nil:
		msg = "bad JSON: incomplete value (the next line starts a new row)"
	default:
		msg = "bad JSON: unexpected end of file"
	}
	perr := &Error{File: jr.name, Msg: msg}
	perr.Line = jr.lc.lineAt(start)
	if errKnown && errOff >= start && errOff < start+int64(len(jr.raw)) {
		perr.Line, perr.Column = jr.lc.posAt(errOff, jr.bom)
	}
	return jr.bad(perr)
}

// readObject adds the keys and values of one row object, already
// validated by the decoder: all of them, or none and an *Error, or
// errEmptyRow for an object without keys ({}).
func (jr *jsonReader) readObject(obj []byte) error {
	jr.stg, jr.scratch = jr.stg[:0], jr.scratch[:0]
	jr.touched, jr.created = jr.touched[:0], jr.created[:0]
	err := jr.stageObject(obj)
	if err == nil && len(jr.stg) == 0 {
		err = errEmptyRow
	}
	if err != nil {
		// Undo what reading the row changed.
		for _, c := range jr.touched {
			c.lastRow = -1
		}
		for _, c := range jr.created {
			delete(jr.cols, c.name)
		}
		return err
	}
	for i := range jr.stg {
		jr.commit(&jr.stg[i])
	}
	return nil
}

// stageObject converts the values of a row object into jr.stg.
func (jr *jsonReader) stageObject(obj []byte) error {
	i := skipSpace(obj, 1)
	if obj[i] == '}' {
		return nil
	}
	row := jr.e.rows + int64(jr.n)
	for {
		end, esc := scanString(obj, i)
		key := obj[i+1 : end-1]
		if int64(len(key)) > jr.lim.field {
			return jr.errAt(i, "column name: %s", fieldLimitMsg(len(key), jr.lim.field))
		}
		var c *jsonCol
		if esc {
			var k string
			if err := json.Unmarshal(obj[i:end], &k); err != nil {
				return jr.errAt(i, "bad JSON key %s: %v", obj[i:end], err)
			}
			c = jr.col(k)
		} else if c = jr.cols[string(key)]; c == nil { // no allocation on a hit
			c = jr.col(string(key))
		}
		if c == nil {
			return jr.errAt(i, "%s", columnLimitMsg(jr.lim.columns))
		}
		if c.lastRow == row {
			return jr.errAt(i, "key %q appears twice in one row", c.name)
		}
		c.lastRow = row
		jr.touched = append(jr.touched, c)
		i = skipSpace(obj, end)
		i = skipSpace(obj, i+1) // past ':'
		end = scanValue(obj, i)
		st, err := jr.stage(c, obj[i:end])
		if err != nil {
			return jr.errAt(i, "%s", err)
		}
		jr.stg = append(jr.stg, st)
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

// col returns the column named key, creating it on first sight; nil when
// that would make more columns than the limit.
func (jr *jsonReader) col(key string) *jsonCol {
	c := jr.cols[key]
	if c == nil {
		if len(jr.cols) >= jr.lim.columns {
			return nil
		}
		jr.blockRows = min(jr.blockRows, blockRowsFor(len(jr.cols)+1))
		c = &jsonCol{name: key, pos: jr.canon.Index(key), seq: len(jr.cols), lastRow: -1}
		if c.pos >= 0 {
			c.canon = true
			c.typ = jr.canon[c.pos].Type
		}
		jr.cols[key] = c
		jr.created = append(jr.created, c)
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
				c.s = newStrCol(jr.blockRows)
			}
		} else {
			c.b = column.NewBuilder(c.typ, jr.blockRows)
		}
		jr.block = append(jr.block, c)
	}
	if c.inBlock {
		for c.len() < jr.n {
			c.appendNull()
		}
	}
}

// stage converts one key's value, changing nothing. Its errors are
// messages; the caller adds the position.
func (jr *jsonReader) stage(c *jsonCol, raw []byte) (staged, error) {
	key := c.name
	st := staged{c: c, typ: c.typ}
	if int64(len(raw)) > jr.lim.field {
		return st, fmt.Errorf("column %s: %s", key, fieldLimitMsg(len(raw), jr.lim.field))
	}
	kind := raw[0]
	if kind == 'n' { // null
		return st, nil
	}
	if st.typ == column.Invalid {
		switch {
		case kind == '"', kind == '{', kind == '[':
			st.typ = column.String
		case kind == 't', kind == 'f':
			st.typ = column.Bool
		case isIntegral(raw):
			st.typ = column.Long
		default:
			st.typ = column.Real
		}
	}
	switch st.typ {
	case column.String:
		switch kind {
		case '"':
			if bytes.IndexByte(raw, '\\') < 0 && key != "NetworkMessageId" {
				st.kind, st.bs = stBytes, raw[1:len(raw)-1]
				return st, nil
			}
			s, err := unquote(raw)
			if err != nil {
				return st, err
			}
			if key == "NetworkMessageId" {
				s = NormalizeNetworkMessageID(s)
			}
			st.kind, st.str = stStr, s
		case '{', '[':
			lo := len(jr.scratch)
			jr.buf.Reset()
			if err := json.Compact(&jr.buf, raw); err != nil {
				return st, fmt.Errorf("column %s: %v", key, err)
			}
			jr.scratch = append(jr.scratch, jr.buf.Bytes()...)
			st.kind, st.lo, st.hi = stScratch, lo, len(jr.scratch)
		default: // number, true, false: their JSON text
			st.kind, st.bs = stBytes, raw
		}
	case column.Datetime:
		if kind != '"' {
			return st, typeError(c.name, st.typ, raw)
		}
		s, err := unquote(raw)
		if err != nil {
			return st, err
		}
		if s == "" {
			return st, nil // null
		}
		t, err := column.ParseDatetime(s)
		if err != nil {
			return st, fmt.Errorf("column %s: %v", key, err)
		}
		st.kind, st.i = stInt, t
	case column.Bool:
		switch kind {
		case 't', 'f':
			st.kind, st.b = stBool, kind == 't'
		case '"', '0', '1':
			s := string(raw)
			if kind == '"' {
				var err error
				if s, err = unquote(raw); err != nil {
					return st, err
				}
			}
			v, null, ok := parseBool(s)
			if !ok {
				return st, fmt.Errorf("column %s: %s", key, boolError(s))
			}
			if !null {
				st.kind, st.b = stBool, v
			}
		default:
			return st, typeError(c.name, st.typ, raw)
		}
	case column.Long:
		if !isNumber(kind) {
			return st, typeError(c.name, st.typ, raw)
		}
		if x, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			st.kind, st.i = stInt, x
			return st, nil
		}
		if c.written {
			return st, fmt.Errorf("column %s: %s is not a whole number, but earlier rows stored the column as long", key, raw)
		}
		st.promote = c.typ == column.Long
		st.typ = column.Real
		fallthrough
	case column.Real:
		if !isNumber(kind) {
			return st, typeError(c.name, st.typ, raw)
		}
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return st, fmt.Errorf("column %s: cannot parse %s as a real", key, raw)
		}
		st.kind, st.f = stFloat, f
	default:
		panic("BUG: JSON column of type " + st.typ.String())
	}
	return st, nil
}

// commit appends a staged value to its column.
func (jr *jsonReader) commit(st *staged) {
	c := st.c
	if c.typ == column.Invalid {
		c.typ = st.typ
	}
	jr.open(c)
	if st.promote {
		jr.promoteReal(c)
	}
	switch st.kind {
	case stNull:
		if c.inBlock {
			c.appendNull()
		}
	case stBytes:
		c.s.appendBytes(st.bs)
	case stStr:
		c.s.append(st.str)
	case stScratch:
		c.s.appendBytes(jr.scratch[st.lo:st.hi])
	case stInt:
		c.b.AppendInt(st.i)
	case stFloat:
		c.b.AppendFloat(st.f)
	case stBool:
		c.b.AppendBool(st.b)
	}
}

// promoteReal turns a long column of the current block into a real one.
func (jr *jsonReader) promoteReal(c *jsonCol) {
	v := c.b.Build()
	c.typ = column.Real
	c.b = column.NewBuilder(column.Real, jr.blockRows)
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
	jr.n, jr.bytes = 0, 0
	return jr.e.emit(schema, b)
}

// sortCols orders columns canonical first (by position), then by first
// appearance.
func sortCols(cs []*jsonCol) {
	slices.SortFunc(cs, func(a, b *jsonCol) int {
		switch {
		case a.canon != b.canon:
			if a.canon {
				return -1
			}
			return 1
		case a.canon:
			return a.pos - b.pos
		}
		return a.seq - b.seq
	})
}

// unquote decodes a JSON string, without the decoder when it has no escapes.
func unquote(raw []byte) (string, error) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("bad JSON string %s: %v", raw, err)
	}
	return s, nil
}

func typeError(name string, typ column.Type, raw []byte) error {
	v := string(raw)
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	return fmt.Errorf("column %s: expected %s, found %s %s", name, typeWant(typ), jsonKind(raw[0]), v)
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

// offset is the stream offset of the decoder's position.
func (jr *jsonReader) offset() int64 {
	return jr.base + jr.dec.InputOffset() + jr.bom
}

// lineNow is the line of the decoder's position.
func (jr *jsonReader) lineNow() int {
	return jr.lc.lineAt(jr.offset())
}

func (jr *jsonReader) errorf(line int, format string, args ...any) error {
	return &Error{File: jr.name, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// errAt is an error at byte i of the current row.
func (jr *jsonReader) errAt(i int, format string, args ...any) error {
	line, col := jr.lc.posAt(jr.rowOff+int64(i), jr.bom)
	return &Error{File: jr.name, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// syntaxError reports a decoder error at its line and column.
func (jr *jsonReader) syntaxError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off, _ := jr.syntaxOffset(err)
		line, col := jr.lc.posAt(off, jr.bom)
		return &Error{File: jr.name, Line: line, Column: col, Msg: "bad JSON: " + se.Error()}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return jr.errorf(jr.lc.lastLine(), "bad JSON: unexpected end of file")
	}
	return err
}

// syntaxOffset returns the stream offset of the byte a *json.SyntaxError
// is about. The decoder's offsets are not all counted from the same place,
// so the bad byte is found again: the decoder stays where the failed value
// or token began, and its buffered bytes run at least to the error.
func (jr *jsonReader) syntaxOffset(err error) (int64, bool) {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return 0, false
	}
	off := jr.offset()
	var raw json.RawMessage
	var again *json.SyntaxError
	if errors.As(json.NewDecoder(jr.dec.Buffered()).Decode(&raw), &again) {
		off += again.Offset - 1 // Offset counts the bad byte itself
	} else {
		off += int64(leadingSpace(jr.dec.Buffered()))
	}
	return off, true
}
