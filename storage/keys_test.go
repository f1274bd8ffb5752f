package storage

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"clickhunt/column"
)

func TestKeysRoundTrip(t *testing.T) {
	for _, tid := range []uint32{0, 1, 255, 256, math.MaxUint32} {
		if got, err := parseTableKey(tableKey(tid)); err != nil || got != tid {
			t.Errorf("table key %d: got %d, %v", tid, got, err)
		}
		if !bytes.HasPrefix(tableKey(tid), tablePrefix()) {
			t.Errorf("table key %d outside its prefix", tid)
		}
		for _, cid := range []uint32{0, 7, math.MaxUint32} {
			k := columnKey(tid, cid)
			gt, gc, err := parseColumnKey(k)
			if err != nil || gt != tid || gc != cid || !bytes.HasPrefix(k, columnPrefix(tid)) {
				t.Errorf("column key (%d,%d): got (%d,%d), %v", tid, cid, gt, gc, err)
			}
		}
		for _, bid := range []uint64{0, 1, 1 << 32, math.MaxUint64} {
			k := metaKey(tid, bid)
			gt, gb, err := parseMetaKey(k)
			if err != nil || gt != tid || gb != bid || !bytes.HasPrefix(k, metaPrefix(tid)) {
				t.Errorf("meta key (%d,%d): got (%d,%d), %v", tid, bid, gt, gb, err)
			}
			if !bytes.Equal(k, kindBlockKey(kindMeta, tid, bid)) {
				t.Errorf("kindBlockKey differs from metaKey")
			}
			for _, cid := range []uint32{0, math.MaxUint32} {
				k := dataKey(tid, bid, cid)
				gt, gb, gc, err := parseDataKey(k)
				if err != nil || gt != tid || gb != bid || gc != cid || !bytes.HasPrefix(k, dataPrefix(tid)) ||
					!bytes.HasPrefix(k, kindBlockKey(kindData, tid, bid)) {
					t.Errorf("data key (%d,%d,%d): got (%d,%d,%d), %v", tid, bid, cid, gt, gb, gc, err)
				}
			}
		}
	}
	sha := [32]byte{1, 2, 3, 31: 0xff}
	if got, err := parseFileKey(fileKey(sha)); err != nil || got != sha {
		t.Errorf("file key: got %x, %v", got, err)
	}
}

// TestKeysOrder checks byte order is numeric order, and kinds sort apart.
func TestKeysOrder(t *testing.T) {
	ordered := [][]byte{
		formatKey(),
		tableKey(1), tableKey(2), tableKey(256),
		columnKey(1, 0), columnKey(1, 255), columnKey(1, 256), columnKey(2, 0),
		metaKey(1, 0), metaKey(1, 255), metaKey(1, 256), metaKey(1, 1<<40), metaKey(2, 0),
		dataKey(1, 0, 0), dataKey(1, 0, 300), dataKey(1, 1, 0), dataKey(1, 256, 0), dataKey(2, 0, 0),
		fileKey([32]byte{0}), fileKey([32]byte{1}),
	}
	for i := 1; i < len(ordered); i++ {
		if bytes.Compare(ordered[i-1], ordered[i]) >= 0 {
			t.Errorf("key %x does not sort before %x", ordered[i-1], ordered[i])
		}
	}
	if bytes.HasPrefix(metaKey(1, 5), metaPrefix(0)) || bytes.HasPrefix(dataKey(2, 0, 0), dataPrefix(1)) {
		t.Errorf("table prefixes overlap")
	}
}

func TestKeysParseRejects(t *testing.T) {
	if _, err := parseTableKey(columnKey(1, 2)); err == nil {
		t.Error("column key parsed as table key")
	}
	if _, _, err := parseColumnKey(tableKey(1)); err == nil {
		t.Error("table key parsed as column key")
	}
	if _, _, err := parseMetaKey(dataKey(1, 2, 3)); err == nil {
		t.Error("data key parsed as meta key")
	}
	if _, _, _, err := parseDataKey(metaKey(1, 2)); err == nil {
		t.Error("meta key parsed as data key")
	}
	if _, err := parseFileKey(tableKey(1)); err == nil {
		t.Error("table key parsed as file key")
	}
}

