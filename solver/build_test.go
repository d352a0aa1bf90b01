package solver

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// flatSource is a tiny travel source for tests: straight lines on a flat
// Earth at 20 km/h driving, 5 km/h otherwise.
type flatSource struct{}

func (flatSource) Matrix(_ context.Context, pts []geo.Point, mode geo.Mode) (geo.Matrix, error) {
	speed := 20.0 / 3.6
	if mode != geo.Drive {
		speed = 5.0 / 3.6
	}
	m := geo.NewMatrix(len(pts))
	for i, a := range pts {
		for j, b := range pts {
			dx := (a[0] - b[0]) * 111e3 * math.Cos(a[1]*math.Pi/180)
			dy := (a[1] - b[1]) * 111e3
			m.Set(i, j, int32(math.Hypot(dx, dy)/speed))
		}
	}
	return m, nil
}

func clock(s string) *rounds.Clock {
	c, err := rounds.ParseClock(s)
	if err != nil {
		panic(err)
	}
	return &c
}

// careRequest returns a two-day request in which every rule the solver
// honours decides who may make some visit.
func careRequest() *rounds.Request {
	home := rounds.Location{Lat: 51.49, Lon: -0.22}
	at := func(i int) rounds.Location {
		return rounds.Location{Lat: 51.49 + 0.002*float64(i), Lon: -0.22 + 0.003*float64(i%4)}
	}
	visit := func(id, client string, date rounds.Date) rounds.Visit {
		return rounds.Visit{ID: id, ClientID: client, Date: date, DurationMinutes: 30, Priority: rounds.Routine}
	}
	r := &rounds.Request{
		Workers: []rounds.Worker{
			{ID: "nurse", Role: rounds.Nurse, Skills: []rounds.Skill{"wound_care"}, Gender: "female", Start: home, TravelMode: geo.Drive,
				Shifts: []rounds.Shift{{Date: "2025-12-01", Start: rounds.At(8, 0), End: rounds.At(16, 0)}}},
			{ID: "carer", Role: rounds.CareWorker, Gender: "male", Start: at(1), TravelMode: geo.Walk, MaxWorkMinutes: 300,
				Shifts: []rounds.Shift{{Date: "2025-12-01", Start: rounds.At(8, 0), End: rounds.At(20, 0)}, {Date: "2025-12-02", Start: rounds.At(9, 0), End: rounds.At(17, 0), MaxWorkMinutes: 200}}},
		},
		Clients: []rounds.Client{
			{ID: "declines", Location: at(2), DeclinedWorkers: []string{"carer"}},
			{ID: "female", Location: at(3), GenderPreference: "female"},
			{ID: "plain", Location: at(4)},
			{ID: "far", Location: rounds.Location{Lat: 51.6, Lon: -0.5}},
		},
	}
	wound := visit("wound", "plain", "2025-12-01")
	wound.Skills = []rounds.Skill{"wound_care"}
	pinned := visit("pinned", "plain", "2025-12-01")
	pinned.Pin = &rounds.Pin{WorkerID: "carer", Start: clock("10:00")}
	hoist := visit("hoist", "plain", "2025-12-01")
	hoist.Skills = []rounds.Skill{"hoist"}
	late := visit("late", "plain", "2025-12-01")
	late.Windows = []rounds.Window{{Start: rounds.At(19, 0), End: rounds.At(19, 50)}}
	tooLate := visit("too-late", "plain", "2025-12-01")
	tooLate.Windows = []rounds.Window{{Start: rounds.At(19, 45), End: rounds.At(20, 0)}}
	urgent := visit("urgent", "plain", "2025-12-01")
	urgent.Priority = rounds.RapidResponse
	urgent.ReferredAt = clock("09:00")
	remote := visit("remote", "far", "2025-12-02")
	remote.Windows = []rounds.Window{{Start: rounds.At(9, 0), End: rounds.At(9, 10)}}
	r.Visits = []rounds.Visit{
		wound, visit("declined", "declines", "2025-12-01"), visit("gender", "female", "2025-12-01"),
		visit("day2", "plain", "2025-12-02"), pinned, hoist, visit("noshift", "plain", "2025-12-03"),
		late, tooLate, urgent, remote,
	}
	r.Options.Iterations = 200
	return r
}

