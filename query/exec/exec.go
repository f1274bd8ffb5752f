// Package exec runs query plans over column batches. Operators pull batches
// from their input (Next), work on whole vectors, and never build row maps.
package exec

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"clickhunt/column"
	"clickhunt/query/plan"
	"clickhunt/storage"
)

// Store is what the executor reads; *storage.Snapshot implements it.
type Store interface {
	Table(name string) (*storage.TableInfo, error)
	Blocks(t *storage.TableInfo) ([]storage.BlockMeta, error)
	ReadColumn(t *storage.TableInfo, b *storage.BlockMeta, c storage.ColumnInfo) (*column.Vector, error)
}

// Stats count the work a run did.
type Stats struct {
	BlocksTotal, BlocksRead int
	RowsRead                int64
	// HeadColumns counts the columns scans read as their stored heads
	// (plan/heads.go) instead of whole.
	HeadColumns int
	// SpanBlocks counts the blocks whose filter, a range of one integer
	// column, was answered from its stored encoding (scan_span.go).
	SpanBlocks int

	mem      *budget
	stop     *stopper      // the run's cancellation, for kernels and loops within a batch (cancel.go)
	progress *atomic.Int64 // Options.Progress
	// wg counts scan goroutines; a run waits for them before returning, so
	// none still reads the snapshot when the caller closes it.
	wg *sync.WaitGroup
	// rowSources holds the rows of each plan.RowSource while the node
	// above it runs its subquery (mv-apply).
	rowSources map[*plan.RowSource]*column.Batch
}

// Options configure a run.
type Options struct {
	// MaxMemory bounds the bytes the query holds in group tables, sort
	// buffers, join sides and its result (0: no limit).
	MaxMemory int64
	// Progress, when set, counts the rows scanned so far while the query
	// runs (it ends equal to Stats.RowsRead if it started at 0).
	Progress *atomic.Int64
}

// Operator produces batches. Next returns nil, nil at the end. Batches
// returned are owned by the caller; an operator never changes a batch it
// received.
type Operator interface {
	Next(ctx context.Context) (*column.Batch, error)
}

// Run executes a plan and returns its whole result as one batch.
func Run(ctx context.Context, n plan.Node, store Store) (*column.Batch, Stats, error) {
	return RunWith(ctx, n, store, Options{})
}

// RunWith is Run with options.
func RunWith(ctx context.Context, n plan.Node, store Store, opts Options) (_ *column.Batch, st Stats, err error) {
	// Scans read ahead on worker goroutines; cancelling when the run ends
	// stops them, also when an operator such as take stops pulling early.
	ctx, cancel := context.WithCancel(ctx)
	st = Stats{mem: &budget{limit: opts.MaxMemory}, stop: newStopper(ctx), progress: opts.Progress, wg: &sync.WaitGroup{},
		rowSources: map[*plan.RowSource]*column.Batch{}}
	st.stop.mem = st.mem
	defer st.wg.Wait() // runs after cancel: the scan goroutines are stopping
	defer cancel()
	// A kernel or loop of this goroutine that saw the cancellation
	// unwinds to here.
	defer recoverStop(&err)
	if err := resolveSubqueries(ctx, n, store, &st); err != nil {
		return nil, st, err
	}
	op, err := build(n, store, &st)
	if err != nil {
		return nil, st, err
	}
	var out []*column.Batch
	for {
		if err := ctx.Err(); err != nil {
			return nil, st, err
		}
		b, err := op.Next(ctx)
		if err != nil {
			return nil, st, err
		}
		if b == nil {
			break
		}
		if b.Len > 0 {
			if err := st.mem.charge(batchBytes(b), "the result"); err != nil {
				return nil, st, err
			}
			out = append(out, b)
		}
	}
	schema := n.Out()
	if len(out) == 0 {
		return emptyBatch(schema), st, nil
	}
	return column.Concat(types(schema), out), st, nil
}

// readRows counts a block of rows read, in RowsRead and in Progress.
func (st *Stats) readRows(n int) {
	st.RowsRead += int64(n)
	if st.progress != nil {
		st.progress.Add(int64(n))
	}
}

func types(s column.Schema) []column.Type {
	t := make([]column.Type, len(s))
	for i, f := range s {
		t[i] = f.Type
	}
	return t
}

