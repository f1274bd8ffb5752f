package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"runtime"
	"strings"
)

// Since format version 2, every value under a catalog, meta, data or file
// key ends with a 4-byte checksum:
//
//	sealed = value | crc u32 big-endian
//	crc    = CRC-32C(key | value)
//
// The key is part of the sum, so a value that turns up under another key
// (a corrupt key in a Badger table) fails as surely as a flipped bit in
// the value itself. Badger checks its own table blocks too (see
// badgerOptions), but only we know which table, block and column a value
// belongs to, so our failures name them. The format key is never sealed:
// any clickhunt must be able to read it to say the format is too new.
//
// Format version 1 databases have no checksums; they are read and
// extended as they are (DB.sums is false), and `clickhunt check` says so.

// checksumLen is the size of the trailer seal appends.
const checksumLen = 4

// firstChecksumFormat is the first format version whose values carry
// checksums.
const firstChecksumFormat = 2

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt is wrapped by every error that finds stored data damaged: a
// checksum mismatch, a value that does not decode, a block or record the
// catalog names but that is missing. The message names the table, block
// and column (or record) affected.
var ErrCorrupt = errors.New("database is corrupt")

// corruptKind is an unexported corruption error that errors.Is also
// matches with ErrCorrupt.
type corruptKind string

func (e corruptKind) Error() string        { return string(e) }
func (e corruptKind) Is(target error) bool { return target == ErrCorrupt }

// errChecksum is wrapped when a stored value's checksum does not match.
var errChecksum error = corruptKind("damaged data (checksum mismatch)")

func checksum(key, val []byte) uint32 {
	return crc32.Update(crc32.Update(0, castagnoli, key), castagnoli, val)
}

// seal appends val's checksum trailer to val (when sums is set) and
// returns the value to store under key.
func seal(sums bool, key, val []byte) []byte {
	if !sums {
		return val
	}
	return binary.BigEndian.AppendUint32(val, checksum(key, val))
}

// unseal verifies and strips the checksum trailer of v, stored under key.
// The result aliases v.
func unseal(sums bool, key, v []byte) ([]byte, error) {
	if !sums {
		return v, nil
	}
	if len(v) < checksumLen {
		return nil, fmt.Errorf("%w: value of %d bytes has no room for its checksum", errChecksum, len(v))
	}
	n := len(v) - checksumLen
	want := binary.BigEndian.Uint32(v[n:])
	if got := checksum(key, v[:n]); got != want {
		return nil, fmt.Errorf("%w: stored %08x, computed %08x", errChecksum, want, got)
	}
	return v[:n], nil
}

// recoverBadger turns a panic inside Badger into an ErrCorrupt error in
// *errp. Badger's table reader trusts the lengths in its files and can
// index out of range on a damaged one before any checksum is checked;
// such a panic is a damaged file, not a bug of ours. Our own broken
// invariants ("BUG: ...") still panic. Every exported operation defers
// it, so it also gives the corruption errors they return one voice
// (corruptError).
func recoverBadger(errp *error) {
	r := recover()
	if r == nil {
		*errp = corruptError(*errp)
		return
	}
	if s, ok := r.(string); ok && strings.HasPrefix(s, "BUG:") {
		panic(r)
	}
	// A runtime error is an index or length out of range: say so in the
	// user's words, without Go's "runtime error" that reads like a crash.
	detail := fmt.Sprint(r)
	if re, ok := r.(runtime.Error); ok {
		detail = "read out of range: " + strings.TrimPrefix(re.Error(), "runtime error: ")
	}
	*errp = fmt.Errorf("%w: the storage engine failed on a damaged file (%s)", ErrCorrupt, detail)
}

// corruptError makes an error that finds stored data damaged read
// "database is corrupt: " and then what was being read and what is wrong
// ("cannot read column "Url" of block 2 of table "clicks": damaged data
// (checksum mismatch)"), however deep the ErrCorrupt in it was wrapped.
func corruptError(err error) error {
	if err == nil || !errors.Is(err, ErrCorrupt) || strings.HasPrefix(err.Error(), ErrCorrupt.Error()) {
		return err
	}
	return prefixedCorrupt{err}
}

// prefixedCorrupt is an ErrCorrupt error whose text starts by saying so.
type prefixedCorrupt struct{ err error }

func (e prefixedCorrupt) Error() string {
	return ErrCorrupt.Error() + ": " + strings.Replace(e.err.Error(), ": "+ErrCorrupt.Error(), "", 1)
}
func (e prefixedCorrupt) Unwrap() error { return e.err }
