package ingest

import (
	"clickhunt/column"
)

// probeRows is how many rows of a block strCol sees before choosing.
const probeRows = 4096

// strCol builds the string column of one block. It dictionary-encodes, as
// the engine prefers, until a block shows the column is mostly distinct
// values (ids, URLs, timestamps kept as text); from then on, for the rest
// of the file, it keeps plain strings. Hashing every value into a map that
// only grows cost more than the rest of CSV parsing together, and a
// dictionary of unique values saves nothing.
type strCol struct {
	plain bool
	n     int
	index map[string]uint32 // reused across blocks (clear keeps its room)
	dict  []string
	codes []uint32
	strs  []string
	rows  int // room to make for a block
}

// newStrCol starts a column of blocks of at most rows rows.
func newStrCol(rows int) *strCol {
	c := &strCol{index: make(map[string]uint32, min(256, rows)), rows: rows}
	c.reset()
	return c
}

func (c *strCol) reset() {
	c.n = 0
	if c.plain {
		c.strs = make([]string, 0, c.rows)
		return
	}
	clear(c.index)
	c.dict = make([]string, 0, min(64, c.rows))
	c.codes = make([]uint32, 0, c.rows)
}

func (c *strCol) append(s string) {
	if c.plain {
		c.n++
		c.strs = append(c.strs, s)
		return
	}
	code, ok := c.index[s]
	if !ok {
		code = c.add(s)
	}
	c.appendCode(code)
}

// appendBytes appends string(b), allocating only for a new value.
func (c *strCol) appendBytes(b []byte) {
	if c.plain {
		c.n++
		c.strs = append(c.strs, string(b))
		return
	}
	code, ok := c.index[string(b)] // no allocation
	if !ok {
		code = c.add(string(b))
	}
	c.appendCode(code)
}

func (c *strCol) add(s string) uint32 {
	code := uint32(len(c.dict))
	c.dict = append(c.dict, s)
	c.index[s] = code
	return code
}

func (c *strCol) appendCode(code uint32) {
	c.n++
	c.codes = append(c.codes, code)
	if c.n == probeRows && len(c.dict) > probeRows/2 {
		c.goPlain()
	}
}

// goPlain switches to plain strings, keeping the rows so far.
func (c *strCol) goPlain() {
	c.plain = true
	c.strs = make([]string, len(c.codes), max(c.rows, len(c.codes)))
	for i, code := range c.codes {
		c.strs[i] = c.dict[code]
	}
	c.index, c.dict, c.codes = nil, nil, nil
}

// build returns the block's vector and starts the next block.
func (c *strCol) build() *column.Vector {
	v := &column.Vector{Type: column.String, Len: c.n}
	if c.plain {
		v.Strs = c.strs
	} else {
		v.Dict, v.Codes = c.dict, c.codes
	}
	c.reset()
	return v
}
