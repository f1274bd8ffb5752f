package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"clickhunt/column"
)

// cell is one value of the row being converted, before it is appended.
// Converting a whole row into cells first makes a bad row leave no trace in
// the block, so --rejects can skip it.
type cell struct {
	s    string
	i    int64
	f    float64
	b    bool
	null bool
}

// fieldPlan says where field i of a record goes.
type fieldPlan struct {
	name string // source column as written
	out  int    // stored column, -1 to drop (an empty trailing header)
	typ  column.Type
	kind convKind
}

// outCol builds one stored column of the current block.
type outCol struct {
	s *strCol
	b *column.Builder
}

// plan maps the records of one file onto a table.
type plan struct {
	src     *sourceDef
	table   string
	schema  column.Schema
	byName  map[string]int
	fields  []fieldPlan
	outs    []outCol
	cells   []cell
	explode int // field holding recipient_status, or -1
	dates   *dateParser
	// fills are pairs of stored columns (from, to): to takes from's
	// value where it is null or empty.
	fills [][2]int
	n     int // rows in the current block
	// blockRows is the most rows a block takes (blockRowsFor its
	// columns); bytes the row text read into the current block, which
	// is cut early past maxBlockBytes.
	blockRows int
	bytes     int64
	// The block's row hashes (dedup.go), when the sink takes them: a
	// plain string column's values are hashed as they are appended,
	// while their bytes are still in the cache (hashing them after the
	// block was parsed cost twice as much); flush adds the rest.
	rowHash    []uint64
	hashedFrom []int    // per column: the first row hashed on append, -1 none
	seeds      []uint64 // per column: colSeed
	mapping    []MappingEntry
	notes      []string
}

// tableSink is a Sink that learns the table before the first block.
type tableSink interface {
	setTable(table string) error
}

