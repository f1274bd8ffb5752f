package exec

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"clickhunt/column"
	"clickhunt/query/plan"
	"clickhunt/query/syntax"
	"clickhunt/storage"
)

// slowStore records which goroutines read and, while meet is set, holds
// the first reader of a run until a second goroutine reads too, so the
// partial aggregations all get blocks to merge however the machine
// schedules them (no sleeps: a busy machine once let one partial take
// them all).
type slowStore struct {
	*memStore
	meet *meeting
}

var slowReaders sync.Map

func (s *slowStore) ReadColumn(t *storage.TableInfo, b *storage.BlockMeta, c storage.ColumnInfo) (*column.Vector, error) {
	id := goid()
	if s.meet != nil {
		s.meet.arrive(id)
	}
	slowReaders.Store(id, true)
	return s.memStore.ReadColumn(t, b, c)
}

// readers counts the goroutines that read since the last call.
func (s *slowStore) readers() int {
	n := 0
	slowReaders.Range(func(k, _ any) bool { n++; slowReaders.Delete(k); return true })
	return n
}

// meeting holds its first arrival until another goroutine arrives. Only
// for runs reading two blocks or more: the first reader holds one block,
// so another partial takes the next.
type meeting struct {
	mu    sync.Mutex
	first string
	met   chan struct{}
	open  bool
}

func newMeeting() *meeting { return &meeting{met: make(chan struct{})} }

func (m *meeting) arrive(id string) {
	m.mu.Lock()
	switch {
	case m.first == "":
		m.first = id
		m.mu.Unlock()
		<-m.met
		return
	case id != m.first && !m.open:
		m.open = true
		close(m.met)
	}
	m.mu.Unlock()
}

// goid is the current goroutine's id, from its stack header.
func goid() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := strings.Fields(string(buf))
	return f[1]
}

// A summarize over a scan runs as partial aggregations on every core when
// its keys are not strings and its aggregations merge exactly; the result
// must be the serial one, row for row (groups in first-appearance order).
func TestParallelAggregateMatchesSerial(t *testing.T) {
	schema := column.Schema{
		{Name: "Timestamp", Type: column.Datetime},
		{Name: "i", Type: column.Long},
		{Name: "v", Type: column.String},
		{Name: "ok", Type: column.Bool},
	}
	var rows [][]any
	base := ts("2024-01-01T00:00:00Z")
	for i := range 20000 {
		var okv any = i%3 == 0
		if i%17 == 0 {
			okv = nil
		}
		var iv any = int64(i*7919%1000 - 300)
		if i%23 == 0 {
			iv = nil
		}
		rows = append(rows, []any{base + int64(i)*37*column.Second, iv, fmt.Sprintf("user%d", i*31%257), okv})
	}
	m := &slowStore{memStore: newMemStore("T", schema, rows, []int{700, 1300, 500})}
	queries := []struct {
		q        string
		parallel bool
	}{
		{"T | summarize n = count(), d = dcount(v), lo = min(i), hi = max(i), s = sum(i), c = countif(ok), nn = count(i), first = min(v), last = max(v), t = max(ok) by h = hourofday(Timestamp)", true},
		{"T | summarize count(), dcount(v), max(Timestamp) by bin(Timestamp, 1d)", true},
		{"T | where ok == true | summarize count() by k = i % 10, ok", true},
		{"T | extend k = i % 5 | where k != 2 | summarize n = count(), d = dcount(k) by k, b = ok", true},
		{"T | summarize n = count(), d = dcount(v), s = sum(i)", true},
		{"T | where i > 100000 | summarize n = count(), d = dcount(v), lo = min(i) by k = i % 7", true},
		{"T | where i > 100000 | summarize n = count(), lo = min(i)", true},
		{"T | summarize count() by v", false},            // string keys stay serial
		{"T | summarize a = avg(i) by k = i % 3", false}, // float sums depend on order
	}
	run := func(q string, procs int, meet bool) (string, Stats, bool) {
		t.Helper()
		if meet {
			m.meet = newMeeting()
			defer func() { m.meet = nil }()
		}
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		s, err := syntax.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Build(s, m, plan.Options{Now: column.TicksFromTime(testNow)})
		if err != nil {
			t.Fatal(err)
		}
		var st Stats
		op, err := build(p, m, &st)
		if err != nil {
			t.Fatal(err)
		}
		_, par := op.(*parAggOp)
		got, st, err := runQueryOn(t, m, q)
		if par && st.BlocksRead > 0 && m.readers() < 2 {
			t.Errorf("%s: one partial read every block", q)
		}
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return got, st, par
	}
	for _, c := range queries {
		m.readers()
		serial, sst, spar := run(c.q, 1, false)
		if spar {
			t.Fatalf("%s: one core ran in parallel", c.q)
		}
		for _, procs := range []int{2, 3, 4} {
			got, st, par := run(c.q, procs, c.parallel && sst.BlocksRead >= 2)
			if par != c.parallel {
				t.Errorf("%s: parallel = %v with %d cores, want %v", c.q, par, procs, c.parallel)
			}
			if got != serial {
				t.Errorf("%s with %d cores:\n%s\nserial:\n%s", c.q, procs, got, serial)
			}
			if st.BlocksRead != sst.BlocksRead || st.BlocksTotal != sst.BlocksTotal || st.RowsRead != sst.RowsRead {
				t.Errorf("%s with %d cores: stats %+v, serial %+v", c.q, procs, st, sst)
			}
		}
	}
}
