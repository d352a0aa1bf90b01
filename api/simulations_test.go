package api

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/simulation"
	"github.com/roundsdev/rounds/solver"
)

// simulationFile is a small run: 2 scenarios (the baseline and +30%
// demand) × 3 replications of days days, plans bounded by iterations.
func simulationFile(days int) simulation.File {
	return simulation.File{
		Team:         simulation.Team{Size: "small", Seed: 1},
		HorizonDays:  days,
		Replications: 3,
		Seed:         7,
		Solve:        simulation.Solve{Iterations: 1000},
		Scenarios:    []simulation.Scenario{{Name: "winter", Demand: simulation.DemandChange{Multiplier: 1.3}}},
	}
}

// waitSimulation polls a simulation until it finishes, for at most 120 s.
func waitSimulation(tb testing.TB, e *env, token, id string) SimulationStatus {
	tb.Helper()
	var s SimulationStatus
	for deadline := time.Now().Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		e.must(tb, "GET", "/v1/simulations/"+id, token, nil, 200, &s)
		if s.State.Final() {
			return s
		}
	}
	tb.Fatalf("simulation %s still %s after 120 s (%d of %d done)", id, s.State, s.Done, s.Total)
	return s
}

// TestSimulationsAgreeWithRun runs a scenario file through the API, each
// replication a job of the store's runner, and checks that its results
// and summary are exactly those of simulation.Run in process.
func TestSimulationsAgreeWithRun(t *testing.T) {
	f := simulationFile(2)
	res, err := simulation.Run(context.Background(), &f, simulation.Options{Parallel: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := simulation.Summarise(res)
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "H&F"}, 201, nil)
			planner := e.key(t, rounds.AccessPlanner, "hf")
			var run rounds.SimulationRun
			e.must(t, "POST", "/v1/simulations", planner, SimulationRequest{Team: "hf", File: f}, 202, &run)
			if run.State != rounds.JobQueued || run.Total != 6 || !reflect.DeepEqual(run.Scenarios, []string{"baseline", "winter"}) {
				t.Errorf("submitted %s with %d replications of %v; want queued, 6 of [baseline winter]", run.State, run.Total, run.Scenarios)
			}
			got := waitSimulation(t, e, planner, run.ID)
			if got.State != rounds.JobCompleted || got.Done != 6 {
				t.Fatalf("simulation %s with %d of %d done (%s)", got.State, got.Done, got.Total, got.Error)
			}
			if !reflect.DeepEqual(got.Summary, want) {
				a, _ := json.Marshal(got.Summary)
				b, _ := json.Marshal(want)
				t.Errorf("the API's summary differs from Run's:\n%s\n%s", a, b)
			}
			if len(got.Results) != 6 {
				t.Fatalf("%d results, want 6", len(got.Results))
			}
			for _, r := range got.Results {
				sc := 0
				if r.Scenario == "winter" {
					sc = 1
				}
				if !reflect.DeepEqual(r.KPIs, res.Scenarios[sc].Replications[r.Replication].KPIs) {
					t.Errorf("%s replication %d: KPIs differ from Run's", r.Scenario, r.Replication)
				}
			}

			var list rounds.Page[rounds.SimulationRun]
			e.must(t, "GET", "/v1/simulations?team=hf", planner, nil, 200, &list)
			if list.Total != 1 || list.Items[0].ID != run.ID || list.Items[0].State != rounds.JobCompleted {
				t.Errorf("list: %+v", list)
			}
			var log rounds.Page[rounds.AuditEntry]
			e.must(t, "GET", "/v1/audit?team=hf&limit=1", e.admin, nil, 200, &log)
			if len(log.Items) != 1 || log.Items[0].Entity != "simulation" || log.Items[0].EntityID != run.ID || log.Items[0].Action != rounds.AuditSubmit {
				t.Errorf("audit: %+v, want the simulation's submit", log.Items)
			}
			e.must(t, "DELETE", "/v1/simulations/"+run.ID, planner, nil, 409, nil)
		})
	}
}

// TestSimulationCancel cancels a long run: its queued replications never
// run, its running ones stop, and nothing is left on the queue.
func TestSimulationCancel(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "H&F"}, 201, nil)
			planner := e.key(t, rounds.AccessPlanner, "hf")
			f := simulationFile(300)
			var run rounds.SimulationRun
			e.must(t, "POST", "/v1/simulations", planner, SimulationRequest{Team: "hf", File: f}, 202, &run)
			var s SimulationStatus
			for deadline := time.Now().Add(30 * time.Second); s.State != rounds.JobRunning && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				e.must(t, "GET", "/v1/simulations/"+run.ID, planner, nil, 200, &s)
			}
			e.must(t, "DELETE", "/v1/simulations/"+run.ID, e.key(t, rounds.AccessViewer, "hf"), nil, 403, nil)
			e.must(t, "DELETE", "/v1/simulations/"+run.ID, planner, nil, 200, nil)
			got := waitSimulation(t, e, planner, run.ID)
			if got.State != rounds.JobCancelled || got.Done != 0 || got.Summary != nil {
				t.Errorf("cancelled run: %s with %d of %d done, summary %v", got.State, got.Done, got.Total, got.Summary)
			}
			if n, err := e.store.QueueDepth(context.Background()); err != nil || n != 0 {
				t.Errorf("queue depth %d (%v) after the cancel, want 0", n, err)
			}
		})
	}
}

