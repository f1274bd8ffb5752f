package storage

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"clickhunt/column"
)

// A stored column value (one per table, block and column) is laid out as
//
//	value   = flag u8 | body
//	          flag 0: body = payload
//	          flag 1: body = payloadLen uvarint | zstd frame of payload
//	          flag 2: pages of plain strings, each a value (pages.go)
//	payload = type u8 | rows uvarint | hasNulls u8 | [null bitmap] | data
//
// The null bitmap (ceil(rows/8) bytes, bit i of byte i/8 set when row i is
// null) is present only when hasNulls is 1. Strings are never null: a
// null string is "". data depends on the type:
//
//	string, dynamic, guid:
//	        ndict uvarint | ndict x len uvarint | dict bytes | codeEnc u8 | codes
//	        codeEnc 0: no codes (ndict <= 1, every row is code 0)
//	        codeEnc 1, 2, 4: codes of that many bytes, little-endian
//	        codeEnc 0x80|w: codes bit-packed w bits each (w <= 4)
//	        codeEnc 3: no codes, row i is entry i (format 3 on)
//	        codeEnc 5: ndict is 0; nshared uvarint | w u8 | codes bit-packed
//	                   w bits each, into the first nshared entries of the
//	                   column's shared dictionary (format 5 on, shared.go)
//	long, int, datetime, timespan:
//	        intEnc u8 | ...
//	        intEnc 1 (delta): rows x uvarint zigzag(v[i]-v[i-1]), v[-1] = 0
//	        intEnc 2 (frame of reference): uvarint zigzag(min) | w u8 |
//	                 rows x (v-min) bit-packed w bits each (w = 0: constant)
//	        intEnc 3 (packed deltas, format 5 on): uvarint zigzag(v[0]) |
//	                 uvarint zigzag(dmin) | w u8 | rows-1 x (d[i]-dmin)
//	                 bit-packed w bits each, d[i] = v[i]-v[i-1] (rows >= 1)
//	real:   rows x float64 bits, little-endian
//	bool:   bitmap like the null bitmap
//
// Null slots hold 0 (false) in the decoded vector. The encoder fills them
// with the previous value (delta) or the minimum (frame of reference) so
// nulls cost one byte or nothing. Bit-packed data is a little-endian bit
// stream: value i occupies bits [i*w, (i+1)*w).
const (
	valueRaw  byte = 0
	valueZstd byte = 1

	intDelta    byte = 1
	intFOR      byte = 2
	intDeltaFOR byte = 3

	codesPacked byte = 0x80
	// codesIdentity: row i is dictionary entry i (format 3 on).
	codesIdentity byte = 3
	// codesShared: the codes point into the column's shared dictionary
	// (format 5 on, shared.go); the block has no dictionary of its own.
	codesShared byte = 5

	// minCompress is the smallest payload worth handing to zstd.
	minCompress = 128
	// maxStrBytesForStats bounds the strings kept as min/max in ColStats.
	maxStrBytesForStats = 64
	// maxPayload bounds the decompressed size a value may claim, so corrupt
	// input cannot make us allocate without limit.
	maxPayload = 1 << 32
	// maxRatio is how many times its stored size a compressed value is
	// trusted to expand to when its buffer is sized up front.
	maxRatio = 256
	// decodeSlack is the room left past a decompressed payload.
	decodeSlack = 64
)

// errCorrupt is wrapped by every decoding error.
var errCorrupt error = corruptKind("corrupt column value")

var (
	// SpeedFastest: on Safe Links columns it compresses as well as
	// SpeedDefault (dictionary bytes and codes are what it sees) and
	// encodes a third faster, which shows in ingest on two cores. Text
	// with no repeats (random ids such as ReportId) is then stored raw:
	// entropy-coding such literals too (WithAllLitEntropyCompression)
	// halves ReportId, 18% of a 10M-row database, but decoding them made
	// the sample query 29% slower from a fresh process.
	// Decoding speed does not depend on the level. Frames carry no
	// checksum of their own: every value is sealed with a CRC-32C of its
	// stored bytes (checksum.go), and verifying zstd's xxhash as well was
	// 5% of a cold scan of URLs. Frames written before still carry one,
	// and the decoder still checks it (format 1 values have no seal).
	zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil,
			zstd.WithEncoderCRC(false),
			zstd.WithEncoderLevel(zstd.SpeedFastest),
			zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
		if err != nil {
			panic(fmt.Sprintf("BUG: cannot create zstd encoder: %v", err))
		}
		return e
	})
	zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil,
			zstd.WithDecoderConcurrency(0),
			zstd.WithDecoderMaxMemory(maxPayload))
		if err != nil {
			panic(fmt.Sprintf("BUG: cannot create zstd decoder: %v", err))
		}
		return d
	})
)

// isStringType reports whether t is stored as dictionary-encoded strings.
func isStringType(t column.Type) bool {
	return t == column.String || t == column.Dynamic || t == column.Guid
}

// validType reports whether t can be stored.
func validType(t column.Type) bool { return t > column.Invalid && t <= column.Guid }

