package plan

func init() {
	operatorTopic("as",
		"T | as [hint.materialized = true] Name",
		"names its input for union withsource= and returns it unchanged",
		"as-operator", "range x from 1 to 3 step 1 | as Numbers | count")
}
