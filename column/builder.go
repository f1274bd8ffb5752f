package column

// Builder accumulates values of one type into a Vector. String builders
// dictionary-encode as they go.
type Builder struct {
	v     Vector
	index map[string]uint32
	nulls bool
}

// NewDynamicBuilder returns a builder of dynamic values held as Go values
// (Vector.Anys). NewBuilder(Dynamic) instead builds JSON text, as stored.
func NewDynamicBuilder(capacity int) *Builder {
	return &Builder{v: Vector{Type: Dynamic, Anys: make([]any, 0, capacity), Nulls: make([]bool, 0, capacity)}}
}

// NewBuilder returns a builder for type t with room for capacity rows.
func NewBuilder(t Type, capacity int) *Builder {
	b := &Builder{v: Vector{Type: t}}
	switch t {
	case String, Dynamic, Guid:
		b.v.Codes = make([]uint32, 0, capacity)
		b.v.Dict = []string{}
		b.index = make(map[string]uint32)
	case Real:
		b.v.Floats = make([]float64, 0, capacity)
	case Bool:
		b.v.Bools = make([]bool, 0, capacity)
	default:
		b.v.Ints = make([]int64, 0, capacity)
	}
	b.v.Nulls = make([]bool, 0, capacity)
	return b
}

// Len returns the number of values appended so far.
func (b *Builder) Len() int { return b.v.Len }

// Type returns the builder's type.
func (b *Builder) Type() Type { return b.v.Type }

// AppendString appends a string value (to a dynamic builder: a dynamic
// string).
func (b *Builder) AppendString(s string) {
	if b.v.Anys != nil {
		b.AppendDynamic(s)
		return
	}
	b.appendCode(s)
}

func (b *Builder) appendCode(s string) {
	c, ok := b.index[s]
	if !ok {
		c = uint32(len(b.v.Dict))
		b.v.Dict = append(b.v.Dict, s)
		b.index[s] = c
	}
	b.v.Codes = append(b.v.Codes, c)
	b.v.Nulls = append(b.v.Nulls, false)
	b.v.Len++
}

// AppendInt appends an integer-backed value (long, int, datetime, timespan).
func (b *Builder) AppendInt(x int64) {
	b.v.Ints = append(b.v.Ints, x)
	b.v.Nulls = append(b.v.Nulls, false)
	b.v.Len++
}

// AppendFloat appends a real value.
func (b *Builder) AppendFloat(x float64) {
	b.v.Floats = append(b.v.Floats, x)
	b.v.Nulls = append(b.v.Nulls, false)
	b.v.Len++
}

// AppendBool appends a bool value.
func (b *Builder) AppendBool(x bool) {
	b.v.Bools = append(b.v.Bools, x)
	b.v.Nulls = append(b.v.Nulls, false)
	b.v.Len++
}

// AppendNull appends a null ("" for strings, which KQL never makes null;
// a null guid is marked null over "").
func (b *Builder) AppendNull() {
	switch {
	case b.v.Anys != nil:
		b.v.Anys = append(b.v.Anys, nil)
	case b.v.Type == String || b.v.Type == Dynamic:
		b.AppendString("")
		return
	case b.v.Type == Guid:
		// A guid can be null (toguid("x")): the slot holds "".
		b.appendCode("")
		b.v.Nulls[len(b.v.Nulls)-1] = true
		b.nulls = true
		return
	case b.v.Type == Real:
		b.v.Floats = append(b.v.Floats, 0)
	case b.v.Type == Bool:
		b.v.Bools = append(b.v.Bools, false)
	default:
		b.v.Ints = append(b.v.Ints, 0)
	}
	b.v.Nulls = append(b.v.Nulls, true)
	b.nulls = true
	b.v.Len++
}

// AppendDynamic appends a dynamic value (nil is null); to a JSON-text
// builder it appends the value's text.
func (b *Builder) AppendDynamic(x any) {
	if b.v.Anys == nil {
		if x == nil {
			b.AppendNull()
			return
		}
		// JSON text, so that a string such as "123" reads back as a string.
		b.appendCode(string(AppendDynamicJSON(nil, x)))
		return
	}
	if x == nil {
		b.AppendNull()
		return
	}
	b.v.Anys = append(b.v.Anys, x)
	b.v.Nulls = append(b.v.Nulls, false)
	b.v.Len++
}

// AppendValue appends a Go value as returned by Vector.Value (nil = null).
func (b *Builder) AppendValue(x any) {
	if b.v.Anys != nil {
		b.AppendDynamic(x)
		return
	}
	switch x := x.(type) {
	case nil:
		b.AppendNull()
	case string:
		b.AppendString(x)
	case int64:
		b.AppendInt(x)
	case float64:
		b.AppendFloat(x)
	case bool:
		b.AppendBool(x)
	default:
		if b.v.Type == Dynamic {
			b.AppendDynamic(x)
			return
		}
		panic("BUG: column.Builder.AppendValue of unsupported Go type")
	}
}

// Build returns the vector and resets the builder for reuse.
func (b *Builder) Build() *Vector {
	v := b.v
	out := &v
	if !b.nulls {
		out.Nulls = nil
	}
	if v.Anys != nil {
		*b = *NewDynamicBuilder(cap(v.Nulls))
	} else {
		*b = *NewBuilder(v.Type, cap(v.Nulls))
	}
	return out
}