// appendColumnValue encodes the v.Len rows of v as a stored column value,
// appends it to dst and returns the result with v's statistics (Bytes is
// left for the caller). Const vectors and plain (Strs) strings are accepted.
func appendColumnValue(dst []byte, v *column.Vector) ([]byte, ColStats) {
	return appendColumnValueFormat(dst, v, formatVersion)
}

// appendColumnValueFormat is appendColumnValue in the encoding of format
// version ver, so a database keeps being written in its own version.
func appendColumnValueFormat(dst []byte, v *column.Vector, ver uint32) ([]byte, ColStats) {
	// The payload is only the compressor's input: its buffer is reused
	// (a block of URLs makes 5 MB of it).
	buf := payloadPool.Get().(*[]byte)
	payload, st := appendColumnPayload((*buf)[:0], v, ver)
	dst = appendCompressed(dst, payload)
	*buf = payload[:0]
	payloadPool.Put(buf)
	return dst, st
}

var payloadPool = sync.Pool{New: func() any { return new([]byte) }}

// appendCompressed appends payload as a value body, zstd-compressed when
// that saves at least an eighth.
func appendCompressed(dst, payload []byte) []byte {
	start := len(dst)
	if len(payload) >= minCompress {
		// Room for the payload as it is: zstd's output then never
		// outgrows dst (a kept frame is under 7/8 of it), and the raw
		// fallback fits too.
		dst = slices.Grow(dst, len(payload)+binary.MaxVarintLen64+1)
		dst = append(dst, valueZstd)
		dst = binary.AppendUvarint(dst, uint64(len(payload)))
		dst = zstdEncoder().EncodeAll(payload, dst)
		if len(dst)-start < len(payload)-len(payload)/8 {
			return dst
		}
		dst = dst[:start]
	}
	dst = append(dst, valueRaw)
	return append(dst, payload...)
}

// decompressPayload undoes appendCompressed. owned says whether the
// payload is a new buffer (else it aliases val).
func decompressPayload(val []byte) (payload []byte, owned bool, err error) {
	if len(val) == 0 {
		return nil, false, fmt.Errorf("%w: empty", errCorrupt)
	}
	payload = val[1:]
	switch val[0] {
	case valueRaw:
		return payload, false, nil
	case valueZstd:
		n, k := binary.Uvarint(payload)
		if k <= 0 || n > maxPayload {
			return nil, false, fmt.Errorf("%w: bad compressed length", errCorrupt)
		}
		// The buffer is sized once for the claimed length (a buffer that
		// grows while decoding, or that the decoder replaces, costs a
		// second allocation of every block read), but only up to a bound
		// tied to the stored size: a damaged length must not allocate
		// gigabytes up front.
		// The slack lets the decoder use its fast copies for the last
		// blocks too (it wants 16 bytes past what a block writes).
		src := payload[k:]
		out, err := zstdDecoder().DecodeAll(src, make([]byte, 0, min(n, max(1<<20, maxRatio*uint64(len(src))))+decodeSlack))
		if err != nil {
			return nil, false, fmt.Errorf("%w: %v", errCorrupt, err)
		}
		if uint64(len(out)) != n {
			return nil, false, fmt.Errorf("%w: decompressed %d bytes, want %d", errCorrupt, len(out), n)
		}
		return out, true, nil
	}
	return nil, false, fmt.Errorf("%w: unknown value flag %d", errCorrupt, val[0])
}

// decodeColumnValue decodes a stored column value of type t. The result
// shares no memory with val, so val may be Badger's (reused) value buffer.
// A block coded into its column's shared dictionary fails with
// errNeedsDict: decode it with decodeColumnValueShared.
func decodeColumnValue(val []byte, t column.Type) (*column.Vector, error) {
	v, shared, err := decodeColumnValueShared(val, t)
	if err == nil && shared > 0 {
		return nil, fmt.Errorf("%w: %w", errCorrupt, errNeedsDict)
	}
	return v, err
}

// decodeColumnValueShared is decodeColumnValue for blocks that may be
// coded into their column's shared dictionary: then shared is the number
// of its entries the codes may use and v has Codes but no Dict, for the
// caller to attach.
func decodeColumnValueShared(val []byte, t column.Type) (v *column.Vector, shared int, err error) {
	if len(val) > 0 && val[0] == valuePaged {
		v, err := decodePaged(val, t)
		return v, 0, err
	}
	return decodeColumnValueRows(val, t, nil, 0)
}

// decodeColumnValueRows is decodeColumnValueShared (for a value that is
// not paged) for the rows want (ascending row numbers) of a value of
// blockRows rows: the result has len(want) rows. Strings decode only those
// rows' codes; other types decode whole and are gathered. A nil want means
// every row (and blockRows is not checked).
func decodeColumnValueRows(val []byte, t column.Type, want []uint32, blockRows int) (v *column.Vector, shared int, err error) {
	payload, owned, err := decompressPayload(val)
	if err != nil {
		return nil, 0, err
	}
	v, shared, rest, err := decodeColumnPayloadRows(payload, t, owned, want, blockRows)
	if err != nil {
		return nil, 0, err
	}
	if len(rest) != 0 {
		return nil, 0, fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(rest))
	}
	return v, shared, nil
}