// newPlan maps header (and, from a JSON document's schema, declared types;
// nil for CSV) onto a table.
func newPlan(header []string, declared []column.Type, cfg *readConfig) (*plan, error) {
	p := &plan{byName: map[string]int{}, explode: -1, dates: cfg.dates}
	// Sentinel writes a trailing comma on every line, header included.
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1]
	}
	seen := map[string]bool{}
	for i, h := range header {
		if h == "" {
			return nil, fmt.Errorf("header: column %d has no name", i+1)
		}
		if seen[h] {
			return nil, fmt.Errorf("header: column %s appears twice", h)
		}
		seen[h] = true
	}
	p.src = cfg.source
	if p.src == nil {
		p.src = detectSource(header)
	}
	names := make([]string, len(header))
	local := make([]bool, len(header))
	utc := make([]bool, len(header))
	for i, h := range header {
		names[i] = baseName(h)
		l := strings.ToLower(h)
		local[i] = strings.HasSuffix(l, " [local time]")
		utc[i] = strings.HasSuffix(l, " [utc]")
		if local[i] && !cfg.tzGiven {
			return nil, fmt.Errorf("header: column %q holds local times: give their zone with --tz (e.g. --tz Europe/Berlin); clickhunt does not guess", h)
		}
	}
	p.table = cfg.table
	if p.table == "" {
		p.table = p.src.Table
	}
	if p.table == "" {
		p.table = ahTable(names)
	}
	canon := Schemas[p.table]
	if canon == nil && p.src.Table != "" {
		canon = Schemas[p.src.Table]
	}
	present := map[string]bool{}
	for _, n := range names {
		present[n] = true
	}
	suffixCount := map[string]int{}
	for _, n := range names {
		if b := splitTypeSuffix(n); b != "" {
			suffixCount[b]++
		}
	}

	type target struct {
		name string
		typ  column.Type
	}
	var targets []target
	targetAt := map[string]int{} // target name -> index in targets
	claimed := map[string]int{}  // target name -> first field
	addTarget := func(name string, typ column.Type) {
		if _, ok := targetAt[name]; ok {
			return
		}
		if ci := canon.Index(name); ci >= 0 {
			typ = canon[ci].Type
		}
		if typ == column.Invalid {
			typ = column.String
		}
		targetAt[name] = len(targets)
		targets = append(targets, target{name, typ})
	}
	fieldTarget := make([]string, len(names))
	fieldTyp := make([]column.Type, len(names))
	fieldKind := make([]convKind, len(names))
	fieldNote := make([]string, len(names))
	fillFrom := make([]string, len(names)) // a column this one fills where empty
	var adds []string
	for i, n := range names {
		tgt, typ, kind := n, column.Invalid, convPlain
		if declared != nil {
			typ = declared[i]
		}
		if utc[i] || local[i] {
			typ = column.Datetime
		}
		mapped := false
		for _, sc := range p.src.cols {
			if strings.EqualFold(sc.name, n) {
				mapped = true
				if sc.target != "" {
					tgt = sc.target
				}
				if sc.typ != column.Invalid {
					typ = sc.typ
				}
				kind = sc.kind
				fieldNote[i] = sc.note
				adds = append(adds, sc.adds...)
				if kind == convRecipients {
					p.explode = i
				}
				break
			}
		}
		if !mapped {
			if b := splitTypeSuffix(n); b != "" && !present[b] && (canon.Index(b) >= 0 || suffixCount[b] >= 2) {
				tgt = b
				typ = column.Invalid // the group's type: canonical, else string
			}
			if tgt == "TimeGenerated" && !present["Timestamp"] && canon.Index("Timestamp") >= 0 {
				tgt = "Timestamp"
			}
		}
		if tgt == "NetworkMessageId" {
			kind = max(kind, convNMID)
		}
		if _, ok := claimed[tgt]; (ok || present[tgt]) && tgt != n && splitTypeSuffix(n) == "" {
			// Another column (this name itself in the file, or an earlier
			// rename) fills the target: keep this one whole, and let it
			// fill the target where that is empty and the types agree
			// (Get-UrlTrace's AppName beside Workload).
			fillFrom[i] = tgt
			tgt = n
		}
		if _, ok := claimed[tgt]; !ok {
			claimed[tgt] = i
		}
		fieldTarget[i], fieldTyp[i], fieldKind[i] = tgt, typ, kind
	}
	// Identity columns first, so a rename never takes a column's own name.
	for i := range names {
		addTarget(fieldTarget[i], fieldTyp[i])
	}
	for _, a := range adds {
		if !present[a] {
			addTarget(a, column.Invalid)
		}
	}
	// Canonical columns in canonical order, then the rest in file order.
	for _, f := range canon {
		if i, ok := targetAt[f.Name]; ok {
			p.schema = append(p.schema, column.Field{Name: targets[i].name, Type: targets[i].typ})
		}
	}
	for _, t := range targets {
		if canon.Index(t.name) < 0 {
			p.schema = append(p.schema, column.Field{Name: t.name, Type: t.typ})
		}
	}
	for i, f := range p.schema {
		p.byName[f.Name] = i
	}
	p.fields = make([]fieldPlan, len(header))
	for i := range header {
		out := p.byName[fieldTarget[i]]
		p.fields[i] = fieldPlan{name: header[i], out: out, typ: p.schema[out].Type, kind: fieldKind[i]}
		note := ""
		switch {
		case fieldNote[i] != "":
			note = fieldNote[i]
		case fieldKind[i] == convNMID:
			note = "normalised to a lower-case GUID with dashes"
		case fieldKind[i] == convAction:
			note = "kept; ActionType and IsClickedThrough derived from it"
		case fieldKind[i] == convRecipients:
			note = "kept; one row per recipient (RecipientAddress, RecipientStatus, Status: the delivery status its last event leaves)"
		case local[i]:
			note = "local time, zone from --tz"
		case p.schema[out].Name != names[i] && splitTypeSuffix(names[i]) != "":
			note = "type-suffixed duplicate: first non-empty wins"
		}
		if t, ok := p.byName[fillFrom[i]]; ok && fillFrom[i] != "" {
			if p.schema[t].Type == p.schema[out].Type {
				p.fills = append(p.fills, [2]int{out, t})
				note = "kept; fills " + fillFrom[i] + " where that is empty"
			}
		}
		p.mapping = append(p.mapping, MappingEntry{Source: header[i], Column: p.schema[out].Name, Type: p.schema[out].Type, Note: note})
	}
	for _, a := range adds {
		if !present[a] {
			if i, ok := p.byName[a]; ok && !slices.ContainsFunc(p.mapping, func(m MappingEntry) bool { return m.Column == a }) {
				p.mapping = append(p.mapping, MappingEntry{Column: a, Type: p.schema[i].Type, Note: "derived"})
			}
		}
	}
	p.blockRows = blockRowsFor(len(p.schema))
	p.outs = make([]outCol, len(p.schema))
	for i, f := range p.schema {
		p.outs[i] = newOutCol(f.Type, p.blockRows)
	}
	p.cells = make([]cell, len(p.schema))
	return p, nil
}

