package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// The commit journal: what the database holds, known apart from Badger.
//
// Badger knows its table files only from its MANIFEST. A MANIFEST that
// lost its last record (torn, or replaced by an older copy) shows the
// database as it was before, and nothing inside Badger can tell. So every
// commit is also appended to COMMITS, a file of its own beside Badger's:
// the file committed, and its table's rows and blocks after it. Every
// open checks what Badger shows against it; a table with fewer rows than
// were committed is damage (ErrCorrupt), never an older database.
//
//	COMMITS = header | record...
//	header  = "clickhunt commits 1\n"
//	record  = length u32 | CRC-32C(body) u32 | body       (big-endian)
//	body    = kind u8 | seq uvarint | time varint (Unix ns) | ...
//	  commit   (1): table | rows uvarint | blocks uvarint | nextBlock uvarint |
//	                sha 32 B | fileRows uvarint | path
//	  baseline (2): ntables uvarint, each table | rows | blocks | nextBlock;
//	                nfiles uvarint, each sha 32 B | table | rows uvarint | path
//	(strings are uvarint length | bytes)
//
// Each commit transaction also stores its sequence number under the
// commit key (keys.go), so a missing COMMITS is noticed too. The record
// is appended after the transaction is durable: a crash in between leaves
// the journal one commit behind, which the next writer makes up from
// Badger. A baseline record states the whole database: the first writer
// of a database older than the journal, or `clickhunt recover`, writes
// one.
//
// Older clickhunt builds ignore both, so databases stay readable and
// writable by them (their commits just leave the journal behind).
const commitsFile = "COMMITS"

const commitsHeader = "clickhunt commits 1\n"

const (
	journalCommit   byte = 1
	journalBaseline byte = 2
)

// maxJournalRecord bounds a record's length (a baseline of a million
// files fits): a larger length is damage, not an allocation.
const maxJournalRecord = 256 << 20

// kindCommit keys the sequence number of the last commit (commits.go).
//
//	byte 0
//	+------+
//	| 0x09 |
//	+------+
const kindCommit byte = 0x09

func commitKey() []byte { return []byte{kindCommit} }

// journalTable is a table's state after a journaled commit.
type journalTable struct {
	rows              int64
	blocks, nextBlock uint64
	// last names the file of the table's last commit, for messages.
	last string
	at   time.Time
}

// journalFile is one journaled file.
type journalFile struct {
	table string
	rows  int64
	path  string
}

// journal is COMMITS read.
type journal struct {
	seq    uint64 // sequence number of the last whole record
	tables map[string]journalTable
	files  map[[32]byte]journalFile
	// whole is the size of the header and whole records; size the file's.
	whole, size int64
	// damaged describes a record that fails its checksum or decoding;
	// the records before it were read.
	damaged string
}

func newJournal() *journal {
	return &journal{tables: make(map[string]journalTable), files: make(map[[32]byte]journalFile)}
}