// appendColumnPayload appends the uncompressed encoding of v to dst.
func appendColumnPayload(dst []byte, v *column.Vector, ver uint32) ([]byte, ColStats) {
	if !validType(v.Type) {
		panic(fmt.Sprintf("BUG: cannot encode a column of type %s", v.Type))
	}
	dst = append(dst, byte(v.Type))
	dst = binary.AppendUvarint(dst, uint64(v.Len))
	if isStringType(v.Type) {
		dst = append(dst, 0)
		return appendStrings(dst, v, ver)
	}
	nulls, nnull := nullsOf(v)
	if nnull > 0 {
		dst = append(dst, 1)
		dst = appendBitmap(dst, nulls)
	} else {
		dst = append(dst, 0)
		nulls = nil
	}
	var st ColStats
	switch v.Type {
	case column.Real:
		dst, st = appendReals(dst, floatsOf(v), nulls)
	case column.Bool:
		dst, st = appendBools(dst, boolsOf(v), nulls)
	default:
		dst, st = appendInts(dst, intsOf(v), nulls, ver >= firstDeltaFORFormat)
	}
	st.Nulls = nnull
	return dst, st
}

// decodeColumnPayload decodes a payload of type t and returns the rest of
// src.
func decodeColumnPayload(src []byte, t column.Type) (*column.Vector, []byte, error) {
	v, shared, rest, err := decodeColumnPayloadOwned(src, t, false)
	if err == nil && shared > 0 {
		return nil, nil, errNeedsDict
	}
	return v, rest, err
}

// decodeColumnPayloadOwned is decodeColumnPayload; owned says src is a
// buffer nobody else uses or changes (a fresh zstd output), so dictionary
// strings may point into it instead of being copied.
func decodeColumnPayloadOwned(src []byte, t column.Type, owned bool) (_ *column.Vector, shared int, _ []byte, _ error) {
	return decodeColumnPayloadRows(src, t, owned, nil, 0)
}

// readPayloadHeader reads a payload's type (which must be t), row count
// and null flag, and returns the rest of src.
func readPayloadHeader(src []byte, t column.Type) (rows int, hasNulls byte, rest []byte, err error) {
	if len(src) < 3 {
		return 0, 0, nil, fmt.Errorf("%w: short header", errCorrupt)
	}
	if got := column.Type(src[0]); got != t {
		return 0, 0, nil, fmt.Errorf("%w: stored type %s, want %s", errCorrupt, got, t)
	}
	n, k := binary.Uvarint(src[1:])
	if k <= 0 || n > BlockRows {
		return 0, 0, nil, fmt.Errorf("%w: bad row count", errCorrupt)
	}
	src = src[1+k:]
	if len(src) < 1 {
		return 0, 0, nil, fmt.Errorf("%w: short header", errCorrupt)
	}
	return int(n), src[0], src[1:], nil
}

// decodeColumnPayloadRows is decodeColumnPayloadOwned for the rows want of
// the payload (all when nil; see decodeColumnValueRows).
func decodeColumnPayloadRows(src []byte, t column.Type, owned bool, want []uint32, blockRows int) (_ *column.Vector, shared int, _ []byte, _ error) {
	n, hasNulls, src, err := readPayloadHeader(src, t)
	if err != nil {
		return nil, 0, nil, err
	}
	v := &column.Vector{Type: t, Len: n}
	if want != nil && n != blockRows {
		return nil, 0, nil, fmt.Errorf("%w: %d rows, block has %d", errCorrupt, n, blockRows)
	}
	if len(want) > 0 && int(want[len(want)-1]) >= n {
		return nil, 0, nil, fmt.Errorf("%w: row %d of a value of %d rows", errCorrupt, want[len(want)-1], n)
	}
	if isStringType(t) {
		if hasNulls != 0 {
			return nil, 0, nil, fmt.Errorf("%w: null flag on a string column", errCorrupt)
		}
		v.Dict, v.Codes, shared, src, err = decodeStringRows(src, n, owned, want)
		if want != nil {
			v.Len = len(want)
		}
		return v, shared, src, err
	}
	switch hasNulls {
	case 0:
	case 1:
		v.Nulls = make([]bool, n)
		if src, err = decodeBitmap(v.Nulls, src); err != nil {
			return nil, 0, nil, err
		}
	default:
		return nil, 0, nil, fmt.Errorf("%w: bad null flag %d", errCorrupt, hasNulls)
	}
	switch t {
	case column.Real:
		v.Floats = make([]float64, n)
		src, err = decodeReals(v.Floats, src)
	case column.Bool:
		v.Bools = make([]bool, n)
		src, err = decodeBitmap(v.Bools, src)
	default:
		v.Ints = make([]int64, n)
		src, err = decodeInts(v.Ints, src)
	}
	if err != nil {
		return nil, 0, nil, err
	}
	// Null slots hold zero whatever the encoder stored there.
	for i, null := range v.Nulls {
		if null {
			switch t {
			case column.Real:
				v.Floats[i] = 0
			case column.Bool:
				v.Bools[i] = false
			default:
				v.Ints[i] = 0
			}
		}
	}
	if want != nil {
		v = v.Gather(want)
	}
	return v, 0, src, nil
}

