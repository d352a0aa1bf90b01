package solver

import (
	"context"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/validate"
)

// TestOvertimeLetsAVisitIn plans Sam's day ending at 10:00: a (08:10-09:10)
// then x (09:22-09:52) brings Sam home at 10:14, 840 s after the shift
// end, after 2,640 s of travel. Whether x is made depends on the
// overtime allowed, its cost and x's penalty.
func TestOvertimeLetsAVisitIn(t *testing.T) {
	tests := []struct {
		name      string
		overtime  int   // Shift.OvertimeMinutes
		perMinute int64 // Options.OvertimeCostPerMinute
		penalty   int64 // x's penalty (routine); 0 for the default
		in        bool  // x is made
		cost      int64
	}{
		{name: "default cost", overtime: 30, in: true, cost: 2640 + 840*120/60},
		{name: "cheap overtime", overtime: 30, perMinute: 1, penalty: 1500, in: true, cost: 2640 + 14},
		{name: "overtime dearer than the penalty", overtime: 30, penalty: 1500, cost: 1200 + 1500},
		{name: "cap too short", overtime: 10, cost: 1200 + rounds.DefaultUnassignedPenalty[rounds.Routine]},
		{name: "no overtime", cost: 1200 + rounds.DefaultUnassignedPenalty[rounds.Routine]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := away("a", 10, 60, win("08:00", "08:10"))
			a.Priority = rounds.Reablement
			req := samsDay("10:00", 0, []rounds.Visit{a, away("x", 22, 30, win("09:00", "09:30"))})
			req.Workers[0].Shifts[0].OvertimeMinutes = tt.overtime
			req.Options.OvertimeCostPerMinute = tt.perMinute
			if tt.penalty > 0 {
				req.Options.UnassignedPenalty = map[rounds.Priority]int64{rounds.Routine: tt.penalty}
			}
			ro := planChecked(t, req)
			rt := ro.Routes[0]
			wantOver := 0
			if tt.in {
				wantOver = 840
			}
			if got := len(rt.Stops) == 2; got != tt.in {
				t.Fatalf("x made: %v, want %v (%d stops)", got, tt.in, len(rt.Stops))
			}
			if ro.Totals.Cost != tt.cost || rt.OvertimeSeconds != wantOver || ro.Totals.OvertimeSeconds != wantOver {
				t.Errorf("cost %d, overtime %d s (total %d s); want %d, %d s", ro.Totals.Cost, rt.OvertimeSeconds, ro.Totals.OvertimeSeconds, tt.cost, wantOver)
			}
			if over := ro.Totals.Score[rounds.ScoreOvertime]; over != tt.cost-int64(rt.TravelSeconds)-ro.Totals.Score[rounds.UnassignedScoreKey(rounds.Routine)] {
				t.Errorf("score %v: overtime %d does not make up the cost %d", ro.Totals.Score, over, tt.cost)
			}
		})
	}
}

