package exec

import (
	"sort"
	"testing"
	"time"
)

// Every zone datetime_list_timezones() lists is one the datetime functions
// load, and the list is sorted without repeats.
func TestTimeZoneNamesLoad(t *testing.T) {
	if !sort.StringsAreSorted(timeZoneNames) {
		t.Fatal("timeZoneNames is not sorted")
	}
	for i, name := range timeZoneNames {
		if i > 0 && timeZoneNames[i-1] == name {
			t.Fatalf("%s listed twice", name)
		}
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