// nullsOf returns one null flag per row of v and the number of nulls.
func nullsOf(v *column.Vector) ([]bool, int) {
	if v.Nulls == nil || v.Len == 0 {
		return nil, 0
	}
	if v.Const {
		if !v.Nulls[0] {
			return nil, 0
		}
		out := make([]bool, v.Len)
		for i := range out {
			out[i] = true
		}
		return out, v.Len
	}
	nulls := v.Nulls[:v.Len]
	n := 0
	for _, b := range nulls {
		if b {
			n++
		}
	}
	return nulls, n
}

func intsOf(v *column.Vector) []int64 {
	if !v.Const {
		return v.Ints[:v.Len]
	}
	out := make([]int64, v.Len)
	for i := range out {
		out[i] = v.Ints[0]
	}
	return out
}

func floatsOf(v *column.Vector) []float64 {
	if !v.Const {
		return v.Floats[:v.Len]
	}
	out := make([]float64, v.Len)
	for i := range out {
		out[i] = v.Floats[0]
	}
	return out
}

func boolsOf(v *column.Vector) []bool {
	if !v.Const {
		return v.Bools[:v.Len]
	}
	out := make([]bool, v.Len)
	for i := range out {
		out[i] = v.Bools[0]
	}
	return out
}

// stringCodes returns the rows of a string vector as a compact dictionary
// (each used entry once, in order of first use) and one code per row,
// whatever v's representation (dictionary, plain Strs, constant). Null
// rows read as "".
//
// A dictionary input is taken to hold distinct values, as column.Builder
// and Gather make it: only unused entries are dropped, so no map is
// needed. Plain strings go through a map, presized since a column arrives
// plain when its values are mostly distinct.
func stringCodes(v *column.Vector) (dict []string, codes []uint32) {
	n := v.Len
	codes = make([]uint32, n)
	if n == 0 {
		return nil, codes
	}
	if v.Const {
		s := ""
		if !v.IsNull(0) {
			s = v.Str(0)
		}
		return []string{s}, codes
	}
	nulls := v.Nulls
	if v.Codes != nil {
		// remap[c] is 1 + the new code of entry c, 0 while unseen.
		remap := make([]uint32, len(v.Dict))
		empty := uint32(0) // 1 + the code of "" for null rows, 0 if none yet
		for i, c := range v.Codes[:n] {
			if nulls != nil && nulls[i] {
				if empty == 0 {
					dict = append(dict, "")
					empty = uint32(len(dict))
				}
				codes[i] = empty - 1
				continue
			}
			r := remap[c]
			if r == 0 {
				dict = append(dict, v.Dict[c])
				r = uint32(len(dict))
				remap[c] = r
			}
			codes[i] = r - 1
		}
		return dict, codes
	}
	strs := v.Strs
	if strs == nil && v.Anys != nil {
		// Dynamic values held as Go values are stored as their JSON text.
		strs = make([]string, n)
		for i := range strs {
			if nulls == nil || !nulls[i] {
				strs[i] = v.Str(i)
			}
		}
	}
	index := make(map[string]uint32, n)
	for i, s := range strs[:n] {
		if nulls != nil && nulls[i] {
			s = ""
		}
		c, ok := index[s]
		if !ok {
			c = uint32(len(dict))
			dict = append(dict, s)
			index[s] = c
		}
		codes[i] = c
	}
	return dict, codes
}

func appendStrings(dst []byte, v *column.Vector, ver uint32) ([]byte, ColStats) {
	var dict []string
	var codes []uint32
	identity := ver >= firstIdentityFormat && v.Codes == nil && v.Strs != nil && !v.Const && v.Len > 1
	if identity {
		// Plain strings are what ingest keeps for mostly distinct values
		// (ids, URLs): the dictionary is the rows themselves, in order,
		// repeats included, and there are no codes to store. Finding the
		// few repeats would cost a hash of every value for little gain
		// (zstd still sees them); a dictionary may repeat values.
		dict = v.Strs[:v.Len]
		if v.HasNulls() { // null rows read as "": a copy, not v's strings
			dict = slices.Clone(dict)
			for i, null := range v.Nulls {
				if null && i < len(dict) {
					dict[i] = ""
				}
			}
		}
	} else {
		dict, codes = stringCodes(v)
	}
	// One growth for the lengths (most take a byte or two), the bytes and
	// the codes, instead of doubling the buffer as it fills.
	need := 10 + 2*len(dict) + 4*len(codes)
	for _, s := range dict {
		need += len(s)
	}
	dst = slices.Grow(dst, need)
	dst = binary.AppendUvarint(dst, uint64(len(dict)))
	// Lengths first, then the bytes: zstd finds more repeats that way.
	for _, s := range dict {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
	}
	for _, s := range dict {
		dst = append(dst, s...)
	}
	switch w := codeBits(len(dict)); {
	case identity:
		dst = append(dst, codesIdentity)
	case len(dict) <= 1:
		dst = append(dst, 0)
	case w <= 4:
		dst = append(dst, codesPacked|byte(w))
		dst = appendPacked(dst, codes, uint(w))
	case len(dict) <= 1<<8:
		dst = append(dst, 1)
		for _, c := range codes {
			dst = append(dst, byte(c))
		}
	case len(dict) <= 1<<16:
		dst = append(dst, 2)
		for _, c := range codes {
			dst = binary.LittleEndian.AppendUint16(dst, uint16(c))
		}
	default:
		dst = append(dst, 4)
		for _, c := range codes {
			dst = binary.LittleEndian.AppendUint32(dst, c)
		}
	}
	st := ColStats{Distinct: len(dict)}
	if len(dict) > 0 {
		st.HasMinMax = true
		st.MinStr, st.MaxStr = dict[0], dict[0]
		for _, s := range dict {
			if len(s) > maxStrBytesForStats {
				st.HasMinMax = false
				st.MinStr, st.MaxStr = "", ""
				break
			}
			st.MinStr = min(st.MinStr, s)
			st.MaxStr = max(st.MaxStr, s)
		}
	}
	return dst, st
}

