package exec

import "testing"

func TestTimeZones(t *testing.T) {
	f := scalarCheck(t)
	// The examples of Microsoft's pages.
	// https://learn.microsoft.com/kusto/query/datetime-utc-to-local-function
	f(`datetime_utc_to_local(datetime(2022-07-11 22:18:48.4678620), 'US/Pacific')`, "datetime", "2022-07-11T15:18:48.467862Z")
	f(`datetime_utc_to_local(datetime(2022-07-11 22:18:48.4678620), 'Australia/Canberra')`, "datetime", "2022-07-12T08:18:48.467862Z")
	// https://learn.microsoft.com/kusto/query/datetime-local-to-utc-function
	f(`datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'Europe/Paris')`, "datetime", "2020-02-02T19:02:20Z")
	f(`datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'America/Chicago')`, "datetime", "2020-02-03T02:02:20Z")
	f(`datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'US/Pacific')`, "datetime", "2020-02-03T04:02:20Z")
	// Summer time, a half-hour zone, and the hour of day taken locally.
	f(`datetime_utc_to_local(datetime(2024-07-01 12:00), 'Europe/Berlin')`, "datetime", "2024-07-01T14:00:00Z")
	f(`hourofday(datetime_utc_to_local(datetime(2024-07-01 23:30), 'Asia/Kolkata'))`, "int", "5")
	f(`datetime_utc_to_local(datetime(null), 'UTC')`, "datetime", "null")
	f(`datetime_utc_to_local(datetime(2024-01-01), strcat('No/', 'Such'))`, "datetime", "null")
}

func TestTimeZoneErrors(t *testing.T) {
	checkErr(t, `print datetime_utc_to_local(now(), 'Mars/Olympus')`, "1:36: datetime_utc_to_local(): unknown time zone 'Mars/Olympus' (expected a name such as UTC, Europe/Berlin or US/Pacific)")
	checkErr(t, `print datetime_local_to_utc(now(), 3)`, "1:36: datetime_local_to_utc() argument 2 must be a string, got long")
}
