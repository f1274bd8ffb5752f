package exec

import "testing"

func TestRound(t *testing.T) {
	c := columnCheck(t)
	// 1.5 * 3.3 is 4.9499999999999993 in binary, so it rounds down.
	c(`round(Ratio * 3.3, 1)`, "real", "1.7", "4.9", "null", "6.6", "-3.3", "0", "10.7")
}

func TestMath(t *testing.T) {
	c := columnCheck(t)
	c(`abs(Score)`, "long", "5", "3", "7", "null", "0", "12", "1")
	checkErr(t, `UrlClickEvents | extend x = pow(Url, 2)`, "1:33: pow() argument 1 must be a number, got string")
}
