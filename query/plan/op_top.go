package plan

func init() {
	operatorTopic("top",
		"T | top NumberOfRows by Expression [asc | desc] [nulls first | nulls last]",
		"the first NumberOfRows rows ordered by Expression",
		"top-operator", "range x from 1 to 10 step 1 | top 3 by x")
}
