package api

import (
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// repairPlanner is the planner the repair tests give the job runners.
func repairPlanner() rounds.Planner {
	return JobPlanner(&solver.Planner{Source: geo.Haversine{}}, geo.Haversine{})
}

// offSick reports the worker with the most visits after 10:30
// unavailable from then, and returns them and those visits.
func (f *liveFixture) offSick(t *testing.T) (string, []string) {
	t.Helper()
	worker, later := "", []string(nil)
	for _, rt := range f.roster.Routes {
		var ids []string
		for _, s := range rt.Stops {
			if s.Start >= rounds.At(10, 30) {
				ids = append(ids, s.VisitID)
			}
		}
		if len(ids) > len(later) {
			worker, later = rt.WorkerID, ids
		}
	}
	if len(later) == 0 {
		t.Fatal("nobody has anything after 10:30 to re-plan")
	}
	f.must(t, "POST", f.base+"/events", f.disp, EventsRequest{Events: []rounds.Event{
		{ID: "sick", Kind: rounds.EventWorkerUnavailable, At: rounds.At(10, 30), WorkerID: worker, Note: "off sick"}}}, 201, nil)
	return worker, later
}

// checkRepaired fails unless version v of the fixture's roster is valid
// and gives none of the visits to worker.
func (f *liveFixture) checkRepaired(t *testing.T, version int, worker string, visits []string) {
	t.Helper()
	v, err := f.store.RosterVersion(f.ctx, "hf", f.latest(t).RosterID, version)
	if err != nil {
		t.Fatal(err)
	}
	recomputed(t, v)
	for _, id := range visits {
		if _, ok := stopOf(v.Roster, worker, id); ok {
			t.Errorf("version %d still has %s, off sick from 10:30, make %s", version, worker, id)
		}
	}
}

// TestRepair: a nurse off sick from 10:30; the repair stores a valid draft
// version in which nobody waits for them, answered with its diff; a stale
// version and bad fields are refused.
func TestRepair(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			f := newLiveFixture(t, st.new(t, repairPlanner()), true)
			sick, later := f.offSick(t)
			at := rounds.At(10, 30)
			for _, c := range []struct {
				name   string
				body   RepairRequest
				status int
				field  string
			}{
				{"a future version", RepairRequest{Version: 5}, 422, "version"},
				{"a budget too long", RepairRequest{TimeLimitSeconds: 999}, 422, "timeLimitSeconds"},
				{"a date off the roster", RepairRequest{Date: "2025-03-09"}, 422, "date"},
				{"another roster", RepairRequest{RosterID: "other"}, 422, "rosterId"},
			} {
				status, b := f.call(t, "POST", f.base+"/repair", f.disp, c.body)
				if e := errorOf(b); status != c.status || e.Field != c.field {
					t.Errorf("%s: %d %s, want %d naming %s", c.name, status, b, c.status, c.field)
				}
			}
			var got Repaired
			f.must(t, "POST", f.base+"/repair", f.disp, RepairRequest{At: &at, Iterations: 300, Seed: 1, TimeLimitSeconds: 20}, 201, &got)
			if got.Version.Version != 2 || got.Version.Status != rounds.RosterDraft || got.Report == nil || got.Diff.From != 1 || got.Diff.To != 2 {
				t.Fatalf("repaired: version %d %s, report %v, diff %d to %d", got.Version.Version, got.Version.Status, got.Report, got.Diff.From, got.Diff.To)
			}
			moved := 0
			for _, c := range got.Diff.Changes {
				if c.Before != nil && c.Before.WorkerID == sick {
					moved++
				}
			}
			if moved != len(later) {
				t.Errorf("the diff changes %d of %s's %d visits after 10:30: %+v", moved, sick, len(later), got.Diff.Changes)
			}
			f.checkRepaired(t, 2, sick, later)
			status, b := f.call(t, "POST", f.base+"/repair", f.disp, RepairRequest{Version: 1, At: &at})
			if e := errorOf(b); status != 409 || e.Field != "version" {
				t.Errorf("a repair of version 1 after version 2: %d %s, want 409 naming version", status, b)
			}
		})
	}
}

