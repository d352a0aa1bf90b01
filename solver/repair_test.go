package solver_test

import (
	"context"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// TestRepairSick: a worker off sick from 10:30 on the borough day; the
// repair gives a roster the validator passes, the worker makes nothing
// after 10:30 that had not started, the frozen stops are kept, and
// every visit of theirs still free is handed over or dropped; the
// validator's live mode passes it.
func TestRepairSick(t *testing.T) {
	req, r := liveDay(t)
	ctx := context.Background()
	src := geo.Haversine{}
	date := r.Routes[0].Date
	at := rounds.At(10, 30)
	sick := ""
	for _, rt := range r.Routes {
		if len(rt.Stops) >= 6 {
			sick = rt.WorkerID
			break
		}
	}
	events := []rounds.Event{{ID: "e1", Kind: rounds.EventWorkerUnavailable, Date: date, At: at, WorkerID: sick}}
	events, err := rounds.ValidateEvents(req, r, events)
	if err != nil {
		t.Fatal(err)
	}
	s, err := rounds.LiveDay(req, r, date, events, at)
	if err != nil {
		t.Fatal(err)
	}
	var free []string
	for _, lr := range s.Rounds {
		if lr.WorkerID == sick {
			free = lr.Free
		}
	}
	if len(free) == 0 {
		t.Fatalf("%s has no free visit at %s", sick, at)
	}
	out, rep, err := solver.Repair(ctx, req, r, s, src, 0, solver.Options{Iterations: 2000, Seed: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := validate.Roster(ctx, req, out, src, validate.Events(events, at), validate.Published(r))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("violation: %v", v)
	}
	left := map[string]bool{}
	for _, h := range rep.HandedOver {
		if h.FromWorkerID == sick {
			left[h.VisitID] = true
		}
	}
	for _, d := range rep.Dropped {
		if d.WorkerID == sick {
			left[d.VisitID] = true
		}
	}
	for _, id := range free {
		if !left[id] {
			t.Errorf("visit %s of %s is neither handed over nor dropped", id, sick)
		}
	}
	for _, rt := range out.Routes {
		if rt.WorkerID != sick {
			continue
		}
		for _, st := range rt.Stops {
			if st.Start >= at {
				t.Errorf("%s, off sick from %s, starts %s at %s", sick, at, st.VisitID, st.Start)
			}
		}
	}
	t.Logf("%s off sick at %s: %d free visits; handed over %d, moved > 30 min %d, dropped %d, added %d; disruption %d, cost %d (plan %d)",
		sick, at, len(free), len(rep.HandedOver), len(rep.Moved), len(rep.Dropped), len(rep.Added), rep.DisruptionCost, rep.Cost, r.Totals.Cost)
}
