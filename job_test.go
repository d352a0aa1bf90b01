package rounds

import "testing"

func TestExcessWork(t *testing.T) {
	req := &Request{Workers: []Worker{
		{ID: "capped", MaxWorkMinutes: 300, Shifts: []Shift{
			{Date: "2026-01-05", Start: At(8, 0), End: At(16, 0)},
			{Date: "2026-01-06", Start: At(8, 0), End: At(16, 0), MaxWorkMinutes: 120},
		}},
		{ID: "shift", Shifts: []Shift{{Date: "2026-01-05", Start: At(8, 0), End: At(10, 0)}}},
	}}
	tests := []struct {
		name         string
		route        Route
		excessSecond int
	}{
		// WorkSeconds already holds the travel: 280 minutes of work with
		// 60 of them travel is inside a 300-minute cap.
		{"travel counted once", Route{WorkerID: "capped", Date: "2026-01-05", WorkSeconds: 280 * 60, TravelSeconds: 60 * 60}, 0},
		{"worker cap", Route{WorkerID: "capped", Date: "2026-01-05", WorkSeconds: 310 * 60, TravelSeconds: 60 * 60}, 10 * 60},
		{"shift cap first", Route{WorkerID: "capped", Date: "2026-01-06", WorkSeconds: 130 * 60, TravelSeconds: 20 * 60}, 10 * 60},
		{"shift length without a cap", Route{WorkerID: "shift", Date: "2026-01-05", WorkSeconds: 125 * 60, TravelSeconds: 20 * 60}, 5 * 60},
		{"no shift that day", Route{WorkerID: "shift", Date: "2026-01-06", WorkSeconds: 600 * 60}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := excessWork(req, &Roster{Routes: []Route{tt.route}}); got != tt.excessSecond {
				t.Errorf("excessWork = %d s, want %d s", got, tt.excessSecond)
			}
		})
	}
}