// TestRepairJob: a repair runs as a durable plan job and stores the next
// version; bad repair plans are refused naming the field.
func TestRepairJob(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			f := newLiveFixture(t, st.new(t, repairPlanner()), true)
			sick, later := f.offSick(t)
			rosterID := f.latest(t).RosterID
			at := rounds.At(10, 30)
			for _, c := range []struct {
				name  string
				body  PlanRequest
				field string
			}{
				{"no roster", PlanRequest{Team: "hf", Kind: rounds.JobRepair, Repair: &RepairRequest{}}, "repair.rosterId"},
				{"no repair", PlanRequest{Team: "hf", Kind: rounds.JobRepair}, "repair"},
				{"a repair in a solve", PlanRequest{Team: "hf", From: liveDate, To: liveDate, Repair: &RepairRequest{RosterID: rosterID}}, "repair"},
				{"dates", PlanRequest{Team: "hf", Kind: rounds.JobRepair, From: liveDate, Repair: &RepairRequest{RosterID: rosterID}}, "from"},
				{"a budget too long", PlanRequest{Team: "hf", Kind: rounds.JobRepair, Repair: &RepairRequest{RosterID: rosterID, TimeLimitSeconds: 9999}}, "repair.timeLimitSeconds"},
			} {
				status, b := f.call(t, "POST", "/v1/plans", f.coord, c.body)
				if e := errorOf(b); status != 422 || e.Field != c.field {
					t.Errorf("%s: %d %s, want 422 naming %s", c.name, status, b, c.field)
				}
			}
			var job rounds.Job
			f.must(t, "POST", "/v1/plans", f.coord, PlanRequest{Team: "hf", Kind: rounds.JobRepair,
				Repair: &RepairRequest{RosterID: rosterID, At: &at, Iterations: 300, Seed: 1, TimeLimitSeconds: 20}}, 202, &job)
			job = waitJob(t, f.env, f.coord, job.ID)
			if job.State != rounds.JobCompleted || job.RosterID != rosterID || job.Version != 2 || job.RepairReport == nil ||
				job.Repair == nil || job.Repair.At != at || job.From != liveDate {
				t.Fatalf("repair job %+v, want it completed with version 2 of %s and its report", job, rosterID)
			}
			f.checkRepaired(t, 2, sick, later)
		})
	}
}

// TestRepairFromAPosition: w1 goes off sick at 10:30 and w3, idle,
// reported 2 km off, takes w1's visits: the repaired version reaches
// w3's first visit from the position reported, and passes the validator's
// live mode.
func TestRepairFromAPosition(t *testing.T) {
	f := newLiveFixture(t, stores[0].new(t, repairPlanner()), true)
	if len(f.roster.Routes[2].Stops) != 0 {
		t.Fatalf("w3 has %d visits; the test wants them idle", len(f.roster.Routes[2].Stops))
	}
	far := rounds.Location{Lat: 51.50, Lon: -0.17} // 2 km north of the clients
	f.must(t, "POST", f.base+"/events", f.disp, EventsRequest{Events: []rounds.Event{
		{ID: "sick", Kind: rounds.EventWorkerUnavailable, At: rounds.At(10, 30), WorkerID: "w1"},
		{ID: "pos", Kind: rounds.EventWorkerPosition, At: rounds.At(10, 29), WorkerID: "w3", Location: &far}}}, 201, nil)
	at := rounds.At(10, 30)
	f.must(t, "POST", f.base+"/repair", f.disp, RepairRequest{At: &at, Iterations: 100, Seed: 1, TimeLimitSeconds: 20}, 201, nil)
	v := f.latest(t)
	events, err := f.store.Events(f.ctx, "hf", v.RosterID)
	if err != nil {
		t.Fatal(err)
	}
	recomputed(t, v, validate.Events(events, at), validate.Published(f.roster))
	rt := v.Roster.Routes[2]
	if rt.WorkerID != "w3" || len(rt.Stops) == 0 {
		t.Fatalf("w3 makes %d visits after the repair, want w1's", len(rt.Stops))
	}
	home, err := geo.Haversine{}.Matrix(f.ctx, []geo.Point{far.Point(), rt.Stops[0].Location.Point()}, rt.TravelMode)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rt.Stops[0].TravelSeconds, int(home.At(0, 1)); got != want {
		t.Errorf("w3's first visit is %d s of travel away, want %d from the position reported", got, want)
	}
}
