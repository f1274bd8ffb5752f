package exec

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"clickhunt/column"
	"clickhunt/storage"
)

// memStore is an in-memory Store: tables of blocks, with the same per-block
// statistics the storage layer keeps, so pruning is exercised too.
type memStore struct {
	tables map[string]*memTable
}

type memTable struct {
	info   storage.TableInfo
	blocks []storage.BlockMeta
	data   []*column.Batch
}

func (m *memStore) Table(name string) (*storage.TableInfo, error) {
	t, ok := m.tables[name]
	if !ok {
		return nil, storage.ErrNoTable
	}
	return &t.info, nil
}

func (m *memStore) Blocks(t *storage.TableInfo) ([]storage.BlockMeta, error) {
	return m.tables[t.Name].blocks, nil
}

func (m *memStore) ReadColumn(t *storage.TableInfo, b *storage.BlockMeta, c storage.ColumnInfo) (*column.Vector, error) {
	return m.tables[t.Name].data[b.ID].Cols[c.ID], nil
}

func (m *memStore) TableSchema(name string) (column.Schema, bool) {
	t, ok := m.tables[name]
	if !ok {
		return nil, false
	}
	var s column.Schema
	for _, c := range t.info.Columns {
		s = append(s, column.Field{Name: c.Name, Type: c.Type})
	}
	return s, true
}

