package rounds

import (
	"errors"
	"testing"

	"github.com/roundsdev/rounds/geo"
)

func validRequest() *Request {
	home := Location{Lat: 51.4927, Lon: -0.2240}
	return &Request{
		Workers: []Worker{{
			ID: "w1", Role: Nurse, Skills: []Skill{"wound_care"}, Start: home, TravelMode: geo.Drive,
			Shifts: []Shift{{Date: "2026-11-25", Start: At(8, 0), End: At(16, 0)}},
		}},
		Clients: []Client{{ID: "c1", Location: Location{Lat: 51.4950, Lon: -0.2200}}},
		Visits: []Visit{{
			ID: "v1", ClientID: "c1", Date: "2026-11-25", DurationMinutes: 30,
			Windows: []Window{{Start: At(9, 0), End: At(11, 0)}}, Skills: []Skill{"wound_care"}, Priority: Reablement,
		}},
	}
}

func TestValidate(t *testing.T) {
	late := At(21, 0)
	tests := []struct {
		name   string
		mutate func(*Request)
		field  string // "" means valid
	}{
		{"valid", func(*Request) {}, ""},
		{"default break", func(r *Request) { r.Options.Break = &BreakRule{} }, ""},
		{"negative break", func(r *Request) { r.Options.Break = &BreakRule{Minutes: -5} }, "options.break.minutes"},
		{"break longer than its window", func(r *Request) {
			r.Options.Break = &BreakRule{Minutes: 90, Window: &Window{Start: At(12, 0), End: At(13, 0)}}
		}, "options.break.window"},
		{"break outside a long shift", func(r *Request) {
			r.Options.Break = &BreakRule{AfterShiftMinutes: 240, Window: &Window{Start: At(17, 0), End: At(18, 0)}}
		}, "workers[0].shifts[0]"},
		{"duplicate worker", func(r *Request) { r.Workers = append(r.Workers, r.Workers[0]) }, "workers[1].id"},
		{"unknown role", func(r *Request) { r.Workers[0].Role = "wizard" }, "workers[0].role"},
		{"unknown mode", func(r *Request) { r.Workers[0].TravelMode = "bike" }, "workers[0].travelMode"},
		{"shift backwards", func(r *Request) { r.Workers[0].Shifts[0].End = At(7, 0) }, "workers[0].shifts[0]"},
		{"bad shift date", func(r *Request) { r.Workers[0].Shifts[0].Date = "tomorrow" }, "workers[0].shifts[0].date"},
		{"missing location", func(r *Request) { r.Clients[0].Location = Location{} }, "clients[0].location"},
		{"latitude out of range", func(r *Request) { r.Clients[0].Location.Lat = 95 }, "clients[0].location"},
		{"unknown declined worker", func(r *Request) { r.Clients[0].DeclinedWorkers = []string{"w9"} }, "clients[0].declinedWorkers[0]"},
		{"unknown client", func(r *Request) { r.Visits[0].ClientID = "c9" }, "visits[0].clientId"},
		{"zero duration", func(r *Request) { r.Visits[0].DurationMinutes = 0 }, "visits[0].durationMinutes"},
		{"window after hours", func(r *Request) { r.Visits[0].Windows[0].End = At(20, 30) }, "visits[0].windows[0]"},
		{"window backwards", func(r *Request) { r.Visits[0].Windows[0].End = At(8, 30) }, "visits[0].windows[0]"},
		{"three workers", func(r *Request) { r.Visits[0].WorkersNeeded = 3 }, "visits[0].workersNeeded"},
		{"unknown priority", func(r *Request) { r.Visits[0].Priority = "urgent" }, "visits[0].priority"},
		{"deadline on reablement", func(r *Request) { r.Visits[0].Deadline = &late }, "visits[0].priority"},
		{"pin to unknown worker", func(r *Request) { r.Visits[0].Pin = &Pin{WorkerID: "w2"} }, "visits[0].pin.workerId"},
		{"pin after hours", func(r *Request) { r.Visits[0].Pin = &Pin{WorkerID: "w1", Start: &late} }, "visits[0].pin.start"},
		{"link to itself", func(r *Request) { r.Visits[0].Links = []Link{{VisitID: "v1"}} }, "visits[0].links[0].visitId"},
		{"negative time limit", func(r *Request) { r.Options.TimeLimitSeconds = -1 }, "options.timeLimitSeconds"},
		{"soft end", func(r *Request) { soft := At(9, 30); r.Visits[0].SoftEnd = &soft; r.Visits[0].LatenessCost = 2 }, ""},
		{"soft end after hours", func(r *Request) { r.Visits[0].SoftEnd = &late }, "visits[0].softEnd"},
		{"lateness cost without soft end", func(r *Request) { r.Visits[0].LatenessCost = 2 }, "visits[0].latenessCost"},
		{"sync tolerance too long", func(r *Request) { r.Options.SyncToleranceMinutes = 61 }, "options.syncToleranceMinutes"},
		{"overtime", func(r *Request) { r.Workers[0].Shifts[0].OvertimeMinutes = 60; r.Options.OvertimeCostPerMinute = 30 }, ""},
		{"negative overtime", func(r *Request) { r.Workers[0].Shifts[0].OvertimeMinutes = -1 }, "workers[0].shifts[0].overtimeMinutes"},
		{"overtime past midnight", func(r *Request) { r.Workers[0].Shifts[0].OvertimeMinutes = MaxOvertimeMinutes }, "workers[0].shifts[0].overtimeMinutes"},
		{"negative overtime cost", func(r *Request) { r.Options.OvertimeCostPerMinute = -1 }, "options.overtimeCostPerMinute"},
		{"negative balance cost", func(r *Request) { r.Options.BalanceCostPerMinute = -1 }, "options.balanceCostPerMinute"},
		{"continuity off", func(r *Request) { r.Options.ContinuityPenalty = -1 }, ""},
		{"continuity cost too high", func(r *Request) { r.Options.ContinuityPenalty = MaxCarePenalty + 1 }, "options.continuityPenalty"},
		{"handover penalty too high", func(r *Request) { r.Options.HandoverPenalty = MaxCarePenalty + 1 }, "options.handoverPenalty"},
		{"moved start penalty too high", func(r *Request) { r.Options.MovedStartPenalty = MaxCarePenalty + 1 }, "options.movedStartPenalty"},
		{"disruption off", func(r *Request) { r.Options.HandoverPenalty, r.Options.MovedStartPenalty = -1, -1 }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRequest()
			tt.mutate(r)
			err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate() = %v, want *Error", err)
			}
			if e.Code != EINVALID || e.Field != tt.field {
				t.Errorf("Validate() = %q (code %s, field %s), want field %s", e, e.Code, e.Field, tt.field)
			}
		})
	}
}

func TestLatestStart(t *testing.T) {
	ref := At(11, 40)
	v := Visit{Priority: RapidResponse, ReferredAt: &ref}
	if got, ok := v.LatestStart(); !ok || got != At(13, 40) {
		t.Errorf("LatestStart() = %s, %v; want 13:40, true", got, ok)
	}
	dl := At(12, 30)
	v.Deadline = &dl
	if got, _ := v.LatestStart(); got != dl {
		t.Errorf("LatestStart() with deadline = %s, want 12:30", got)
	}
}

// TestDisruptionCosts: the repair's penalties take their defaults at 0
// and turn off when negative.
func TestDisruptionCosts(t *testing.T) {
	for _, tt := range []struct{ option, handover, moved int64 }{{0, DefaultHandoverPenalty, DefaultMovedStartPenalty}, {-1, 0, 0}, {50, 50, 50}} {
		o := Options{HandoverPenalty: tt.option, MovedStartPenalty: tt.option}
		if o.HandoverCost() != tt.handover || o.MovedStartCost() != tt.moved {
			t.Errorf("option %d: handover %d moved %d, want %d and %d", tt.option, o.HandoverCost(), o.MovedStartCost(), tt.handover, tt.moved)
		}
	}
}
