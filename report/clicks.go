package report

import "fmt"

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

// clickOrder is the listing's order: newest first, ReportId breaking ties
// so pages never overlap.
const clickOrder = "| sort by Timestamp desc, ReportId asc\n"

// ClicksQuery is the listing's KQL: the filtered clicks, newest first,
// the first n of them (n <= 0: all), in ClickColumns.
func ClicksQuery(f Filter, n int) string {
	q := MessagesLet + ClicksHeader + "Clicks\n" + clickOrder
	if n > 0 {
		q += fmt.Sprintf("| take %d\n", n)
	}
	q += "| join kind=leftouter Messages on NetworkMessageId\n" + clickOrder + clickProject
	return f.Apply(q)
}
