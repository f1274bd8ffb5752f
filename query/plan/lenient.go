package plan

import (
	"fmt"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// The rules of clickhunt's own that Kusto (Azure Data Explorer) does not
// have. The planner applies them, and tells Options.Lenient where, so that
// query --check --dialect kusto can list what a hunt would need changed
// before it runs on a cluster.

// lenient reports a construct only clickhunt accepts (no-op without
// Options.Lenient).
func (b *builder) lenient(pos syntax.Position, format string, args ...any) {
	if b.opts.Lenient != nil {
		b.opts.Lenient(pos, fmt.Sprintf(format, args...))
	}
}

// noteBoolCompare reports a bool compared with a string or number literal
// ("0", "1", "true", "false", 0, 1), which clickhunt reads as the bool.
// Advanced Hunting's Kusto accepts IsClickedThrough != "0", as Microsoft's
// sample hunting query writes it; Azure Data Explorer does not compare a
// bool with a string or a number.
func (b *builder) noteBoolCompare(l, r Expr, op string, pos syntax.Position) {
	if b.opts.Lenient == nil {
		return
	}
	lt, rt := l.Type(), r.Type()
	if lt != column.Bool {
		l, r, lt, rt = r, l, rt, lt
	}
	if lt != column.Bool || (rt != column.String && !rt.IsNumeric()) {
		return
	}
	c, ok := r.(*Const)
	if !ok || c.Val == nil {
		return
	}
	var as Expr
	if rt == column.String {
		as, ok = boolFromString(c)
	} else {
		as, ok = boolFromNumber(c)
	}
	if !ok {
		return
	}
	why := "Kusto in Advanced Hunting accepts it (its own behaviour there, as Microsoft's sample hunting query writes it)"
	if rt != column.String {
		why = "clickhunt reads 1 and 0 as true and false, as hunts written for Advanced Hunting expect"
	}
	what, fix := fmt.Sprintf("%s %s %s", l, op, c), fmt.Sprintf("%s %s %s", l, op, as)
	if strings.HasSuffix(op, "in") {
		what, fix = fmt.Sprintf("%s %s (... %s ...)", l, op, c), fmt.Sprintf("%s instead of %s", as, c)
	}
	b.lenient(pos, "%s compares a bool with a %s: %s; Azure Data Explorer refuses it (\"Cannot compare values of types bool and %s\"): write %s",
		what, rt, why, rt, fix)
}

// noteTimeAlias reports a column read under the other table's name for
// the click time (TimeGenerated for Timestamp, or the reverse).
func (b *builder) noteTimeAlias(pos syntax.Position, name, alias string) {
	b.lenient(pos, "the table has no column %s: clickhunt reads %s for it (Sentinel's and Defender's names for the same time), Kusto refuses the unknown column; write %s", name, alias, alias)
}

// noteStringIndex reports a member or element of a string column, which
// clickhunt reads as JSON text (as exports store UrlChain).
func (b *builder) noteStringIndex(pos syntax.Position, x Expr) {
	name := x.String()
	if strings.ContainsAny(name, " ()") {
		name = "the string"
	}
	b.lenient(pos, "%s is a string: clickhunt reads its JSON text as dynamic, Kusto takes members and elements of dynamic values only; write parse_json(%s)[...]", name, x)
}