// planChecked plans req with minuteSource and fails if the roster breaks
// a rule of the independent validator.
func planChecked(tb testing.TB, req *rounds.Request) *rounds.Roster {
	tb.Helper()
	req.Options.Iterations, req.Options.Threads, req.Options.Seed = 300, 1, 1
	ro, err := (&Planner{Source: minuteSource{}}).Plan(context.Background(), req)
	if err != nil {
		tb.Fatal(err)
	}
	viol, err := validate.Roster(context.Background(), req, ro, minuteSource{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, v := range viol {
		tb.Errorf("violation: %s", v)
	}
	return ro
}

// TestCheckCatchesMisreportedOvertime solves a problem with overtime and
// checks that Check refuses its solution with the overtime cost moved
// into travel.
func TestCheckCatchesMisreportedOvertime(t *testing.T) {
	p := randomProblem(t, 3, 40, 6)
	sol, err := Solve(context.Background(), p, Options{Iterations: 300, Seed: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(sol); err != nil {
		t.Fatal(err)
	}
	if sol.Overtime == 0 {
		t.Fatal("no route works overtime: the test shows nothing")
	}
	sol.Travel, sol.Overtime = sol.Travel+sol.Overtime, 0
	if err := p.Check(sol); err == nil || !strings.Contains(err.Error(), "overtime") {
		t.Errorf("Check = %v, want an overtime mismatch", err)
	}
}

// TestOvertimeOnGeneratedDays plans generated days, with double-handed
// and linked visits, whose shifts end two hours early but allow 90
// minutes of overtime: the rosters pass the validator, and the overtime
// score is the default cost of the overtime reported.
func TestOvertimeOnGeneratedDays(t *testing.T) {
	over := 0
	for seed := int64(1); seed <= 2; seed++ {
		cfg := fixtures.Small
		cfg.Seed = seed
		cfg.DoubleHanded = 0.3
		cfg.LinkedMedication = seed == 2
		req, err := fixtures.Generate(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i := range req.Workers {
			for j := range req.Workers[i].Shifts {
				sh := &req.Workers[i].Shifts[j]
				if sh.End-sh.Start > rounds.Clock(3*3600) {
					sh.End -= 2 * 3600
					sh.OvertimeMinutes = 90
				}
			}
		}
		req.Options.Iterations, req.Options.Threads, req.Options.Seed = 300, 1, seed
		ro, err := (&Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		viol, err := validate.Roster(context.Background(), req, ro, geo.Haversine{},
			validate.SyncTolerance(0))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range viol {
			t.Errorf("seed %d: %s", seed, v)
		}
		if got, want := ro.Totals.Score[rounds.ScoreOvertime], int64(ro.Totals.OvertimeSeconds)*rounds.DefaultOvertimeCostPerMinute/60; got != want {
			t.Errorf("seed %d: overtime score %d, want %d for %d s", seed, got, want, ro.Totals.OvertimeSeconds)
		}
		over += ro.Totals.OvertimeSeconds
	}
	if over == 0 {
		t.Error("no roster works overtime: the test shows nothing")
	}
}

// TestExplainCountsOvertime leaves x out of Sam's day for want of 4
// minutes beyond the 10 minutes of overtime: the explanation names the
// end of the overtime, and suggests moving the shift end by the minutes
// missing beyond it, rounded up to 5; the overtime then runs 10:05-10:14.
func TestExplainCountsOvertime(t *testing.T) {
	a := away("a", 10, 60, win("08:00", "08:10"))
	a.Priority = rounds.Reablement
	req := samsDay("10:00", 0, []rounds.Visit{a, away("x", 22, 30, win("09:00", "09:30"))})
	req.Workers[0].Shifts[0].OvertimeMinutes = 10
	ro := planChecked(t, req)
	if len(ro.Unassigned) != 1 || ro.Unassigned[0].Suggestion == nil {
		t.Fatalf("unassigned %+v, want x with a suggestion", ro.Unassigned)
	}
	u := ro.Unassigned[0]
	if sg := u.Suggestion; sg.Kind != rounds.SuggestExtendShift || sg.Minutes != 5 {
		t.Errorf("suggestion %+v, want the shift to end 5 minutes later", *sg)
	}
	if want := "back at 10:14, after their shift and its overtime end at 10:10"; !strings.Contains(u.Detail, want) {
		t.Errorf("detail %q does not say %q", u.Detail, want)
	}
	req.Workers[0].Shifts[0].End += rounds.Clock(u.Suggestion.Minutes * 60)
	if ro := planChecked(t, req); len(ro.Unassigned) != 0 || ro.Routes[0].OvertimeSeconds != 540 {
		t.Errorf("after the suggestion: unassigned %+v, overtime %d s, want none and 540 s", ro.Unassigned, ro.Routes[0].OvertimeSeconds)
	}
}

// TestOvertimeMoveLoopDoesNotAllocate runs ruin and recreate and local
// search on a problem with overtime, which walks route suffixes.
func TestOvertimeMoveLoopDoesNotAllocate(t *testing.T) {
	p := randomProblem(t, 3, 80, 6)
	s := newState(p)
	s.regret()
	checkNoAllocs(t, s, 20)
}
