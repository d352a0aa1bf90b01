package rounds

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Clock is a time of day in seconds after midnight. In JSON it is written
// "HH:MM", or "HH:MM:SS" when the seconds are not zero.
type Clock int32

// ParseClock reads "HH:MM" or "HH:MM:SS" (00:00 to 24:00).
func ParseClock(s string) (Clock, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("time of day %q is not HH:MM", s)
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || len(p) != 2 || n < 0 {
			return 0, fmt.Errorf("time of day %q is not HH:MM", s)
		}
		v[i] = n
	}
	if v[0] > 24 || v[1] > 59 || v[2] > 59 || (v[0] == 24 && v[1]+v[2] > 0) {
		return 0, fmt.Errorf("time of day %q is out of range 00:00-24:00", s)
	}
	return Clock(v[0]*3600 + v[1]*60 + v[2]), nil
}

// At returns the clock for hour h and minute m.
func At(h, m int) Clock { return Clock(h*3600 + m*60) }

// String returns "HH:MM" or "HH:MM:SS".
func (c Clock) String() string {
	s := int(c)
	sign := ""
	if s < 0 {
		sign, s = "-", -s
	}
	if s%60 != 0 {
		return fmt.Sprintf("%s%02d:%02d:%02d", sign, s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%s%02d:%02d", sign, s/3600, s/60%60)
}

// MarshalJSON writes the clock as a string.
func (c Clock) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// UnmarshalJSON reads "HH:MM" or "HH:MM:SS". Anything else is a
// *json.UnmarshalTypeError, which the JSON decoder gives the field's path.
func (c *Clock) UnmarshalJSON(b []byte) error {
	var s string
	err := json.Unmarshal(b, &s)
	if err == nil {
		var v Clock
		if v, err = ParseClock(s); err == nil {
			*c = v
			return nil
		}
	}
	return &json.UnmarshalTypeError{Value: jsonKind(b) + " " + string(b), Type: reflect.TypeFor[Clock]()}
}

// Date is a calendar day written "YYYY-MM-DD".
type Date string

// DateLayout is the layout of a Date for time.Parse.
const DateLayout = "2006-01-02"

// Time returns midnight UTC of the date.
func (d Date) Time() (time.Time, error) {
	t, err := time.Parse(DateLayout, string(d))
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not YYYY-MM-DD", string(d))
	}
	return t, nil
}

// DaysSince returns the number of days from base to d; both must be valid.
func (d Date) DaysSince(base Date) int {
	a, _ := d.Time()
	b, _ := base.Time()
	return int(a.Sub(b).Hours()+0.5) / 24
}

// AddDays returns the date n days after d; d must be valid.
func (d Date) AddDays(n int) Date {
	t, _ := d.Time()
	return Date(t.AddDate(0, 0, n).Format(DateLayout))
}

// Window is an interval of clock time, both ends included.
type Window struct {
	Start Clock `json:"start"`
	End   Clock `json:"end"`
}

// Contains reports whether c lies in the window.
func (w Window) Contains(c Clock) bool { return w.Start <= c && c <= w.End }

// String returns "HH:MM-HH:MM".
func (w Window) String() string { return w.Start.String() + "-" + w.End.String() }
