package column

import (
	"encoding/json"
	"strings"
)

// Vector is one column of a batch: Len values of one Type.
//
// Representation by type:
//   - String: dictionary-encoded (Dict holds the distinct values, Codes one
//     index per row) or plain (Strs, one string per row). Strings are never
//     null in KQL: a missing string is "".
//   - Long, Int, Datetime, Timespan: Ints (datetime and timespan in 100 ns
//     ticks, datetime counted from the Unix epoch, UTC).
//   - Real: Floats. Bool: Bools.
//   - Dynamic: Anys (nil, bool, int64, float64, string, []any,
//     map[string]any); a dynamic column read from storage may instead be
//     JSON text in Dict+Codes or Strs.
//
// Nulls is nil when no value is null; otherwise Nulls[i] marks row i null
// (its slot in Ints/Floats/Bools holds zero). A Const vector holds one value
// (index 0 of its slices) that stands for all Len rows.
//
// Vectors handed to an operator are owned by the caller and must not be
// modified; operators build new vectors for their output.
type Vector struct {
	Type Type
	Len  int
	// Const: one value (at index 0) for all Len rows.
	Const bool

	Dict   []string
	Codes  []uint32
	Strs   []string
	Ints   []int64
	Floats []float64
	Bools  []bool
	// Anys holds dynamic values (see ParseDynamic).
	Anys  []any
	Nulls []bool
}

// Batch is a set of equally long column vectors, in schema order.
type Batch struct {
	Len  int
	Cols []*Vector
}

// idx maps a row to the slot holding its value (0 for constants).
func (v *Vector) idx(i int) int {
	if v.Const {
		return 0
	}
	return i
}

// IsNull reports whether row i is null.
func (v *Vector) IsNull(i int) bool {
	return v.Nulls != nil && v.Nulls[v.idx(i)]
}

// HasNulls reports whether any row may be null.
func (v *Vector) HasNulls() bool { return v.Nulls != nil }

// Str returns row i of a string vector (for dynamic values, their text).
func (v *Vector) Str(i int) string {
	i = v.idx(i)
	if v.Anys != nil {
		return DynamicText(v.Anys[i])
	}
	var s string
	if v.Codes != nil {
		s = v.Dict[v.Codes[i]]
	} else {
		s = v.Strs[i]
	}
	if v.Type == Dynamic && len(s) > 1 && s[0] == '"' {
		// JSON text of a dynamic string: show the string itself.
		var u string
		if json.Unmarshal([]byte(s), &u) == nil {
			return u
		}
	}
	return s
}

// Int returns row i of an integer-backed vector (0 when null).
func (v *Vector) Int(i int) int64 { return v.Ints[v.idx(i)] }

// Float returns row i of a real vector (0 when null).
func (v *Vector) Float(i int) float64 { return v.Floats[v.idx(i)] }

// Bool returns row i of a bool vector (false when null).
func (v *Vector) Bool(i int) bool { return v.Bools[v.idx(i)] }

// IsDict reports whether v is a dictionary-encoded string vector.
func (v *Vector) IsDict() bool { return v.Type == String && v.Codes != nil }

// Value returns row i as a Go value: nil for null, string, int64 (long, int,
// datetime and timespan ticks), float64 or bool.
func (v *Vector) Value(i int) any {
	if v.IsNull(i) {
		return nil
	}
	switch v.Type {
	case Dynamic:
		if v.Anys != nil {
			return v.Anys[v.idx(i)]
		}
		return v.Str(i)
	case String, Guid:
		return v.Str(i)
	case Real:
		return v.Float(i)
	case Bool:
		return v.Bool(i)
	default:
		return v.Int(i)
	}
}