// codeBits is the bit width of the largest code of a dictionary of n.
func codeBits(n int) int {
	if n <= 1 {
		return 0
	}
	return bits.Len32(uint32(n - 1))
}

func decodeStrings(src []byte, rows int) (dict []string, codes []uint32, rest []byte, err error) {
	dict, codes, shared, rest, err := decodeStringRows(src, rows, false, nil)
	if err == nil && shared > 0 {
		err = errNeedsDict
	}
	return dict, codes, rest, err
}

// decodeStringRows is decodeStrings for the rows want of the value
// (ascending, each < rows; all when nil): codes holds theirs only, read
// one by one from packed codes rather than unpacking all. With owned, the
// dictionary's bytes are used in place (src must never change afterwards).
func decodeStringRows(src []byte, rows int, owned bool, want []uint32) (dict []string, codes []uint32, shared int, rest []byte, err error) {
	nd, k := binary.Uvarint(src)
	if k <= 0 || nd > uint64(rows) {
		return nil, nil, 0, nil, fmt.Errorf("%w: bad dictionary size", errCorrupt)
	}
	if dict, src, err = cutStrings(make([]string, 0, nd), src[k:], nd, owned); err != nil {
		return nil, nil, 0, nil, err
	}
	if len(src) < 1 {
		return nil, nil, 0, nil, fmt.Errorf("%w: missing code encoding", errCorrupt)
	}
	enc := src[0]
	src = src[1:]
	if want != nil {
		codes = make([]uint32, len(want))
	} else {
		codes = make([]uint32, rows)
	}
	switch {
	case enc == 0:
		if rows > 0 && nd != 1 {
			return nil, nil, 0, nil, fmt.Errorf("%w: %d rows without codes need a dictionary of 1, have %d", errCorrupt, rows, nd)
		}
		return dict, codes, 0, src, nil
	case enc == codesShared:
		if nd != 0 {
			return nil, nil, 0, nil, fmt.Errorf("%w: shared codes with a dictionary of %d", errCorrupt, nd)
		}
		ns, k := binary.Uvarint(src)
		if k <= 0 || ns == 0 || ns > maxSharedDict || len(src) < k+1 {
			return nil, nil, 0, nil, fmt.Errorf("%w: bad shared dictionary size", errCorrupt)
		}
		if src, err = readCodes(codes, src[k+1:], uint(src[k]), rows, want); err != nil {
			return nil, nil, 0, nil, err
		}
		for _, c := range codes {
			if uint64(c) >= ns {
				return nil, nil, 0, nil, fmt.Errorf("%w: code %d outside a shared dictionary of %d", errCorrupt, c, ns)
			}
		}
		return nil, codes, int(ns), src, nil
	case enc == codesIdentity:
		if nd != uint64(rows) {
			return nil, nil, 0, nil, fmt.Errorf("%w: %d rows as a dictionary of %d", errCorrupt, rows, nd)
		}
		if want != nil {
			copy(codes, want)
			return dict, codes, 0, src, nil
		}
		for i := range codes {
			codes[i] = uint32(i)
		}
		return dict, codes, 0, src, nil
	case enc&codesPacked != 0:
		if src, err = readCodes(codes, src, uint(enc&^codesPacked), rows, want); err != nil {
			return nil, nil, 0, nil, err
		}
	case enc == 1 || enc == 2 || enc == 4:
		n := rows * int(enc)
		if len(src) < n {
			return nil, nil, 0, nil, fmt.Errorf("%w: codes run past the end", errCorrupt)
		}
		// Byte-aligned codes decode at memory speed: all of them, then
		// the wanted ones picked.
		all := codes
		if want != nil {
			all = make([]uint32, rows)
		}
		switch enc {
		case 1:
			for i := range all {
				all[i] = uint32(src[i])
			}
		case 2:
			for i := range all {
				all[i] = uint32(binary.LittleEndian.Uint16(src[2*i:]))
			}
		case 4:
			for i := range all {
				all[i] = binary.LittleEndian.Uint32(src[4*i:])
			}
		}
		for i, r := range want {
			codes[i] = all[r]
		}
		src = src[n:]
	default:
		return nil, nil, 0, nil, fmt.Errorf("%w: unknown code encoding %d", errCorrupt, enc)
	}
	for _, c := range codes {
		if uint64(c) >= nd {
			return nil, nil, 0, nil, fmt.Errorf("%w: code %d outside a dictionary of %d", errCorrupt, c, nd)
		}
	}
	return dict, codes, 0, src, nil
}