func TestBuildRejectsWhatItCannotHonour(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(r *rounds.Request)
		field string
	}{
		{"preference penalty too high", func(r *rounds.Request) { r.Options.PreferenceMissPenalty = rounds.MaxCarePenalty + 1 }, "options.preferenceMissPenalty"},
		{"network penalty too high", func(r *rounds.Request) { r.Options.NetworkPenalty = rounds.MaxCarePenalty + 1 }, "options.networkPenalty"},
		{"pin outside window", func(r *rounds.Request) { r.Visits[4].Pin.Start = clock("19:45") }, "visits[4].pin.start"},
		{"invalid request", func(r *rounds.Request) { r.Visits[0].DurationMinutes = 0 }, "visits[0].durationMinutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := careRequest()
			tt.edit(r)
			_, err := Build(context.Background(), r, flatSource{})
			var e *rounds.Error
			if !errors.As(err, &e) || e.Code != rounds.EINVALID || e.Field != tt.field {
				t.Fatalf("err = %v, want EINVALID on %s", err, tt.field)
			}
		})
	}
}

func TestBuildHonoursRules(t *testing.T) {
	p, err := Build(context.Background(), careRequest(), flatSource{})
	if err != nil {
		t.Fatal(err)
	}
	// vehicles: 0 nurse day 1, 1 carer day 1, 2 carer day 2
	tests := []struct {
		visit   int
		allowed []bool
		reason  string
	}{
		{0, []bool{true, false, false}, ""},
		{1, []bool{true, false, false}, ""},
		{2, []bool{true, false, false}, ""},
		{3, []bool{false, false, true}, ""},
		{4, []bool{false, true, false}, ""},
		{5, []bool{false, false, false}, rounds.ReasonNoQualifiedWorker},
		{6, []bool{false, false, false}, rounds.ReasonNoWorkerOnShift},
		{8, []bool{true, true, false}, rounds.ReasonUnreachable},
	}
	for _, tt := range tests {
		for k, want := range tt.allowed {
			if got := p.Allowed(tt.visit, k); got != want {
				t.Errorf("visit %s on vehicle %d: allowed %v, want %v", p.meta.req.Visits[tt.visit].ID, k, got, want)
			}
		}
		if got := p.meta.reason[tt.visit]; got != tt.reason {
			t.Errorf("visit %s: reason %q, want %q", p.meta.req.Visits[tt.visit].ID, got, tt.reason)
		}
	}
	windows := []struct {
		visit int
		want  []Window
	}{
		{3, []Window{{day + 8*3600, day + 19*3600 + 30*60}}},
		{4, []Window{{10 * 3600, 10 * 3600}}},
		{7, []Window{{19 * 3600, 19*3600 + 30*60}}},
		{8, nil},
		{9, []Window{{9 * 3600, 11 * 3600}}}, // from the referral to two hours later
	}
	for _, tt := range windows {
		got := p.Visits[tt.visit].Windows
		if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("visit %d windows %v, want %v", tt.visit, got, tt.want)
		}
	}
	if p.Vehicles[2].MaxWork != 200*60 || p.Vehicles[1].MaxWork != 300*60 || p.Vehicles[0].MaxWork != 0 {
		t.Errorf("max work %d %d %d, want 0 18000 12000", p.Vehicles[0].MaxWork, p.Vehicles[1].MaxWork, p.Vehicles[2].MaxWork)
	}
	if p.Vehicles[1].Profile == p.Vehicles[0].Profile || len(p.Travel) != 2 {
		t.Errorf("want one matrix per travel mode, got %d", len(p.Travel))
	}
}