// NewConst returns a constant vector of n rows holding val (nil for null;
// otherwise string, int64, float64 or bool matching t).
func NewConst(t Type, val any, n int) *Vector {
	v := &Vector{Type: t, Len: n, Const: true}
	switch t {
	case Dynamic:
		v.Anys = []any{val}
		if val == nil {
			v.Nulls = []bool{true}
		}
	case String, Guid:
		s, _ := val.(string)
		v.Strs = []string{s}
	case Real:
		f, ok := val.(float64)
		v.Floats = []float64{f}
		if !ok {
			v.Nulls = []bool{true}
		}
	case Bool:
		b, ok := val.(bool)
		v.Bools = []bool{b}
		if !ok {
			v.Nulls = []bool{true}
		}
	default:
		x, ok := val.(int64)
		v.Ints = []int64{x}
		if !ok {
			v.Nulls = []bool{true}
		}
	}
	return v
}

// NewNulls returns a vector of n null values of type t ("" for strings).
func NewNulls(t Type, n int) *Vector {
	return NewConst(t, nil, n)
}

// Materialize returns v with one slot per row (expanding a constant).
func (v *Vector) Materialize() *Vector {
	if !v.Const {
		return v
	}
	idx := make([]uint32, v.Len)
	return v.Gather(idx)
}

// sparseGather: a gather of fewer than 1/sparseGather of a dictionary's
// size gets its own, compacted dictionary (kernels that work once per
// dictionary entry then skip the rows filtered away); below 1/sparseClone
// its strings are copied too, so that the decoded block they point into
// can be freed (a one-user search keeps a row or two of each block).
const (
	sparseGather = 16
	sparseClone  = 256
)

// Gather returns a new vector holding rows idx of v, in that order.
// Dictionary-encoded strings keep their dictionary and copy only codes,
// unless idx is a small part of a large dictionary (sparseGather).
func (v *Vector) Gather(idx []uint32) *Vector {
	out := &Vector{Type: v.Type, Len: len(idx)}
	if v.Const {
		// Gathering from a constant yields the same constant.
		c := *v
		c.Len = len(idx)
		return &c
	}
	switch {
	case v.Anys != nil:
		out.Anys = make([]any, len(idx))
		for j, i := range idx {
			out.Anys[j] = v.Anys[i]
		}
	case v.Codes != nil && len(idx) < len(v.Dict)/sparseGather:
		// A few rows of a large dictionary (a selective filter over a
		// column of mostly distinct strings): a dictionary of just their
		// values.
		out.Codes = make([]uint32, len(idx))
		clone := len(idx) < len(v.Dict)/sparseClone
		remap := make([]uint32, len(v.Dict)) // new code + 1; 0: not yet
		for j, i := range idx {
			c := v.Codes[i]
			nc := remap[c] - 1
			if remap[c] == 0 {
				nc = uint32(len(out.Dict))
				remap[c] = nc + 1
				s := v.Dict[c]
				if clone {
					s = strings.Clone(s)
				}
				out.Dict = append(out.Dict, s)
			}
			out.Codes[j] = nc
		}
	case v.Codes != nil:
		out.Dict = v.Dict
		out.Codes = make([]uint32, len(idx))
		for j, i := range idx {
			out.Codes[j] = v.Codes[i]
		}
	case v.Strs != nil:
		out.Strs = make([]string, len(idx))
		for j, i := range idx {
			out.Strs[j] = v.Strs[i]
		}
	case v.Ints != nil:
		out.Ints = make([]int64, len(idx))
		for j, i := range idx {
			out.Ints[j] = v.Ints[i]
		}
	case v.Floats != nil:
		out.Floats = make([]float64, len(idx))
		for j, i := range idx {
			out.Floats[j] = v.Floats[i]
		}
	case v.Bools != nil:
		out.Bools = make([]bool, len(idx))
		for j, i := range idx {
			out.Bools[j] = v.Bools[i]
		}
	}
	if v.Nulls != nil {
		out.Nulls = make([]bool, len(idx))
		any := false
		for j, i := range idx {
			if v.Nulls[i] {
				out.Nulls[j] = true
				any = true
			}
		}
		if !any {
			out.Nulls = nil
		}
	}
	return out
}

