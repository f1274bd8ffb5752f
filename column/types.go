package column

import "fmt"

// Type is a KQL scalar type. The zero value is Invalid.
type Type uint8

// The KQL scalar types. Int, Long, Datetime and Timespan share the Ints
// representation; Bool uses Bools; Real uses Floats; String uses Dict+Codes or
// Strs. Dynamic and Guid are reserved for later issues.
const (
	Invalid Type = iota
	String
	Long
	Int
	Real
	Bool
	Datetime
	Timespan
	Dynamic
	Guid
)

var typeNames = [...]string{
	Invalid:  "invalid",
	String:   "string",
	Long:     "long",
	Int:      "int",
	Real:     "real",
	Bool:     "bool",
	Datetime: "datetime",
	Timespan: "timespan",
	Dynamic:  "dynamic",
	Guid:     "guid",
}

// String returns the KQL name of the type ("string", "long", ...).
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// ParseType maps a KQL type name (and the usual aliases: boolean, double,
// date, time, int64, int32, System.String ...) onto a Type.
func ParseType(s string) (Type, bool) {
	switch s {
	case "string", "String", "System.String":
		return String, true
	case "long", "Long", "int64", "Int64", "System.Int64":
		return Long, true
	case "int", "Int", "int32", "Int32", "System.Int32":
		return Int, true
	case "real", "Real", "double", "Double", "System.Double", "float", "decimal", "Decimal":
		return Real, true
	case "bool", "Bool", "boolean", "Boolean", "System.Boolean", "System.SByte":
		return Bool, true
	case "datetime", "DateTime", "date", "System.DateTime":
		return Datetime, true
	case "timespan", "TimeSpan", "time", "System.TimeSpan":
		return Timespan, true
	case "dynamic", "Dynamic", "System.Object":
		return Dynamic, true
	case "guid", "Guid", "uniqueid", "System.Guid":
		return Guid, true
	}
	return Invalid, false
}

// IsInteger reports whether values of t are held in Ints.
func (t Type) IsInteger() bool {
	return t == Long || t == Int || t == Datetime || t == Timespan
}

// IsNumeric reports whether t is int, long or real.
func (t Type) IsNumeric() bool { return t == Long || t == Int || t == Real }

// Field names one column of a schema.
type Field struct {
	Name string
	Type Type
}

// Schema is an ordered list of columns.
type Schema []Field

// Index returns the position of the column named name, or -1.
func (s Schema) Index(name string) int {
	for i, f := range s {
		if f.Name == name {
			return i
		}
	}
	return -1
}
