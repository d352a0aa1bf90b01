package simulation

import (
	"context"
	"errors"
	"testing"

	"github.com/roundsdev/rounds"
)

// TestCapacityFindsTheFewest: on the small team, the search for the
// fewest care workers meeting a coverage target brackets its answer (the
// answer meets it, one fewer does not), and every step it ran agrees
// with it: more workers met, fewer missed.
func TestCapacityFindsTheFewest(t *testing.T) {
	f := smallFile(4, 2)
	var steps []CapacityStep
	search := CapacitySearch{Role: rounds.CareWorker, Target: Target{KPI: Coverage, AtLeast: true, Value: 0.75}, MaxAdded: 8}
	res, err := Capacity(context.Background(), f, search, Options{Parallel: 2}, func(s CapacityStep) { steps = append(steps, s) })
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != len(res.Steps) || len(steps) < 2 {
		t.Fatalf("%d steps reported, %d in the result", len(steps), len(res.Steps))
	}
	if !res.Found {
		t.Fatalf("no answer in %+v", res.Steps)
	}
	byChange := map[int]CapacityStep{}
	for _, s := range res.Steps {
		byChange[s.Change] = s
		if s.Workers != res.Workers+s.Change {
			t.Errorf("step %+d has %d workers, want %d", s.Change, s.Workers, res.Workers+s.Change)
		}
		if s.Met != (s.Change >= res.Change) {
			t.Errorf("step %+d (coverage %.3f) met=%v, but the answer is %+d", s.Change, s.Value.Mean, s.Met, res.Change)
		}
	}
	if s, ok := byChange[res.Change]; !ok || !s.Met {
		t.Errorf("the answer %+d was not run and met: %+v", res.Change, s)
	}
	if s, ok := byChange[res.Change-1]; res.Change > -res.Workers && (!ok || s.Met) {
		t.Errorf("one fewer than the answer %+d was not run and missed: %+v", res.Change, s)
	}
	if res.Fewest != res.Workers+res.Change {
		t.Errorf("fewest %d, want %d%+d", res.Fewest, res.Workers, res.Change)
	}
	for _, s := range res.Steps {
		t.Logf("care workers %+d (%d): coverage %.3f [%.3f, %.3f] met=%v", s.Change, s.Workers, s.Value.Mean, s.Value.Low, s.Value.High, s.Met)
	}
}

func TestCapacityBadSearchNamesTheField(t *testing.T) {
	good := CapacitySearch{Role: rounds.Nurse, Target: Target{KPI: RapidResponseWithin2h, AtLeast: true, Value: 0.95}}
	cases := []struct {
		name  string
		edit  func(s *CapacitySearch)
		field string
	}{
		{"unknown role", func(s *CapacitySearch) { s.Role = "surgeon" }, "capacity.role"},
		{"unknown network", func(s *CapacitySearch) { s.Network = "XX-N9" }, "capacity.network"},
		{"unknown KPI", func(s *CapacitySearch) { s.Target.KPI = "happiness" }, "capacity.target.kpi"},
		{"unknown scenario", func(s *CapacitySearch) { s.Scenario = "summer" }, "capacity.scenario"},
		{"too many added", func(s *CapacitySearch) { s.MaxAdded = MaxAdded + 1 }, "capacity.maxAdded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := good
			c.edit(&s)
			days := 0
			_, err := Capacity(context.Background(), smallFile(2, 1), s, Options{Progress: func(int, int) { days++ }}, nil)
			var e *rounds.Error
			if !errors.As(err, &e) || e.Code != rounds.EINVALID || e.Field != c.field {
				t.Fatalf("err = %v, want EINVALID naming %s", err, c.field)
			}
			if days != 0 {
				t.Errorf("%d days simulated before the error", days)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	cases := []struct {
		in   string
		want Target
		ok   bool
	}{
		{"rapid_response_within_2h>=95%", Target{KPI: RapidResponseWithin2h, AtLeast: true, Value: 0.95}, true},
		{"overtime_hours<=40", Target{KPI: OvertimeHours, Value: 40}, true},
		{"coverage >= 0.9", Target{KPI: Coverage, AtLeast: true, Value: 0.9}, true},
		{"coverage=0.9", Target{}, false},
		{"coverage>=lots", Target{}, false},
	}
	for _, c := range cases {
		got, err := ParseTarget(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseTarget(%q) = %+v, %v; want %+v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}
