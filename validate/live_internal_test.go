package validate

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/roundsdev/rounds"
)

// liveFixture is fixtureRoster at 10:00 after w1 reported v1 started at
// 09:00 and finished at 09:40, ten minutes late, and v2 started at 09:45:
// v2 is under way (until 10:30), and v5, linked 60-240 minutes after v2,
// now starts at 10:45, an hour after v2's actual start. Worked out by
// hand on the grid (5 minutes a step by car).
func liveFixture() (*rounds.Request, *rounds.Roster, []rounds.Event) {
	at := rounds.At
	req, r := fixtureRequest(), fixtureRoster()
	w1 := &r.Routes[0]
	w1.Stops = []rounds.Stop{
		stop("v1", "c1", grid(1, 0), rounds.Reablement, 300, at(8, 55), at(9, 0), at(9, 40), 300),
		stop("v2", "c2", grid(2, 0), rounds.Routine, 300, at(9, 45), at(9, 45), at(10, 30), 0),
		stop("v5", "c2", grid(2, 0), rounds.Routine, 0, at(10, 30), at(10, 45), at(11, 15), 900),
	}
	w1.Return, w1.WorkSeconds = at(11, 25), 8100
	r.Totals.WorkSeconds += 600
	events := []rounds.Event{
		{ID: "a", Kind: rounds.EventVisitStarted, At: at(9, 0), VisitID: "v1", WorkerID: "w1"},
		{ID: "b", Kind: rounds.EventVisitFinished, At: at(9, 40), VisitID: "v1"},
		{ID: "c", Kind: rounds.EventVisitStarted, At: at(9, 45), VisitID: "v2"},
	}
	return req, r, events
}