func emptyBatch(s column.Schema) *column.Batch {
	b := &column.Batch{Cols: make([]*column.Vector, len(s))}
	for i, f := range s {
		b.Cols[i] = column.NewBuilder(f.Type, 0).Build()
	}
	return b
}

func build(n plan.Node, store Store, st *Stats) (Operator, error) {
	if so, ok := n.(*plan.Sort); ok {
		ts, err := newTopScan(so, store, st) // op_topscan.go
		if err != nil {
			return nil, err
		}
		if ts != nil {
			return ts, nil
		}
	}
	if a, ok := n.(*plan.Aggregate); ok {
		op, err := buildParallelAggregate(a, store, st) // paragg.go
		if err != nil || op != nil {
			return op, err
		}
	}
	switch n := n.(type) {
	case *plan.Scan:
		return newScan(n, store, st)
	case *plan.Values:
		return &valuesOp{n: n}, nil
	case *plan.Range:
		return newRange(n)
	case *plan.Partition:
		in, err := build(n.Input, store, st)
		if err != nil {
			return nil, err
		}
		if st.rowSources == nil {
			st.rowSources = map[*plan.RowSource]*column.Batch{} // Stats made outside a run
		}
		return &partitionOp{n: n, in: in, store: store, st: st}, nil
	case *plan.TopNested:
		in, err := build(n.Input, store, st)
		if err != nil {
			return nil, err
		}
		if st.rowSources == nil {
			st.rowSources = map[*plan.RowSource]*column.Batch{} // Stats made outside a run
		}
		return &topNestedOp{n: n, in: in, store: store, st: st}, nil
	case *plan.RowSource:
		return &batchOp{b: st.rowSources[n]}, nil
	case *plan.MvApply:
		in, err := build(n.Input, store, st)
		if err != nil {
			return nil, err
		}
		if st.rowSources == nil {
			st.rowSources = map[*plan.RowSource]*column.Batch{} // Stats made outside a run
		}
		return &mvApplyOp{n: n, in: in, store: store, st: st}, nil
	case *plan.Materialized:
		return &materializedOp{n: n}, nil
	case *plan.Evaluate:
		return newEvaluate(n, store, st)
	case *plan.Union:
		u := &unionOp{n: n}
		for _, in := range n.Ins {
			op, err := build(in, store, st)
			if err != nil {
				return nil, err
			}
			u.ins = append(u.ins, op)
		}
		return u, nil
	case *plan.Join:
		l, err := build(n.Left, store, st)
		if err != nil {
			return nil, err
		}
		r, err := build(n.Right, store, st)
		if err != nil {
			return nil, err
		}
		j, err := newJoin(n, l, r, st.stop)
		if j != nil {
			j.mem = st.mem
		}
		return j, err
	}
	ins := n.Inputs()
	in, err := build(ins[0], store, st)
	if err != nil {
		return nil, err
	}
	switch n := n.(type) {
	case *plan.Filter:
		return newFilter(n, in, st.stop)
	case *plan.Project:
		return newProject(n, in, st.stop)
	case *plan.Aggregate:
		a, err := newAggregate(n, in, st.stop)
		if a != nil {
			a.mem = st.mem
		}
		return a, err
	case *plan.Sort:
		so, err := newSort(n, in, st.stop)
		if so != nil {
			so.mem = st.mem
		}
		return so, err
	case *plan.Limit:
		return &limitOp{in: in, left: n.N}, nil
	case *plan.Count:
		return &countOp{in: in}, nil
	case *plan.Render:
		return in, nil // drawing is the client's job
	case *plan.MakeSeries:
		return &makeSeriesOp{n: n, in: in}, nil
	case *plan.MvExpand:
		return newMvExpand(n, in, st.stop)
	case *plan.Parse:
		return newParse(n, in, st.stop)
	case *plan.Window:
		return newWindow(n, in, st)
	case *plan.ScanSteps:
		return newScanSteps(n, in, st)
	case *plan.Reduce:
		return newReduce(n, in, st)
	}
	panic(fmt.Sprintf("BUG: exec: unhandled plan node %T", n))
}

// goroutine and done track a scan goroutine (no-ops for Stats made
// outside a run, as tests do).
func (st *Stats) goroutine() {
	if st.wg != nil {
		st.wg.Add(1)
	}
}

func (st *Stats) done() {
	if st.wg != nil {
		st.wg.Done()
	}
}