// readJournal reads dir's COMMITS; it returns nil when there is none.
func readJournal(dir string) (*journal, error) {
	b, err := os.ReadFile(filepath.Join(dir, commitsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the commit journal: %w", err)
	}
	j := newJournal()
	j.size = int64(len(b))
	if !bytes.HasPrefix(b, []byte(commitsHeader)) {
		j.damaged = "its header is not clickhunt's"
		return j, nil
	}
	off := len(commitsHeader)
	j.whole = int64(off)
	for off < len(b) {
		if len(b)-off < 8 {
			break // torn tail
		}
		n := int(binary.BigEndian.Uint32(b[off:]))
		sum := binary.BigEndian.Uint32(b[off+4:])
		if n > maxJournalRecord {
			j.damaged = fmt.Sprintf("the record at byte %d has a length of %d", off, n)
			break
		}
		if len(b)-off-8 < n {
			break // torn tail
		}
		body := b[off+8 : off+8+n]
		if crc32.Checksum(body, castagnoli) != sum {
			j.damaged = fmt.Sprintf("the record at byte %d fails its checksum", off)
			break
		}
		if err := j.apply(body); err != nil {
			j.damaged = fmt.Sprintf("the record at byte %d: %v", off, err)
			break
		}
		off += 8 + n
		j.whole = int64(off)
	}
	return j, nil
}

// apply adds one record's body to j.
func (j *journal) apply(body []byte) error {
	r := reader{b: body}
	kind := r.byte("record kind")
	seq := r.uvarint("sequence number")
	at := time.Unix(0, r.varint("time")).UTC()
	if r.err == nil && seq <= j.seq && j.seq > 0 {
		return fmt.Errorf("sequence number %d after %d", seq, j.seq)
	}
	switch kind {
	case journalCommit:
		name := r.str("table")
		t := journalTable{rows: int64(r.uvarint("rows")), blocks: r.uvarint("blocks"), nextBlock: r.uvarint("next block"), at: at}
		var sha [32]byte
		if len(r.b) < 32 {
			r.fail("file hash")
		} else {
			copy(sha[:], r.b)
			r.b = r.b[32:]
		}
		f := journalFile{table: name, rows: int64(r.uvarint("file rows"))}
		f.path = r.str("path")
		if err := r.done("commit record"); err != nil {
			return err
		}
		t.last = f.path
		j.tables[name] = t
		j.files[sha] = f
	case journalBaseline:
		tables := make(map[string]journalTable)
		for range r.uvarint("tables") {
			if r.err != nil {
				break
			}
			name := r.str("table")
			tables[name] = journalTable{rows: int64(r.uvarint("rows")), blocks: r.uvarint("blocks"), nextBlock: r.uvarint("next block"), at: at}
		}
		files := make(map[[32]byte]journalFile)
		for range r.uvarint("files") {
			if r.err != nil || len(r.b) < 32 {
				r.fail("file hash")
				break
			}
			var sha [32]byte
			copy(sha[:], r.b)
			r.b = r.b[32:]
			f := journalFile{table: r.str("table"), rows: int64(r.uvarint("file rows"))}
			f.path = r.str("path")
			files[sha] = f
		}
		if err := r.done("baseline record"); err != nil {
			return err
		}
		j.tables, j.files = tables, files
	default:
		if r.err != nil {
			return r.err
		}
		return fmt.Errorf("unknown record kind %d", kind)
	}
	j.seq = seq
	return nil
}

// appendJournalHead appends the start of a record body.
func appendJournalHead(dst []byte, kind byte, seq uint64, at time.Time) []byte {
	dst = append(dst, kind)
	dst = binary.AppendUvarint(dst, seq)
	return binary.AppendVarint(dst, at.UnixNano())
}

// appendCommitRecord is the body of a commit record.
func appendCommitRecord(seq uint64, at time.Time, table string, t tableRecord, f FileRecord) []byte {
	b := appendJournalHead(nil, journalCommit, seq, at)
	b = appendString(b, table)
	b = binary.AppendUvarint(b, uint64(t.rows))
	b = binary.AppendUvarint(b, t.blocks)
	b = binary.AppendUvarint(b, t.nextBlock)
	b = append(b, f.SHA256[:]...)
	b = binary.AppendUvarint(b, uint64(f.Rows))
	return appendString(b, f.Path)
}

// appendBaselineRecord is the body of a baseline record of cat and files.
func appendBaselineRecord(seq uint64, at time.Time, cat map[uint32]*tableState, files []FileRecord) []byte {
	b := appendJournalHead(nil, journalBaseline, seq, at)
	b = binary.AppendUvarint(b, uint64(len(cat)))
	for _, t := range cat {
		b = appendString(b, t.rec.name)
		b = binary.AppendUvarint(b, uint64(t.rec.rows))
		b = binary.AppendUvarint(b, t.rec.blocks)
		b = binary.AppendUvarint(b, t.rec.nextBlock)
	}
	b = binary.AppendUvarint(b, uint64(len(files)))
	for _, f := range files {
		b = append(b, f.SHA256[:]...)
		b = appendString(b, f.Table)
		b = binary.AppendUvarint(b, uint64(f.Rows))
		b = appendString(b, f.Path)
	}
	return b
}

// frameRecord puts a body into its length and checksum frame.
func frameRecord(dst, body []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(body)))
	dst = binary.BigEndian.AppendUint32(dst, crc32.Checksum(body, castagnoli))
	return append(dst, body...)
}