func newOutCol(t column.Type, rows int) outCol {
	if t == column.String {
		return outCol{s: newStrCol(rows)}
	}
	return outCol{b: column.NewBuilder(t, rows)}
}

// addColumn adds a string column met late (a JSON key outside the
// document's schema), padded with nulls for the rows of the block so far.
func (p *plan) addColumn(name string) int {
	i := len(p.schema)
	p.schema = append(p.schema, column.Field{Name: name, Type: column.String})
	p.byName[name] = i
	p.blockRows = min(p.blockRows, blockRowsFor(len(p.schema)))
	oc := newOutCol(column.String, p.blockRows)
	for range p.n {
		oc.s.append("")
	}
	p.outs = append(p.outs, oc)
	if p.rowHash != nil {
		p.hashedFrom = append(p.hashedFrom, -1)
		p.seeds = append(p.seeds, colSeed(p.schema[i]))
	}
	p.cells = append(p.cells, cell{null: true})
	p.mapping = append(p.mapping, MappingEntry{Source: name, Column: name, Type: column.String, Note: "not in the document's schema"})
	return i
}

// convert turns one record into cells. nulls, when not nil, marks JSON
// nulls. On a bad value it returns the field's index and the problem.
func (p *plan) convert(rec []string, nulls []bool) (int, error) {
	for i := range p.cells {
		p.cells[i] = cell{null: true}
	}
	for i, f := range p.fields {
		if i >= len(rec) {
			break
		}
		if f.out < 0 || nulls != nil && nulls[i] {
			continue
		}
		v := rec[i]
		c := &p.cells[f.out]
		if !c.null || v == "" {
			continue // first non-empty value wins
		}
		switch f.typ {
		case column.String:
			if f.kind == convNMID {
				v = NormalizeNetworkMessageID(v)
			}
			*c = cell{s: v}
		case column.Datetime:
			t, err := p.dates.parse(v)
			if err != nil {
				return i, err
			}
			*c = cell{i: t}
		case column.Bool:
			b, null, ok := parseBool(strings.TrimSpace(v))
			if !ok {
				return i, errors.New(boolError(v))
			}
			if !null {
				*c = cell{b: b}
			}
		case column.Long, column.Int, column.Timespan:
			x, err := parseLong(v)
			if err != nil {
				return i, err
			}
			*c = cell{i: x}
		case column.Real:
			x, err := parseReal(v)
			if err != nil {
				return i, err
			}
			*c = cell{f: x}
		default:
			panic("BUG: mapped column of type " + f.typ.String())
		}
	}
	for _, f := range p.fills {
		from, to := &p.cells[f[0]], &p.cells[f[1]]
		if (to.null || p.schema[f[1]].Type == column.String && to.s == "") && !from.null {
			*to = *from
		}
	}
	if p.src.derive != nil {
		p.src.derive(&rowView{p: p, cells: p.cells})
	}
	return -1, nil
}

