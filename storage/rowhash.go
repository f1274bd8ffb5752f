package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	badger "github.com/dgraph-io/badger/v4"
)

// Row hashes let ingest skip rows already stored (the same click in two
// overlapping exports) without reading the table's columns: one 64-bit
// hash per stored row, kept per block.
//
//	byte 0      1..4        5..12
//	+------+-----------+-----------+
//	| 0x10 | table u32 | block u64 |  -> version u8 | n uvarint | n × u64 LE | crc32 (IEEE) u32
//	+------+-----------+-----------+
//
// The key is written beside the block's data, before the commit: a block
// that never commits leaves a key nobody reads (readers only ask for
// committed blocks), and the next file written to the table reuses the
// block ID and overwrites it.
const kindRowHash byte = 0x10

func rowHashKey(tid uint32, bid uint64) []byte {
	k := make([]byte, 0, metaKeyLen)
	k = append(k, kindRowHash)
	k = binary.BigEndian.AppendUint32(k, tid)
	return binary.BigEndian.AppendUint64(k, bid)
}

// errRowHashes is wrapped by RowHashes when a stored value is damaged.
var errRowHashes = errors.New("damaged row hashes")

func appendRowHashes(dst []byte, h []uint64) []byte {
	start := len(dst)
	dst = append(dst, 1)
	dst = binary.AppendUvarint(dst, uint64(len(h)))
	for _, x := range h {
		dst = binary.LittleEndian.AppendUint64(dst, x)
	}
	return binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:]))
}

func decodeRowHashes(v []byte) ([]uint64, error) {
	if len(v) < 6 || v[0] != 1 {
		return nil, fmt.Errorf("%w: bad header", errRowHashes)
	}
	body := v[:len(v)-4]
	if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(v[len(v)-4:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", errRowHashes)
	}
	n, k := binary.Uvarint(body[1:])
	if k <= 0 || uint64(len(body)-1-k) != n*8 {
		return nil, fmt.Errorf("%w: bad length", errRowHashes)
	}
	p := body[1+k:]
	h := make([]uint64, n)
	for i := range h {
		h[i] = binary.LittleEndian.Uint64(p[8*i:])
	}
	return h, nil
}

// RowHashes calls fn for each committed block of table, in ID order, with
// the block's stored row hashes, or nil for a block stored without them
// (before row hashes existed, or by a writer that did not give them).
func (s *Snapshot) RowHashes(table *TableInfo, fn func(b *BlockMeta, h []uint64) error) (err error) {
	defer recoverBadger(&err)
	t, err := s.table(table)
	if err != nil {
		return err
	}
	blocks, err := s.Blocks(table)
	if err != nil {
		return err
	}
	if err := s.db.enter(); err != nil {
		return err
	}
	defer s.db.leave()
	for i := range blocks {
		var h []uint64
		item, err := s.txn.Get(rowHashKey(t.id, blocks[i].ID))
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
		case err != nil:
			return err
		default:
			if err := item.Value(func(v []byte) error {
				h, err = decodeRowHashes(v)
				return err
			}); err != nil {
				return fmt.Errorf("table %q block %d: %w", table.Name, blocks[i].ID, err)
			}
			if len(h) != blocks[i].Rows {
				h = nil // not this block's: recompute
			}
		}
		if err := fn(&blocks[i], h); err != nil {
			return err
		}
	}
	return nil
}
