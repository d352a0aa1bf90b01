package api

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// TestEditPlacesBreaks moves visits between the rounds of a planned day
// whose long shifts get a break, and checks that edited rosters keep their
// breaks: each round that needs one has it, between two stops, and the
// only break the validator may reject is one the moved visit pushed past
// the end of its window (the edit is then refused like any other that
// breaks a rule). The small day is tightly planned, so most moves break
// some rule, but most must keep every break valid.
func TestEditPlacesBreaks(t *testing.T) {
	ctx := context.Background()
	cfg := fixtures.Small
	cfg.Seed = 4
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	req.Options = rounds.Options{Iterations: 2000, Threads: 1, Seed: 1,
		Break: &rounds.BreakRule{AfterShiftMinutes: 300}}
	src := geo.Haversine{}
	ro, err := (&solver.Planner{Source: src}).Plan(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	cur := &rounds.RosterVersion{RosterID: "r1", Team: req.Team, Version: 1, Request: req, Roster: ro}
	if bad, err := validate.Roster(ctx, req, ro, src); err != nil || len(bad) > 0 {
		t.Fatalf("planned roster: %v %v", err, bad)
	}
	edits, breakOK := 0, 0
	for _, rt := range ro.Routes {
		for _, s := range rt.Stops {
			for _, to := range ro.Routes {
				if to.WorkerID == rt.WorkerID || to.Date != rt.Date || len(to.Stops) == 0 {
					continue
				}
				pos := len(to.Stops) / 2
				e := Edit{Version: 1, Op: "move", VisitID: s.VisitID, WorkerID: to.WorkerID, Position: &pos}
				next, err := e.apply(ctx, cur, src)
				if err != nil {
					continue
				}
				bad, err := validate.Roster(ctx, next.Request, next.Roster, src)
				if err != nil {
					t.Fatal(err)
				}
				edits++
				ok := true
				for _, v := range bad {
					if v.Rule != validate.RuleBreak {
						continue
					}
					ok = false
					if !strings.Contains(v.Message, "outside the break window") {
						t.Errorf("move %s to %s: %s", s.VisitID, to.WorkerID, v.Message)
					}
				}
				got := next.Roster.Routes[slices.IndexFunc(next.Roster.Routes, func(r rounds.Route) bool {
					return r.WorkerID == to.WorkerID && r.Date == to.Date
				})]
				if ok && got.Break != nil {
					breakOK++
				}
			}
		}
	}
	if breakOK < edits/2 {
		t.Fatalf("%d of %d moves keep a valid break on the receiving round; want at least half", breakOK, edits)
	}
}

// plannedDay loads day into a new team "hf" through the API, plans its
// first date and returns the roster's path, version 1 and a coordinator's
// token.
func plannedDay(t *testing.T, e *env, day *rounds.Request) (string, rounds.RosterVersion, string) {
	t.Helper()
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "Hammersmith & Fulham"}, 201, nil)
	coord := e.key(t, rounds.AccessCoordinator, "hf")
	for _, w := range day.Workers {
		e.must(t, "POST", "/v1/teams/hf/workers", coord, w, 201, nil)
	}
	for _, c := range day.Clients {
		c.Consent = true
		e.must(t, "POST", "/v1/teams/hf/clients", coord, c, 201, nil)
	}
	for _, v := range day.Visits {
		e.must(t, "POST", "/v1/teams/hf/visits", coord, v, 201, nil)
	}
	date := day.Visits[0].Date
	var job rounds.Job
	e.must(t, "POST", "/v1/plans", coord, PlanRequest{Team: "hf", From: date, To: date, Options: day.Options}, 202, &job)
	job = waitJob(t, e, coord, job.ID)
	if job.State != rounds.JobCompleted || job.RosterID == "" {
		t.Fatalf("job ended %s (%s), roster %q", job.State, job.Error, job.RosterID)
	}
	base := "/v1/teams/hf/rosters/" + job.RosterID
	var v1 rounds.RosterVersion
	e.must(t, "GET", base, e.admin, nil, 200, &v1)
	return base, v1, coord
}

// near returns a location about i·300 m east of a point in Fulham.
func near(i int) rounds.Location {
	return rounds.Location{Lat: 51.48, Lon: -0.20 + float64(i)*0.0043}
}

// TestEditWithOvertime reorders the round of a nurse whose three
// 45-minute visits take her past the end of her two-hour shift, into the
// overtime it allows: the edited roster is stored, with the overtime of
// the reordered round in the route and the totals.
func TestEditWithOvertime(t *testing.T) {
	const date = rounds.Date("2025-03-03")
	day := &rounds.Request{
		Workers: []rounds.Worker{{ID: "w1", Role: rounds.Nurse, Start: near(0), TravelMode: geo.Drive,
			Shifts: []rounds.Shift{{Date: date, Start: rounds.At(8, 0), End: rounds.At(10, 0), OvertimeMinutes: 120}}}},
		Options: rounds.Options{Iterations: 200, Threads: 1, Seed: 1},
	}
	for i := 1; i <= 3; i++ {
		id := string(rune('0' + i))
		day.Clients = append(day.Clients, rounds.Client{ID: "c" + id, Location: near(i)})
		day.Visits = append(day.Visits, rounds.Visit{ID: "v" + id, ClientID: "c" + id, Date: date, DurationMinutes: 45, Priority: rounds.Routine})
	}
	e := newEnv(t, stores[0].new(t, &solver.Planner{Source: geo.Haversine{}}))
	base, v1, coord := plannedDay(t, e, day)
	stops := v1.Roster.Routes[0].Stops
	if len(stops) != 3 || v1.Roster.Totals.OvertimeSeconds == 0 {
		t.Fatalf("planned %d stops with %d s of overtime; want 3 stops and overtime", len(stops), v1.Roster.Totals.OvertimeSeconds)
	}
	front := 0
	var v2 rounds.RosterVersion
	e.must(t, "POST", base+"/edits", coord, Edit{Version: 1, Op: "move", VisitID: stops[2].VisitID, WorkerID: "w1", Position: &front}, 201, &v2)
	got := v2.Roster.Routes[0]
	if got.Stops[0].VisitID != stops[2].VisitID || got.OvertimeSeconds == 0 || v2.Roster.Totals.OvertimeSeconds != got.OvertimeSeconds {
		t.Errorf("edited round starts with %s, %d s of overtime (totals %d); want %s first and the round's overtime in the totals",
			got.Stops[0].VisitID, got.OvertimeSeconds, v2.Roster.Totals.OvertimeSeconds, stops[2].VisitID)
	}
}