// TestSimulationBadInput refuses bad scenario files naming the field and
// value, and queues nothing.
func TestSimulationBadInput(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "H&F"}, 201, nil)
			planner := e.key(t, rounds.AccessPlanner, "hf")
			edit := func(change func(f *simulation.File)) SimulationRequest {
				f := simulationFile(2)
				change(&f)
				return SimulationRequest{Team: "hf", File: f}
			}
			for _, c := range []struct {
				name   string
				token  string
				body   any
				status int
				field  string
				value  string
			}{
				{"horizon over a year", planner, edit(func(f *simulation.File) { f.HorizonDays = 400 }), 422, "file.horizonDays", "400"},
				{"too many replications", planner, edit(func(f *simulation.File) { f.Replications = 101 }), 422, "file.replications", "101"},
				{"unknown worker", planner, edit(func(f *simulation.File) {
					f.Scenarios[0].RemoveWorkers = []simulation.RemoveWorkers{{IDs: []string{"W999"}}}
				}), 422, "file.scenarios[0].removeWorkers[0].ids[0]", "W999"},
				{"unknown role", planner, edit(func(f *simulation.File) {
					f.Scenarios[0].AddWorkers = []simulation.AddWorkers{{Role: "juggler", Count: 1}}
				}), 422, "file.scenarios[0].addWorkers[0].role", "juggler"},
				{"negative multiplier", planner, edit(func(f *simulation.File) { f.Scenarios[0].Demand.Multiplier = -1 }), 422, "file.scenarios[0].demand.multiplier", "-1"},
				{"unknown field", planner, `{"team":"hf","file":{"horizonDayz":3}}`, 422, "horizonDayz", ""},
				{"team in the file and history", planner, SimulationRequest{Team: "hf", File: simulationFile(2), History: &History{From: "2025-03-03", To: "2025-03-09"}}, 422, "file.team", ""},
				{"history with no episodes", planner, SimulationRequest{Team: "hf", File: simulation.File{HorizonDays: 2, Replications: 1}, History: &History{From: "2025-03-03", To: "2025-03-09"}}, 422, "history.episodes", ""},
				{"another team", planner, SimulationRequest{Team: "other", File: simulationFile(2)}, 403, "team", "other"},
				{"a viewer", e.key(t, rounds.AccessViewer, "hf"), SimulationRequest{Team: "hf", File: simulationFile(2)}, 403, "role", "viewer"},
			} {
				status, b := e.call(t, "POST", "/v1/simulations", c.token, c.body)
				var body struct{ Error rounds.Error }
				if err := json.Unmarshal(b, &body); err != nil {
					t.Fatalf("%s: %s", c.name, b)
				}
				if status != c.status || body.Error.Field != c.field || c.value != "" && body.Error.Value != c.value {
					t.Errorf("%s: %d %s=%s (%s), want %d naming %s=%s", c.name, status, body.Error.Field, body.Error.Value, body.Error.Message, c.status, c.field, c.value)
				}
			}
			if n, err := e.store.QueueDepth(context.Background()); err != nil || n != 0 {
				t.Errorf("queue depth %d (%v) after bad input, want 0", n, err)
			}
			var list rounds.Page[rounds.SimulationRun]
			e.must(t, "GET", "/v1/simulations?team=hf", planner, nil, 200, &list)
			if list.Total != 0 {
				t.Errorf("%d simulations stored after bad input", list.Total)
			}
		})
	}
}

// TestSimulationFromHistory takes the staff from the team's stored
// workers and the demand fitted from its stored episodes and visits.
func TestSimulationFromHistory(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "H&F"}, 201, nil)
			base := "/v1/teams/hf"
			e.must(t, "POST", base+"/workers", e.admin, fmt.Sprintf(workerBody, "w1"), 201, nil)
			e.must(t, "POST", base+"/clients", e.admin, fmt.Sprintf(clientBody, "c1", "hf"), 201, nil)
			e.must(t, "POST", base+"/episodes", e.admin, fmt.Sprintf(episodeBody, "e1"), 201, nil)
			e.must(t, "POST", base+"/episodes/e1/visits", e.admin, nil, 201, nil)
			planner := e.key(t, rounds.AccessPlanner, "hf")
			req := SimulationRequest{Team: "hf", File: simulation.File{HorizonDays: 2, Replications: 1, Seed: 1, Solve: simulation.Solve{Iterations: 200}},
				History: &History{From: "2025-03-09", To: "2025-03-15"}}
			var run rounds.SimulationRun
			e.must(t, "POST", "/v1/simulations", planner, req, 202, &run)
			var f simulation.File
			if err := json.Unmarshal(run.File, &f); err != nil {
				t.Fatal(err)
			}
			if len(f.Team.Staff) != 1 || f.Team.Staff[0].ID != "w1" || f.Demand == nil || f.Demand.RapidResponseShare != 0 {
				t.Errorf("file from history: staff %v, demand %+v; want w1 and a reablement-only demand", f.Team.Staff, f.Demand)
			}
			if got := waitSimulation(t, e, planner, run.ID); got.State != rounds.JobCompleted {
				t.Errorf("simulation from history %s: %s", got.State, got.Error)
			}
		})
	}
}

// TestSimulationDocsExample: the request of docs/format.md's simulation
// runs is one the API takes.
func TestSimulationDocsExample(t *testing.T) {
	b, err := os.ReadFile("../docs/format.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(b), "## Simulation runs\n")
	_, block, _ := strings.Cut(section, "```json\n")
	block, _, _ = strings.Cut(block, "```")
	var r SimulationRequest
	if err := rounds.DecodeStrict(strings.NewReader(block), &r); err != nil {
		t.Fatalf("the documented request: %v", err)
	}
	if _, _, err := r.File.Check(); err != nil {
		t.Fatalf("the documented file: %v", err)
	}
}
