package plan

import (
	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Math function signatures; kernels in exec/fn_math.go.
// https://learn.microsoft.com/kusto/query/scalar-functions#math-functions

// realFunc types a function of real arguments returning real.
func realFunc(n int, fn string) funcSig {
	return fsig(n, n, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		out := make([]Expr, n)
		for i := range args {
			x, err := realArg(c, args, i)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return &Call{Fn: fn, Args: out, T: column.Real}, nil
	})
}

func init() {
	addFuncs(map[string]funcSig{
		"log":   realFunc(1, "log").doc("log(x)", "the natural logarithm of x (null for x <= 0)", "print log(exp(2))"),
		"log10": realFunc(1, "log10").doc("log10(x)", "the base-10 logarithm of x (null for x <= 0)", "print log10(1000)"),
		"log2":  realFunc(1, "log2").doc("log2(x)", "the base-2 logarithm of x (null for x <= 0)", "print log2(1024)"),
		"exp":   realFunc(1, "exp").doc("exp(x)", "e raised to the power x", "print exp(1)"),
		"exp2":  realFunc(1, "exp2").doc("exp2(x)", "2 raised to the power x", "print exp2(10)"),
		"exp10": realFunc(1, "exp10").doc("exp10(x)", "10 raised to the power x", "print exp10(3)"),
		"sqrt":  realFunc(1, "sqrt").doc("sqrt(x)", "the square root of x (null for x < 0)", "print sqrt(16)"),
		"pow":   realFunc(2, "pow").doc("pow(Base, Exponent)", "Base raised to the power Exponent", "print pow(2, 10)"),
		"cos":   realFunc(1, "cos").doc("cos(x)", "the cosine of an angle in radians", "print cos(pi())"),
		"sin":   realFunc(1, "sin").doc("sin(x)", "the sine of an angle in radians", "print sin(pi() / 2)"),
		"tan":   realFunc(1, "tan").doc("tan(x)", "the tangent of an angle in radians", "print tan(pi() / 4)"),
		"acos":  realFunc(1, "acos").doc("acos(x)", "the angle, in radians, whose cosine is x", "print acos(0.5)"),
		"asin":  realFunc(1, "asin").doc("asin(x)", "the angle, in radians, whose sine is x", "print asin(0.5)"),
		"atan":  realFunc(1, "atan").doc("atan(x)", "the angle, in radians, whose tangent is x", "print atan(1)"),
		"atan2": realFunc(2, "atan2").doc("atan2(y, x)", "the angle, in radians, between the positive x-axis and the ray to the point (x, y)", "print atan2(1, 1)"),
		"pi": fsig(0, 0, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			return &Const{T: column.Real, Val: 3.141592653589793}, nil
		}).doc("pi()", "the constant π", "print pi()"),
		// https://learn.microsoft.com/kusto/query/abs-function
		"abs": fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			t := args[0].Type()
			if !(t.IsNumeric() || t == column.Timespan) {
				return nil, argErr(c, 0, "a number or timespan", t)
			}
			return &Call{Fn: "abs", Args: args, T: t}, nil
		}).doc("abs(x)", "the absolute value of a number or timespan", "print abs(-5), abs(-1.5), abs(-1h)"),
		// https://learn.microsoft.com/kusto/query/sign-function
		"sign":     numSame("sign").doc("sign(x)", "-1, 0 or 1 as x is negative, zero or positive", "print sign(-42), sign(0.5)"),
		"cot":      realFunc(1, "cot").doc("cot(x)", "the cotangent of an angle in radians", "print cot(1)"),
		"degrees":  realFunc(1, "degrees").doc("degrees(Radians)", "an angle in radians converted to degrees", "print degrees(pi() / 4)"),
		"radians":  realFunc(1, "radians").doc("radians(Degrees)", "an angle in degrees converted to radians", "print radians(180)"),
		"gamma":    realFunc(1, "gamma").doc("gamma(x)", "the gamma function of x", "print gamma(5)"),
		"loggamma": realFunc(1, "loggamma").doc("loggamma(x)", "the natural logarithm of the absolute value of the gamma function of x", "print loggamma(5)"),
		"erf":      realFunc(1, "erf").doc("erf(x)", "the error function of x", "print erf(1)"),
		"erfc":     realFunc(1, "erfc").doc("erfc(x)", "the complementary error function of x", "print erfc(1)"),
		"beta_cdf": realFunc(3, "beta_cdf").doc("beta_cdf(x, Alpha, Beta)", "the cumulative beta distribution at x (NaN for x outside [0, 1])", "print beta_cdf(0.2, 10.0, 50.0)"),
		"beta_inv": realFunc(3, "beta_inv").doc("beta_inv(Probability, Alpha, Beta)", "the inverse of the cumulative beta distribution (null for a probability outside [0, 1])", "print beta_inv(0.1, 10.0, 20.0)"),
		"beta_pdf": realFunc(3, "beta_pdf").doc("beta_pdf(x, Alpha, Beta)", "the beta probability density at x", "print beta_pdf(0.5, 10.0, 20.0)"),
		// https://learn.microsoft.com/kusto/query/welch-test-function
		"welch_test": realFunc(6, "welch_test").page("welch-test-function").doc("welch_test(Mean1, Variance1, Count1, Mean2, Variance2, Count2)", "the two-sided p-value of Welch's t-test of two samples", "print welch_test(20.82, 7.87, 15, 22.99, 3.81, 15)"),
	})
}

// numSame types a one-argument numeric function that keeps the type.
func numSame(fn string) funcSig {
	return fsig(1, 1, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		t := args[0].Type()
		if t == column.Dynamic {
			return &Call{Fn: fn, Args: []Expr{toReal(args[0])}, T: column.Real}, nil
		}
		if !t.IsNumeric() {
			return nil, argErr(c, 0, "a number", t)
		}
		return &Call{Fn: fn, Args: args, T: t}, nil
	})
}

func realPred(fn string) resolveFunc {
	return func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
		x, err := realArg(c, args, 0)
		if err != nil {
			return nil, err
		}
		return &Call{Fn: fn, Args: []Expr{x}, T: column.Bool}, nil
	}
}

func init() {
	addFuncs(map[string]funcSig{
		"not": simple(column.Bool, "not", isBool).doc("not(Predicate)", "the logical negation of Predicate", "print not(1 > 2)").doc("not(Predicate)", "the logical negation of Predicate", "print not(1 > 2)"),
		// https://learn.microsoft.com/kusto/query/isnan-function
		"isnan":    fsig(1, 1, realPred("isnan")).page("isnan-function").doc("isnan(x)", "whether a real is NaN", `print isnan(todouble("NaN")), isnan(1.0)`),
		"isinf":    fsig(1, 1, realPred("isinf")).doc("isinf(x)", "whether a real is positive or negative infinity", "print isinf(1.0 / 0)"),
		"isfinite": fsig(1, 1, realPred("isfinite")).doc("isfinite(x)", "whether a real is neither infinite nor NaN", "print isfinite(1.0), isfinite(1.0 / 0)"),
	})
}
