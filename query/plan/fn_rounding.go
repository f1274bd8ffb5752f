package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Rounding function signatures; kernels in exec/fn_rounding.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#rounding-functions

func binSig(fn string) funcSig {
	return funcSig{minArgs: 2, maxArgs: 2, argsText: "two arguments (value, bin size)", resolve: func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		v, size := args[0], args[1]
		switch vt, st := v.Type(), size.Type(); {
		case (vt == column.Datetime || vt == column.Timespan) && st == column.Timespan:
		case vt.IsNumeric() && st.IsNumeric():
			if vt == column.Real || st == column.Real {
				v, size = toReal(v), toReal(size)
			}
		default:
			return nil, errAt(c.Pos, "%s() needs a number with a numeric size, or a datetime/timespan with a timespan size; got %s and %s", c.Name, vt, st)
		}
		if k, ok := size.(*Const); ok && k.Val != nil {
			if x, ok := k.Val.(int64); ok && x <= 0 {
				return nil, errAt(c.Args[1].Pos, "%s() bin size must be positive", c.Name)
			}
			if x, ok := k.Val.(float64); ok && x <= 0 {
				return nil, errAt(c.Args[1].Pos, "%s() bin size must be positive", c.Name)
			}
		}
		t := v.Type()
		if t == column.Int && size.Type() == column.Long {
			t = column.Long
		}
		return &Call{Fn: "bin", Args: []Expr{v, size}, T: t}, nil
	}}
}

func init() {
	addFuncs(map[string]funcSig{
		"bin":   binSig("bin").doc("bin(Value, RoundTo)", "rounds Value down to a multiple of RoundTo (datetimes from 0001-01-01)", "print bin(4.5, 1), bin(datetime(2024-03-01 17:45), 1h)"),
		"floor": binSig("floor").doc("floor(Value, RoundTo)", "the same as bin()", "print floor(-4.5, 1)"),
		// https://learn.microsoft.com/kusto/query/bin-at-function
		"bin_at": fsig(3, 3, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			v, size, fixed := args[0], args[1], args[2]
			switch vt, st, ft := v.Type(), size.Type(), fixed.Type(); {
			case vt == column.Datetime && st == column.Timespan && ft == column.Datetime,
				vt == column.Timespan && st == column.Timespan && ft == column.Timespan:
			case vt.IsNumeric() && st.IsNumeric() && ft.IsNumeric():
				if vt == column.Real || st == column.Real || ft == column.Real {
					v, size, fixed = toReal(v), toReal(size), toReal(fixed)
				} else if vt == column.Int {
					v = convertTo(v, column.Long)
				}
			default:
				return nil, errAt(c.Pos, "bin_at() needs a value, bin size and fixed point of matching types (number, or datetime/timespan with a timespan size), got %s, %s and %s", vt, st, ft)
			}
			return &Call{Fn: "bin_at", Args: []Expr{v, size, fixed}, T: v.Type()}, nil
		}).doc("bin_at(Value, BinSize, FixedPoint)", "rounds Value down to a bin of BinSize aligned so that FixedPoint starts a bin", "print bin_at(datetime(2024-03-01 17:45), 1d, datetime(2024-01-01 06:00))"),
		// https://learn.microsoft.com/kusto/query/bin-auto-function
		"bin_auto": fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			size, ok := b.binAutoSize.(*Const)
			if !ok {
				return nil, errAt(c.Pos, "bin_auto() needs a bin size: set query_bin_auto_size = ...; before the query")
			}
			if at, ok := b.binAutoAt.(*Const); ok {
				return functions["bin_at"].resolve(b, c, []Expr{args[0], size, at})
			}
			// With no fixed point bins start at 0 (datetimes at
			// 0001-01-01), as bin() does.
			return functions["bin"].resolve(b, c, []Expr{args[0], size})
		}).doc("bin_auto(Value)", "rounds Value down to a bin of the size set query_bin_auto_size gives, aligned on set query_bin_auto_at (default 0)", "set query_bin_auto_size = 1h; print bin_auto(datetime(2024-03-01 17:45))"),
		// https://learn.microsoft.com/kusto/query/round-function
		"round": fsig(1, 2, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			x := args[0]
			switch x.Type() {
			case column.Long, column.Real:
			case column.Int:
				x = convertTo(x, column.Long)
			case column.Dynamic:
				x = toReal(x)
			default:
				return nil, argErr(c, 0, "a number", x.Type())
			}
			p := Expr(&Const{T: column.Long, Val: int64(0)})
			if len(args) == 2 {
				var err error
				if p, err = intArg(c, args, 1); err != nil {
					return nil, err
				}
			}
			return &Call{Fn: "round", Args: []Expr{x, p}, T: x.Type()}, nil
		}).doc("round(Number [, Precision])", "Number rounded (half away from zero) to Precision decimal digits (negative: tens, hundreds...)", "print round(2.98765, 3), round(1234, -2)"),
		// https://learn.microsoft.com/kusto/query/ceiling-function
		"ceiling": numSame("ceiling").doc("ceiling(x)", "the smallest integer greater than or equal to x", "print ceiling(-1.1), ceiling(1.1)"),
	})
}
