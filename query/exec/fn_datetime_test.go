package exec

import "testing"

func TestStartEndOf(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/startofday-function
	f(`startofday(datetime(2017-01-01 10:10:17))`, "datetime", "2017-01-01T00:00:00Z")
	f(`startofday(datetime(2017-01-01 10:10:17), -1)`, "datetime", "2016-12-31T00:00:00Z")
	// https://learn.microsoft.com/kusto/query/startofweek-function: weeks start on Sunday.
	f(`startofweek(datetime(2017-01-01 10:10:17))`, "datetime", "2017-01-01T00:00:00Z")
	f(`startofweek(datetime(2017-01-01 10:10:17), 1)`, "datetime", "2017-01-08T00:00:00Z")
	f(`startofweek(datetime(2024-01-10))`, "datetime", "2024-01-07T00:00:00Z")
	// https://learn.microsoft.com/kusto/query/startofmonth-function
	f(`startofmonth(datetime(2017-01-01 10:10:17), -1)`, "datetime", "2016-12-01T00:00:00Z")
	f(`startofmonth(datetime(2017-03-31), 1)`, "datetime", "2017-04-01T00:00:00Z")
	// https://learn.microsoft.com/kusto/query/startofyear-function
	f(`startofyear(datetime(2017-06-01), 1)`, "datetime", "2018-01-01T00:00:00Z")
	// https://learn.microsoft.com/kusto/query/endofday-function
	f(`endofday(datetime(2017-01-01 10:10:17))`, "datetime", "2017-01-01T23:59:59.9999999Z")
	f(`endofday(datetime(2017-01-01 10:10:17), 1)`, "datetime", "2017-01-02T23:59:59.9999999Z")
	// https://learn.microsoft.com/kusto/query/endofweek-function
	f(`endofweek(datetime(2017-01-01 10:10:17))`, "datetime", "2017-01-07T23:59:59.9999999Z")
	// https://learn.microsoft.com/kusto/query/endofmonth-function
	f(`endofmonth(datetime(2016-02-10))`, "datetime", "2016-02-29T23:59:59.9999999Z")
	f(`endofyear(datetime(2017-01-01))`, "datetime", "2017-12-31T23:59:59.9999999Z")
	c := columnCheck(t)
	c(`startofweek(Timestamp)`, "datetime", "2024-01-07T00:00:00Z", "2024-01-07T00:00:00Z", "2024-01-07T00:00:00Z",
		"2024-01-07T00:00:00Z", "2024-01-07T00:00:00Z", "2024-01-07T00:00:00Z", "null")
	c(`endofday(Timestamp)`, "datetime", "2024-01-08T23:59:59.9999999Z", "2024-01-08T23:59:59.9999999Z", "2024-01-08T23:59:59.9999999Z",
		"2024-01-09T23:59:59.9999999Z", "2024-01-09T23:59:59.9999999Z", "2024-01-10T23:59:59.9999999Z", "null")
}