// readCodes fills codes from the rows w-bit packed codes at the start of
// src (those of the rows want, when not nil) and returns the rest of src.
func readCodes(codes []uint32, src []byte, w uint, rows int, want []uint32) ([]byte, error) {
	if want == nil {
		return unpackCodes(codes, src, w)
	}
	packed, rest, err := packedCodes(src, w, rows)
	if err != nil {
		return nil, err
	}
	mask := uint64(1)<<w - 1
	for i, r := range want {
		// A code spans at most 5 bytes (w <= 32, starting at bit 0-7).
		bit := uint(r) * w
		var word [8]byte
		copy(word[:], packed[bit>>3:])
		codes[i] = uint32(binary.LittleEndian.Uint64(word[:]) >> (bit & 7) & mask)
	}
	return rest, nil
}

// cutStrings reads n strings stored as n uvarint lengths, then their
// bytes, from src, appends them to dst and returns the rest of src. The
// lengths are read twice, to find where the bytes start and then to cut
// them, rather than kept in a slice of their own. The strings share one
// allocation; with owned (src is a buffer nobody else uses or changes:
// a fresh zstd output) they point into src itself.
func cutStrings(dst []string, src []byte, n uint64, owned bool) ([]string, []byte, error) {
	lensAt := src
	total := 0
	for range n {
		l, k := binary.Uvarint(src)
		if k <= 0 || l > uint64(len(src)) {
			return nil, nil, fmt.Errorf("%w: bad string length", errCorrupt)
		}
		src = src[k:]
		total += int(l)
	}
	if total > len(src) {
		return nil, nil, fmt.Errorf("%w: strings run past the end", errCorrupt)
	}
	var all string
	if owned && total > 0 {
		all = unsafe.String(&src[0], total)
	} else {
		all = string(src[:total])
	}
	off := 0
	for range n {
		l, k := binary.Uvarint(lensAt)
		lensAt = lensAt[k:]
		dst = append(dst, all[off:off+int(l)])
		off += int(l)
	}
	return dst, src[total:], nil
}

// unpackCodes fills codes from w-bit packed codes at the start of src and
// returns the rest of src.
func unpackCodes(codes []uint32, src []byte, w uint) ([]byte, error) {
	packed, rest, err := packedCodes(src, w, len(codes))
	if err != nil {
		return nil, err
	}
	unpackBits(codes, packed, w)
	return rest, nil
}

// packedCodes checks that src starts with the w-bit codes of rows rows and
// returns them and the rest of src.
func packedCodes(src []byte, w uint, rows int) (packed, rest []byte, err error) {
	if w > 32 {
		return nil, nil, fmt.Errorf("%w: code width %d", errCorrupt, w)
	}
	n := packedLen(rows, w)
	if len(src) < n {
		return nil, nil, fmt.Errorf("%w: codes run past the end", errCorrupt)
	}
	return src[:n], src[n:], nil
}

// readDeltas fills dst with integers stored as varint deltas (intDelta),
// the first of them row at, following the value prev, and returns the rest
// of src and the last value.
func readDeltas(dst []int64, src []byte, at int, prev int64) ([]byte, int64, error) {
	for i := range dst {
		u, k := binary.Uvarint(src)
		if k <= 0 {
			return nil, 0, fmt.Errorf("%w: bad delta at row %d", errCorrupt, at+i)
		}
		src = src[k:]
		prev += unzigzag(u)
		dst[i] = prev
	}
	return src, prev, nil
}

// readFrame reads the head of rows integers packed against a frame of
// reference (intFOR): their base, their bit width, the packed values and
// the rest of src.
func readFrame(src []byte, rows int) (base int64, w uint, packed, rest []byte, err error) {
	u, k := binary.Uvarint(src)
	if k <= 0 || len(src) < k+1 {
		return 0, 0, nil, nil, fmt.Errorf("%w: bad frame of reference", errCorrupt)
	}
	base, w, src = unzigzag(u), uint(src[k]), src[k+1:]
	if w > 64 {
		return 0, 0, nil, nil, fmt.Errorf("%w: bit width %d", errCorrupt, w)
	}
	n := packedLen(rows, w)
	if len(src) < n {
		return 0, 0, nil, nil, fmt.Errorf("%w: packed integers run past the end", errCorrupt)
	}
	return base, w, src[:n], src[n:], nil
}

// readPackedDeltas reads the head of rows (at least one) integers stored
// as packed deltas (intDeltaFOR): the first value, the smallest delta, the
// bit width, the rows-1 packed deltas and the rest of src.
func readPackedDeltas(src []byte, rows int) (first, dmin int64, w uint, packed, rest []byte, err error) {
	if rows == 0 {
		return 0, 0, 0, nil, nil, fmt.Errorf("%w: packed deltas of no rows", errCorrupt)
	}
	u, k := binary.Uvarint(src)
	if k <= 0 {
		return 0, 0, 0, nil, nil, fmt.Errorf("%w: bad first value", errCorrupt)
	}
	src = src[k:]
	d, k := binary.Uvarint(src)
	if k <= 0 || len(src) < k+1 {
		return 0, 0, 0, nil, nil, fmt.Errorf("%w: bad delta base", errCorrupt)
	}
	first, dmin, w, src = unzigzag(u), unzigzag(d), uint(src[k]), src[k+1:]
	if w > 64 {
		return 0, 0, 0, nil, nil, fmt.Errorf("%w: bit width %d", errCorrupt, w)
	}
	n := packedLen(rows-1, w)
	if len(src) < n {
		return 0, 0, 0, nil, nil, fmt.Errorf("%w: packed deltas run past the end", errCorrupt)
	}
	return first, dmin, w, src[:n], src[n:], nil
}

