package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Conversion function signatures; kernels in exec/fn_conversion.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#conversion-functions

// parseJSONSig: a string is parsed as JSON; any other value becomes the
// dynamic value holding it. https://learn.microsoft.com/kusto/query/parse-json-function
func parseJSONSig() funcSig {
	return fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		switch args[0].Type() {
		case column.String:
			return &Call{Fn: "parse_json", Args: args, T: column.Dynamic}, nil
		case column.Dynamic:
			return args[0], nil
		}
		return dynArg(c, args, 0)
	})
}

func init() {
	conv := func(ret column.Type, fn string) funcSig { return simple(ret, fn, isAny) }
	addFuncs(map[string]funcSig{
		"tostring":   conv(column.String, "tostring").doc("tostring(Expr)", "Expr as a string", "print tostring(123)"),
		"tolong":     conv(column.Long, "tolong").doc("tolong(Expr)", "Expr as a long, or null if it does not convert", `print tolong("42"), tolong("x")`),
		"toint":      conv(column.Int, "toint").doc("toint(Expr)", "Expr as an int, or null if it does not convert", `print toint("42")`),
		"todouble":   conv(column.Real, "toreal").doc("todouble(Expr)", "Expr as a real, or null if it does not convert", `print todouble("1.5")`),
		"toreal":     conv(column.Real, "toreal").page("todouble-function").doc("toreal(Expr)", "the same as todouble()", `print toreal("1.5")`),
		"tobool":     conv(column.Bool, "tobool").doc("tobool(Expr)", "Expr as a bool, or null if it does not convert", `print tobool("true"), tobool(0)`),
		"toboolean":  conv(column.Bool, "tobool").page("tobool-function").doc("toboolean(Expr)", "the same as tobool()", `print toboolean("false")`),
		"todatetime": conv(column.Datetime, "todatetime").doc("todatetime(Expr)", "Expr as a datetime, or null if it does not convert", `print todatetime("2024-03-01 10:00")`),
		"totimespan": conv(column.Timespan, "totimespan").doc("totimespan(Expr)", "Expr as a timespan, or null if it does not convert", `print totimespan("01:30:00")`),
		"todynamic":  parseJSONSig().page("todynamic-function").doc("todynamic(Expr)", "the same as parse_json()", `print todynamic('{"a": 1}').a`),
		// https://learn.microsoft.com/kusto/query/toguid-function
		"toguid":    strFunc(1, 1, "toguid", column.Guid, textArg).doc("toguid(Expr)", "a string as a guid (32 hex digits, dashes optional), or null", `print toguid("0123456789abcdef0123456789abcdef")`),
		"todecimal": simple(column.Real, "toreal", isAny).doc("todecimal(Expr)", "Expr as a decimal (held as a real), or null if it does not convert", `print todecimal("1.5")`),
	})
}