func TestDateParts(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/dayofyear-function
	f(`dayofyear(datetime(2015-12-14))`, "int", "348")
	// https://learn.microsoft.com/kusto/query/getyear-function
	f(`getyear(datetime(2015-10-12))`, "int", "2015")
	// https://learn.microsoft.com/kusto/query/getmonth-function
	f(`getmonth(datetime(2015-10-12))`, "int", "10")
	f(`monthofyear(datetime(2015-12-14))`, "int", "12")
	// https://learn.microsoft.com/kusto/query/week-of-year-function (ISO 8601)
	f(`week_of_year(datetime(2020-12-31))`, "int", "53")
	f(`week_of_year(datetime(2021-01-01))`, "int", "53")
	f(`week_of_year(datetime(2021-01-04))`, "int", "1")
	// https://learn.microsoft.com/kusto/query/dayofweek-function
	f(`dayofweek(datetime(1947-11-30 10:00:05))`, "timespan", "00:00:00")
	f(`dayofweek(datetime(1970-05-11))`, "timespan", "1.00:00:00")
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
	f := scalarCheck(t)
	f(`datetime_diff('year',datetime(2017-01-01),datetime(2000-12-31))`, "long", "17")
	f(`datetime_diff('quarter',datetime(2017-07-01),datetime(2017-03-30))`, "long", "2")
	f(`datetime_diff('month',datetime(2017-01-01),datetime(2015-12-30))`, "long", "13")
	f(`datetime_diff('week',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59))`, "long", "5")
	f(`datetime_diff('day',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59))`, "long", "29")
	f(`datetime_diff('hour',datetime(2017-10-31 01:00),datetime(2017-10-30 23:59))`, "long", "2")
	f(`datetime_diff('minute',datetime(2017-10-30 23:05:01),datetime(2017-10-30 23:00:59))`, "long", "5")
	f(`datetime_diff('second',datetime(2017-10-30 23:00:10.100),datetime(2017-10-30 23:00:00.900))`, "long", "10")
	f(`datetime_diff('millisecond',datetime(2017-10-30 23:00:00.200100),datetime(2017-10-30 23:00:00.100900))`, "long", "100")
	f(`datetime_diff('microsecond',datetime(2017-10-30 23:00:00.1009001),datetime(2017-10-30 23:00:00.1008009))`, "long", "100")
	f(`datetime_diff('nanosecond',datetime(2017-10-30 23:00:00.0000000),datetime(2017-10-30 23:00:00.0000007))`, "long", "-700")
	// A boundary one tick away still counts.
	f(`datetime_diff('day', datetime(2024-01-10), datetime(2024-01-09T23:59:59.9999999))`, "long", "1")
	f(`datetime_diff('year', datetime(2016-01-01), datetime(2017-12-31))`, "long", "-1")
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
	// Month arithmetic clamps to the end of the month.
	f(`datetime_add('month', 1, datetime(2017-01-31 10:00))`, "datetime", "2017-02-28T10:00:00Z")
	f(`datetime_add('month', -1, datetime(2024-03-31))`, "datetime", "2024-02-29T00:00:00Z")
	// https://learn.microsoft.com/kusto/query/make-datetime-function
	f(`make_datetime(2017,10,01,12,10)`, "datetime", "2017-10-01T12:10:00Z")
	f(`make_datetime(2017,10,01,12,11,0.1234567)`, "datetime", "2017-10-01T12:11:00.1234567Z")
	f(`make_datetime(2017,2,30)`, "datetime", "null")
	// https://learn.microsoft.com/kusto/query/unixtime-seconds-todatetime-function
	f(`unixtime_seconds_todatetime(1546300800)`, "datetime", "2019-01-01T00:00:00Z")
	f(`unixtime_milliseconds_todatetime(1546300800123)`, "datetime", "2019-01-01T00:00:00.123Z")
}

func TestFormatDatetimeTimespan(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/format-datetime-function
	d := `datetime(2015-12-14 02:03:04.12345)`
	f(`format_datetime(`+d+`, 'y-M-d h:m:s.fffffff')`, "string", "15-12-14 2:3:4.1234500")
	f(`format_datetime(`+d+`, 'yy-MM-dd hh:mm:ss')`, "string", "15-12-14 02:03:04")
	f(`format_datetime(`+d+`, 'yyyy-MM-dd [HH:mm:ss]')`, "string", "2015-12-14 [02:03:04]")
	f(`format_datetime(`+d+`, 'yyyy-M-dd [H:mm:ss]')`, "string", "2015-12-14 [2:03:04]")
	f(`format_datetime(datetime(2015-12-14 14:03:04), 'hh tt')`, "string", "02 PM")
	f(`format_datetime(`+d+`, 'FFFFFFF')`, "string", "12345")
	// https://learn.microsoft.com/kusto/query/format-timespan-function
	ts := `time(14.02:03:04.12345)`
	f(`format_timespan(`+ts+`, 'h:m:s.fffffff')`, "string", "2:3:4.1234500")
	f(`format_timespan(`+ts+`, 'h:m:s.FFFFFFF')`, "string", "2:3:4.12345")
	f(`format_timespan(`+ts+`, 'hh:mm:ss.FF')`, "string", "02:03:04.12")
	f(`format_timespan(`+ts+`, 'ddddd.HH:mm:ss')`, "string", "00014.02:03:04")
	f(`format_timespan(-1h, 'hh:mm')`, "string", "-01:00")
}