func zigzag(x int64) uint64   { return uint64(x<<1) ^ uint64(x>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// uvarintLen is the number of bytes binary.AppendUvarint writes for x.
func uvarintLen(x uint64) int { return (bits.Len64(x|1) + 6) / 7 }

// appendInts encodes vals (null rows flagged in nulls, which may be nil)
// with whichever of delta-varint, frame-of-reference and (when packed is
// set: format 5 on) packed deltas is smaller. Packed deltas win ties with
// delta-varint and may be up to an eighth larger: they decode without a
// branch per byte (time-ordered timestamps: several times faster).
func appendInts(dst []byte, vals []int64, nulls []bool, packed bool) ([]byte, ColStats) {
	var st ColStats
	deltaSize := 0
	var prev int64
	for i, x := range vals {
		if nulls != nil && nulls[i] {
			deltaSize++ // a null repeats the previous value: delta 0
			continue
		}
		if !st.HasMinMax {
			st.HasMinMax, st.MinInt, st.MaxInt = true, x, x
		} else {
			st.MinInt = min(st.MinInt, x)
			st.MaxInt = max(st.MaxInt, x)
		}
		deltaSize += uvarintLen(zigzag(x - prev))
		prev = x
	}
	// The range may exceed MaxInt64 (MinInt64..MaxInt64); as unsigned it
	// is exact.
	w := uint(bits.Len64(uint64(st.MaxInt) - uint64(st.MinInt)))
	forSize := uvarintLen(zigzag(st.MinInt)) + 1 + packedLen(len(vals), w)
	if packed && len(vals) > 1 && st.HasMinMax {
		first, dmin, dw := deltaRange(vals, nulls)
		size := uvarintLen(zigzag(first)) + uvarintLen(zigzag(dmin)) + 1 + packedLen(len(vals)-1, dw)
		if size < forSize && size <= deltaSize+deltaSize/8 {
			return appendDeltaFOR(dst, vals, nulls, first, dmin, dw), st
		}
	}
	if forSize <= deltaSize {
		dst = append(dst, intFOR)
		dst = binary.AppendUvarint(dst, zigzag(st.MinInt))
		dst = append(dst, byte(w))
		if w == 0 {
			return dst, st
		}
		offs := make([]uint64, len(vals))
		for i, x := range vals {
			if nulls == nil || !nulls[i] {
				offs[i] = uint64(x) - uint64(st.MinInt)
			}
		}
		return appendPacked(dst, offs, w), st
	}
	dst = append(dst, intDelta)
	prev = 0
	for i, x := range vals {
		if nulls != nil && nulls[i] {
			x = prev
		}
		dst = binary.AppendUvarint(dst, zigzag(x-prev))
		prev = x
	}
	return dst, st
}

// deltaRange returns what packed deltas store of vals (at least two rows,
// one not null): the first row's value, the smallest delta and the bit
// width of the deltas' range. A null row repeats the value before it;
// leading nulls take the first value that is not null, so they cost
// nothing either.
func deltaRange(vals []int64, nulls []bool) (first, dmin int64, w uint) {
	lead := 0
	for nulls != nil && nulls[lead] {
		lead++
	}
	first = vals[lead]
	prev := first
	dmin, dmax := int64(math.MaxInt64), int64(math.MinInt64)
	for i := 1; i < len(vals); i++ {
		x := vals[i]
		if nulls != nil && nulls[i] {
			x = prev
		}
		d := x - prev
		dmin, dmax = min(dmin, d), max(dmax, d)
		prev = x
	}
	return first, dmin, uint(bits.Len64(uint64(dmax) - uint64(dmin)))
}

// appendDeltaFOR appends vals as packed deltas (intDeltaFOR) with the
// first value, smallest delta and width deltaRange found.
func appendDeltaFOR(dst []byte, vals []int64, nulls []bool, first, dmin int64, w uint) []byte {
	dst = append(dst, intDeltaFOR)
	dst = binary.AppendUvarint(dst, zigzag(first))
	dst = binary.AppendUvarint(dst, zigzag(dmin))
	dst = append(dst, byte(w))
	if w == 0 {
		return dst
	}
	offs := make([]uint64, len(vals)-1)
	prev := first
	for i := 1; i < len(vals); i++ {
		x := vals[i]
		if nulls != nil && nulls[i] {
			x = prev
		}
		offs[i-1] = uint64(x-prev) - uint64(dmin)
		prev = x
	}
	return appendPacked(dst, offs, w)
}

func decodeInts(dst []int64, src []byte) ([]byte, error) {
	if len(src) < 1 {
		return nil, fmt.Errorf("%w: missing integer encoding", errCorrupt)
	}
	enc := src[0]
	src = src[1:]
	switch enc {
	case intDelta:
		rest, _, err := readDeltas(dst, src, 0, 0)
		return rest, err
	case intFOR:
		base, w, packed, rest, err := readFrame(src, len(dst))
		if err != nil {
			return nil, err
		}
		unpackBits(dst, packed, w)
		for i, x := range dst {
			dst[i] = int64(uint64(x) + uint64(base))
		}
		return rest, nil
	case intDeltaFOR:
		first, dmin, w, packed, tail, err := readPackedDeltas(src, len(dst))
		if err != nil {
			return nil, err
		}
		rest := dst[1:]
		unpackBits(rest, packed, w)
		// Prefix sums in wrapping unsigned arithmetic, as encoded.
		acc := uint64(first)
		dst[0] = first
		for i, x := range rest {
			acc += uint64(x) + uint64(dmin)
			rest[i] = int64(acc)
		}
		return tail, nil
	}
	return nil, fmt.Errorf("%w: unknown integer encoding %d", errCorrupt, enc)
}

func appendReals(dst []byte, vals []float64, nulls []bool) ([]byte, ColStats) {
	var st ColStats
	for i, f := range vals {
		if nulls != nil && nulls[i] {
			dst = binary.LittleEndian.AppendUint64(dst, 0)
			continue
		}
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
		if math.IsNaN(f) {
			continue // NaN has no place in an order
		}
		if !st.HasMinMax {
			st.HasMinMax, st.MinFloat, st.MaxFloat = true, f, f
		} else {
			st.MinFloat = min(st.MinFloat, f)
			st.MaxFloat = max(st.MaxFloat, f)
		}
	}
	return dst, st
}

func decodeReals(dst []float64, src []byte) ([]byte, error) {
	n := 8 * len(dst)
	if len(src) < n {
		return nil, fmt.Errorf("%w: reals run past the end", errCorrupt)
	}
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
	}
	return src[n:], nil
}

func appendBools(dst []byte, vals []bool, nulls []bool) ([]byte, ColStats) {
	var st ColStats
	for i, b := range vals {
		if nulls != nil && nulls[i] {
			continue
		}
		x := int64(0)
		if b {
			x = 1
		}
		if !st.HasMinMax {
			st.HasMinMax, st.MinInt, st.MaxInt = true, x, x
		} else {
			st.MinInt = min(st.MinInt, x)
			st.MaxInt = max(st.MaxInt, x)
		}
	}
	if nulls == nil {
		return appendBitmap(dst, vals), st
	}
	masked := make([]bool, len(vals))
	for i, b := range vals {
		masked[i] = b && !nulls[i]
	}
	return appendBitmap(dst, masked), st
}

// appendBitmap appends one bit per flag, least significant bit first.
func appendBitmap(dst []byte, flags []bool) []byte {
	for i := 0; i < len(flags); i += 8 {
		var b byte
		for j, f := range flags[i:min(i+8, len(flags))] {
			if f {
				b |= 1 << j
			}
		}
		dst = append(dst, b)
	}
	return dst
}

// decodeBitmap fills dst from a bitmap written by appendBitmap.
func decodeBitmap(dst []bool, src []byte) ([]byte, error) {
	n := (len(dst) + 7) / 8
	if len(src) < n {
		return nil, fmt.Errorf("%w: bitmap runs past the end", errCorrupt)
	}
	for i := range dst {
		dst[i] = src[i>>3]&(1<<(i&7)) != 0
	}
	return src[n:], nil
}

// packedLen is the byte size of n values of w bits.
func packedLen(n int, w uint) int { return (n*int(w) + 7) / 8 }

// appendPacked appends vals as a little-endian stream of w-bit fields.
// Every value must fit in w bits.
func appendPacked[T uint32 | uint64](dst []byte, vals []T, w uint) []byte {
	if w == 0 {
		return dst
	}
	var acc uint64
	var nbits uint
	for _, v := range vals {
		x := uint64(v)
		acc |= x << nbits
		nbits += w
		if nbits >= 64 {
			dst = binary.LittleEndian.AppendUint64(dst, acc)
			nbits -= 64
			// The top nbits bits of x did not fit; shifts of 64 give 0.
			acc = x >> (w - nbits)
		}
	}
	for nbits > 0 {
		dst = append(dst, byte(acc))
		acc >>= 8
		nbits -= min(8, nbits)
	}
	return dst
}

// unpackBits fills dst from a stream written by appendPacked; src must hold
// at least packedLen(len(dst), w) bytes.
func unpackBits[T uint32 | int64](dst []T, src []byte, w uint) {
	if w == 0 {
		clear(dst)
		return
	}
	mask := uint64(1)<<w - 1 // all ones when w is 64
	var acc uint64
	var nbits uint
	p := 0
	for i := range dst {
		var x uint64
		if nbits >= w {
			x = acc & mask
			acc >>= w
			nbits -= w
		} else {
			var next uint64
			if p+8 <= len(src) {
				next = binary.LittleEndian.Uint64(src[p:])
			} else {
				var tail [8]byte
				if p < len(src) {
					copy(tail[:], src[p:])
				}
				next = binary.LittleEndian.Uint64(tail[:])
			}
			p += 8
			x = (acc | next<<nbits) & mask
			used := w - nbits
			acc = next >> used
			nbits = 64 - used
		}
		dst[i] = T(x)
	}
}
