package report

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"clickhunt/column"
	"clickhunt/query"
)

// MessagesLet defines Messages: for each NetworkMessageId of the message
// trace, its first sender and subject. Without a MessageTrace table it is
// empty (union isfuzzy=true skips the missing table), so the queries that
// join it run on clicks alone.
const MessagesLet = `let Messages = union isfuzzy=true MessageTrace,
    (datatable(Timestamp:datetime, NetworkMessageId:string, SenderAddress:string, Subject:string)[])
| where isnotempty(NetworkMessageId)
| summarize arg_min(Timestamp, SenderAddress, Subject) by NetworkMessageId
| project NetworkMessageId, Sender = SenderAddress, TraceSubject = Subject;
`

// ClickColumns are the columns of the per-click listing (the report's
// table, the API and the export): the Safe Links report's documented
// columns, then what ties a click to Defender's data. Message Subject is
// the export's own, else the message trace's.
var ClickColumns = []string{"Date", "User", "Original URL", "Verdict", "Action", "Click Source", "IP Address", "Device", "Message Subject",
	"Threat Types", "Network Message ID", "Report ID"}

// clickProject projects a Clicks row joined with Messages onto
// ClickColumns.
const clickProject = `| project Date = Timestamp, User = AccountUpn, ['Original URL'] = Url, Verdict, Action, ['Click Source'] = Workload,
          ['IP Address'] = IPAddress, Device, ['Message Subject'] = coalesce(['Message Subject'], TraceSubject),
          ['Threat Types'] = ThreatTypes, ['Network Message ID'] = NetworkMessageId, ['Report ID'] = ReportId
`

// clickOrder is the listing's order: newest first. A click and its
// click-through share a ReportId, so the user, URL and action break the
// remaining ties: pages never overlap or skip a click.
const clickOrder = "| sort by Timestamp desc, ReportId asc, AccountUpn asc, Url asc, ActionType asc\n"

// ClicksQuery is the listing's KQL: the filtered clicks, newest first,
// the first n of them (n <= 0: all), in ClickColumns.
func ClicksQuery(f Filter, n int64) string { return clicksQuery(f, n, nil, true) }

// clicksQuery is ClicksQuery narrowed to a span; without trace (no
// MessageTrace table is loaded) it leaves out the join that would find
// no message, which costs the export a pass over every row.
func clicksQuery(f Filter, n int64, sp *span, trace bool) string {
	q := ClicksHeader + "Clicks\n" + clickOrder
	if n > 0 {
		q += fmt.Sprintf("| take %d\n", n)
	}
	if trace {
		q = MessagesLet + q + "| join kind=leftouter Messages on NetworkMessageId\n" + clickOrder
	} else {
		q += "| extend TraceSubject = \"\" // no message trace is loaded\n"
	}
	return f.applySpan(q+clickProject, sp)
}

// span narrows a query to a stretch of Timestamp, [lo, hi) in ticks,
// and, with nulls, the clicks that have none. It is written as a where
// on UrlClickEvents itself, inside the union, so the scan skips the
// blocks outside it.
type span struct {
	lo, hi int64
	some   bool // lo and hi bound the clicks that have a Timestamp
	nulls  bool
}

func (sp *span) where() string {
	var parts []string
	if sp.some {
		parts = append(parts, fmt.Sprintf("Timestamp >= datetime(%s) and Timestamp < datetime(%s)", column.FormatDatetime(sp.lo), column.FormatDatetime(sp.hi)))
	}
	if sp.nulls {
		parts = append(parts, "isnull(Timestamp)")
	}
	if len(parts) == 0 {
		parts = []string{"false"}
	}
	return "(UrlClickEvents | where " + strings.Join(parts, " or ") + ")"
}

// timeBin is one stretch of the filtered clicks' Timestamp and how many
// clicks it holds; nulls is the bin of the clicks with no Timestamp.
type timeBin struct {
	lo, hi int64
	nulls  bool
	n      int64
}

