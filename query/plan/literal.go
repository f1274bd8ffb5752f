package plan

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Typed literals: long(1), int(null), real(nan), bool(true),
// decimal(1.5), datetime("2024-03-01"), timespan("1.02:03:04"), guid(...).
// The forms whose argument is raw text (datetime(2024-03-01),
// timespan(1d), guid(74be27de-...)) are tokens of the lexer; these are the
// forms whose argument is an expression.
// https://learn.microsoft.com/kusto/query/scalar-data-types/

// literalTypes are the type names usable as typed literals.
var literalTypes = map[string]column.Type{
	"int": column.Int, "long": column.Long, "real": column.Real, "double": column.Real, "decimal": column.Real,
	"bool": column.Bool, "boolean": column.Bool, "datetime": column.Datetime, "date": column.Datetime,
	"timespan": column.Timespan, "time": column.Timespan, "guid": column.Guid, "string": column.String,
}

// typedLiteral plans Type(Value): null, a number, nan or inf (reals), true
// or false, or a string in the type's text form; the value converted to
// the type, as a constant.
func (b *builder) typedLiteral(c *syntax.Call, sc *scope) (Expr, error) {
	t := literalTypes[c.Name]
	if len(c.Args) != 1 || c.Args[0].Expr == nil || c.Args[0].Tabular() {
		return nil, errAt(c.Pos, "%s() takes one literal value, e.g. %s(null)", c.Name, c.Name)
	}
	a := c.Args[0].Expr
	if name, sign, ok := signedIdent(a); ok {
		switch {
		case name == "null" && sign == "":
			return &Const{T: t}, nil
		case t == column.Real && name == "nan" && sign == "":
			return &Const{T: t, Val: math.NaN()}, nil
		case t == column.Real && name == "inf":
			if sign == "-" {
				return &Const{T: t, Val: math.Inf(-1)}, nil
			}
			return &Const{T: t, Val: math.Inf(1)}, nil
		}
	}
	if !isLiteral(a) {
		return nil, errAt(c.Pos, "%s() takes a literal value", c.Name)
	}
	e, err := b.expr(a, sc)
	if err != nil {
		return nil, err
	}
	k := e.(*Const) // a literal plans to a constant
	v, err := literalValue(k, t)
	if err != nil {
		return nil, errAt(a.Pos, "%s(): %v", c.Name, err)
	}
	return &Const{T: t, Val: v}, nil
}

// signedIdent recognises an optionally signed bare name: null, nan, -inf.
func signedIdent(e *syntax.Expr) (name, sign string, ok bool) {
	if len(e.Right) > 0 || len(e.Left.Right) > 0 {
		return "", "", false
	}
	cmp := e.Left.Left
	if cmp.In != nil || cmp.Between != nil || cmp.Binary != nil || len(cmp.Left.Right) > 0 || len(cmp.Left.Left.Right) > 0 {
		return "", "", false
	}
	u := cmp.Left.Left.Left
	if len(u.Operand.Suffix) > 0 || u.Operand.Primary.Ident == nil {
		return "", "", false
	}
	return strings.ToLower(*u.Operand.Primary.Ident), u.Sign, true
}

// isLiteral reports whether e is a literal, optionally signed: a number,
// string, bool, datetime, timespan or dynamic value, not a name or a call.
func isLiteral(e *syntax.Expr) bool {
	if len(e.Right) > 0 || len(e.Left.Right) > 0 {
		return false
	}
	cmp := e.Left.Left
	if cmp.In != nil || cmp.Between != nil || cmp.Binary != nil || len(cmp.Left.Right) > 0 || len(cmp.Left.Left.Right) > 0 {
		return false
	}
	pf := cmp.Left.Left.Left.Operand
	p := pf.Primary
	return len(pf.Suffix) == 0 && p.Call == nil && p.Ident == nil && p.Paren == nil
}

// literalValue converts a constant to type t as a literal of t reads it.
func literalValue(k *Const, t column.Type) (any, error) {
	if k.Val == nil {
		return nil, nil
	}
	switch v := k.Val.(type) {
	case string:
		return parseLiteralText(v, t)
	case int64:
		switch t {
		case column.Int, column.Long:
			return v, nil
		case column.Real:
			return float64(v), nil
		case column.Bool:
			return v != 0, nil
		}
	case float64:
		switch t {
		case column.Real:
			return v, nil
		case column.Int, column.Long:
			if v == math.Trunc(v) {
				return int64(v), nil
			}
		}
	case bool:
		if t == column.Bool {
			return v, nil
		}
	}
	if k.T == t {
		return k.Val, nil
	}
	return nil, fmt.Errorf("expected a %s value, got %s", t, k.T)
}

// parseLiteralText reads a literal written as text: datetime("...").
func parseLiteralText(s string, t column.Type) (any, error) {
	s = strings.TrimSpace(s)
	switch t {
	case column.String, column.Guid:
		return s, nil
	case column.Datetime:
		return column.ParseKQLDatetime(s)
	case column.Timespan:
		return column.ParseTimespan(s)
	case column.Int, column.Long:
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return v, nil
		}
	case column.Real:
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v, nil
		}
	case column.Bool:
		if v, err := strconv.ParseBool(strings.ToLower(s)); err == nil {
			return v, nil
		}
	}
	return nil, fmt.Errorf("cannot read %q as a %s", s, t)
}
