package exec

import "testing"

func TestRound(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/round-function
	f(`round(2.98765, 3)`, "real", "2.988")
	f(`round(2.15, 1)`, "real", "2.2")
	f(`round(2.15)`, "real", "2")
	f(`round(-50.55, -2)`, "real", "-100")
	f(`round(21.5, -1)`, "real", "20")
	// Halves round away from zero.
	f(`round(2.5)`, "real", "3")
	f(`round(-2.5)`, "real", "-3")
	f(`round(1234, -2)`, "long", "1200")
	f(`round(15)`, "long", "15")
	c := columnCheck(t)
	// 1.5 * 3.3 is 4.9499999999999993 in binary, so it rounds down.
	c(`round(Ratio * 3.3, 1)`, "real", "1.7", "4.9", "null", "6.6", "-3.3", "0", "10.7")
}

func TestMath(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/pow-function
	f(`pow(2, 3)`, "real", "8")
	// https://learn.microsoft.com/kusto/query/sqrt-function
	f(`sqrt(16)`, "real", "4")
	f(`sqrt(-1)`, "real", "null")
	// https://learn.microsoft.com/kusto/query/log-function
	f(`log(exp(2))`, "real", "2")
	f(`log(-1)`, "real", "null")
	// https://learn.microsoft.com/kusto/query/log10-function
	f(`log10(1000)`, "real", "3")
	f(`log2(8)`, "real", "3")
	// https://learn.microsoft.com/kusto/query/exp-function
	f(`exp(0)`, "real", "1")
	f(`exp10(2)`, "real", "100")
	// https://learn.microsoft.com/kusto/query/abs-function
	f(`abs(-5)`, "long", "5")
	f(`abs(-1.5)`, "real", "1.5")
	f(`abs(-1h)`, "timespan", "01:00:00")
	// https://learn.microsoft.com/kusto/query/ceiling-function
	f(`ceiling(-1.1)`, "real", "-1")
	f(`ceiling(1.1)`, "real", "2")
	f(`ceiling(7)`, "long", "7")
	// https://learn.microsoft.com/kusto/query/sign-function
	f(`sign(-42)`, "long", "-1")
	f(`sign(0)`, "long", "0")
	f(`sign(0.5)`, "real", "1")
	// https://learn.microsoft.com/kusto/query/isnan-function
	f(`isnan(todouble("NaN"))`, "bool", "true")
	f(`isnan(1.0)`, "bool", "false")
	// https://learn.microsoft.com/kusto/query/isfinite-function
	f(`isfinite(1.0 / 0)`, "bool", "false")
	f(`isfinite(1.0)`, "bool", "true")
	f(`isinf(-1.0 / 0)`, "bool", "true")
	c := columnCheck(t)
	c(`abs(Score)`, "long", "5", "3", "7", "null", "0", "12", "1")
	checkErr(t, `UrlClickEvents | extend x = pow(Url, 2)`, "1:33: pow() argument 1 must be a number, got string")
}

// Kusto's modulo is never negative: 0 <= N % D < abs(D).
// https://learn.microsoft.com/kusto/query/numerical-operators
func TestModulo(t *testing.T) {
	f := scalarCheck(t)
	f(`-14 % 12`, "long", "10")
	f(`14 % -12`, "long", "2")
	f(`-14 % -12`, "long", "10")
	f(`14 % 12`, "long", "2")
	f(`-7.5 % 2`, "real", "0.5")
	f(`7 % 0`, "long", "null")
	f(`-25h % 1d`, "timespan", "23:00:00")
}