// appendRow appends the converted cells, one row per recipient when the
// source packs recipients, and flushes full blocks.
func (p *plan) appendRow(rec []string, e *emitter) error {
	if p.explode < 0 || p.explode >= len(rec) {
		return p.appendCells(e)
	}
	var parts []string
	for _, s := range strings.Split(rec[p.explode], ";") {
		if strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return p.appendCells(e)
	}
	ra, rs, st := p.byName["RecipientAddress"], p.byName["RecipientStatus"], p.byName["Status"]
	for _, part := range parts {
		addr, events, _ := strings.Cut(part, "##")
		p.cells[ra] = cell{s: strings.TrimSpace(addr)}
		p.cells[rs] = cell{s: strings.TrimSpace(events)}
		p.cells[st] = cell{s: statusOfEvents(events)}
		if err := p.appendCells(e); err != nil {
			return err
		}
	}
	return nil
}

func (p *plan) appendCells(e *emitter) error {
	p.put()
	if p.n >= p.blockRows || p.bytes >= maxBlockBytes {
		return p.flush(e)
	}
	if p.n%checkEvery == 0 {
		return e.ctx.Err()
	}
	return nil
}

// put appends the converted cells as the block's next row.
func (p *plan) put() {
	for i, c := range p.cells {
		o := p.outs[i]
		if o.s != nil {
			o.s.append(c.s)
			if p.rowHash != nil && o.s.plain {
				if p.hashedFrom[i] < 0 {
					p.hashedFrom[i] = p.n // plain from this row on
				}
				if c.s != "" {
					p.rowHash[p.n] += stringHash(c.s, p.seeds[i])
				}
			}
			continue
		}
		if c.null {
			o.b.AppendNull()
			continue
		}
		switch p.schema[i].Type {
		case column.Bool:
			o.b.AppendBool(c.b)
		case column.Real:
			o.b.AppendFloat(c.f)
		default:
			o.b.AppendInt(c.i)
		}
	}
	p.n++
}

func (p *plan) flush(e *emitter) error {
	if p.n == 0 {
		return nil
	}
	schema, b, hashes := p.build()
	return e.emitHashed(schema, b, hashes)
}

// build returns the block so far (with its row hashes when they are
// kept) and starts the next one.
func (p *plan) build() (column.Schema, *column.Batch, []uint64) {
	b := &column.Batch{Len: p.n, Cols: make([]*column.Vector, len(p.schema))}
	for i, o := range p.outs {
		if o.s != nil {
			b.Cols[i] = o.s.build()
		} else {
			b.Cols[i] = o.b.Build()
			p.outs[i].b = column.NewBuilder(p.schema[i].Type, p.blockRows)
		}
	}
	var hashes []uint64
	if p.rowHash != nil {
		hashes = p.rowHash[:p.n:p.n]
		for i, f := range p.schema {
			to := p.n
			if p.hashedFrom[i] >= 0 {
				to = p.hashedFrom[i]
			}
			addColumnHashes(hashes, f, b.Cols[i], to)
		}
		finishRowHashes(hashes)
		p.startHashes()
	}
	p.n, p.bytes = 0, 0
	return slices.Clone(p.schema), b, hashes
}

// startHashes starts the row hashes of a block: plain string columns are
// hashed from its first row.
func (p *plan) startHashes() {
	p.rowHash = make([]uint64, p.blockRows)
	p.hashedFrom = p.hashedFrom[:0]
	p.seeds = p.seeds[:0]
	for i, o := range p.outs {
		from := -1
		if o.s != nil && o.s.plain {
			from = 0
		}
		p.hashedFrom = append(p.hashedFrom, from)
		p.seeds = append(p.seeds, colSeed(p.schema[i]))
	}
}

// tapReader keeps the bytes read through it from a mark on, so a rejected
// CSV record can be written out verbatim (line ends as \n). It keeps them
// as read, so that its offsets are encoding/csv's InputOffset.
type tapReader struct {
	r    io.Reader
	buf  []byte
	base int64 // stream offset of buf[0]
}

