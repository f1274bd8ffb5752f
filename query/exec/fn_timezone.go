package exec

import (
	"sync"
	"time"
	_ "time/tzdata" // the zones, so a query answers the same on a machine without them

	"clickhunt/column"
)

// datetime_utc_to_local(t, zone) and datetime_local_to_utc(t, zone): the
// zone's offset at that instant added or taken away. An unknown zone
// gives null. Local to UTC reads an ambiguous or skipped local time (at a
// daylight-saving change) as Go's time.Date does: the first of the two
// offsets.
// https://learn.microsoft.com/kusto/query/datetime-utc-to-local-function
// https://learn.microsoft.com/kusto/query/datetime-local-to-utc-function
func init() {
	registerK("datetime_utc_to_local", zoneKernel(func(t int64, loc *time.Location) int64 {
		_, off := column.TimeFromTicks(t).In(loc).Zone()
		return t + int64(off)*column.Second
	}))
	registerK("datetime_local_to_utc", zoneKernel(func(t int64, loc *time.Location) int64 {
		w := column.TimeFromTicks(t) // the local wall time, read as if UTC
		l := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
		_, off := l.Zone()
		return t - int64(off)*column.Second
	}))
}

func init() {
	registerK("datetime_list_timezones", func(a []*column.Vector, n int) *column.Vector {
		names := make([]any, len(timeZoneNames))
		for i, z := range timeZoneNames {
			names[i] = z
		}
		return column.NewConst(column.Dynamic, names, n)
	})
}

// zones caches loaded locations by name (nil: unknown).
var zones sync.Map

func zone(name string) *time.Location {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		loc = nil
	}
	zones.Store(name, loc)
	return loc
}

func zoneKernel(f func(t int64, loc *time.Location) int64) kernel {
	return func(a []*column.Vector, n int) *column.Vector {
		x, z := a[0], a[1]
		out := newInts(column.Datetime, n)
		out.Nulls = orNulls(n, x, z)
		var loc *time.Location
		last := ""
		for i := 0; i < n; i++ {
			if x.IsNull(i) || z.IsNull(i) {
				continue
			}
			if name := z.Str(i); loc == nil || name != last {
				loc, last = zone(name), name
			}
			if loc == nil {
				if out.Nulls == nil {
					out.Nulls = make([]bool, n)
				}
				out.Nulls[i] = true
				continue
			}
			out.Ints[i] = f(x.Int(i), loc)
		}
		return out
	}
}
