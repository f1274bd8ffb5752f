package main

import (
	"errors"
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/ingest"
	"clickhunt/query"
)

// The dialects query --check --dialect checks against: clickhunt's own
// (the default), or Kusto's as Azure Data Explorer runs it.
const dialectKusto = "kusto"

// checkDialect says whether --dialect is known and goes with --check.
func checkDialect(dialect string, check bool) error {
	switch dialect {
	case "", "clickhunt":
		return nil
	case dialectKusto:
		if !check {
			return errors.New("--dialect kusto goes with --check")
		}
		return nil
	}
	return fmt.Errorf("--dialect %s: want clickhunt or kusto", dialect)
}

// kustoChecker is an engine that lists what a query does that Kusto would
// refuse (query.CheckKusto).
type kustoChecker interface {
	CheckKusto(text string) ([]query.Finding, error)
}

func (e *dbEngine) CheckKusto(text string) ([]query.Finding, error) {
	if e.db == nil {
		return query.CheckKusto(nil, ingest.Schemas, text)
	}
	snap, err := e.snapshot()
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	return query.CheckKusto(snap, nil, text)
}

func (e *clusterEngine) CheckKusto(text string) ([]query.Finding, error) {
	ts, err := e.Tables()
	if err != nil {
		return nil, err
	}
	schemas := map[string]column.Schema{}
	for _, t := range ts {
		for _, c := range t.Columns {
			schemas[t.Name] = append(schemas[t.Name], column.Field{Name: c.Name, Type: c.Type})
		}
	}
	return query.CheckKusto(nil, schemas, text)
}

// checkKusto checks one statement for Kusto: it is valid for Kusto when
// clickhunt accepts it and it uses none of clickhunt's own rules. Each
// finding prints like an error, "kusto:" before the message.
func (s *session) checkKusto(st statement) bool {
	c, ok := s.eng.(kustoChecker)
	if !ok {
		fmt.Fprintln(s.stderr, "error: this engine cannot check queries for Kusto")
		s.failed = true
		return false
	}
	findings, err := c.CheckKusto(st.Text)
	if err != nil {
		s.failed = true
		s.invalid++
		s.printQueryError(st, err)
		return false
	}
	lines := strings.Split(st.Text, "\n")
	for _, f := range findings {
		line := st.Line + f.Pos.Line - 1
		if s.source != "" {
			fmt.Fprintf(s.stderr, "%s:%d:%d: kusto: %s\n", s.source, line, f.Pos.Col, f.Msg)
		} else {
			fmt.Fprintf(s.stderr, "kusto: %d:%d: %s\n", f.Pos.Line, f.Pos.Col, f.Msg)
		}
		if f.Pos.Line >= 1 && f.Pos.Line <= len(lines) {
			text := lines[f.Pos.Line-1]
			fmt.Fprintf(s.stderr, "%s\n%s^\n", text, caretPrefix(text, f.Pos.Col))
		}
	}
	if len(findings) > 0 {
		s.failed = true
		s.kustoRefused++
		s.kustoFindings += len(findings)
		return false
	}
	return true
}
