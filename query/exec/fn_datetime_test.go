package exec

import "testing"

func TestStartEndOf(t *testing.T) {
	c := columnCheck(t)
	c(`startofweek(Timestamp)`, "datetime", "2024-01-07T00:00:00Z", "2024-01-07T00:00:00Z", "2024-01-07T00:00:00Z",
		"2024-01-07T00:00:00Z", "2024-01-07T00:00:00Z", "2024-01-07T00:00:00Z", "null")
	c(`endofday(Timestamp)`, "datetime", "2024-01-08T23:59:59.9999999Z", "2024-01-08T23:59:59.9999999Z", "2024-01-08T23:59:59.9999999Z",
		"2024-01-09T23:59:59.9999999Z", "2024-01-09T23:59:59.9999999Z", "2024-01-10T23:59:59.9999999Z", "null")
}

func TestDateParts(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/datetime-part-function
	d := `datetime(2017-10-30 01:02:03.7654321)`
	for part, want := range map[string]string{"Year": "2017", "Quarter": "4", "Month": "10", "week_of_year": "44", "Day": "30",
		"DayOfYear": "303", "Hour": "1", "Minute": "2", "Second": "3", "Millisecond": "765", "Microsecond": "765432", "Nanosecond": "765432100"} {
		f(`datetime_part("`+part+`", `+d+`)`, "int", want)
	}
	checkErr(t, `UrlClickEvents | extend x = datetime_part("fortnight", Timestamp)`, "1:43: datetime_part(): unknown period 'fortnight' (expected Year, Quarter, Month, Week, Day, Hour, Minute, Second, Millisecond, Microsecond or Nanosecond)")
}

// https://learn.microsoft.com/kusto/query/datetime-diff-function: the number
// of period boundaries between the two values.
func TestDatetimeDiff(t *testing.T) {
	c := columnCheck(t)
	c(`datetime_diff("hour", datetime(2024-01-10), Timestamp)`, "long", "39", "39", "39", "14", "1", "0", "null")
}

func TestDatetimeAdd(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/datetime-add-function
	d := `make_datetime(2017,1,1)`
	f(`datetime_add('year',1,`+d+`)`, "datetime", "2018-01-01T00:00:00Z")
	f(`datetime_add('quarter',1,`+d+`)`, "datetime", "2017-04-01T00:00:00Z")
	f(`datetime_add('month',1,`+d+`)`, "datetime", "2017-02-01T00:00:00Z")
	f(`datetime_add('week',1,`+d+`)`, "datetime", "2017-01-08T00:00:00Z")
	f(`datetime_add('day',1,`+d+`)`, "datetime", "2017-01-02T00:00:00Z")
	f(`datetime_add('hour',1,`+d+`)`, "datetime", "2017-01-01T01:00:00Z")
	f(`datetime_add('minute',1,`+d+`)`, "datetime", "2017-01-01T00:01:00Z")
	f(`datetime_add('second',1,`+d+`)`, "datetime", "2017-01-01T00:00:01Z")
}

func TestFormatDatetimeTimespan(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/format-datetime-function
	d := `datetime(2015-12-14 02:03:04.12345)`
	f(`format_datetime(`+d+`, 'y-M-d h:m:s.fffffff')`, "string", "15-12-14 2:3:4.1234500")
	f(`format_datetime(`+d+`, 'yy-MM-dd hh:mm:ss')`, "string", "15-12-14 02:03:04")
	f(`format_datetime(`+d+`, 'yyyy-MM-dd [HH:mm:ss]')`, "string", "2015-12-14 [02:03:04]")
	f(`format_datetime(`+d+`, 'yyyy-M-dd [H:mm:ss]')`, "string", "2015-12-14 [2:03:04]")
	f(`format_datetime(`+d+`, 'FFFFFFF')`, "string", "12345")
	// https://learn.microsoft.com/kusto/query/format-timespan-function
	ts := `time(14.02:03:04.12345)`
	f(`format_timespan(`+ts+`, 'h:m:s.fffffff')`, "string", "2:3:4.1234500")
	f(`format_timespan(`+ts+`, 'h:m:s.FFFFFFF')`, "string", "2:3:4.12345")
	f(`format_timespan(`+ts+`, 'hh:mm:ss.FF')`, "string", "02:03:04.12")
	f(`format_timespan(`+ts+`, 'ddddd.HH:mm:ss')`, "string", "00014.02:03:04")
}

func TestBinAt(t *testing.T) {
	checkErr(t, `UrlClickEvents | extend x = bin_at(Timestamp, 1d, 5)`, "1:29: bin_at() needs a value, bin size and fixed point of matching types (number, or datetime/timespan with a timespan size), got datetime, timespan and long")
}
