package gen

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"time"
)

//go:generate go run ./mtgen -o ../messagetrace.csv

// MessageTraceHeader is the header of a message trace historical search
// summary report, which WriteMessageTrace emits.
const MessageTraceHeader = "origin_timestamp_utc,sender_address,recipient_status,message_subject,total_bytes,message_id,network_message_id,original_client_ip,directionality,connector_id,delivery_priority"

// WriteMessageTrace writes the message trace (historical search summary
// report, CSV) of the mail behind the clicks Write generates for cfg: one
// row per distinct NetworkMessageId, received a few minutes before its
// first click, with sender and subject (phishy for threat clicks). Its
// network_message_id is written as message trace writes it, 32 upper-case
// hex digits, so ingest's normalisation is exercised.
func WriteMessageTrace(w io.Writer, cfg Config) error {
	var clicks bytes.Buffer
	if err := Write(&clicks, cfg); err != nil {
		return err
	}
	r := csv.NewReader(&clicks)
	recs, err := r.ReadAll()
	if err != nil {
		return err
	}
	type msg struct {
		first      time.Time
		recipients []string
		threat     string
		url        string
	}
	order := []string{}
	msgs := map[string]*msg{}
	for _, rec := range recs[1:] {
		id := rec[5]
		if id == "" {
			continue
		}
		m := msgs[id]
		if m == nil {
			t, err := time.Parse(time.RFC3339Nano, rec[0])
			if err != nil {
				return err
			}
			m = &msg{first: t, threat: rec[7], url: rec[1]}
			msgs[id] = m
			order = append(order, id)
		}
		upn := rec[3]
		seen := false
		for _, x := range m.recipients {
			seen = seen || x == upn
		}
		if !seen {
			m.recipients = append(m.recipients, upn)
		}
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(MessageTraceHeader + "\r\n")
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	r2 := &rng{uint64(cfg.Seed)*0x2545F4914F6CDD1D ^ 0x6d7367}
	for _, id := range order {
		m := msgs[id]
		sender, subject := pick(r2, benignSenders), pick(r2, benignSubjects)
		if m.threat != "" {
			sender, subject = pick(r2, phishSenders), pick(r2, phishSubjects)
		}
		var status []string
		for _, rcpt := range m.recipients {
			status = append(status, rcpt+"##Receive, Deliver")
		}
		received := m.first.Add(-time.Duration(1+r2.intn(30)) * time.Minute)
		hex := strings.ToUpper(strings.ReplaceAll(id, "-", ""))
		cw.Write([]string{
			received.Format("2006-01-02T15:04:05.0000000Z"), sender, strings.Join(status, ";"), subject,
			itoa(4000 + r2.intn(90000)), "<" + hex[:12] + "@" + strings.SplitN(sender, "@", 2)[1] + ">", hex,
			"203.0.113." + itoa(1+r2.intn(250)), "Incoming", "", "Normal",
		})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

var (
	benignSenders  = []string{"news@contoso.com", "it-helpdesk@contoso.com", "noreply@sharepointonline.com", "updates@fabrikam.com", "hr@contoso.com"}
	benignSubjects = []string{"Weekly digest", "Shared document: Q4 budget", "Your meeting notes", "Benefits enrolment reminder", "Project update"}
	phishSenders   = []string{"security@micros0ft-support.com", "payroll@contoso-hr.net", "docs@sharepoint-files.info", "it@password-reset.help"}
	phishSubjects  = []string{"Your mailbox is almost full", "Action required: verify your account", "Invoice #4471 overdue", "You have a new voicemail", "Password expires today"}
)

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
