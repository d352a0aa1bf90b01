package rounds

import (
	"encoding/json"
	"testing"
)

func TestParseClock(t *testing.T) {
	tests := []struct {
		in      string
		want    Clock
		wantErr bool
	}{
		{"08:00", At(8, 0), false},
		{"19:59:30", At(19, 59) + 30, false},
		{"24:00", At(24, 0), false},
		{"00:00", 0, false},
		{"24:01", 0, true},
		{"8:00", 0, true},
		{"08:60", 0, true},
		{"08", 0, true},
		{"ab:cd", 0, true},
		{"-1:00", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseClock(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseClock(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("ParseClock(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestClockJSONRoundTrip(t *testing.T) {
	for _, c := range []Clock{0, At(8, 0), At(13, 45) + 7, At(20, 0)} {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back Clock
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		if back != c {
			t.Errorf("round trip of %d via %s gave %d", c, b, back)
		}
	}
	var c Clock
	if err := json.Unmarshal([]byte(`480`), &c); err == nil {
		t.Error("a number was accepted as a time of day")
	}
}

func TestDate(t *testing.T) {
	d := Date("2026-11-25")
	if got := d.AddDays(7); got != "2026-12-02" {
		t.Errorf("AddDays(7) = %s", got)
	}
	if got := Date("2026-12-02").DaysSince(d); got != 7 {
		t.Errorf("DaysSince = %d, want 7", got)
	}
	if _, err := Date("25/11/2026").Time(); err == nil {
		t.Error("a date in the wrong layout was accepted")
	}
}
