package api

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// TestEditsPassTheValidator moves every stop of a planned day, with
// breaks, overtime, double-handed and linked visits, into the middle of
// every other round of its date (a double-handed visit's half by naming
// its worker), and checks that every edit either gives a roster the
// validator recomputes to the same routes, times, totals, cost and score,
// or is refused with the rule it breaks. The day is tightly planned, so
// many moves break a rule; some of each kind must succeed.
func TestEditsPassTheValidator(t *testing.T) {
	ctx := context.Background()
	cfg := fixtures.Small
	cfg.Seed, cfg.Workers, cfg.DoubleHanded, cfg.LinkedMedication = 2, 16, 0.3, true
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range req.Workers {
		for j := range req.Workers[i].Shifts {
			req.Workers[i].Shifts[j].End -= rounds.Clock(3600)
			req.Workers[i].Shifts[j].OvertimeMinutes = 60
		}
	}
	for i := range req.Visits {
		if req.Visits[i].Workers() == 2 {
			req.Visits[i].Skills = nil // any two carers may move them
		}
	}
	req.Options = rounds.Options{Iterations: 1000, Threads: 1, Seed: 1, Break: &rounds.BreakRule{AfterShiftMinutes: 300}}
	src := geo.Haversine{}
	ro, err := (&solver.Planner{Source: src}).Plan(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	cur := &rounds.RosterVersion{RosterID: "r1", Team: req.Team, Version: 1, Request: req, Roster: ro}
	recomputed(t, cur)
	double := map[string]bool{}
	for _, v := range req.Visits {
		double[v.ID] = v.Workers() == 2
	}
	var edits, pairs, overtime, refused int
	for _, rt := range ro.Routes {
		for _, s := range rt.Stops {
			for _, to := range ro.Routes {
				if to.WorkerID == rt.WorkerID || to.Date != rt.Date || len(to.Stops) == 0 {
					continue
				}
				if _, ok := stopOf(ro, to.WorkerID, s.VisitID); ok {
					continue
				}
				pos := slices.IndexFunc(to.Stops, func(t rounds.Stop) bool { return t.Start > s.Start })
				if pos < 0 {
					pos = len(to.Stops)
				}
				e := Edit{Version: 1, Op: "move", VisitID: s.VisitID, WorkerID: to.WorkerID, FromWorkerID: rt.WorkerID, Position: &pos}
				next, err := e.apply(ctx, cur, src)
				var ve *violationsError
				switch {
				case errors.As(err, &ve) && len(ve.violations) == 1 && ve.err.Field == "op":
					refused++
					continue
				case err != nil:
					t.Fatalf("move %s from %s to %s: %v", s.VisitID, rt.WorkerID, to.WorkerID, err)
				}
				recomputed(t, next)
				edits++
				if double[s.VisitID] {
					pairs++
				}
				if next.Roster.Totals.OvertimeSeconds > 0 {
					overtime++
				}
			}
		}
	}
	t.Logf("%d edits made (%d of double-handed visits, %d with overtime), %d refused", edits, pairs, overtime, refused)
	if edits == 0 || pairs == 0 || overtime == 0 || refused == 0 {
		t.Fatalf("%d edits made (%d of double-handed visits, %d with overtime), %d refused; want some of each", edits, pairs, overtime, refused)
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
	// Checked first: the version it would make, and nothing stored.
	var checked, v2 rounds.RosterVersion
	e.must(t, "POST", base+"/edits/check", coord, Edit{Version: 1, Op: "move", VisitID: stops[2].VisitID, WorkerID: "w1", Position: &front}, 200, &checked)
	var still rounds.RosterVersion
	e.must(t, "GET", base, e.admin, nil, 200, &still)
	if still.Version != 1 || checked.Version != 2 {
		t.Fatalf("a check made version %d, the roster is at version %d; want a version 2 answered and nothing stored", checked.Version, still.Version)
	}
	e.must(t, "POST", base+"/edits", coord, Edit{Version: 1, Op: "move", VisitID: stops[2].VisitID, WorkerID: "w1", Position: &front}, 201, &v2)
	if !reflect.DeepEqual(checked.Roster, v2.Roster) {
		t.Errorf("the edit stored a roster other than the one its check answered")
	}
	var latest rounds.RosterVersion
	e.must(t, "GET", base, e.admin, nil, 200, &latest)
	recomputed(t, &latest)
	got := v2.Roster.Routes[0]
	if got.Stops[0].VisitID != stops[2].VisitID || got.OvertimeSeconds == 0 || v2.Roster.Totals.OvertimeSeconds != got.OvertimeSeconds {
		t.Errorf("edited round starts with %s, %d s of overtime (totals %d); want %s first and the round's overtime in the totals",
			got.Stops[0].VisitID, got.OvertimeSeconds, v2.Roster.Totals.OvertimeSeconds, stops[2].VisitID)
	}
}

// recomputed fails unless the validator, recomputing the roster of v from
// its request (with opts: a live day's events), finds no broken rule and
// the same cost and score: the routes, their times and the totals are
// what it works out itself.
func recomputed(tb testing.TB, v *rounds.RosterVersion, opts ...validate.Option) {
	tb.Helper()
	ctx := context.Background()
	bad, err := validate.Roster(ctx, v.Request, v.Roster, geo.Haversine{}, opts...)
	if err != nil || len(bad) > 0 {
		tb.Fatalf("version %d (%s): %v %v", v.Version, v.Note, err, bad)
	}
	cost, score, err := validate.Score(ctx, v.Request, v.Roster, geo.Haversine{}, opts...)
	if err != nil || cost != v.Roster.Totals.Cost || !maps.Equal(score, v.Roster.Totals.Score) {
		tb.Fatalf("version %d (%s): the validator scores %d %v, the roster says %d %v (%v)", v.Version, v.Note,
			cost, score, v.Roster.Totals.Cost, v.Roster.Totals.Score, err)
	}
}

// stopOf returns worker's stop for visit in r, and false if there is none.
func stopOf(r *rounds.Roster, worker, visit string) (rounds.Stop, bool) {
	for _, rt := range r.Routes {
		if rt.WorkerID != worker {
			continue
		}
		for _, s := range rt.Stops {
			if s.VisitID == visit {
				return s, true
			}
		}
	}
	return rounds.Stop{}, false
}

// TestEditDoubleHanded plans a day with one double-handed visit for three
// carers and edits it through the API: a half moves to the carer who
// makes neither (the pair starts together on the new rounds), a half
// moves within its round, and the edits that cannot hold are refused with
// the reason: both halves on one carer, a move that does not say whose
// half moves, a pin. Every stored version is what the validator
// recomputes.
func TestEditDoubleHanded(t *testing.T) {
	const date = rounds.Date("2025-03-03")
	day := &rounds.Request{Options: rounds.Options{Iterations: 300, Threads: 1, Seed: 1}}
	for i := 1; i <= 3; i++ {
		id := string(rune('0' + i))
		day.Workers = append(day.Workers, rounds.Worker{ID: "w" + id, Role: rounds.CareWorker, Start: near(i), TravelMode: geo.Drive,
			Shifts: []rounds.Shift{{Date: date, Start: rounds.At(8, 0), End: rounds.At(16, 0)}}})
	}
	for i := 1; i <= 5; i++ {
		id := string(rune('0' + i))
		day.Clients = append(day.Clients, rounds.Client{ID: "c" + id, Location: near(i)})
		day.Visits = append(day.Visits, rounds.Visit{ID: "v" + id, ClientID: "c" + id, Date: date, DurationMinutes: 30, Priority: rounds.Reablement,
			Windows: []rounds.Window{{Start: rounds.At(8, 0), End: rounds.At(12, 0)}}})
	}
	day.Visits[0].WorkersNeeded = 2
	pair := day.Visits[0].ID
	e := newEnv(t, stores[0].new(t, &solver.Planner{Source: geo.Haversine{}}))
	base, v1, coord := plannedDay(t, e, day)
	var with []string // the workers who make the pair, then the one who does not
	for _, rt := range v1.Roster.Routes {
		if _, ok := stopOf(v1.Roster, rt.WorkerID, pair); ok {
			with = append(with, rt.WorkerID)
		}
	}
	if len(with) != 2 {
		t.Fatalf("the pair is planned with %v; want two workers", with)
	}
	for _, w := range []string{"w1", "w2", "w3"} {
		if !slices.Contains(with, w) {
			with = append(with, w)
		}
	}
	a, b, free := with[0], with[1], with[2]

	// Refused: both halves on one worker, an unnamed half, a pin.
	for _, tt := range []struct {
		name  string
		edit  Edit
		field string
		words string
	}{
		{"both halves on one worker", Edit{Version: 1, Op: "move", VisitID: pair, WorkerID: b, FromWorkerID: a},
			"op", "double-handed visit " + pair + " needs two different workers and is twice on the round of " + b},
		{"whose half", Edit{Version: 1, Op: "move", VisitID: pair, WorkerID: free},
			"fromWorkerId", "name the one whose half moves to " + free},
		{"not a holder", Edit{Version: 1, Op: "move", VisitID: pair, WorkerID: a, FromWorkerID: free},
			"fromWorkerId", "this worker does not make visit " + pair},
		{"pin", Edit{Version: 1, Op: "pin", VisitID: pair, WorkerID: a},
			"op", "move each worker's half instead"},
	} {
		for _, path := range []string{base + "/edits/check", base + "/edits"} {
			status, body := e.call(t, "POST", path, coord, tt.edit)
			var got ErrorBody
			json.Unmarshal(body, &got)
			if status != 422 || got.Error.Field != tt.field || !strings.Contains(got.Error.Message, tt.words) {
				t.Errorf("%s: POST %s: status %d, %s; want 422 on %s saying %q", tt.name, path, status, body, tt.field, tt.words)
			}
		}
	}

	// A's half goes to the free worker: B and the free worker start it together.
	var v2, latest rounds.RosterVersion
	e.must(t, "POST", base+"/edits", coord, Edit{Version: 1, Op: "move", VisitID: pair, WorkerID: free, FromWorkerID: a}, 201, &v2)
	sb, okB := stopOf(v2.Roster, b, pair)
	sf, okF := stopOf(v2.Roster, free, pair)
	if _, okA := stopOf(v2.Roster, a, pair); okA || !okB || !okF || sb.Start != sf.Start {
		t.Errorf("version 2: the pair is with %s (%v, %s) and %s (%v, %s), still with %s: %v; want %s and %s starting together",
			b, okB, sb.Start, free, okF, sf.Start, a, okA, b, free)
	}
	e.must(t, "GET", base, e.admin, nil, 200, &latest)
	recomputed(t, &latest)

	// The free worker's half goes first in their round.
	front := 0
	e.must(t, "POST", base+"/edits", coord, Edit{Version: 2, Op: "move", VisitID: pair, WorkerID: free, Position: &front}, 201, nil)
	e.must(t, "GET", base, e.admin, nil, 200, &latest)
	if r := latest.Roster.Routes[slices.IndexFunc(latest.Roster.Routes, func(r rounds.Route) bool { return r.WorkerID == free })]; r.Stops[0].VisitID != pair {
		t.Errorf("version 3: %s's round starts with %s, want %s", free, r.Stops[0].VisitID, pair)
	}
	recomputed(t, &latest)
}