// TestLiveFixture checks the live fixture, as reported and broken one
// way at a time, against the roster it was published as.
func TestLiveFixture(t *testing.T) {
	at := rounds.At
	ctx := context.Background()
	cases := []struct {
		name   string
		mutate func(req *rounds.Request, r *rounds.Roster, events *[]rounds.Event)
		// at is the live time; 0 means 10:00.
		at rounds.Clock
		// want are rules that must be broken; nil: none may be.
		want []string
	}{
		{"as reported", nil, 0, nil},
		{"as reported, checked at 10:30", nil, at(10, 30), nil},
		{"the late visit at its planned end", func(_ *rounds.Request, r *rounds.Roster, _ *[]rounds.Event) {
			r.Routes[0].Stops[0].End = at(9, 30)
		}, 0, []string{RuleActual}},
		{"a visit under way past its end ends at the live time", nil, at(10, 40), []string{RuleActual}},
		{"not reached is a stop of no length", func(_ *rounds.Request, r *rounds.Roster, events *[]rounds.Event) {
			*events = (*events)[:1]
			(*events)[0].Kind = rounds.EventNoAccess
		}, 0, []string{RuleActual}},
		{"the linked visit timed from the planned start", func(_ *rounds.Request, r *rounds.Roster, _ *[]rounds.Event) {
			s := &r.Routes[0].Stops[2]
			s.Start, s.End, s.WaitSeconds = at(10, 35), at(11, 5), 300
			r.Routes[0].Return, r.Routes[0].WaitSeconds = at(11, 15), 600
			r.Totals.WaitSeconds -= 600
		}, 0, []string{RuleLink}},
		{"the visit after the done one from its planned end", func(_ *rounds.Request, r *rounds.Roster, _ *[]rounds.Event) {
			s := &r.Routes[0].Stops[1]
			s.Arrival = at(9, 35)
		}, 0, []string{RuleArrival}},
		{"a cancelled visit on a round", func(_ *rounds.Request, _ *rounds.Roster, events *[]rounds.Event) {
			*events = append(*events, rounds.Event{ID: "d", Kind: rounds.EventVisitCancelled, At: at(9, 50), VisitID: "v5"})
		}, 0, []string{RuleCancelled}},
		{"a cancelled visit left out", func(_ *rounds.Request, r *rounds.Roster, events *[]rounds.Event) {
			*events = append(*events, rounds.Event{ID: "d", Kind: rounds.EventVisitCancelled, At: at(9, 50), VisitID: "v5"})
			w1 := &r.Routes[0]
			w1.Stops = w1.Stops[:2]
			w1.Return, w1.WorkSeconds, w1.WaitSeconds = at(10, 40), 6300, 300
			r.Totals.WorkSeconds, r.Totals.WaitSeconds = r.Totals.WorkSeconds-1800, r.Totals.WaitSeconds-900
			r.Totals.Visits, r.Totals.Assigned = 7, 6
			r.Totals.AssignedByPriority[rounds.Routine]--
		}, 0, nil},
		{"a worker unavailable before a visit", func(_ *rounds.Request, _ *rounds.Roster, events *[]rounds.Event) {
			*events = append(*events, rounds.Event{ID: "d", Kind: rounds.EventWorkerUnavailable, At: at(10, 40), WorkerID: "w1"})
		}, 0, []string{RuleUnavailable}},
		{"a visit done as planned moved later", func(_ *rounds.Request, r *rounds.Roster, _ *[]rounds.Event) {
			s := &r.Routes[3].Stops[0]
			s.Start, s.End, s.WaitSeconds = s.Start+5*60, s.End+5*60, 5*60
		}, 0, []string{RuleFrozen}},
		{"a free visit in the past", func(_ *rounds.Request, r *rounds.Roster, _ *[]rounds.Event) {
			w1, w4 := &r.Routes[0], &r.Routes[3]
			v5 := w1.Stops[2]
			w1.Stops = w1.Stops[:2]
			v5.Arrival, v5.Start, v5.End, v5.WaitSeconds = at(8, 45), at(9, 0), at(9, 30), 900
			w4.Stops = append(w4.Stops, v5)
		}, 0, []string{RulePast}},
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		for _, rule := range tc.want {
			covered[rule] = true
		}
		t.Run(tc.name, func(t *testing.T) {
			req, r, events := liveFixture()
			if tc.mutate != nil {
				tc.mutate(req, r, &events)
			}
			now := tc.at
			if now == 0 {
				now = at(10, 0)
			}
			_, plan, _ := liveFixture()
			vs, err := Roster(ctx, req, r, gridSource{}, Events(events, now), Published(plan))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range vs {
				got = append(got, v.Rule)
			}
			for _, rule := range tc.want {
				if !slices.Contains(got, rule) {
					t.Errorf("broken rules %v, want %s among them", vs, rule)
				}
			}
			if tc.want == nil && len(vs) > 0 {
				t.Errorf("broken rules %v, want none", vs)
			}
		})
	}
	for _, rule := range LiveRules {
		if !covered[rule] {
			t.Errorf("no test case breaks rule %s", rule)
		}
	}
}

// TestLiveErrors: bad events, a live time outside the day and a live
// day of no single date are errors, not violations.
func TestLiveErrors(t *testing.T) {
	at := rounds.At
	ctx := context.Background()
	req, r, events := liveFixture()
	bad := slices.Clone(events)
	bad[1].At = at(8, 50) // finished before it started
	if _, err := Roster(ctx, req, r, gridSource{}, Events(bad, at(10, 0))); rounds.ErrorCode(err) != rounds.EINVALID {
		t.Errorf("events out of order: error %v, want EINVALID", err)
	}
	if _, err := Roster(ctx, req, r, gridSource{}, Events(events, at(25, 0))); rounds.ErrorCode(err) != rounds.EINVALID {
		t.Errorf("at 25:00: error %v, want EINVALID", err)
	}
	two := fixtureRoster()
	two.Routes[5].Date = "2026-11-26"
	var e *rounds.Error
	if _, err := Roster(ctx, req, two, gridSource{}, Events(nil, at(10, 0))); !errors.As(err, &e) {
		t.Errorf("a roster of two dates and no events: error %v, want a *rounds.Error", err)
	}
}