func TestRecordsRoundTrip(t *testing.T) {
	tr := tableRecord{name: "Clicks", nextCol: 12, nextBlock: 1 << 40, blocks: 99, rows: 1 << 50}
	if got, err := decodeTableRecord(appendTableRecord(nil, tr)); err != nil || got != tr {
		t.Errorf("table record: got %+v, %v", got, err)
	}
	c := ColumnInfo{ID: 7, Name: "Url", Type: column.String}
	if got, err := decodeColumnRecord(appendColumnRecord(nil, c), 7); err != nil || got != c {
		t.Errorf("column record: got %+v, %v", got, err)
	}
	f := FileRecord{SHA256: [32]byte{9}, Path: "/tmp/x.csv", Table: "Clicks", Rows: 12345, Ingested: time.Unix(1700000000, 123).UTC()}
	if got, err := decodeFileRecord(appendFileRecord(nil, f), f.SHA256); err != nil || !reflect.DeepEqual(got, f) {
		t.Errorf("file record: got %+v, %v", got, err)
	}
	cols := []blockCol{
		{0, column.String, ColStats{HasMinMax: true, MinStr: "a", MaxStr: "zz", Distinct: 5, Bytes: 100}},
		{1, column.Long, ColStats{Nulls: 3, HasMinMax: true, MinInt: math.MinInt64, MaxInt: math.MaxInt64, Bytes: 8}},
		{2, column.Real, ColStats{HasMinMax: true, MinFloat: math.Inf(-1), MaxFloat: 2.5}},
		{3, column.Bool, ColStats{Nulls: 10}},
		{1000, column.Datetime, ColStats{HasMinMax: true, MinInt: 5, MaxInt: 5}},
	}
	m, err := decodeBlockMeta(appendBlockMeta(nil, 10, cols), 42)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != 42 || m.Rows != 10 || m.Stats.Len() != len(cols) {
		t.Fatalf("block meta: got %+v", m)
	}
	for _, c := range cols {
		if got, _ := m.Stats.Get(c.id); !sameStats(got, c.stats) {
			t.Errorf("column %d stats: got %+v, want %+v", c.id, got, c.stats)
		}
	}
	if m.Stats.Has(4) || !m.Stats.Has(1000) {
		t.Errorf("block meta: Has(4) %v, Has(1000) %v", m.Stats.Has(4), m.Stats.Has(1000))
	}
	// Columns in any order are found by ID.
	m, err = decodeBlockMeta(appendBlockMeta(nil, 10, []blockCol{cols[4], cols[0], cols[2]}), 42)
	if err != nil {
		t.Fatal(err)
	}
	if ids := m.Stats.IDs(); !slices.Equal(ids, []uint32{0, 2, 1000}) {
		t.Errorf("unordered block meta: IDs %v", ids)
	}
	for _, c := range []blockCol{cols[4], cols[0], cols[2]} {
		if got, ok := m.Stats.Get(c.id); !ok || !sameStats(got, c.stats) {
			t.Errorf("unordered block meta: column %d stats: got %+v, want %+v", c.id, got, c.stats)
		}
	}
	// Truncation is an error, never a panic.
	for _, rec := range [][]byte{appendTableRecord(nil, tr), appendColumnRecord(nil, c), appendFileRecord(nil, f), appendBlockMeta(nil, 10, cols)} {
		for n := range len(rec) {
			_, e1 := decodeTableRecord(rec[:n])
			_, e2 := decodeColumnRecord(rec[:n], 0)
			_, e3 := decodeFileRecord(rec[:n], [32]byte{})
			_, e4 := decodeBlockMeta(rec[:n], 0)
			if e1 == nil && e2 == nil && e3 == nil && e4 == nil {
				t.Errorf("record truncated to %d bytes decoded", n)
			}
		}
	}
}
