package exec

import (
	"unsafe"

	"clickhunt/column"
)

// valueSlots holds one value per group for aggregators that keep a row's
// value (arg_max, arg_min): typed, so a value kept costs a copy, not an
// allocation. Strings are copied into one arena (offset and length per
// slot) rather than kept as Go strings: a kept string must not hold the
// block it came from in memory, and copying each into an allocation of
// its own costs a malloc and a pointer for the collector per value kept.
// When most of the arena is dead (values replaced), the live strings are
// copied into a new one. Slots never set are null.
type valueSlots struct {
	kind   slotKind
	dyn    bool // slotAnys: the values came as Go values (Vector.Anys), not JSON text
	n      int  // slots (groups)
	nulls  []bool
	ints   []int64
	floats []float64
	bools  []bool
	anys   []any
	off    []int
	ln     []int32
	arena  []byte
	live   int // bytes of the arena that slots refer to
}

type slotKind uint8

const (
	slotUnset slotKind = iota
	slotInts
	slotFloats
	slotBools
	slotStrings
	slotAnys
)

// grow makes room for n slots.
func (s *valueSlots) grow(n int) {
	if n <= s.n {
		return
	}
	s.n = n
	if s.kind != slotUnset {
		s.extend()
	}
}

// extend sizes the slices of the kind to n slots, new ones null.
func (s *valueSlots) extend() {
	for len(s.nulls) < s.n {
		s.nulls = append(s.nulls, true)
	}
	switch s.kind {
	case slotInts:
		s.ints = grow(s.ints, s.n)
	case slotFloats:
		s.floats = grow(s.floats, s.n)
	case slotBools:
		s.bools = grow(s.bools, s.n)
	case slotStrings:
		s.off, s.ln = grow(s.off, s.n), grow(s.ln, s.n)
	case slotAnys:
		s.anys = grow(s.anys, s.n)
	}
}

func kindOf(v *column.Vector) slotKind {
	switch {
	case v.Anys != nil || v.Type == column.Dynamic:
		return slotAnys
	case v.Floats != nil:
		return slotFloats
	case v.Bools != nil:
		return slotBools
	case v.Ints != nil:
		return slotInts
	}
	return slotStrings
}

// set copies row i of v into slot g.
func (s *valueSlots) set(g int, v *column.Vector, i int) {
	if s.kind == slotUnset {
		s.kind, s.dyn = kindOf(v), v.Anys != nil
		s.extend()
	}
	null := v.IsNull(i)
	s.nulls[g] = null
	switch s.kind {
	case slotInts:
		s.ints[g] = v.Int(i)
	case slotFloats:
		s.floats[g] = v.Float(i)
	case slotBools:
		s.bools[g] = v.Bool(i)
	case slotAnys:
		s.anys[g] = v.Value(i)
	default:
		s.setStr(g, v.Str(i))
	}
}

// setSort copies row i of a sort column (integers or reals) into slot g.
func (s *valueSlots) setSort(g int, c *sortCol, i int) {
	if s.kind == slotUnset {
		s.kind = slotInts
		if c.kind == sortFloats {
			s.kind = slotFloats
		}
		s.extend()
	}
	s.nulls[g] = c.null != nil && c.null[i]
	if c.kind == sortFloats {
		s.floats[g] = c.floats[i]
	} else {
		s.ints[g] = c.ints[i]
	}
}

func (s *valueSlots) setStr(g int, x string) {
	s.live += len(x) - int(s.ln[g])
	if len(s.arena)+len(x) > cap(s.arena) && len(s.arena) > 2*s.live+64<<10 {
		s.compact()
	}
	s.off[g], s.ln[g] = len(s.arena), int32(len(x))
	s.arena = append(s.arena, x...)
}

// compact copies the live strings into a new arena.
func (s *valueSlots) compact() {
	arena := make([]byte, 0, s.live+s.live/2+4096)
	for g := range s.off {
		o := len(arena)
		arena = append(arena, s.arena[s.off[g]:s.off[g]+int(s.ln[g])]...)
		s.off[g] = o
	}
	s.arena = arena
}

// str returns slot g's string without copying it: valid until the next
// set (callers compare it and let go).
func (s *valueSlots) str(g int) string {
	if s.ln[g] == 0 {
		return ""
	}
	return unsafe.String(&s.arena[s.off[g]], int(s.ln[g]))
}

// vector returns the n slots as a vector of type t.
func (s *valueSlots) vector(t column.Type, n int) *column.Vector {
	anyNull := false
	for _, x := range s.nulls[:min(n, len(s.nulls))] {
		anyNull = anyNull || x
	}
	v := &column.Vector{Type: t, Len: n}
	if anyNull {
		v.Nulls = s.nulls[:n]
	}
	switch s.kind {
	case slotUnset:
		b := column.NewBuilder(t, n)
		for range n {
			b.AppendNull()
		}
		return b.Build()
	case slotInts:
		v.Ints = s.ints[:n]
	case slotFloats:
		v.Floats = s.floats[:n]
	case slotBools:
		v.Bools = s.bools[:n]
	case slotAnys:
		b := column.NewBuilder(t, n)
		if t == column.Dynamic && s.dyn {
			b = column.NewDynamicBuilder(n)
		}
		for g := range n {
			if s.nulls[g] {
				b.AppendNull()
			} else {
				b.AppendValue(s.anys[g])
			}
		}
		return b.Build()
	default:
		// One string holds every value; each row is a slice of it.
		all := string(s.arena)
		v.Strs, v.Nulls = make([]string, n), nil
		for g := range n {
			v.Strs[g] = all[s.off[g] : s.off[g]+int(s.ln[g])]
		}
	}
	return v
}