// writeJournal appends framed records to dir's COMMITS and syncs it. A
// journal whose last record is torn (a crash while appending: the
// transactions it recorded are in Badger) is cut back to its whole
// records first; a new one is written whole and renamed into place.
func writeJournal(dir string, j *journal, records []byte) error {
	path := filepath.Join(dir, commitsFile)
	if j == nil {
		tmp := path + ".new"
		data := append([]byte(commitsHeader), records...)
		if err := writeSynced(tmp, data); err != nil {
			os.Remove(tmp)
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return err
		}
		return syncDir(dir)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if j.size > j.whole {
		if err := f.Truncate(j.whole); err != nil {
			return err
		}
	}
	if _, err := f.WriteAt(records, j.whole); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	j.whole += int64(len(records))
	j.size = j.whole
	return nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// readCommitSeq reads the sequence number of the last commit (0 when no
// commit recorded one).
func readCommitSeq(txn *badger.Txn, sums bool) (uint64, error) {
	key := commitKey()
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var seq uint64
	err = item.Value(func(v []byte) error {
		v, err := unseal(sums, key, v)
		if err != nil {
			return err
		}
		var n int
		seq, n = binary.Uvarint(v)
		if n <= 0 || n != len(v) {
			return fmt.Errorf("%w: bad commit sequence number", errCorruptRecord)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("cannot read the commit sequence number: %w", err)
	}
	return seq, nil
}

// journalCheck is what comparing the journal with Badger found.
type journalCheck struct {
	// lost describes committed data Badger no longer shows: the database
	// would answer as an older one. Empty when nothing is lost.
	lost []string
	// problems are damage to the journal itself (the data may be whole).
	problems []string
	// behind is how many commits Badger holds past the journal.
	behind uint64
	// none is set when there is no journal and no commit ever recorded
	// one (a database older than the journal).
	none bool
}

// compareJournal checks what Badger shows (the catalog cat and the commit
// sequence seq) against the journal j (nil: none). With files, it also
// checks that every journaled file has its file record.
func compareJournal(j *journal, cat map[uint32]*tableState, seq uint64, files func(sha [32]byte) (FileRecord, bool, error)) journalCheck {
	var c journalCheck
	if j == nil {
		if seq > 0 {
			c.problems = append(c.problems, fmt.Sprintf("the commit journal %s is missing, though %d commits recorded themselves in it "+
				"(`clickhunt recover` starts a new one from what the database holds)", commitsFile, seq))
		} else {
			c.none = true
		}
		return c
	}
	if j.damaged != "" {
		c.problems = append(c.problems, fmt.Sprintf("the commit journal %s is damaged: %s", commitsFile, j.damaged))
	}
	byName := make(map[string]tableRecord, len(cat))
	for _, t := range cat {
		byName[t.rec.name] = t.rec
	}
	names := make([]string, 0, len(j.tables))
	for name := range j.tables {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		jt := j.tables[name]
		rec, ok := byName[name]
		switch {
		case !ok:
			c.lost = append(c.lost, fmt.Sprintf("table %q is missing, but %d rows in %d blocks were committed to it (the last from %s at %s)",
				name, jt.rows, jt.blocks, jt.last, jt.at.Format(time.RFC3339)))
		case rec.rows < jt.rows || rec.nextBlock < jt.nextBlock || rec.blocks < jt.blocks:
			c.lost = append(c.lost, fmt.Sprintf("table %q shows %d rows in %d blocks, but %d rows in %d blocks were committed to it (the last from %s at %s)",
				name, rec.rows, rec.blocks, jt.rows, jt.blocks, jt.last, jt.at.Format(time.RFC3339)))
		}
	}
	switch {
	case seq < j.seq && len(c.lost) == 0:
		c.lost = append(c.lost, fmt.Sprintf("the database shows %d commits, but the journal records %d", seq, j.seq))
	case seq > j.seq:
		c.behind = seq - j.seq
	}
	if files != nil {
		shas := make([][32]byte, 0, len(j.files))
		for sha := range j.files {
			shas = append(shas, sha)
		}
		slices.SortFunc(shas, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
		for _, sha := range shas {
			jf := j.files[sha]
			f, ok, err := files(sha)
			switch {
			case err != nil:
				c.problems = append(c.problems, fmt.Sprintf("file record of %s: %v", jf.path, err))
			case !ok:
				c.lost = append(c.lost, fmt.Sprintf("the file %s (%d rows into table %q) was committed, but its file record is missing", jf.path, jf.rows, jf.table))
			case f.Rows != jf.rows || f.Table != jf.table:
				c.lost = append(c.lost, fmt.Sprintf("the file %s was committed as %d rows into table %q, but its file record says %d rows into %q",
					jf.path, jf.rows, jf.table, f.Rows, f.Table))
			}
		}
	}
	return c
}

// lostError is the error of data the journal says is lost.
func lostError(dir string, c journalCheck, st *dirState) error {
	why := ""
	if len(st.unlisted) > 0 {
		why = fmt.Sprintf(" (the table files %s are not in its MANIFEST)", tableFiles(st.unlisted))
	}
	return fmt.Errorf("%w: %s: committed data is missing from Badger's files%s: %s",
		ErrCorrupt, dir, why, strings.Join(c.lost, "; "))
}

// journalCommit appends the record of a commit to the journal, once the
// commit is durable. A failed append is not the commit's failure: the
// journal is then behind Badger, which every check allows (it is a lower
// bound of what the database holds), and the next writer's open catches
// it up. The caller holds commitMu.
func (db *DB) journalCommit(seq uint64, at time.Time, table string, rec tableRecord, f FileRecord) {
	if db.journalStale {
		j, err := readJournal(db.dir)
		if err != nil || j == nil || j.damaged != "" {
			return
		}
		db.journal, db.journalStale = j, false
	}
	if err := injected("journal"); err != nil {
		db.journalStale = true
		return
	}
	record := frameRecord(nil, appendCommitRecord(seq, at, table, rec, f))
	if err := writeJournal(db.dir, db.journal, record); err != nil {
		db.journalStale = true
		return
	}
	if db.journal == nil {
		db.journal, _ = readJournal(db.dir)
		return
	}
	db.journal.apply(record[8:])
}