func TestBinAt(t *testing.T) {
	f := scalarCheck(t)
	// https://learn.microsoft.com/kusto/query/bin-at-function
	f(`bin_at(6.5, 2.5, 7)`, "real", "4.5")
	f(`bin_at(1h, 1d, 12h)`, "timespan", "-12:00:00")
	f(`bin_at(datetime(2017-05-15 10:20:00.0), 1d, datetime(1970-01-01 12:00:00.0))`, "datetime", "2017-05-14T12:00:00Z")
	f(`bin_at(datetime(2017-05-17 10:20:00.0), 7d, datetime(2017-05-15 10:20:00.0))`, "datetime", "2017-05-15T10:20:00Z")
	f(`bin_at(7, 5, 1)`, "long", "6")
	checkErr(t, `UrlClickEvents | extend x = bin_at(Timestamp, 1d, 5)`, "1:29: bin_at() needs a value, bin size and fixed point of matching types (number, or datetime/timespan with a timespan size), got datetime, timespan and long")
}

// Datetime and timespan arithmetic and conversions that leave Kusto's range
// (0001-01-01 .. 9999-12-31, a 64-bit tick count) give null instead of
// wrapping around.
func TestDatetimeRange(t *testing.T) {
	f := scalarCheck(t)
	f(`datetime_add('year', 100000, datetime(2023-01-01))`, "datetime", "null")
	f(`datetime_add('year', -2023, datetime(2023-01-01))`, "datetime", "null")
	f(`datetime_add('year', -2022, datetime(2023-01-01))`, "datetime", "0001-01-01T00:00:00Z")
	f(`datetime_add('day', 9223372036854775807, datetime(2023-01-01))`, "datetime", "null")
	f(`datetime_add('nanosecond', 250, datetime(2023-01-01))`, "datetime", "2023-01-01T00:00:00.0000002Z")
	f(`make_datetime(99999, 1, 1)`, "datetime", "null")
	f(`make_datetime(9999, 12, 31)`, "datetime", "9999-12-31T00:00:00Z")
	f(`unixtime_seconds_todatetime(1e20)`, "datetime", "null")
	f(`unixtime_seconds_todatetime(-1e20)`, "datetime", "null")
	f(`1d * 9223372036854775807`, "timespan", "null")
	f(`9223372036854775807 * 1d`, "timespan", "null")
	f(`3 * 2d`, "timespan", "6.00:00:00")
	f(`datetime(9999-12-31T23:59:59.9999999Z) + 1d`, "datetime", "null")
	f(`datetime(0001-01-01) - 1tick`, "datetime", "null")
	f(`datetime(2020-01-01) + 1d`, "datetime", "2020-01-02T00:00:00Z")
	f(`startofmonth(datetime(9999-12-05), 1)`, "datetime", "null")
	f(`totimespan("99999999999d")`, "timespan", "null")
}

// todatetime() and datetime literals read the forms Kusto's docs list and
// .NET's invariant culture accepts.
// https://learn.microsoft.com/kusto/query/scalar-data-types/datetime
func TestDatetimeTextForms(t *testing.T) {
	f := scalarCheck(t)
	f(`todatetime("02/17/2016 08:40:01")`, "datetime", "2016-02-17T08:40:01Z")
	f(`todatetime("2/17/2016 8:40:01 PM")`, "datetime", "2016-02-17T20:40:01Z")
	f(`todatetime("12-02-2022")`, "datetime", "2022-12-02T00:00:00Z")
	f(`datetime(1970-5-12)`, "datetime", "1970-05-12T00:00:00Z")
	f(`datetime(2025, 6, 14)`, "datetime", "2025-06-14T00:00:00Z")
	f(`todatetime("Sat, 8 Nov 14 15:05:02 GMT")`, "datetime", "2014-11-08T15:05:02Z")
	f(`todatetime("8 Nov 14 15:05")`, "datetime", "2014-11-08T15:05:00Z")
	f(`todatetime("Saturday, 08-Nov-14 15:05:02 GMT")`, "datetime", "2014-11-08T15:05:02Z")
	f(`todatetime("2014-11-08 15:55:55.123456")`, "datetime", "2014-11-08T15:55:55.123456Z")
	f(`todatetime("2014-11-08T15:55:55+02:00")`, "datetime", "2014-11-08T13:55:55Z")
	f(`todatetime("13/17/2016")`, "datetime", "null")
	f(`todatetime("2016-02-30")`, "datetime", "null")
	// tostring() spells every datetime with seven fractional digits, so
	// text built from one does too.
	f(`strcat("at ", datetime(2017-10-15 12:00))`, "string", "at 2017-10-15T12:00:00.0000000Z")
	f(`reverse(datetime(2017-10-15 12:00))`, "string", "Z0000000.00:00:21T51-01-7102")
	f(`hash_md5(datetime(2020-01-01))`, "string", "786c530672d1f8db31fee25ea8a9390b")
}
