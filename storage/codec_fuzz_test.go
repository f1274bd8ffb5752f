package storage

import (
	"testing"

	"clickhunt/column"
)

// FuzzDecodeColumnValue feeds arbitrary bytes to the column decoder of
// every type: it must never panic, and whatever it accepts must encode
// and decode again to the same values.
//
//	go test -run '^$' -fuzz FuzzDecodeColumnValue -fuzztime 60s ./storage/
func FuzzDecodeColumnValue(f *testing.F) {
	for _, fl := range []testFile{makeFile("seed.csv", 1, clickSchema, 300), makeFile("tiny.csv", 2, clickSchema, 3)} {
		for _, v := range fl.blocks[0].Cols {
			val, _ := appendColumnValue(nil, v)
			f.Add(val, uint8(v.Type))
		}
	}
	f.Add([]byte{valueZstd, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x28, 0xb5, 0x2f, 0xfd}, uint8(column.String))
	f.Fuzz(func(t *testing.T, val []byte, typ uint8) {
		ct := column.Type(typ)
		if !validType(ct) {
			return
		}
		v, err := decodeColumnValue(val, ct)
		if err != nil {
			return
		}
		again, _ := appendColumnValue(nil, v)
		w, err := decodeColumnValue(again, ct)
		if err != nil {
			t.Fatalf("re-encoded value does not decode: %v", err)
		}
		if w.Len != v.Len {
			t.Fatalf("round trip: %d rows, then %d", v.Len, w.Len)
		}
		for i := range v.Len {
			if a, b := v.Value(i), w.Value(i); !sameValue(a, b) {
				t.Fatalf("row %d: %v, then %v", i, a, b)
			}
		}
	})
}

// FuzzDecodeRecords feeds arbitrary bytes to the catalog, meta and file
// record decoders and to the checksum check: none may panic.
func FuzzDecodeRecords(f *testing.F) {
	f.Add(appendTableRecord(nil, tableRecord{name: "UrlClickEvents", nextCol: 12, nextBlock: 3, blocks: 3, rows: 100}))
	f.Add(appendColumnRecord(nil, ColumnInfo{Name: "Url", Type: column.String}))
	f.Add(appendFileRecord(nil, FileRecord{Table: "t", Path: "/x.csv", Rows: 7}))
	f.Add(appendBlockMeta(nil, 10, []blockCol{{id: 1, typ: column.Long, stats: ColStats{HasMinMax: true, MinInt: -5, MaxInt: 9}},
		{id: 2, typ: column.String, stats: ColStats{HasMinMax: true, MinStr: "a", MaxStr: "z"}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeTableRecord(b)
		decodeColumnRecord(b, 1)
		decodeFileRecord(b, [32]byte{})
		decodeBlockMeta(b, 1)
		decodeFormatVersion(b)
		if v, err := unseal(true, []byte{1}, b); err == nil && len(v) != len(b)-checksumLen {
			t.Fatalf("unseal kept %d of %d bytes", len(v), len(b))
		}
	})
}