// Gather returns a batch of rows idx of b.
func (b *Batch) Gather(idx []uint32) *Batch {
	out := &Batch{Len: len(idx), Cols: make([]*Vector, len(b.Cols))}
	for i, c := range b.Cols {
		if c != nil { // nil: a column no operator reads
			out.Cols[i] = c.Gather(idx)
		}
	}
	return out
}

// Concat joins batches of the same schema into one batch. String columns
// whose parts are all dictionary-encoded stay dictionary-encoded (the
// dictionaries are merged); constants are expanded. Nil columns (not read)
// stay nil.
func Concat(types []Type, batches []*Batch) *Batch {
	if len(batches) == 1 {
		return batches[0]
	}
	out := &Batch{Cols: make([]*Vector, len(types))}
	for _, b := range batches {
		out.Len += b.Len
	}
	for c, t := range types {
		parts := make([]*Vector, 0, len(batches))
		missing := false
		for _, b := range batches {
			if b.Cols[c] == nil {
				missing = true
				break
			}
			parts = append(parts, b.Cols[c])
		}
		if missing {
			continue
		}
		out.Cols[c] = concatVectors(t, parts, out.Len)
	}
	return out
}

// noCode marks a dictionary entry not remapped yet.
const noCode = ^uint32(0)

func concatVectors(t Type, parts []*Vector, n int) *Vector {
	v := &Vector{Type: t, Len: n}
	anyNulls := false
	for _, p := range parts {
		if p.Nulls != nil {
			anyNulls = true
		}
	}
	if anyNulls {
		v.Nulls = make([]bool, 0, n)
	}
	allDict := true
	anyAnys := false
	for _, p := range parts {
		if p.Codes == nil && !(p.Const && p.Strs != nil) {
			allDict = false
		}
		if p.Anys != nil {
			anyAnys = true
		}
	}
	var index map[string]uint32
	switch {
	case t == Dynamic && anyAnys:
		v.Anys = make([]any, 0, n)
	case t == String || t == Dynamic || t == Guid:
		if allDict {
			index = map[string]uint32{}
			v.Codes = make([]uint32, 0, n)
		} else {
			v.Strs = make([]string, 0, n)
		}
	case t == Real:
		v.Floats = make([]float64, 0, n)
	case t == Bool:
		v.Bools = make([]bool, 0, n)
	default:
		v.Ints = make([]int64, 0, n)
	}
	intern := func(s string) uint32 {
		c, ok := index[s]
		if !ok {
			c = uint32(len(v.Dict))
			v.Dict = append(v.Dict, s)
			index[s] = c
		}
		return c
	}
	for _, p := range parts {
		if anyNulls {
			for i := 0; i < p.Len; i++ {
				v.Nulls = append(v.Nulls, p.IsNull(i))
			}
		}
		switch {
		case v.Anys != nil:
			for i := 0; i < p.Len; i++ {
				v.Anys = append(v.Anys, p.Value(i))
			}
		case v.Codes != nil:
			if p.Const {
				c := intern(p.Strs[0])
				for i := 0; i < p.Len; i++ {
					v.Codes = append(v.Codes, c)
				}
				continue
			}
			// Remap lazily: after a selective filter a part may use few of
			// its dictionary's entries.
			remap := make([]uint32, len(p.Dict))
			for i := range remap {
				remap[i] = noCode
			}
			for _, c := range p.Codes[:p.Len] {
				r := remap[c]
				if r == noCode {
					r = intern(p.Dict[c])
					remap[c] = r
				}
				v.Codes = append(v.Codes, r)
			}
		case v.Strs != nil:
			for i := 0; i < p.Len; i++ {
				v.Strs = append(v.Strs, p.Str(i))
			}
		case v.Floats != nil:
			for i := 0; i < p.Len; i++ {
				v.Floats = append(v.Floats, p.Float(i))
			}
		case v.Bools != nil:
			for i := 0; i < p.Len; i++ {
				v.Bools = append(v.Bools, p.Bool(i))
			}
		default:
			for i := 0; i < p.Len; i++ {
				v.Ints = append(v.Ints, p.Int(i))
			}
		}
	}
	return v
}
