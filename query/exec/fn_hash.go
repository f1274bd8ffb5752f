package exec

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"

	"github.com/cespare/xxhash/v2"

	"clickhunt/column"
)

// Hash functions.
// https://learn.microsoft.com/kusto/query/scalar-functions#hash-functions
func init() {
	// The cryptographic hashes read their argument as text (plan passes
	// tostring of it), so a datetime hashes as its seven-digit text.
	// https://learn.microsoft.com/kusto/query/sha256-hash-function
	registerStrMap("hash_sha256", func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) })
	registerStrMap("hash_sha1", func(s string) string { h := sha1.Sum([]byte(s)); return hex.EncodeToString(h[:]) })
	registerStrMap("hash_md5", func(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) })
	// hash(x [, mod]) and hash_xxhash64: xxhash64 of the value's bytes, as
	// Kusto gives it (a string's UTF-8, a datetime's ticks since 0001-01-01,
	// a number's little-endian bytes); with mod, the hash modulo mod (as an
	// unsigned number, so never negative).
	// https://learn.microsoft.com/kusto/query/hash-function
	registerK("hash", func(a []*column.Vector, n int) *column.Vector {
		x := a[0]
		out := newInts(column.Long, n)
		var buf [16]byte
		for i := 0; i < n; i++ {
			if x.IsNull(i) || (len(a) > 1 && a[1].IsNull(i)) {
				setNull(out, i)
				continue
			}
			h := xxhash.Sum64(hashBytes(x, i, buf[:0]))
			if len(a) > 1 {
				m := a[1].Int(i)
				if m <= 0 {
					setNull(out, i)
					continue
				}
				out.Ints[i] = int64(h % uint64(m))
				continue
			}
			out.Ints[i] = int64(h)
		}
		return out
	})
}

// hashBytes appends the bytes hash() digests for row i of x.
func hashBytes(x *column.Vector, i int, dst []byte) []byte {
	switch x.Type {
	case column.String:
		return append(dst, x.Str(i)...)
	case column.Datetime:
		return binary.LittleEndian.AppendUint64(dst, uint64(x.Int(i)+column.EpochTicks))
	case column.Int:
		return binary.LittleEndian.AppendUint32(dst, uint32(x.Int(i)))
	case column.Long, column.Timespan:
		return binary.LittleEndian.AppendUint64(dst, uint64(x.Int(i)))
	case column.Real:
		return binary.LittleEndian.AppendUint64(dst, math.Float64bits(x.Float(i)))
	case column.Bool:
		if x.Bool(i) {
			return append(dst, 1)
		}
		return append(dst, 0)
	case column.Guid:
		if b, ok := guidBytes(x.Str(i)); ok {
			return append(dst, b...)
		}
	}
	return append(dst, column.FormatValue(x, i)...)
}