func (t *tapReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// span returns the bytes from start to end, \r\n as \n, and forgets those
// before end.
func (t *tapReader) span(start, end int64) string {
	b := t.buf[start-t.base : end-t.base]
	s := string(b)
	if bytes.Contains(b, []byte("\r\n")) {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	t.forget(end)
	return s
}

func (t *tapReader) forget(off int64) {
	if d := off - t.base; d > 1<<20 {
		t.buf = append(t.buf[:0], t.buf[d:]...)
		t.base = off
	}
}

// readMappedCSV reads a CSV export of any recognised source. Once the
// header is read the rows are parsed on every core (csvpar.go) when the
// header fits the first 64 KiB; otherwise, and for sources that make
// several rows of one record, one at a time by encoding/csv.
func readMappedCSV(r io.Reader, name string, cfg *readConfig, e *emitter) error {
	br := bufio.NewReaderSize(r, 64<<10)
	lineBase := 0
	// PowerShell's Export-Csv starts with "#TYPE Full.Type.Name".
	if b, _ := br.Peek(5); bytes.Equal(b, []byte("#TYPE")) {
		if _, err := br.ReadString('\n'); err != nil && err != io.EOF {
			return err
		}
		lineBase = 1
		e.info.notes = append(e.info.notes, "skipped PowerShell's #TYPE line")
	}
	// The header alone goes through encoding/csv when the rows may be
	// parsed in parallel, which then read br from the first row on.
	hdrLen, hdrLines := -1, 0
	if csvParallel {
		hdrLen, hdrLines = headerLen(br)
	}
	var src io.Reader = br
	var tap *tapReader
	if hdrLen > 0 {
		src = io.LimitReader(br, int64(hdrLen))
	} else if cfg.problem != nil {
		tap = &tapReader{r: br}
		src = tap
	}
	cr := csv.NewReader(src)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return &Error{File: name, Line: 1 + lineBase, Msg: "empty file: expected a header row of column names"}
	}
	if err != nil {
		return csvError(name, err, header, 0, lineBase)
	}
	header = slices.Clone(header)
	cfg.guard.markRow()
	if len(header) > cfg.lim.columns {
		return &Error{File: name, Line: 1 + lineBase, Msg: fmt.Sprintf("header: %d columns, ", len(header)) + columnLimitMsg(cfg.lim.columns)}
	}
	for i, h := range header {
		if int64(len(h)) > cfg.lim.field {
			line, col := cr.FieldPos(i)
			return &Error{File: name, Line: line + lineBase, Column: col, Msg: fmt.Sprintf("header: column %d: ", i+1) + fieldLimitMsg(len(h), cfg.lim.field)}
		}
	}
	header, declared, cfg := typedHeader(header, name, cfg) // a clickhunt export's part (typed_csv.go)
	p, err := newPlan(header, declared, cfg)
	if err != nil {
		line, _ := cr.FieldPos(0)
		return &Error{File: name, Line: line + lineBase, Msg: err.Error()}
	}
	if err := e.start(p); err != nil {
		return err
	}
	s := &csvSeq{name: name, cfg: cfg, p: p, e: e, nf: len(p.fields), markRow: cfg.guard.markRow}
	switch {
	case hdrLen < 0:
		_, err = s.loop(cr, tap, lineBase, -1)
	case p.explode >= 0:
		err = s.rest(br, lineBase+hdrLines)
	default:
		err = readParallelCSV(br, s, lineBase+hdrLines)
	}
	if err != nil {
		return err
	}
	if err := p.flush(e); err != nil {
		return err
	}
	e.finish(p)
	return nil
}

// csvSeq reads the records of a CSV file one at a time with encoding/csv,
// which says exactly where and how a row is bad.
type csvSeq struct {
	name    string
	cfg     *readConfig
	p       *plan
	e       *emitter
	nf      int    // fields in the header
	markRow func() // tells the input guard a row ended; nil: the bytes were read before
}

// rest reads r, the rest of the input from a record's start on, lineBase
// lines into the file.
func (s *csvSeq) rest(r io.Reader, lineBase int) error {
	var src io.Reader = r
	var tap *tapReader
	if s.cfg.problem != nil {
		tap = &tapReader{r: r}
		src = tap
	}
	cr := csv.NewReader(src)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	_, err := s.loop(cr, tap, lineBase, -1)
	return err
}

// loop reads cr's records to its end; lineBase lines of the file come
// before cr's first. When cr reads a chunk of chunkLen bytes (>= 0) that
// may end inside a record (the split is by quote parity, which a broken
// quote fools), a record left open at the chunk's end is not read: loop
// returns its offset in the chunk, from where the caller reads the rest of
// the input as one stream. It returns -1 otherwise.
func (s *csvSeq) loop(cr *csv.Reader, tap *tapReader, lineBase int, chunkLen int64) (int64, error) {
	name, cfg, p, e, nf := s.name, s.cfg, s.p, s.e, s.nf
	prev := cr.InputOffset()
	reject := func(perr *Error) error {
		if cfg.problem == nil {
			return perr
		}
		end := cr.InputOffset()
		raw := ""
		if tap != nil {
			raw = tap.span(prev, end)
		}
		prev = end
		e.rejected++
		return cfg.problem(Problem{Error: *perr, Raw: raw})
	}
	rowStart := cr.InputOffset()
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if s.markRow != nil {
			s.markRow()
		}
		recStart := rowStart
		rowEnd := cr.InputOffset()
		rowBytes := rowEnd - rowStart
		rowStart = rowEnd
		if err != nil && chunkLen >= 0 && rowEnd == chunkLen {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote) {
				return recStart, nil
			}
		}
		if rowBytes > cfg.lim.line {
			// The guard lets a row run a little past the limit before
			// it stops the read; a row that made it through whole is
			// held to the limit all the same.
			line, _ := cr.FieldPos(0)
			return -1, &Error{File: name, Line: line + lineBase, Msg: rowLimitError(cfg.lim.line).msg}
		}
		if err != nil {
			perr, ok := csvError(name, err, rec, nf, lineBase).(*Error)
			if !ok {
				return -1, err
			}
			if err := reject(perr); err != nil {
				return -1, err
			}
			continue
		}
		if len(rec) != nf {
			extraEmpty := len(rec) > nf
			for _, f := range rec[min(nf, len(rec)):] {
				extraEmpty = extraEmpty && f == ""
			}
			if !extraEmpty {
				line, _ := cr.FieldPos(0)
				if err := reject(&Error{File: name, Line: line + lineBase, Msg: fmt.Sprintf("wrong number of fields: got %d, the header has %d", len(rec), nf)}); err != nil {
					return -1, err
				}
				continue
			}
			rec = rec[:nf]
		}
		if i := bigField(rec, cfg.lim.field); i >= 0 {
			line, col := cr.FieldPos(i)
			if err := reject(&Error{File: name, Line: line + lineBase, Column: col, Msg: "column " + p.fields[i].name + ": " + fieldLimitMsg(len(rec[i]), cfg.lim.field)}); err != nil {
				return -1, err
			}
			continue
		}
		if i, err := p.convert(rec, nil); err != nil {
			line, col := cr.FieldPos(i)
			if err := reject(&Error{File: name, Line: line + lineBase, Column: col, Msg: "column " + p.fields[i].name + ": " + err.Error()}); err != nil {
				return -1, err
			}
			continue
		}
		if tap != nil {
			prev = cr.InputOffset()
			tap.forget(prev)
		}
		p.bytes += rowBytes
		if err := p.appendRow(rec, e); err != nil {
			return -1, err
		}
		e.in++
	}
	return -1, nil
}

// bigField returns the index of the first field of rec longer than limit,
// or -1.
func bigField(rec []string, limit int64) int {
	for i, f := range rec {
		if int64(len(f)) > limit {
			return i
		}
	}
	return -1
}
