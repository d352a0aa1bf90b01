package solver

import (
	"context"
	"math/rand"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
)

// TestInsertCostMatchesCheck compares the O(1) insertion test and delta
// with a from-scratch evaluation of the route with the visit inserted.
func TestInsertCostMatchesCheck(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		p := randomProblem(t, seed, 40, 6)
		s := newState(p)
		s.regret()
		sol := solutionOf(s)
		checked := 0
		for v := 0; v < p.NumVisits(); v++ {
			if s.routeOf[v] >= 0 {
				continue
			}
			for k := range s.routes {
				r := &s.routes[k]
				for pos := 0; pos <= r.size(); pos++ {
					c, ok := r.insertCost(p, int32(v), pos)
					trial := append(append(append([]int{}, sol.Routes[k][:pos]...), v), sol.Routes[k][pos:]...)
					seen := make([]int, p.NumVisits())
					want, over, bal, err := p.checkRoute(k, trial, seen)
					want += over + bal
					feasible := err == nil && p.Allowed(v, k)
					if ok != feasible && p.Allowed(v, k) {
						t.Fatalf("seed %d visit %d vehicle %d pos %d: insertCost ok=%v, check err=%v", seed, v, k, pos, ok, err)
					}
					if ok && feasible && c != want-r.cost {
						t.Fatalf("seed %d visit %d vehicle %d pos %d: delta %d, want %d", seed, v, k, pos, c, want-r.cost)
					}
					checked++
				}
			}
		}
		if checked == 0 {
			t.Fatalf("seed %d: regret left nothing unassigned to test with", seed)
		}
	}
}

// TestChainMatchesCheck compares the tail-exchange evaluation (2-opt*)
// with a from-scratch evaluation, across vehicles of different profiles
// and depots.
func TestChainMatchesCheck(t *testing.T) {
	p := randomProblem(t, 9, 60, 6)
	s := newState(p)
	s.regret()
	sol := solutionOf(s)
	tried := 0
	for a := range s.routes {
		for b := range s.routes {
			ra, rb := &s.routes[a], &s.routes[b]
			if a == b {
				continue
			}
			for i := 0; i <= ra.size(); i++ {
				for j := 1; j <= rb.last(); j++ {
					c, ok := p.chain(ra, i, nil, rb, j)
					trial := append(append([]int{}, sol.Routes[a][:i]...), sol.Routes[b][j-1:]...)
					allowed := true
					for _, v := range trial {
						allowed = allowed && p.Allowed(v, a)
					}
					want, over, bal, err := p.checkRoute(a, trial, make([]int, p.NumVisits()))
					want += over + bal
					if len(trial) == 0 {
						want, err = 0, nil
					}
					if ok != (err == nil && allowed) {
						t.Fatalf("routes %d,%d at %d,%d: chain ok=%v, check err=%v allowed=%v", a, b, i, j, ok, err, allowed)
					}
					if ok && c != want {
						t.Fatalf("routes %d,%d at %d,%d: cost %d, want %d", a, b, i, j, c, want)
					}
					tried++
				}
			}
		}
	}
	if tried < 100 {
		t.Fatalf("only %d cases tried", tried)
	}
}

