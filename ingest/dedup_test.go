package ingest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"clickhunt/column"
	"clickhunt/storage"
)

// hashCollect is a hashedSink keeping each block with the hashes the
// plan computed as it read.
type hashCollect struct {
	collect
	hashes [][]uint64
}

func (c *hashCollect) writeHashedBlock(schema column.Schema, b *column.Batch, hashes []uint64) error {
	c.hashes = append(c.hashes, hashes)
	return c.WriteBlock(schema, b)
}

// TestRowHashesWhileReading checks the row hashes a plan computes while it
// reads (plain string columns hashed value by value, the rest per block)
// against rowHashes of the stored blocks, which is what later files are
// compared with: a column that turns plain within the first block, one
// plain from the start of the second, dictionary columns, empty values,
// normalised ids, dates and bools.
func TestRowHashesWhileReading(t *testing.T) {
	const n = storage.BlockRows + 5000
	var b strings.Builder
	b.WriteString("Timestamp,Url,ActionType,NetworkMessageId,IsClickedThrough,ReportId\n")
	for i := range n {
		url := fmt.Sprintf("https://x.example/%d", i)
		if i%7 == 0 {
			url = ""
		}
		id := fmt.Sprintf("%08X-4f89-11d3-9a0c-%012x", i, i*31)
		if i%2 == 0 {
			id = strings.ToLower(id)
		}
		fmt.Fprintf(&b, "2023-12-01T00:%02d:%02d.0000000Z,%s,%s,%s,%v,r%d\n",
			i/60%60, i%60, url, []string{"ClickAllowed", "ClickBlocked", ""}[i%3], id, i%5 == 0, i/2)
	}
	c := &hashCollect{}
	if _, err := Read(context.Background(), bytes.NewReader([]byte(b.String())), "h.csv", c, Options{}); err != nil {
		t.Fatal(err)
	}
	if len(c.batches) != 2 || len(c.hashes) != 2 {
		t.Fatalf("%d blocks, %d with hashes, want 2", len(c.batches), len(c.hashes))
	}
	plain := 0
	for bi, bt := range c.batches {
		for _, v := range bt.Cols {
			if v.Type == column.String && v.Strs != nil {
				plain++
			}
		}
		want := rowHashes(c.schemas[bi], bt)
		if !slices.Equal(c.hashes[bi], want) {
			for i := range want {
				if c.hashes[bi][i] != want[i] {
					t.Fatalf("block %d row %d: hash %x while reading, %x from the block", bi, i, c.hashes[bi][i], want[i])
				}
			}
			t.Fatalf("block %d: %d hashes while reading, %d rows", bi, len(c.hashes[bi]), len(want))
		}
	}
	if plain < 4 { // Url, NetworkMessageId and ReportId plain in block 2, some in block 1
		t.Errorf("only %d plain string vectors: the per-value path is barely tested", plain)
	}
}

// TestHashSetReserve: a reserved set takes its entries without growing,
// and keeps what it held.
func TestHashSetReserve(t *testing.T) {
	s := newHashSet(0)
	for h := uint64(1); h <= 3000; h++ {
		s.add(h * 0x9E3779B97F4A7C15)
	}
	s.reserve(100000)
	size := len(s.slots)
	if 4*(3000+100000) > 3*size {
		t.Fatalf("reserve(100000) with 3000 held: %d slots", size)
	}
	for h := uint64(1); h <= 3000; h++ {
		if !s.has(h * 0x9E3779B97F4A7C15) {
			t.Fatalf("entry %d lost by reserve", h)
		}
	}
	for h := uint64(3001); h <= 103000; h++ {
		if !s.add(h * 0x9E3779B97F4A7C15) {
			t.Fatalf("entry %d taken for a repeat", h)
		}
	}
	if len(s.slots) != size || s.n != 103000 {
		t.Errorf("after adding the reserved entries: %d slots (reserved %d), %d entries", len(s.slots), size, s.n)
	}
	s.reserve(10) // room already: nothing changes
	if len(s.slots) != size {
		t.Errorf("reserve with room grew the set to %d slots", len(s.slots))
	}
}
