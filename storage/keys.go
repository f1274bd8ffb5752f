package storage

import (
	"encoding/binary"
	"fmt"
)

// Every Badger key starts with a kind byte, so each kind is one contiguous
// range that a prefix scan reads without touching the others. All integers
// are big-endian, so byte order is numeric order: a scan of meta keys
// returns blocks in ID order, and Seek to (table, block) jumps straight to
// the first block at or after it.
const (
	kindFormat byte = 0x01 // format version of the database
	kindTable  byte = 0x02 // catalog: one record per table
	kindColumn byte = 0x03 // catalog: one record per column of a table
	kindMeta   byte = 0x04 // per-block metadata: rows and column stats
	kindData   byte = 0x05 // one encoded column of one block
	kindFile   byte = 0x06 // one ingested file, by content hash
	kindTerms  byte = 0x07 // term filter of one string column of one block (terms.go)
)

const (
	tableKeyLen  = 1 + 4
	columnKeyLen = 1 + 4 + 4
	metaKeyLen   = 1 + 4 + 8
	dataKeyLen   = 1 + 4 + 8 + 4
	fileKeyLen   = 1 + 32
)

// formatKey is the single key holding the database's format version.
//
//	byte 0
//	+------+
//	| 0x01 |
//	+------+
func formatKey() []byte { return []byte{kindFormat} }

// tableKey is the catalog record of table tid (name, next column ID,
// committed next block ID, block and row counts).
//
//	byte 0      1..4
//	+------+-----------+
//	| 0x02 | table u32 |
//	+------+-----------+
func tableKey(tid uint32) []byte {
	k := make([]byte, 0, tableKeyLen)
	k = append(k, kindTable)
	return binary.BigEndian.AppendUint32(k, tid)
}

// parseTableKey is the inverse of tableKey.
func parseTableKey(k []byte) (tid uint32, err error) {
	if len(k) != tableKeyLen || k[0] != kindTable {
		return 0, fmt.Errorf("malformed table key %x", k)
	}
	return binary.BigEndian.Uint32(k[1:]), nil
}

// tablePrefix covers every table key.
func tablePrefix() []byte { return []byte{kindTable} }

// columnKey is the catalog record (name, type) of column cid of table tid.
//
//	byte 0      1..4        5..8
//	+------+-----------+------------+
//	| 0x03 | table u32 | column u32 |
//	+------+-----------+------------+
func columnKey(tid, cid uint32) []byte {
	k := make([]byte, 0, columnKeyLen)
	k = append(k, kindColumn)
	k = binary.BigEndian.AppendUint32(k, tid)
	return binary.BigEndian.AppendUint32(k, cid)
}

// parseColumnKey is the inverse of columnKey.
func parseColumnKey(k []byte) (tid, cid uint32, err error) {
	if len(k) != columnKeyLen || k[0] != kindColumn {
		return 0, 0, fmt.Errorf("malformed column key %x", k)
	}
	return binary.BigEndian.Uint32(k[1:]), binary.BigEndian.Uint32(k[5:]), nil
}

// columnPrefix covers the column keys of table tid, in column ID order.
func columnPrefix(tid uint32) []byte {
	k := make([]byte, 0, 5)
	k = append(k, kindColumn)
	return binary.BigEndian.AppendUint32(k, tid)
}

// metaKey is the metadata (rows, per-column stats) of block bid of table
// tid. Metas have their own kind so listing a table's blocks never walks
// over column data.
//
//	byte 0      1..4        5..12
//	+------+-----------+-----------+
//	| 0x04 | table u32 | block u64 |
//	+------+-----------+-----------+
func metaKey(tid uint32, bid uint64) []byte {
	k := make([]byte, 0, metaKeyLen)
	k = append(k, kindMeta)
	k = binary.BigEndian.AppendUint32(k, tid)
	return binary.BigEndian.AppendUint64(k, bid)
}

