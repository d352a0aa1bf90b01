package solver

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/validate"
)

// TestBalanceMovesWorkToTheIdle plans one-hour visits a minute north of
// Sam's home; Alex lives ten minutes north. Both work 08:00-16:00, so each
// fair share is half the visit time. Without a balance cost Sam makes all
// four (120 s of travel); at one second per second above the share Alex
// takes two (1,200 s of travel, nobody above the share). With five visits
// somebody makes three, half an hour above the share: 1,800 s more. The
// visits are one client's, so continuity is off.
func TestBalanceMovesWorkToTheIdle(t *testing.T) {
	tests := []struct {
		name      string
		perMinute int64
		visits    int
		alex      []int // Alex's stops, any of
		cost      int64
	}{
		{name: "off", visits: 4, alex: []int{0}, cost: 120},
		{name: "one second per second", perMinute: 60, visits: 4, alex: []int{2}, cost: 1200},
		{name: "odd visit out", perMinute: 60, visits: 5, alex: []int{2, 3}, cost: 1200 + 1800},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var visits []rounds.Visit
			for _, id := range []string{"a", "b", "c", "d", "e"}[:tt.visits] {
				visits = append(visits, away(id, 1, 60, win("08:00", "15:00")))
			}
			req := samsDay("16:00", 0, visits)
			alex := req.Workers[0]
			alex.ID, alex.Name = "w2", "Alex"
			alex.Start.Lat += 0.010
			req.Workers = append(req.Workers, alex)
			req.Options.BalanceCostPerMinute = tt.perMinute
			req.Options.ContinuityPenalty = -1 // the four visits are one client's
			ro := planChecked(t, req)
			if got := len(ro.Routes[1].Stops); ro.Routes[1].WorkerID != "w2" || !slices.Contains(tt.alex, got) {
				t.Fatalf("%s makes %d visits, want w2 making one of %v", ro.Routes[1].WorkerID, got, tt.alex)
			}
			if ro.Totals.Cost != tt.cost {
				t.Errorf("cost %d, want %d (score %v)", ro.Totals.Cost, tt.cost, ro.Totals.Score)
			}
			bal, ok := ro.Totals.Score[rounds.ScoreBalance]
			if ok != (tt.perMinute > 0) || bal != tt.cost-ro.Totals.Score[rounds.ScoreTravel] {
				t.Errorf("score %v: balance %d (listed %v) does not make up the cost %d", ro.Totals.Score, bal, ok, tt.cost)
			}
		})
	}
}

// TestCheckCatchesMisreportedBalance solves a problem with balance costs
// and checks that Check refuses its solution with the balance cost moved
// into travel.
func TestCheckCatchesMisreportedBalance(t *testing.T) {
	p := randomProblem(t, 1, 40, 6)
	sol, err := Solve(context.Background(), p, Options{Iterations: 300, Seed: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(sol); err != nil {
		t.Fatal(err)
	}
	if sol.Balance == 0 {
		t.Fatal("no route works above its share: the test shows nothing")
	}
	sol.Travel, sol.Balance = sol.Travel+sol.Balance, 0
	if err := p.Check(sol); err == nil || !strings.Contains(err.Error(), "balance") {
		t.Errorf("Check = %v, want a balance mismatch", err)
	}
}

// TestBalanceSpreadsAGeneratedDay plans a generated borough day with and
// without a balance cost of 60 s per minute, at 300 iterations, for
// solver seeds 1-3: every roster passes the validator, and the visit time
// of the shifts spreads less (range and standard deviation, summed over
// the seeds) with the cost. One seed alone can tie on the range.
func TestBalanceSpreadsAGeneratedDay(t *testing.T) {
	var spread, sd [2]float64
	for seed := int64(1); seed <= 3; seed++ {
		for i, perMinute := range []int64{0, 60} {
			req, err := fixtures.Generate(fixtures.Small)
			if err != nil {
				t.Fatal(err)
			}
			req.Options.Iterations, req.Options.Threads, req.Options.Seed = 300, 1, seed
			req.Options.BalanceCostPerMinute = perMinute
			req.Options.ContinuityPenalty = -1 // it keeps clients with few workers, against the spread
			ro, err := (&Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			viol, err := validate.Roster(context.Background(), req, ro, geo.Haversine{})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range viol {
				t.Errorf("seed %d, %d s per minute: %s", seed, perMinute, v)
			}
			r, d := workSpread(ro)
			spread[i] += r
			sd[i] += d
			t.Logf("seed %d, %d s per minute: visit time range %.0f s, sd %.0f s, travel %d s, unassigned %d",
				seed, perMinute, r, d, ro.Totals.TravelSeconds, ro.Totals.Unassigned)
		}
	}
	if spread[1] >= spread[0] || sd[1] >= sd[0] {
		t.Errorf("summed visit time range %.0f s and sd %.0f s with the balance cost, %.0f s and %.0f s without", spread[1], sd[1], spread[0], sd[0])
	}
}

// workSpread returns max − min and the standard deviation of the routes'
// visit time, WorkSeconds − TravelSeconds (idle shifts counting 0).
func workSpread(ro *rounds.Roster) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	var sum, sq float64
	for _, rt := range ro.Routes {
		w := float64(rt.WorkSeconds - rt.TravelSeconds)
		lo, hi = min(lo, w), max(hi, w)
		sum += w
		sq += w * w
	}
	n := float64(len(ro.Routes))
	mean := sum / n
	return hi - lo, math.Sqrt(max(0, sq/n-mean*mean))
}

// TestBalanceMoveLoopDoesNotAllocate runs ruin and recreate and local
// search on a problem with balance costs.
func TestBalanceMoveLoopDoesNotAllocate(t *testing.T) {
	p := randomProblem(t, 5, 80, 6)
	s := newState(p)
	s.regret()
	checkNoAllocs(t, s, 20)
}
