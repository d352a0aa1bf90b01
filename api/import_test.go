package api

import (
	"context"
	"fmt"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// TestImport loads a generated day with one call and plans it, against
// each store: a bad record is refused naming it, a clash answers 409, and
// neither leaves anything behind.
func TestImport(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			testImport(t, e)
		})
	}
}

func testImport(t *testing.T, e *env) {
	cfg := fixtures.Small
	cfg.Seed = 7
	day, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "Hammersmith & Fulham"}, 201, nil)
	coord := e.key(t, rounds.AccessCoordinator, "hf")
	dispatcher := e.key(t, rounds.AccessDispatcher, "hf")
	stored := func() [4]int {
		t.Helper()
		var n [4]int
		for i, kind := range []string{"workers", "clients", "episodes", "visits"} {
			var p struct{ Total int }
			e.must(t, "GET", "/v1/teams/hf/"+kind+"?limit=1", coord, nil, 200, &p)
			n[i] = p.Total
		}
		return n
	}

	e.must(t, "POST", "/v1/teams/hf/import", dispatcher, day, 403, nil)
	last := len(day.Visits) - 1
	bad := *day
	bad.Visits = append([]rounds.Visit(nil), day.Visits...)
	bad.Visits[last].DurationMinutes = 0
	status, body := e.call(t, "POST", "/v1/teams/hf/import", coord, bad)
	if want := fmt.Sprintf("visits[%d].durationMinutes", last); status != 422 || fieldOf(body) != want {
		t.Fatalf("import with a bad last visit: %d %s, want 422 naming %s", status, body, want)
	}
	if n := stored(); n != [4]int{} {
		t.Fatalf("a refused import left %v workers, clients, episodes, visits", n)
	}

	var got Imported
	e.must(t, "POST", "/v1/teams/hf/import", coord, day, 201, &got)
	want := Imported{len(day.Workers), len(day.Clients), len(day.Episodes), len(day.Visits)}
	if got != want || stored() != [4]int{want.Workers, want.Clients, want.Episodes, want.Visits} {
		t.Fatalf("import stored %+v (lists %v), want %+v", got, stored(), want)
	}

	// The imported day plans, and its roster keeps every hard rule.
	date := day.Visits[0].Date
	var job rounds.Job
	e.must(t, "POST", "/v1/plans", coord, PlanRequest{Team: "hf", From: date, To: date, Options: rounds.Options{TimeLimitSeconds: 1, Iterations: 3000, Seed: 1}}, 202, &job)
	job = waitJob(t, e, coord, job.ID)
	if job.State != rounds.JobCompleted || job.RosterID == "" {
		t.Fatalf("job ended %s (%s), roster %q", job.State, job.Error, job.RosterID)
	}
	var v rounds.RosterVersion
	e.must(t, "GET", "/v1/teams/hf/rosters/"+job.RosterID, e.admin, nil, 200, &v)
	if v.Roster.Totals.Assigned == 0 || len(v.Request.Visits) != len(day.Visits) {
		t.Fatalf("roster assigns %d of %d visits, want some of all %d", v.Roster.Totals.Assigned, len(v.Request.Visits), len(day.Visits))
	}
	violations, err := validate.Roster(context.Background(), v.Request, v.Roster, e.srv.cfg.Source)
	if err != nil || len(violations) > 0 {
		t.Fatalf("the roster of the imported day breaks rules: %v %v", err, violations)
	}

	// Importing the same ids again is a conflict naming the first clash;
	// a clash at the last record keeps none of those before it.
	status, body = e.call(t, "POST", "/v1/teams/hf/import", coord, day)
	if status != 409 || fieldOf(body) != "workers[0].id" {
		t.Fatalf("second import: %d %s, want 409 naming workers[0].id", status, body)
	}
	w := day.Workers[0]
	w.ID = "new-worker"
	late := rounds.Request{
		Workers: []rounds.Worker{w},
		Clients: []rounds.Client{{ID: "new-client", Location: day.Clients[0].Location, Consent: true}},
		Visits:  []rounds.Visit{{ID: day.Visits[0].ID, ClientID: "new-client", Date: date, DurationMinutes: 30, Priority: rounds.Routine}},
	}
	status, body = e.call(t, "POST", "/v1/teams/hf/import", coord, late)
	if status != 409 || fieldOf(body) != "visits[0].id" {
		t.Fatalf("import clashing at its last record: %d %s, want 409 naming visits[0].id", status, body)
	}
	e.must(t, "GET", "/v1/teams/hf/workers/new-worker", coord, nil, 404, nil)
}