// parseMetaKey is the inverse of metaKey.
func parseMetaKey(k []byte) (tid uint32, bid uint64, err error) {
	if len(k) != metaKeyLen || k[0] != kindMeta {
		return 0, 0, fmt.Errorf("malformed block meta key %x", k)
	}
	return binary.BigEndian.Uint32(k[1:]), binary.BigEndian.Uint64(k[5:]), nil
}

// metaPrefix covers the block metas of table tid, in block ID order.
func metaPrefix(tid uint32) []byte {
	k := make([]byte, 0, 5)
	k = append(k, kindMeta)
	return binary.BigEndian.AppendUint32(k, tid)
}

// dataKey is the encoded column cid of block bid of table tid.
//
//	byte 0      1..4        5..12       13..16
//	+------+-----------+-----------+------------+
//	| 0x05 | table u32 | block u64 | column u32 |
//	+------+-----------+-----------+------------+
func dataKey(tid uint32, bid uint64, cid uint32) []byte {
	return blockColumnKey(kindData, tid, bid, cid)
}

// parseDataKey is the inverse of dataKey.
func parseDataKey(k []byte) (tid uint32, bid uint64, cid uint32, err error) {
	return parseBlockColumnKey(k, kindData, "column data")
}

// dataPrefix covers the column data of table tid, in (block, column) order.
func dataPrefix(tid uint32) []byte { return kindTablePrefix(kindData, tid) }

// blockColumnKey is the key of one column of one block in a kind laid out
// as kind | table u32 | block u64 | column u32 (column data, term filters).
func blockColumnKey(kind byte, tid uint32, bid uint64, cid uint32) []byte {
	k := make([]byte, 0, dataKeyLen)
	k = append(k, kind)
	k = binary.BigEndian.AppendUint32(k, tid)
	k = binary.BigEndian.AppendUint64(k, bid)
	return binary.BigEndian.AppendUint32(k, cid)
}

// parseBlockColumnKey is the inverse of blockColumnKey; what names the
// kind in the error.
func parseBlockColumnKey(k []byte, kind byte, what string) (tid uint32, bid uint64, cid uint32, err error) {
	if len(k) != dataKeyLen || k[0] != kind {
		return 0, 0, 0, fmt.Errorf("malformed %s key %x", what, k)
	}
	return binary.BigEndian.Uint32(k[1:]), binary.BigEndian.Uint64(k[5:]), binary.BigEndian.Uint32(k[13:]), nil
}

// fileKey is the record of the ingested file whose bytes hash to sha.
//
//	byte 0      1..32
//	+------+----------------+
//	| 0x06 | SHA-256 (32 B) |
//	+------+----------------+
func fileKey(sha [32]byte) []byte {
	k := make([]byte, 0, fileKeyLen)
	k = append(k, kindFile)
	return append(k, sha[:]...)
}

// parseFileKey is the inverse of fileKey.
func parseFileKey(k []byte) (sha [32]byte, err error) {
	if len(k) != fileKeyLen || k[0] != kindFile {
		return sha, fmt.Errorf("malformed file key %x", k)
	}
	copy(sha[:], k[1:])
	return sha, nil
}

// filePrefix covers every file key.
func filePrefix() []byte { return []byte{kindFile} }

// kindTablePrefix is the prefix of a table's keys of a block-addressed kind
// (kindMeta, kindData or kindTerms); recovery uses it to walk both kinds alike.
func kindTablePrefix(kind byte, tid uint32) []byte {
	k := make([]byte, 0, 5)
	k = append(k, kind)
	return binary.BigEndian.AppendUint32(k, tid)
}

// kindBlockKey is the first key of block bid of table tid in a
// block-addressed kind (the meta key itself, or the block's first column).
func kindBlockKey(kind byte, tid uint32, bid uint64) []byte {
	k := kindTablePrefix(kind, tid)
	return binary.BigEndian.AppendUint64(k, bid)
}

func beUint32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
func beUint64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }
