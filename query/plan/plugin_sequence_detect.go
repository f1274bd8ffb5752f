package plan

import (
	"fmt"

	"clickhunt/column"
)

// SequenceDetect holds sequence_detect's arguments: the timeline column,
// the longest step and the longest whole sequence, the steps' predicates
// and the dimension columns that correlate them.
// https://learn.microsoft.com/kusto/query/sequence-detect-plugin
type SequenceDetect struct {
	Time       int
	Step, Span int64
	Steps      []Expr
	Dims       []int
}

func init() {
	addPlugin("sequence_detect",
		"T | evaluate sequence_detect(TimelineColumn, MaxSequenceStepWindow, MaxSequenceSpan, [Name =] Predicate1, [Name =] Predicate2, ..., Dim1, ...)",
		"each chain of rows matching the predicates in order, each step soon enough after the previous, per combination of the dimensions",
		"sequence-detect-plugin",
		`datatable(t:datetime, a:string, u:string)[datetime(2024-01-01 10:00), "block", "x", datetime(2024-01-01 10:05), "allow", "x"] | evaluate sequence_detect(t, 10m, 1h, blocked = (a == "block"), clicked = (a == "allow"), u)`,
		plugin{build: func(b *builder, in Node, c *pluginCall) (Node, error) {
			args := c.op.Args
			if len(args) < 5 {
				return nil, errAt(c.op.Pos, "sequence_detect() takes TimelineColumn, MaxSequenceStepWindow, MaxSequenceSpan and at least two step predicates, got %d arguments", len(args))
			}
			p := &SequenceDetect{}
			var err error
			if p.Time, err = c.column(args[0], "the timeline"); err != nil {
				return nil, err
			}
			tt := c.sc.schema[p.Time].Type
			span := column.Timespan
			switch tt {
			case column.Datetime:
			case column.Long, column.Int:
				span = column.Long
			default:
				return nil, errAt(args[0].Pos, "sequence_detect(): the timeline must be a datetime or long column, got %s", tt)
			}
			for i, dst := range []*int64{&p.Step, &p.Span} {
				v, err := c.constant(args[1+i], span, "a window")
				if err != nil {
					return nil, err
				}
				if *dst, _ = v.(int64); *dst <= 0 {
					return nil, errAt(args[1+i].Pos, "sequence_detect(): windows must be positive")
				}
			}
			timeName := c.sc.schema[p.Time].Name
			var stepFields, dimFields column.Schema
			for _, a := range args[3:] {
				// Steps are the bool expressions (named or not) before the
				// first dimension; dimensions are columns.
				if a.Name == "" && len(p.Steps) >= 2 {
					if _, _, isCol := identOf(a.Arg.Expr); isCol || len(p.Dims) > 0 {
						d, err := c.column(a, "a dimension")
						if err != nil {
							return nil, err
						}
						p.Dims = append(p.Dims, d)
						dimFields = append(dimFields, c.sc.schema[d])
						continue
					}
				}
				if len(p.Dims) > 0 {
					return nil, errAt(a.Pos, "sequence_detect(): the step predicates come before the dimensions")
				}
				e, err := c.scalar(a)
				if err != nil {
					return nil, err
				}
				if e.Type() != column.Bool {
					return nil, errAt(a.Pos, "sequence_detect(): a step must be a bool predicate, got %s", e.Type())
				}
				name := a.Name
				if name == "" {
					name = fmt.Sprintf("e%d", len(p.Steps)+1)
				}
				p.Steps = append(p.Steps, e)
				stepFields = append(stepFields, column.Field{Name: unquoteIdent(name) + "_" + timeName, Type: c.sc.schema[p.Time].Type})
			}
			if len(p.Steps) < 2 {
				return nil, errAt(c.op.Pos, "sequence_detect() needs at least two step predicates")
			}
			schema := append(append(dimFields, stepFields...), column.Field{Name: "Duration", Type: span})
			return &Evaluate{Ins: []Node{in}, Plugin: "sequence_detect", Params: p, Schema: uniqueNames(schema)}, nil
		}})
}