func (m *memStore) TableNames() []string {
	var n []string
	for k := range m.tables {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// newMemStore loads rows (Go values per column; nil = null) into a table,
// cutting blocks at the given sizes (the last size repeats).
func newMemStore(name string, schema column.Schema, rows [][]any, sizes []int) *memStore {
	t := &memTable{info: storage.TableInfo{Name: name, Rows: int64(len(rows))}}
	for i, f := range schema {
		t.info.Columns = append(t.info.Columns, storage.ColumnInfo{ID: uint32(i), Name: f.Name, Type: f.Type})
	}
	for start, k := 0, 0; start < len(rows); k++ {
		size := sizes[min(k, len(sizes)-1)]
		end := min(start+size, len(rows))
		b := &column.Batch{Len: end - start}
		meta := storage.BlockMeta{ID: uint64(len(t.data)), Rows: end - start}
		for c, f := range schema {
			bl := column.NewBuilder(f.Type, end-start)
			st := storage.ColStats{}
			for _, r := range rows[start:end] {
				bl.AppendValue(r[c])
				if r[c] == nil {
					st.Nulls++
					continue
				}
				if x, ok := r[c].(int64); ok {
					if !st.HasMinMax || x < st.MinInt {
						st.MinInt = x
					}
					if !st.HasMinMax || x > st.MaxInt {
						st.MaxInt = x
					}
					st.HasMinMax = true
				}
			}
			b.Cols = append(b.Cols, bl.Build())
			meta.Stats.Set(uint32(c), st)
		}
		t.data = append(t.data, b)
		t.blocks = append(t.blocks, meta)
		start = end
	}
	t.info.Blocks = len(t.blocks)
	return &memStore{tables: map[string]*memTable{name: t}}
}

var testNow = time.Date(2024, 1, 10, 12, 0, 0, 0, time.UTC)

// runQuery runs q and renders the result as a header line and one line per
// row, values joined by " | ".
func runQuery(t *testing.T, m *memStore, q string) (string, Stats, error) {
	t.Helper()
	return runQueryOn(t, m, q)
}

func render(schema column.Schema, b *column.Batch) string {
	var sb strings.Builder
	for i, f := range schema {
		if i > 0 {
			sb.WriteString(" | ")
		}
		sb.WriteString(f.Name + ":" + f.Type.String())
	}
	sb.WriteByte('\n')
	for r := 0; r < b.Len; r++ {
		for c := range schema {
			if c > 0 {
				sb.WriteString(" | ")
			}
			v := b.Cols[c]
			if v.IsNull(r) {
				sb.WriteString("null")
			} else {
				sb.WriteString(column.FormatValue(v, r))
			}
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// sortedLines sorts the row lines (not the header) for unordered results.
func sortedLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) > 1 {
		sort.Strings(lines[1:])
	}
	return strings.Join(lines, "\n") + "\n"
}

func ts(s string) int64 {
	t, err := column.ParseDatetime(s)
	if err != nil {
		panic(err)
	}
	return t
}

var clickSchema = column.Schema{
	{Name: "Timestamp", Type: column.Datetime},
	{Name: "Url", Type: column.String},
	{Name: "ActionType", Type: column.String},
	{Name: "AccountUpn", Type: column.String},
	{Name: "ThreatTypes", Type: column.String},
	{Name: "IsClickedThrough", Type: column.Bool},
	{Name: "ReportId", Type: column.String},
	{Name: "Score", Type: column.Long},
	{Name: "Ratio", Type: column.Real},
}

func clickRows() [][]any {
	return [][]any{
		{ts("2024-01-08T09:00:00Z"), "https://contoso.com/login", "ClickAllowed", "alice@contoso.com", "Phish", false, "r1", int64(5), 0.5},
		{ts("2024-01-08T09:05:00Z"), "https://www.contoso.com/a?x=1", "ClickBlocked", "bob@contoso.com", "Phish,Malware", false, "r2", int64(-3), 1.5},
		{ts("2024-01-08T09:06:00Z"), "https://www.contoso.com/a?x=1", "ClickAllowed", "bob@contoso.com", "Phish,Malware", true, "r2", int64(7), nil},
		{ts("2024-01-09T10:00:00Z"), "http://North-America.example/amer", "ClickBlocked", "carol@contoso.com", "Malware", false, "r3", nil, 2.0},
		{ts("2024-01-09T23:59:59.9999999Z"), "https://fabrikam.net/Phishing", "ClickAllowed", "Alice@Contoso.com", "", false, "r4", int64(0), -1.0},
		{ts("2024-01-10T00:00:00Z"), "https://fabrikam.net/", "UrlScanInProgress", "dave@contoso.com", "Spam", nil, "r5", int64(12), 0.0},
		{nil, "", "ClickAllowed", "", "", false, "r6", int64(1), 3.25},
	}
}

// f runs the query over the click table cut into blocks of several shapes
// (one block, single rows, random sizes) and checks every shape gives want.
func check(t *testing.T, q, want string, unordered bool) {
	t.Helper()
	rng := rand.New(rand.NewSource(int64(len(q))))
	shapes := [][]int{{1000}, {1}, {2, 3}, {rng.Intn(4) + 1, rng.Intn(4) + 1, rng.Intn(4) + 1}}
	for _, sizes := range shapes {
		m := newMemStore("UrlClickEvents", clickSchema, clickRows(), sizes)
		got, _, err := runQuery(t, m, q)
		if err != nil {
			t.Fatalf("query %q (blocks %v): %v", q, sizes, err)
		}
		if unordered {
			got, want = sortedLines(got), sortedLines(want)
		}
		if got != want {
			t.Fatalf("query %q (blocks %v):\ngot:\n%s\nwant:\n%s", q, sizes, got, want)
		}
	}
}

func checkErr(t *testing.T, q, want string) {
	t.Helper()
	m := newMemStore("UrlClickEvents", clickSchema, clickRows(), []int{1000})
	_, _, err := runQuery(t, m, q)
	if err == nil {
		t.Fatalf("query %q: no error, want %q", q, want)
	}
	if err.Error() != want {
		t.Fatalf("query %q:\n got error %q\nwant error %q", q, err.Error(), want)
	}
}

func TestMemStoreShapes(t *testing.T) {
	m := newMemStore("T", clickSchema, clickRows(), []int{2, 3})
	if got := len(m.tables["T"].blocks); got != 3 {
		t.Fatalf("blocks = %d, want 3", got)
	}
	_ = fmt.Sprint()
}