func TestSolveIsFeasible(t *testing.T) {
	for seed := int64(1); seed <= 8; seed++ {
		p := randomProblem(t, seed, 60, 5)
		for _, threads := range []int{1, 2} {
			sol, err := Solve(context.Background(), p, Options{Iterations: 300, Seed: seed, Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Check(sol); err != nil {
				t.Fatalf("seed %d threads %d: %v", seed, threads, err)
			}
		}
	}
}

// TestSolveLeavesVisitsWithoutWindowsOut solves problems whose first or
// last visit has no window (a request's windows can all be clipped away),
// with and without equal demands: the search must not read another
// visit's windows for it, nor panic.
func TestSolveLeavesVisitsWithoutWindowsOut(t *testing.T) {
	for i, at := range []int{0, 39, 0} {
		p := randomProblem(t, 3, 40, 4)
		vis := append([]Visit{}, p.Visits...)
		vis[at].Windows = nil
		if i == 2 {
			for v := range vis {
				vis[v].Demand = 1
			}
		}
		q, err := NewProblem(p.Travel, p.Vehicles, vis)
		if err != nil {
			t.Fatal(err)
		}
		sol, err := Solve(context.Background(), q, Options{Iterations: 300, Seed: 1, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Check(sol); err != nil {
			t.Fatalf("visit %d without windows: %v", at, err)
		}
		if !slices.Contains(sol.Unassigned, at) {
			t.Fatalf("visit %d without windows is served", at)
		}
	}
}

func TestSolveImprovesOnConstruction(t *testing.T) {
	p := randomProblem(t, 3, 80, 6)
	s := newState(p)
	s.regret()
	sol, err := Solve(context.Background(), p, Options{Iterations: 2000, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if sol.Cost >= s.cost() {
		t.Fatalf("search cost %d, construction %d: no improvement", sol.Cost, s.cost())
	}
}

func TestSolveIsDeterministic(t *testing.T) {
	p := randomProblem(t, 4, 70, 5)
	opt := Options{Iterations: 1200, Seed: 42, Threads: 2}
	a, err := Solve(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Solve(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Routes, b.Routes) || a.Cost != b.Cost {
		t.Fatalf("two runs differ: cost %d vs %d", a.Cost, b.Cost)
	}
}

// TestTemperatureCoolsAgain checks that the temperature falls from start to
// end over each cooling and then starts again, and that a run bounded by
// fewer iterations than a cooling, or on a problem with links or soft
// windows, cools once over the run.
func TestTemperatureCoolsAgain(t *testing.T) {
	p := randomProblem(t, 3, 50, 4)
	s := newState(p)
	s.regret()
	c := newTemperature(s, 0)
	if c.steps != coolSteps || c.start <= c.end || c.end <= 0 {
		t.Fatalf("temperature %+v, want %d steps from a start above a positive end", c, coolSteps)
	}
	for step := int64(1); step < 3*c.steps; step++ {
		prev, now := c.at(step-1, 0), c.at(step, 0)
		if step%c.steps == 0 && now != c.start {
			t.Fatalf("step %d starts a cooling at %g, want %g", step, now, c.start)
		}
		if step%c.steps != 0 && now >= prev {
			t.Fatalf("step %d: temperature %g after %g, want it falling", step, now, prev)
		}
	}
	short := newTemperature(s, 1000)
	if short.steps != 0 || short.at(999, 0) != short.start || short.at(999, 1) != short.end {
		t.Fatalf("1,000-iteration run: temperature %+v, want one cooling over the run", short)
	}
	rs := newState(richProblem(t, 3, 40, 4))
	rs.greedy(rand.New(rand.NewSource(3)))
	if rich := newTemperature(rs, 0); rich.steps != 0 {
		t.Fatalf("problem with links: temperature %+v, want one cooling over the run", rich)
	}
}

func TestSolveStopsOnContext(t *testing.T) {
	p := randomProblem(t, 5, 60, 5)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Solve(done, p, Options{}); err == nil {
		t.Fatal("Solve on a cancelled context returned no error")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	sol, err := Solve(ctx, p, Options{TimeLimit: time.Hour, Threads: 1})
	if err != nil || sol == nil {
		t.Fatalf("Solve stopped by its context: %v, %v", sol, err)
	}
	if err := p.Check(sol); err != nil {
		t.Fatal(err)
	}
}

func TestMoveLoopDoesNotAllocate(t *testing.T) {
	p := randomProblem(t, 6, 80, 6)
	s := newState(p)
	s.regret()
	checkNoAllocs(t, s, 20)
}

func TestStateBookkeepingSurvivesStepsAndRollbacks(t *testing.T) {
	p := randomProblem(t, 8, 70, 6)
	s := newState(p)
	s.regret()
	rng := rand.New(rand.NewSource(3))
	w := newScratch(p)
	best := solutionOf(s)
	for i := 0; i < 400; i++ {
		s.ruinRecreate(rng, w)
		if rng.Intn(2) == 0 {
			s.rollback()
		} else if s.cost() < best.Cost {
			s.saveBest(best)
		}
		used, missing := 0, 0
		var routed int64
		for k := range s.routes {
			r := &s.routes[k]
			if r.size() > 0 {
				used++
			}
			routed += r.cost
			for i, v := range r.visits {
				if s.routeOf[v] != int32(k) || s.posOf[v] != int32(i+1) {
					t.Fatalf("step %d: visit %d indexed at %d/%d, is on %d/%d", i, v, s.routeOf[v], s.posOf[v], k, i+1)
				}
			}
		}
		for _, k := range s.routeOf {
			if k < 0 {
				missing++
			}
		}
		if used != s.used || routed != s.routed || missing != s.missing {
			t.Fatalf("step %d: used %d routed %d missing %d; state says %d %d %d", i, used, routed, missing, s.used, s.routed, s.missing)
		}
	}
	finish(best, p.NumVisits())
	if err := p.Check(best); err != nil {
		t.Fatalf("incrementally saved best: %v", err)
	}
}

// BenchmarkStep measures one ruin-and-recreate step and its rollback.
func BenchmarkStep(b *testing.B) {
	p := randomProblem(b, 11, 200, 12)
	s := newState(p)
	s.regret()
	rng := rand.New(rand.NewSource(1))
	w := newScratch(p)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.ruinRecreate(rng, w)
		s.rollback()
	}
}

// checkNoAllocs lets s's buffers grow, then fails tb if a ruin-and-recreate
// step with its rollback, or lsRuns local-search passes, allocate.
func checkNoAllocs(tb testing.TB, s *state, lsRuns int) {
	tb.Helper()
	rng := rand.New(rand.NewSource(1))
	w := newScratch(s.p)
	order := make([]int32, 0, s.p.NumVisits())
	for i := 0; i < 50; i++ { // let the buffers grow
		s.ruinRecreate(rng, w)
		s.rollback()
	}
	s.localSearch(rng, order, 0, time.Time{})
	if n := testing.AllocsPerRun(200, func() {
		s.ruinRecreate(rng, w)
		s.rollback()
	}); n != 0 {
		tb.Errorf("ruin and recreate: %v allocations per step", n)
	}
	if n := testing.AllocsPerRun(lsRuns, func() { s.localSearch(rng, order, 0, time.Time{}) }); n != 0 {
		tb.Errorf("local search: %v allocations per pass", n)
	}
}

// TestFirstFitSkipsOnlyInfeasible checks that the positions scanRoute
// skips by bisection are exactly those before the first whose next stop
// can wait for the visit, and that none of them admits the visit.
func TestFirstFitSkipsOnlyInfeasible(t *testing.T) {
	skipped := 0
	for seed := int64(1); seed <= 5; seed++ {
		p := randomProblem(t, seed, 60, 5)
		s := newState(p)
		s.regret()
		for v := int32(0); v < int32(p.NumVisits()); v++ {
			ready := p.win[p.winOff[v]].Start + p.dur[v]
			for k := range s.routes {
				r := &s.routes[k]
				if s.routeOf[v] == int32(k) {
					continue
				}
				first := r.firstFit(ready)
				want := 0
				for want <= r.size() && r.ls[want+1] < ready {
					want++
				}
				if first != want {
					t.Fatalf("seed %d visit %d route %d: firstFit %d, linear scan %d", seed, v, k, first, want)
				}
				for pos := 0; pos < first; pos++ {
					if _, ok := r.insertDelta(p, v, pos); ok {
						t.Fatalf("seed %d visit %d route %d: skipped position %d admits the visit", seed, v, k, pos)
					}
					skipped++
				}
			}
		}
	}
	if skipped == 0 {
		t.Fatal("no position was skipped: the test proves nothing")
	}
}

// TestWorkRoomSkipsOnlyInfeasible checks on the generated borough day,
// whose rounds end near their working-time caps, that no route the scans
// rule out for want of work room (state.free below the visit's duration)
// admits the visit at any position, and that state.free stays current.
func TestWorkRoomSkipsOnlyInfeasible(t *testing.T) {
	req, err := fixtures.Generate(fixtures.Borough)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(context.Background(), req, geo.Haversine{})
	if err != nil {
		t.Fatal(err)
	}
	s := newState(p)
	s.regret()
	rng := rand.New(rand.NewSource(1))
	w := newScratch(p)
	for step := 0; step < 3000; step++ {
		before := s.cost()
		s.ruinRecreate(rng, w)
		if s.cost() > before {
			s.rollback()
		}
	}
	for k := range s.routes {
		if got, want := s.free[k], s.routes[k].free(p); got != want {
			t.Fatalf("route %d: free %d, recomputed %d", k, got, want)
		}
	}
	skipped := 0
	for v := int32(0); v < int32(p.NumVisits()); v++ {
		for k := range s.routes {
			r := &s.routes[k]
			room := s.free[k] - p.dur[v]
			if s.routeOf[v] == int32(k) || room >= 0 {
				continue
			}
			for pos := 0; pos <= r.size(); pos++ {
				if _, ok := r.insertDelta(p, v, pos); ok {
					t.Fatalf("visit %d route %d: work room %d, yet position %d admits the visit", v, k, room, pos)
				}
			}
			skipped++
		}
	}
	if skipped == 0 {
		t.Fatal("no route was short of work room: the test proves nothing")
	}
	t.Logf("%d of %d visit-route pairs ruled out for want of work room", skipped, p.NumVisits()*len(s.routes))
}