// pager finds a page of the listing deep in its order without sorting
// everything before it: a histogram of the filtered clicks by Timestamp
// (newest first; the null Timestamps last, where a descending sort puts
// them) says which stretch of time holds rows [offset, offset+n), and
// only that stretch is read and sorted. A deep page then costs about
// what the first one does, and the export reads the list a page at a
// time in memory that does not grow with the rows.
type pager struct {
	run   func(ctx context.Context, text string) (*query.Result, error)
	f     Filter
	trace bool // a MessageTrace table is loaded
	bins  []timeBin
	total int64
	// queries are the histogram's queries, for the record.
	queries []string
}

// pagerBins is about how many stretches the histogram cuts the clicks'
// time range into.
const pagerBins = 4096

func newPager(ctx context.Context, run func(context.Context, string) (*query.Result, error), f Filter, trace bool) (*pager, error) {
	p := &pager{run: run, f: f, trace: trace}
	q := f.Apply(ClicksHeader + "Clicks\n| summarize Clicks = count(), First = min(Timestamp), Last = max(Timestamp)\n")
	p.queries = append(p.queries, q)
	res, err := run(ctx, q)
	if err != nil {
		return nil, err
	}
	if res.Batch.Len != 1 {
		return p, nil
	}
	p.total = res.Batch.Cols[0].Int(0)
	if p.total == 0 {
		return p, nil
	}
	if res.Batch.Cols[1].IsNull(0) { // no click has a Timestamp
		p.bins = []timeBin{{nulls: true, n: p.total}}
		return p, nil
	}
	first, last := res.Batch.Cols[1].Int(0), res.Batch.Cols[2].Int(0)
	secs := max(1, ((last-first)/column.Second)/pagerBins+1)
	q = f.Apply(ClicksHeader + fmt.Sprintf("Clicks\n| summarize Clicks = count() by Bin = bin(Timestamp, %ds)\n", secs))
	p.queries = append(p.queries, q)
	if res, err = run(ctx, q); err != nil {
		return nil, err
	}
	var nulls int64
	for i := 0; i < res.Batch.Len; i++ {
		n := res.Batch.Cols[1].Int(i)
		if res.Batch.Cols[0].IsNull(i) {
			nulls += n
			continue
		}
		lo := res.Batch.Cols[0].Int(i)
		p.bins = append(p.bins, timeBin{lo: lo, hi: lo + secs*column.Second, n: n})
	}
	sort.Slice(p.bins, func(i, j int) bool { return p.bins[i].lo > p.bins[j].lo })
	if nulls > 0 {
		p.bins = append(p.bins, timeBin{nulls: true, n: nulls})
	}
	return p, nil
}

// page returns rows [offset, offset+n) of the listing (fewer at its end)
// and the query that read them.
func (p *pager) page(ctx context.Context, offset, n int64) (*query.Result, string, error) {
	if offset >= p.total || n <= 0 {
		text := clicksQuery(p.f, 1, &span{}, p.trace) // no rows, the listing's columns
		res, err := p.run(ctx, text)
		if err == nil {
			res.Batch = res.Batch.Gather(nil)
		}
		return res, text, err
	}
	// Bins i..j hold the rows; before counts those in earlier bins.
	var before int64
	i := 0
	for ; i < len(p.bins) && before+p.bins[i].n <= offset; i++ {
		before += p.bins[i].n
	}
	sp := &span{}
	seen := before
	for j := i; j < len(p.bins) && seen < offset+n; j++ {
		b := p.bins[j]
		if b.nulls {
			sp.nulls = true
		} else {
			if !sp.some {
				sp.hi = b.hi
			}
			sp.lo, sp.some = b.lo, true
		}
		seen += b.n
	}
	text := clicksQuery(p.f, offset-before+n, sp, p.trace)
	res, err := p.run(ctx, text)
	if err != nil {
		return nil, text, err
	}
	var idx []uint32
	for r := offset - before; r < int64(res.Batch.Len); r++ {
		idx = append(idx, uint32(r))
	}
	res.Batch = res.Batch.Gather(idx)
	return res, text, nil
}
