package plan

import (
	"time"

	"clickhunt/column"
	"clickhunt/query/syntax"
)

// Time zone conversions; kernels in exec/fn_timezone.go. A constant zone
// name is checked here, so a misspelt zone is an error at its position
// rather than a column of nulls.
// https://learn.microsoft.com/kusto/query/datetime-utc-to-local-function
// https://learn.microsoft.com/kusto/query/datetime-local-to-utc-function
func init() {
	zoneSig := func(fn string) funcSig {
		return fsig(2, 2, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			d, err := dtArg(c, args, 0)
			if err != nil {
				return nil, err
			}
			z, err := strArg(c, args, 1)
			if err != nil {
				return nil, err
			}
			if k, ok := z.(*Const); ok {
				if name, _ := k.Val.(string); k.Val != nil {
					if _, err := time.LoadLocation(name); err != nil || name == "" || name == "Local" {
						return nil, errAt(argPos(c, 1), "%s(): unknown time zone '%s' (expected a name such as UTC, Europe/Berlin or US/Pacific)", c.Name, name)
					}
				}
			}
			return &Call{Fn: fn, Args: []Expr{d, z}, T: column.Datetime}, nil
		})
	}
	addFuncs(map[string]funcSig{
		"datetime_utc_to_local": zoneSig("datetime_utc_to_local").doc("datetime_utc_to_local(Datetime, TimeZone)", "a UTC datetime as the local time of a zone (such as Europe/Berlin)", `print datetime_utc_to_local(datetime(2024-03-01 12:00), "Europe/Berlin")`),
		"datetime_local_to_utc": zoneSig("datetime_local_to_utc").doc("datetime_local_to_utc(Datetime, TimeZone)", "a local time of a zone as the UTC datetime", `print datetime_local_to_utc(datetime(2024-03-01 13:00), "Europe/Berlin")`),
		// https://learn.microsoft.com/kusto/query/datetime-list-timezones
		"datetime_list_timezones": fsig(0, 0, func(b *builder, c *syntax.Call, args []Expr) (Expr, error) {
			return &Call{Fn: "datetime_list_timezones", T: column.Dynamic}, nil
		}).page("datetime-list-timezones").doc("datetime_list_timezones()", "the names of the time zones the datetime functions know", "print array_length(datetime_list_timezones())"),
	})
}
