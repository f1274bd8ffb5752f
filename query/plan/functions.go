package plan

import (
	"fmt"
	"sort"
	"strings"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// funcSig types a scalar function call. The exec package implements each
// function under the same key (the Call's Fn).
type funcSig struct {
	// argNamed: an unnamed column computed by this function on a column
	// X is named fn_X, as aggregation columns are (the scalar aggregation
	// functions: project dcount_hll(h) is dcount_hll_h).
	argNamed         bool
	minArgs, maxArgs int
	argsText         string
	resolve          func(b *builder, c *syntax.Call, args []Expr) (Expr, error)
	// planCall, when set, plans the call from its syntax instead of
	// resolve: for functions whose arguments are not plain values (a
	// tabular expression, *, column names as keys) or that read the row's
	// columns themselves (pack_all).
	planCall func(b *builder, c *syntax.Call, sc *scope) (Expr, error)
	// columns, when set, names the columns a planned call spreads into
	// when it stands alone in print, extend or project (its value is then
	// an array, one element per column), or returns nil when the call
	// gives one value: array_sort_asc(a, b) gives a_sorted and b_sorted.
	columns func(c *syntax.Call, planned Expr) []string
	fnDoc   // topics.go
}

// aggSig types an aggregation function.
type aggSig struct {
	minArgs, maxArgs int
	argsText         string
	// predicateOnly: the argument is a predicate, so the column is named
	// fn_ (countif_) rather than fn_Column.
	predicateOnly bool
	resolve       func(c *syntax.Call, args []Expr) (*AggCall, error)
	fnDoc         // topics.go
	// columns, when set, plans an aggregation that gives several columns
	// (arg_max, percentiles): summarize calls it instead of resolve for the
	// aggregation named ne.
	columns func(b *builder, ne *syntax.NamedExpr, c *syntax.Call, sc *scope) ([]namedAgg, error)
}

// severalColumns is the resolve of an aggregation with columns: used inside
// an expression, where one value is needed, it is an error.
func severalColumns(c *syntax.Call, args []Expr) (*AggCall, error) {
	return nil, errAt(c.Pos, "%s() gives several columns: use it alone in summarize, as in summarize %s(...) by ...", c.Name, c.Name)
}

// functions and aggregates are the signature registries. Files add to them
// in init functions (the maps exist before any init runs).
var (
	functions  = map[string]funcSig{}
	aggregates = map[string]aggSig{}
	// typeofFuncs are the functions that take a typeof(T) argument.
	typeofFuncs = map[string]bool{}
)

// addFuncs registers scalar function signatures; a name registered twice is a
// bug.
func addFuncs(m map[string]funcSig) {
	for k, v := range m {
		if _, dup := functions[k]; dup {
			panic("BUG: function registered twice: " + k)
		}
		functions[k] = v
	}
}

// addAggs registers aggregation signatures.
func addAggs(m map[string]aggSig) {
	for k, v := range m {
		if _, dup := aggregates[k]; dup {
			panic("BUG: aggregation registered twice: " + k)
		}
		aggregates[k] = v
	}
}

func aggregateNames() []string {
	names := make([]string, 0, len(aggregates))
	for n := range aggregates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func functionNames() []string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func argErr(c *syntax.Call, i int, want string, got column.Type) error {
	pos := c.Pos
	if i < len(c.Args) {
		pos = c.Args[i].Pos
	}
	return errAt(pos, "%s() argument %d must be %s, got %s", c.Name, i+1, want, got)
}

// simple returns a signature for a function of fixed argument types.
func simple(ret column.Type, fn string, want ...func(column.Type) bool) funcSig {
	return funcSig{minArgs: len(want), maxArgs: len(want), argsText: fmt.Sprintf("%d argument(s)", len(want)),
		resolve: func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			for i, w := range want {
				if !w(args[i].Type()) {
					return nil, argErr(c, i, typeWant(w), args[i].Type())
				}
			}
			return &Call{Fn: fn, Args: args, T: ret}, nil
		}}
}

func isString(t column.Type) bool   { return t == column.String }
func isDatetime(t column.Type) bool { return t == column.Datetime }
func isBool(t column.Type) bool     { return t == column.Bool }
func isAny(t column.Type) bool      { return true }
func isNum(t column.Type) bool      { return t.IsNumeric() }

func typeWant(w func(column.Type) bool) string {
	switch {
	case w(column.String) && w(column.Long):
		return "a scalar"
	case w(column.String):
		return "a string"
	case w(column.Datetime):
		return "a datetime"
	case w(column.Bool):
		return "a bool"
	case w(column.Long):
		return "a number"
	}
	return "of another type"
}

// builtinCalls are the calls b.call plans itself, not through the
// function registry.
var builtinCalls = map[string]bool{"typeof": true, "toscalar": true, "materialize": true}

func (b *builder) call(c *syntax.Call, sc *scope) (Expr, error) {
	name := c.Name
	if f, ok := b.funcs[name]; ok {
		return b.callUser(name, f, c, sc)
	}
	if w, ok := windowFuncs[name]; ok {
		return b.windowCall(c, sc, w)
	}
	if _, ok := aggregates[name]; ok && sc.aggs != nil {
		return b.liftAggregate(c, sc.aggs)
	}
	switch name {
	case "typeof":
		return typeOf(c)
	case "toscalar":
		if len(c.Args) != 1 || c.Args[0].Star {
			return nil, errAt(c.Pos, "toscalar() takes one tabular expression")
		}
		a := c.Args[0]
		if !a.Tabular() && !b.isTableRef(a.Expr) {
			return b.expr(a.Expr, sc) // toscalar(2): a scalar is its own value
		}
		n, err := b.tabular(a.Pipeline())
		if err != nil {
			return nil, err
		}
		n = Optimize(n)
		s := n.Out()
		if len(s) == 0 {
			return nil, errAt(c.Pos, "toscalar() of a table with no columns")
		}
		return &Subquery{Node: n, Scalar: true, T: s[0].Type}, nil
	case "materialize":
		return nil, errAt(c.Pos, "materialize() takes a tabular expression and can only be used as one")
	}
	sig, ok := functions[name]
	if !ok {
		if _, tuple := tupleFuncs[name]; tuple {
			return nil, errAt(c.Pos, "%s() returns several columns: use it alone in extend or project, as in extend (a, b) = %s(...)", name, name)
		}
		if _, agg := aggregates[name]; agg {
			return nil, errAt(c.Pos, "%s() is an aggregation function: use it in summarize", name)
		}
		if _, ok := literalTypes[name]; ok {
			return b.typedLiteral(c, sc)
		}
		msg := fmt.Sprintf("unknown function '%s'", name)
		if s := Suggest(name, functionNames()); s != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", s)
		} else if lower := strings.ToLower(name); lower != name {
			if _, ok := functions[lower]; ok {
				msg += fmt.Sprintf(" (function names are case-sensitive: '%s')", lower)
			}
		}
		return nil, errAt(c.Pos, "%s", msg)
	}
	if len(c.Args) < sig.minArgs || len(c.Args) > sig.maxArgs {
		return nil, errAt(c.Pos, "%s() takes %s, got %d", name, sig.argsText, len(c.Args))
	}
	if sig.planCall != nil {
		return sig.planCall(b, c, sc)
	}
	args := make([]Expr, len(c.Args))
	for i, a := range c.Args {
		if a.Name != "" {
			return nil, errAt(a.Pos, "%s() takes no named arguments", name)
		}
		if a.Star {
			return nil, errAt(a.Pos, "%s() does not take *", name)
		}
		if a.Tabular() {
			return nil, errAt(a.Pos, "%s() takes a scalar, not a tabular expression", name)
		}
		if tl, ok, err := typeofArg(a.Expr); ok {
			if err != nil {
				return nil, err
			}
			if !typeofFuncs[name] {
				return nil, errAt(a.Pos, "%s() does not take a typeof() argument", name)
			}
			args[i] = tl
			continue
		}
		e, err := b.expr(a.Expr, sc)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	return sig.resolve(b, c, args)
}

// aggColumnName is the column Kusto names an unnamed aggregation, when it
// differs from the generic fn_Column: make_set(X) is set_X, make_list(X)
// list_X, make_bag(X) bag_X, take_any(X) X itself (the deprecated any(X)
// any_X), percentile(X, 95) percentile_X_95. ok is false for the generic
// rule.
// https://learn.microsoft.com/kusto/query/make-set-aggregation-function
// https://learn.microsoft.com/kusto/query/take-any-aggregation-function
func aggColumnName(fn, col string, args []Expr) (name string, ok bool) {
	if col == "" {
		return "", false
	}
	switch fn {
	case "make_set", "make_set_if", "makeset":
		return "set_" + col, true
	case "make_list", "make_list_if", "makelist", "make_list_with_nulls":
		return "list_" + col, true
	case "make_bag", "make_bag_if":
		return "bag_" + col, true
	case "buildschema":
		return "schema_" + col, true
	case "take_any", "take_anyif":
		return col, true
	case "covariance", "covariancep", "covarianceif", "covariancepif":
		// covariance(x, y) is covariance_x_y.
		if len(args) >= 2 {
			if y, ok := args[1].(*ColRef); ok {
				return fn + "_" + col + "_" + y.Name, true
			}
		}
	case "percentiles_array", "percentilesw_array":
		return "percentiles_" + col, true
	case "percentile":
		if len(args) == 2 {
			if k, ok := args[1].(*Const); ok && k.Val != nil {
				return "percentile_" + col + "_" + strings.ReplaceAll(k.String(), ".", "_"), true
			}
		}
	}
	return "", false
}
