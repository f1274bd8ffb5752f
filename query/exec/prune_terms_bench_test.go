package exec

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"clickhunt/column"
	"clickhunt/examples/gen"
	"clickhunt/ingest"
	"clickhunt/query/plan"
	"clickhunt/query/syntax"
	"clickhunt/storage"
)

// snapCatalog plans over a snapshot.
type snapCatalog struct{ *storage.Snapshot }

func (c snapCatalog) TableSchema(name string) (column.Schema, bool) {
	t, err := c.Table(name)
	if err != nil {
		return nil, false
	}
	var s column.Schema
	for _, col := range t.Columns {
		s = append(s, column.Field{Name: col.Name, Type: col.Type})
	}
	return s, true
}

func (c snapCatalog) TableNames() []string { return nil }

// scanOnly hides the snapshot's term filters: every block is read.
type scanOnly struct{ Store }

var termBench struct {
	once sync.Once
	db   *storage.DB
	rows int
	rare []string
	err  error
}

// openTermBench ingests $CLICKHUNT_BENCH_ROWS generated rows (default
// 1,000,000, seed 7, as `clickgen -rows N -seed 7`) once per run, and picks
// rare Url terms: from the middle of each of up to 32 blocks spread over
// the table, the longest term of the first Url whose longest term has 12
// characters or more and is in at most 3 rows (the generator's link ids).
func openTermBench(b *testing.B) *storage.DB {
	tb := &termBench
	tb.once.Do(func() {
		tb.rows = 1_000_000
		if s := os.Getenv("CLICKHUNT_BENCH_ROWS"); s != "" {
			if tb.rows, tb.err = strconv.Atoi(s); tb.err != nil {
				return
			}
		}
		dir, err := os.MkdirTemp("", "clickhunt-termbench")
		if err != nil {
			tb.err = err
			return
		}
		csvPath := filepath.Join(dir, "clicks.csv")
		if tb.err = gen.WriteFile(csvPath, gen.Config{Rows: tb.rows, Seed: 7}); tb.err != nil {
			return
		}
		if tb.db, tb.err = storage.Open(filepath.Join(dir, "db"), storage.Options{}); tb.err != nil {
			return
		}
		start := time.Now()
		if _, tb.err = ingest.File(context.Background(), tb.db, csvPath, ingest.Options{}); tb.err != nil {
			return
		}
		os.Remove(csvPath)
		size, _ := tb.db.DiskUsage()
		b.Logf("term bench database: %d rows ingested in %v, %d bytes on disk", tb.rows, time.Since(start), size)
		snap, err := tb.db.Snapshot()
		if err != nil {
			tb.err = err
			return
		}
		defer snap.Close()
		t, _ := snap.Table("UrlClickEvents")
		blocks, _ := snap.Blocks(t)
		col, _ := t.Column("Url")
		nterms := min(32, len(blocks))
		for i := range nterms {
			v, err := snap.ReadColumn(t, &blocks[i*len(blocks)/nterms], col)
			if err != nil {
				tb.err = err
				return
			}
			for r := v.Len / 2; r < v.Len; r++ {
				terms := storage.Terms(v.Str(r))
				if len(terms) == 0 {
					continue
				}
				if t := slices.MaxFunc(terms, func(a, b string) int { return len(a) - len(b) }); len(t) >= 12 && rareTerm(snap, t) {
					tb.rare = append(tb.rare, t)
					break
				}
			}
		}
		b.Logf("rare terms %q", tb.rare)
	})
	if termBench.err != nil {
		b.Fatal(termBench.err)
	}
	return termBench.db
}

// rareTerm reports whether Url has t in at most 3 rows (a word such as
// "cybersecurity" is long but common).
func rareTerm(snap *storage.Snapshot, t string) bool {
	s, err := syntax.Parse(`UrlClickEvents | where Url has "` + t + `" | count`)
	if err != nil {
		return false
	}
	p, err := plan.Build(s, snapCatalog{snap}, plan.Options{})
	if err != nil {
		return false
	}
	out, _, err := Run(context.Background(), p, snap)
	return err == nil && out.Cols[0].Int(0) <= 3
}

// BenchmarkTermIndex times q6 (`Url has "<term>" | count`) warm, with the
// term filters and without (every block scanned), for rare terms (one per
// iteration, in turn; blocks_read and count are their averages) and for the
// bench's host label, which is in every block.
//
//	go test -run NONE -bench TermIndex ./query/exec/
func BenchmarkTermIndex(b *testing.B) {
	db := openTermBench(b)
	for _, term := range []struct {
		name  string
		terms []string
	}{{"rare", termBench.rare}, {"label", []string{"pastebin"}}} {
		for _, indexed := range []bool{true, false} {
			name := term.name + "/scan"
			if indexed {
				name = term.name + "/index"
			}
			b.Run(name, func(b *testing.B) {
				snap, err := db.Snapshot()
				if err != nil {
					b.Fatal(err)
				}
				defer snap.Close()
				var plans []plan.Node
				for _, t := range term.terms {
					s, err := syntax.Parse(`UrlClickEvents | where Url has "` + t + `" | count`)
					if err != nil {
						b.Fatal(err)
					}
					p, err := plan.Build(s, snapCatalog{snap}, plan.Options{})
					if err != nil {
						b.Fatal(err)
					}
					plans = append(plans, p)
				}
				var store Store = snap
				if !indexed {
					store = scanOnly{snap}
				}
				var runs, read, n int64
				for b.Loop() {
					out, st, err := Run(context.Background(), plans[runs%int64(len(plans))], store)
					if err != nil {
						b.Fatal(err)
					}
					runs++
					read += int64(st.BlocksRead)
					n += out.Cols[0].Int(0)
				}
				b.ReportMetric(float64(read)/float64(runs), "blocks_read")
				b.ReportMetric(float64(n)/float64(runs), "count")
			})
		}
	}
}
