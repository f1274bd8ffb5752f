package output

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"clickhunt/column"
)

// WriteJSON writes the rows as one JSON array of objects, one object per
// line:
//
//	[
//	{"Url":"https://a.example","Clicks":3},
//	{"Url":"https://b.example","Clicks":1}
//	]
//
// An empty result is "[]". See appendJSONValue for how each type is encoded.
func WriteJSON(w io.Writer, schema column.Schema, b *column.Batch) error {
	bw := bufio.NewWriter(w)
	if b.Len == 0 {
		bw.WriteString("[]\n")
		return bw.Flush()
	}
	keys := jsonKeys(schema)
	bw.WriteString("[\n")
	var buf []byte
	for r := 0; r < b.Len; r++ {
		buf = appendJSONObject(buf[:0], keys, b, r)
		if r < b.Len-1 {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// WriteJSONL writes one JSON object per row, each on its own line (JSON
// Lines); an empty result writes nothing.
func WriteJSONL(w io.Writer, schema column.Schema, b *column.Batch) error {
	bw := bufio.NewWriter(w)
	keys := jsonKeys(schema)
	var buf []byte
	for r := 0; r < b.Len; r++ {
		buf = appendJSONObject(buf[:0], keys, b, r)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// jsonKeys pre-encodes each column's `"name":` once. Objects are written by
// hand, not through a map, so that keys keep column order.
func jsonKeys(schema column.Schema) [][]byte {
	keys := make([][]byte, len(schema))
	for i, f := range schema {
		k := appendJSONString(nil, f.Name)
		keys[i] = append(k, ':')
	}
	return keys
}

func appendJSONObject(dst []byte, keys [][]byte, b *column.Batch, r int) []byte {
	dst = append(dst, '{')
	for i, v := range b.Cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, keys[i]...)
		dst = appendJSONValue(dst, v, r)
	}
	return append(dst, '}')
}

// appendJSONValue encodes row r of v: null as null; long and int as
// numbers; real as a number, or the strings "NaN", "Infinity", "-Infinity";
// bool as true/false; datetime as an ISO 8601 UTC string; timespan as a
// string such as "1.02:03:04"; dynamic as its JSON text when that is valid
// JSON, else as a string; string and guid as strings.
func appendJSONValue(dst []byte, v *column.Vector, r int) []byte {
	if v.IsNull(r) {
		return append(dst, "null"...)
	}
	switch v.Type {
	case column.Long, column.Int:
		return strconv.AppendInt(dst, v.Int(r), 10)
	case column.Real:
		return appendJSONFloat(dst, v.Float(r))
	case column.Bool:
		return strconv.AppendBool(dst, v.Bool(r))
	case column.Dynamic:
		if v.Anys != nil {
			return column.AppendDynamicJSON(dst, v.Value(r))
		}
		if s := v.Str(r); s != "" && json.Valid([]byte(s)) {
			return append(dst, s...)
		}
	}
	return appendJSONString(dst, column.FormatValue(v, r))
}

// appendJSONFloat writes f the way encoding/json does (plain digits between
// 1e-6 and 1e21, exponent form outside), and non-finite values as strings
// because JSON has no literal for them.
func appendJSONFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f), math.IsInf(f, 0):
		return appendJSONString(dst, column.FormatReal(f))
	}
	abs := math.Abs(f)
	fmt := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		fmt = 'e'
	}
	n := len(dst)
	dst = strconv.AppendFloat(dst, f, fmt, -1, 64)
	if fmt == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		m := len(dst) - n
		if m >= 4 && dst[len(dst)-4] == 'e' && dst[len(dst)-3] == '-' && dst[len(dst)-2] == '0' {
			dst[len(dst)-2] = dst[len(dst)-1]
			dst = dst[:len(dst)-1]
		}
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string. Control characters are
// escaped, as are U+2028 and U+2029 (so the output is also valid
// JavaScript); invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
