package solver

import (
	"context"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
)

func TestPlanWritesAValidRoster(t *testing.T) {
	req := careRequest()
	pl := &Planner{Source: flatSource{}}
	ro, err := pl.Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	checkRoster(t, req, ro)
	want := map[string]string{
		"hoist":    rounds.ReasonNoQualifiedWorker,
		"noshift":  rounds.ReasonNoWorkerOnShift,
		"too-late": rounds.ReasonUnreachable,
		"remote":   rounds.ReasonUnreachable,
	}
	got := map[string]string{}
	for _, u := range ro.Unassigned {
		got[u.VisitID] = u.Reason
		if u.Detail == "" {
			t.Errorf("visit %s: no sentence for reason %s", u.VisitID, u.Reason)
		}
	}
	for id, reason := range want {
		if got[id] != reason {
			t.Errorf("visit %s: reason %q, want %q", id, got[id], reason)
		}
	}
	if len(got) != len(want) {
		t.Errorf("unassigned %v, want exactly %v", got, want)
	}
	if len(ro.Routes) != 3 {
		t.Errorf("%d routes, want one per worker shift (3)", len(ro.Routes))
	}
}

// checkRoster verifies a roster against the request from scratch, with
// the conventions of the roster format.
func checkRoster(tb testing.TB, req *rounds.Request, ro *rounds.Roster) {
	tb.Helper()
	visits := map[string]*rounds.Visit{}
	for i := range req.Visits {
		visits[req.Visits[i].ID] = &req.Visits[i]
	}
	seen := map[string]int{}
	var travel, work, wait, assigned int
	for _, rt := range ro.Routes {
		var shift *rounds.Shift
		for _, w := range req.Workers {
			for i := range w.Shifts {
				if w.ID == rt.WorkerID && w.Shifts[i].Date == rt.Date {
					shift = &w.Shifts[i]
				}
			}
		}
		if shift == nil {
			tb.Fatalf("route of %s on %s matches no shift", rt.WorkerID, rt.Date)
		}
		if len(rt.Stops) == 0 {
			if rt.Depart != shift.Start || rt.Return != shift.Start || rt.TravelSeconds != 0 {
				tb.Errorf("empty route of %s: depart %s return %s travel %d", rt.WorkerID, rt.Depart, rt.Return, rt.TravelSeconds)
			}
			continue
		}
		maxWork := shift.MaxWorkMinutes
		for _, w := range req.Workers {
			if w.ID == rt.WorkerID && maxWork == 0 {
				maxWork = w.MaxWorkMinutes
			}
		}
		if maxWork > 0 && rt.WorkSeconds > maxWork*60 {
			tb.Errorf("route of %s works %d s, over %d min", rt.WorkerID, rt.WorkSeconds, maxWork)
		}
		if rt.Depart < shift.Start || rt.Return > shift.End {
			tb.Errorf("route of %s: %s-%s outside shift %s-%s", rt.WorkerID, rt.Depart, rt.Return, shift.Start, shift.End)
		}
		prev := rt.Depart
		var tr, wk, wt int
		for _, st := range rt.Stops {
			v := visits[st.VisitID]
			seen[st.VisitID]++
			if v.Date != rt.Date {
				tb.Errorf("visit %s of %s on a route of %s", st.VisitID, v.Date, rt.Date)
			}
			if st.Arrival != prev+rounds.Clock(st.TravelSeconds) || st.Start < st.Arrival ||
				st.End != st.Start+rounds.Clock(v.DurationMinutes*60) || st.WaitSeconds != int(st.Start-st.Arrival) {
				tb.Errorf("visit %s: times %s %s %s after %s", st.VisitID, st.Arrival, st.Start, st.End, prev)
			}
			if st.Start < rounds.ServiceHours.Start || st.End > rounds.ServiceHours.End {
				tb.Errorf("visit %s: %s-%s outside service hours", st.VisitID, st.Start, st.End)
			}
			ws := v.Windows
			if len(ws) == 0 {
				ws = []rounds.Window{rounds.ServiceHours}
			}
			in := false
			for _, w := range ws {
				in = in || w.Contains(st.Start)
			}
			if !in {
				tb.Errorf("visit %s starts %s outside its windows %v", st.VisitID, st.Start, ws)
			}
			if dl, ok := v.LatestStart(); ok && st.Start > dl {
				tb.Errorf("visit %s starts %s after its deadline %s", st.VisitID, st.Start, dl)
			}
			if v.Pin != nil && v.Pin.WorkerID != rt.WorkerID {
				tb.Errorf("visit %s pinned to %s is on %s", st.VisitID, v.Pin.WorkerID, rt.WorkerID)
			}
			tr += st.TravelSeconds
			wk += st.TravelSeconds + v.DurationMinutes*60
			wt += st.WaitSeconds
			prev = st.End
		}
		home := int(rt.Return - prev)
		tr += home
		wk += home
		if rt.TravelSeconds != tr || rt.WorkSeconds != wk || rt.WaitSeconds != wt {
			tb.Errorf("route of %s: travel/work/wait %d/%d/%d, stops sum to %d/%d/%d", rt.WorkerID, rt.TravelSeconds, rt.WorkSeconds, rt.WaitSeconds, tr, wk, wt)
		}
		travel, work, wait, assigned = travel+tr, work+wk, wait+wt, assigned+len(rt.Stops)
	}
	for _, u := range ro.Unassigned {
		seen[u.VisitID]++
	}
	for id := range visits {
		if seen[id] != 1 {
			tb.Errorf("visit %s appears %d times", id, seen[id])
		}
	}
	tt := ro.Totals
	if tt.TravelSeconds != travel || tt.WorkSeconds != work || tt.WaitSeconds != wait || tt.Assigned != assigned ||
		tt.Unassigned != len(ro.Unassigned) || tt.Visits != len(req.Visits) {
		tb.Errorf("totals %+v do not add up", tt)
	}
}

func TestPlanGeneratedDaysGiveValidRosters(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		cfg := fixtures.Small
		cfg.Seed = seed
		cfg.Days = int(seed)
		req, err := fixtures.Generate(cfg)
		if err != nil {
			t.Fatal(err)
		}
		req.Options.Iterations = 300
		req.Options.Seed = seed
		ro, err := (&Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		checkRoster(t, req, ro)
		if ro.Totals.Assigned == 0 {
			t.Fatalf("seed %d: nothing assigned", seed)
		}
		for _, u := range ro.Unassigned {
			if u.Reason == "" || u.Detail == "" {
				t.Errorf("seed %d: visit %s unassigned without a reason", seed, u.VisitID)
			}
		}
	}
}

func TestPlanProgressReportsTheRosterItReturns(t *testing.T) {
	req := careRequest()
	req.Options.Threads = 1
	var calls []rounds.Progress
	pl := &Planner{Source: flatSource{}}
	ro, err := pl.PlanProgress(context.Background(), req, func(p rounds.Progress) { calls = append(calls, p) })
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 {
		t.Fatal("progress was never called")
	}
	last := calls[len(calls)-1]
	if last.BestCost != ro.Totals.Cost || last.Unassigned != ro.Totals.Unassigned || last.Assigned+last.Unassigned != len(req.Visits) {
		t.Errorf("last progress %+v does not match the roster's totals %+v", last, ro.Totals)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i].BestCost > calls[i-1].BestCost {
			t.Errorf("progress %d cost %d rose from %d", i, calls[i].BestCost, calls[i-1].BestCost)
		}
	}
}
