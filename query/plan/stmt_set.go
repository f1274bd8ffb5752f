package plan

import (
	"fmt"
	"sort"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

func init() {
	addTopic(Topic{Kind: KindStatement, Name: "set", Syntax: "set OptionName [= OptionValue];",
		Description: "sets a request property (query_now, query_bin_auto_size, query_take_max_records ...) for the statements that follow",
		DocURL:      docBase + "set-statement", Example: "set query_now = datetime(2024-01-01); print now()"})
}

// requestProperty says what clickhunt does with one of Kusto's request
// properties set by a set statement.
// https://learn.microsoft.com/kusto/api/rest/request-properties
type requestProperty struct {
	// t is the value's type; column.Bool for a flag, which may be set
	// with no value.
	t column.Type
	// apply makes the property take effect for the statements after the
	// set statement; nil for one that changes nothing here (tracing,
	// caching, consistency, fan-out and memory hints of a cluster; the
	// truncation of results, which clickhunt never truncates).
	apply func(b *builder, v any)
	// refused, when set, is why a set statement may not set it.
	refused string
}

// requestProperties are the properties a set statement may name. Those
// missing (query_datetimescope_*, query_cursor_*, query_language ...)
// would change what a query means in ways clickhunt does not implement,
// so naming them is an error rather than silently ignored.
var requestProperties = map[string]requestProperty{
	// Taking effect.
	"query_now":              {t: column.Datetime, apply: func(b *builder, v any) { b.opts.Now = v.(int64) }},
	"query_bin_auto_size":    {t: column.Invalid, apply: func(b *builder, v any) { b.binAutoSize = v }},
	"query_bin_auto_at":      {t: column.Invalid, apply: func(b *builder, v any) { b.binAutoAt = v }},
	"query_take_max_records": {t: column.Long, apply: func(b *builder, v any) { b.takeMax = &[]int64{v.(int64)}[0] }},
	// Accepted with no effect here.
	"notruncation":                              {t: column.Bool},
	"truncation_max_records":                    {t: column.Long},
	"truncation_max_size":                       {t: column.Long},
	"querytrace":                                {t: column.Bool},
	"deferpartialqueryfailures":                 {t: column.Bool},
	"max_memory_consumption_per_query_per_node": {t: column.Long},
	"maxmemoryconsumptionperiterator":           {t: column.Long},
	"maxoutputcolumns":                          {t: column.Long},
	"push_selection_through_aggregation":        {t: column.Bool},
	"query_datascope":                           {t: column.String},
	"query_distribution_nodes_span":             {t: column.Long},
	"query_fanout_nodes_percent":                {t: column.Long},
	"query_fanout_threads_percent":              {t: column.Long},
	"query_log_query_parameters":                {t: column.Bool},
	"query_results_cache_max_age":               {t: column.Timespan},
	"query_results_cache_per_shard":             {t: column.Bool},
	"query_results_progressive_row_count":       {t: column.Long},
	"query_results_progressive_update_period":   {t: column.Timespan},
	"results_progressive_enabled":               {t: column.Bool},
	"queryconsistency":                          {t: column.String},
	"query_weakconsistency_session_id":          {t: column.String},
	"request_app_name":                          {t: column.String},
	"request_description":                       {t: column.String},
	"request_user":                              {t: column.String},
	"request_readonly":                          {t: column.Bool},
	"request_callout_disabled":                  {t: column.Bool},
	"request_external_data_disabled":            {t: column.Bool},
	"request_external_table_disabled":           {t: column.Bool},
	"request_impersonation_disabled":            {t: column.Bool},
	"request_remote_entities_disabled":          {t: column.Bool},
	"request_sandboxed_execution_disabled":      {t: column.Bool},
	"request_block_row_level_security":          {t: column.Bool},
	"client_max_redirect_count":                 {t: column.Long},
	// Kusto refuses these in a set statement.
	"servertimeout":                     {refused: "servertimeout can't be set with a set statement"},
	"norequesttimeout":                  {refused: "norequesttimeout can't be set with a set statement"},
	"query_results_cache_force_refresh": {refused: "query_results_cache_force_refresh can't be set with a set statement"},
}

// set applies a set statement to the statements after it.
func (b *builder) set(s *syntax.SetStmt) error {
	p, ok := requestProperties[s.Name]
	if !ok {
		names := make([]string, 0, len(requestProperties))
		for n := range requestProperties {
			names = append(names, n)
		}
		sort.Strings(names)
		msg := fmt.Sprintf("unknown or unsupported request property '%s'", s.Name)
		if m := Suggest(s.Name, names); m != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", m)
		}
		return errAt(s.Pos, "%s", msg)
	}
	if p.refused != "" {
		return errAt(s.Pos, "%s", p.refused)
	}
	var v any
	switch {
	case s.Value == nil && p.t == column.Bool:
		v = true
	case s.Value == nil:
		return errAt(s.Pos, "set %s needs a value: set %s = ...", s.Name, s.Name)
	default:
		var k *Const
		if name, _, ok := identOf(s.Value); ok && p.t == column.String {
			k = &Const{T: column.String, Val: unquoteIdent(name)} // set query_datascope = hotcache
		} else {
			e, err := b.expr(s.Value, &scope{})
			if err != nil {
				return err
			}
			if k, ok = e.(*Const); !ok || k.Val == nil {
				return errAt(s.Value.Pos, "set %s: expected a constant value", s.Name)
			}
		}
		if p.t == column.Invalid { // any literal (bin_auto's size and fixed point)
			v = k
			break
		}
		c, ok := convertConst(k, p.t)
		if !ok {
			return errAt(s.Value.Pos, "set %s: expected a %s value, got %s", s.Name, p.t, k.T)
		}
		v = c
	}
	if p.apply != nil {
		p.apply(b, v)
	}
	return nil
}
