package solver

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
)

// richProblem returns randomProblem's problem with some visits split into
// synchronised pairs (same place, same windows), some linked with a gap,
// and soft window ends with lateness costs, so that the cross-route
// schedule binds.
func richProblem(tb testing.TB, seed int64, visits, vehicles int) *Problem {
	tb.Helper()
	base := randomProblem(tb, seed, visits, vehicles)
	rng := rand.New(rand.NewSource(seed + 100))
	vis := append([]Visit(nil), base.Visits...)
	var links []Link
	for v := 0; v+1 < len(vis); v += 2 {
		switch rng.Intn(4) {
		case 0: // double-handed: the second half copies the first
			first := vis[v]
			second := vis[v+1]
			second.Location, second.Windows, second.Duration = first.Location, first.Windows, first.Duration
			second.Vehicles, second.Penalty = nil, first.Penalty
			vis[v+1] = second
			tol := int32(rng.Intn(2) * 30)
			links = append(links, Link{From: v, To: v + 1, MinGap: -tol, MaxGap: tol, Pair: true})
		case 1:
			links = append(links, Link{From: v, To: v + 1, MinGap: 200, MaxGap: 200 + int32(rng.Intn(2500))})
		}
	}
	for v := range vis {
		if rng.Intn(2) == 0 {
			w := vis[v].Windows
			vis[v].SoftEnd = w[0].Start + (w[len(w)-1].End-w[0].Start)/3
			vis[v].Lateness = int64(1 + rng.Intn(3))
		}
	}
	p, err := NewProblem(base.Travel, base.Vehicles, vis, WithLinks(links), WithMaxLateness(5))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// richBreakProblem is richProblem(seed) with a break of 300 starting in
// 3000-4500 for every other vehicle.
func richBreakProblem(tb testing.TB, seed int64, visits, vehicles int) *Problem {
	tb.Helper()
	p := richProblem(tb, seed, visits, vehicles)
	vs := append([]Vehicle(nil), p.Vehicles...)
	for k := range vs {
		if k%2 == 0 {
			vs[k].Break = Break{Duration: 300, Window: Window{3000, 4500}}
		}
	}
	q, err := NewProblem(p.Travel, vs, p.Visits, WithLinks(p.Links), WithMaxLateness(p.MaxLateness))
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

// richKinds are the rich problems the schedule tests run on: with and
// without breaks.
var richKinds = []struct {
	name string
	make func(testing.TB, int64, int, int) *Problem
}{{"plain", richProblem}, {"breaks", richBreakProblem}}

// walkedState returns a state of a rich problem after construction and a
// few hundred ruin-and-recreate steps, some kept and some undone.
func walkedState(tb testing.TB, p *Problem, steps int) *state {
	tb.Helper()
	rng := rand.New(rand.NewSource(7))
	s := newState(p)
	s.greedy(rng)
	w := newScratch(p)
	for i := 0; i < steps; i++ {
		s.ruinRecreate(rng, w)
		if s.broken || rng.Intn(3) == 0 {
			s.rollback()
		}
	}
	return s
}

func TestRescheduleMatchesSchedule(t *testing.T) {
	for _, kind := range richKinds {
		for seed := int64(1); seed <= 6; seed++ {
			p := kind.make(t, seed, 50, 6)
			s := walkedState(t, p, 200)
			if s.broken {
				t.Fatalf("%s seed %d: state has no schedule", kind.name, seed)
			}
			sol := solutionOf(s)
			want, err := p.Schedule(sol.Routes)
			if err != nil {
				t.Fatalf("%s seed %d: %v", kind.name, seed, err)
			}
			if !reflect.DeepEqual(s.start, want) {
				t.Fatalf("%s seed %d: starts %v, from scratch %v", kind.name, seed, s.start, want)
			}
			if err := p.Check(sol); err != nil {
				t.Fatalf("%s seed %d: %v", kind.name, seed, err)
			}
		}
	}
}

// TestUnscheduleMatchesReschedule compares the schedule settle keeps
// after a ruin, rerun only where it may change, with one rebuilt from
// scratch: starts, lateness, largest lateness and overtime, with and
// without breaks; and, before each ruin, the starts kept through the last
// step's insertions (propagate) with those from scratch.
func TestUnscheduleMatchesReschedule(t *testing.T) {
	for _, kind := range richKinds {
		for seed := int64(1); seed <= 6; seed++ {
			p := kind.make(t, seed, 50, 6)
			s := walkedState(t, p, 100)
			rng := rand.New(rand.NewSource(seed))
			w := newScratch(p)
			compared := 0
			for step := 0; step < 200; step++ {
				if ruinMatchesScratch(t, s, rng, w, fmt.Sprintf("%s seed %d step %d", kind.name, seed, step)) {
					compared++
				}
				s.recreate(rng, w)
				if s.broken || rng.Intn(2) == 0 {
					s.rollback()
				}
			}
			if compared < 100 {
				t.Fatalf("%s seed %d: only %d ruins left a schedule to compare", kind.name, seed, compared)
			}
		}
	}
}

// ruinMatchesScratch checks that the starts s kept through the last
// step's insertions equal a schedule from scratch, then starts a step and
// ruins s, and checks the schedule settle keeps (starts, lateness,
// largest lateness, overtime) against one from scratch. It reports
// whether the ruin removed visits and left a schedule to compare.
func ruinMatchesScratch(t *testing.T, s *state, rng *rand.Rand, w *scratch, at string) bool {
	t.Helper()
	kept := append([]int32(nil), s.start...)
	s.reschedule()
	if !reflect.DeepEqual(kept, s.start) {
		t.Fatalf("%s: starts kept through insertions %v, from scratch %v", at, kept, s.start)
	}
	s.begin()
	s.ruin(rng, w)
	s.settle()
	start := append([]int32(nil), s.start...)
	late, worst, over, broken := s.lateSum, s.worst, s.overFix, s.broken
	s.reschedule()
	if !reflect.DeepEqual(start, s.start) || late != s.lateSum || worst != s.worst || over != s.overFix || broken != s.broken {
		t.Fatalf("%s: incremental starts %v late %d worst %d overtime %d broken %v; from scratch %v %d %d %d %v",
			at, start, late, worst, over, broken, s.start, s.lateSum, s.worst, s.overFix, s.broken)
	}
	return !broken && len(s.moved) > 0
}

// TestScheduleStaysExactOnACareDay walks a generated borough day with
// every care rule (double-handed pairs, linked medication, preferred
// workers, lunch breaks) and checks after every ruin, and after every
// step kept, that the incrementally kept schedule equals one from
// scratch.
func TestScheduleStaysExactOnACareDay(t *testing.T) {
	cfg := fixtures.Borough
	cfg.Seed = 2
	cfg.DoubleHanded, cfg.LinkedMedication, cfg.Preferences = 0.1, true, true
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	req.Options.Break = &rounds.BreakRule{}
	p, err := Build(context.Background(), req, geo.Haversine{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(3))
	s := newState(p)
	s.greedy(rng)
	w := newScratch(p)
	compared := 0
	for step := 0; step < 2000; step++ {
		before := s.cost()
		if ruinMatchesScratch(t, s, rng, w, fmt.Sprintf("step %d", step)) {
			compared++
		}
		s.recreate(rng, w)
		if s.broken || s.cost() > before+2000 {
			s.rollback()
		}
	}
	if compared < 1000 {
		t.Fatalf("only %d ruins left a schedule to compare", compared)
	}
}

// TestTrialInsertMatchesSchedule compares the propagated insertion of one
// visit, and of both halves of a pair, with a from-scratch schedule of
// the routes with the visits inserted, and checks that a trial bounded
// just above its lateness change gives the same answer and one bounded
// at it gives up; with breaks too, among them insertions that move a
// break across visits.
func TestTrialInsertMatchesSchedule(t *testing.T) {
	for _, kind := range richKinds {
		t.Run(kind.name, func(t *testing.T) { testTrialInsert(t, kind.make) })
	}
}

func testTrialInsert(t *testing.T, mk func(testing.TB, int64, int, int) *Problem) {
	checked, linked, moved, breaks := 0, 0, 0, false
	for seed := int64(1); seed <= 4; seed++ {
		p := mk(t, seed, 40, 5)
		breaks = p.breaks
		s := walkedState(t, p, 100)
		sol := solutionOf(s)
		base := p.latenessCost(s.start)
		try := func(ins ...slot) {
			t.Helper()
			late, ok := s.trialInsert(math.MaxInt64, ins...)
			routes := make([][]int, len(sol.Routes))
			for k := range routes {
				routes[k] = append([]int(nil), sol.Routes[k]...)
			}
			for _, in := range ins {
				r := routes[in.k]
				routes[in.k] = append(r[:in.at], append([]int{int(in.v)}, r[in.at:]...)...)
			}
			starts, err := p.Schedule(routes)
			if ok != (err == nil) {
				t.Fatalf("seed %d insert %v: trial ok=%v, from scratch %v", seed, ins, ok, err)
			}
			if ok && late != p.latenessCost(starts)-base {
				t.Fatalf("seed %d insert %v: lateness change %d, from scratch %d", seed, ins, late, p.latenessCost(starts)-base)
			}
			if ok {
				if l, ok := s.trialInsert(late+1, ins...); !ok || l != late {
					t.Fatalf("seed %d insert %v: bounded at %d: %d, %v; want %d", seed, ins, late+1, l, ok, late)
				}
				if _, ok := s.trialInsert(late, ins...); ok && late > 0 {
					t.Fatalf("seed %d insert %v: bounded at its change %d, the trial does not give up", seed, ins, late)
				}
			}
			checked++
			if len(p.links(ins[0].v)) > 0 {
				linked++
			}
			if movesBreak(s, ins[0]) {
				moved++
				if a := testing.AllocsPerRun(2, func() { s.trialInsert(math.MaxInt64, ins...) }); a > 0 {
					t.Fatalf("seed %d insert %v: a trial moving a break allocates %v times", seed, ins, a)
				}
			}
		}
		for v := int32(0); v < int32(p.NumVisits()); v++ {
			if s.routeOf[v] >= 0 {
				continue
			}
			u := p.pairOf[v]
			for k := range s.routes {
				for at := 0; at <= s.routes[k].size(); at++ {
					if u < 0 {
						try(slot{k: int32(k), v: v, at: at})
						continue
					}
					if s.routeOf[u] >= 0 || u < v {
						continue
					}
					for k2 := range s.routes {
						if k2 != k {
							try(slot{k: int32(k), v: v, at: at}, slot{k: int32(k2), v: u, at: s.routes[k2].size() / 2})
						}
					}
				}
			}
		}
	}
	t.Logf("%d insertions checked, %d of linked visits, %d moving a break", checked, linked, moved)
	if checked < 200 || linked < 20 || breaks && moved < 20 {
		t.Fatalf("only %d insertions checked, %d of linked visits, %d moving a break", checked, linked, moved)
	}
}

func TestSolveRichIsFeasible(t *testing.T) {
	delayed := 0
	for _, kind := range richKinds {
		for seed := int64(1); seed <= 6; seed++ {
			p := kind.make(t, seed, 60, 6)
			sol, err := Solve(context.Background(), p, Options{Iterations: 300, Seed: seed, Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Check(sol); err != nil {
				t.Fatalf("%s seed %d: %v", kind.name, seed, err)
			}
			paired := 0
			for _, l := range p.Links {
				if l.Pair && !contains(sol.Unassigned, l.From) {
					paired++
				}
			}
			if paired == 0 || sol.Lateness == 0 {
				t.Fatalf("%s seed %d: %d pairs served, lateness %d: the rules do not bind", kind.name, seed, paired, sol.Lateness)
			}
			if p.breaks && checkBreaksPlaced(t, p, sol) {
				delayed++
			}
		}
	}
	if delayed == 0 {
		t.Error("no break delays a visit: the breaks do not bind")
	}
}

// checkBreaksPlaced checks, by hand from Schedule's starts, that every
// route of a vehicle with a break holds it between two stops inside its
// window, and reports whether some route's break delays a visit.
func checkBreaksPlaced(t *testing.T, p *Problem, sol *Solution) bool {
	t.Helper()
	starts, err := p.Schedule(sol.Routes)
	if err != nil {
		t.Fatal(err)
	}
	delayed := false
	for k, r := range sol.Routes {
		veh := &p.Vehicles[k]
		if veh.Break.Duration == 0 || len(r) == 0 {
			continue
		}
		_, g, _, _ := p.breakPlan(k, r)
		free, at := veh.Earliest, int32(veh.Start)
		if g > 0 {
			free, at = starts[r[g-1]]+p.dur[r[g-1]], p.loc[r[g-1]]
		}
		bs := max(free, veh.Break.Window.Start)
		if bs > veh.Break.Window.End {
			t.Errorf("vehicle %d: break after %d visits starts at %d, after its window %v", k, g, bs, veh.Break.Window)
		}
		next, back := int32(veh.End), veh.Latest
		if g < len(r) {
			next, back = p.loc[r[g]], starts[r[g]]
		}
		if arrive := bs + veh.Break.Duration + p.travel(k, at, next); arrive > back {
			t.Errorf("vehicle %d: after its break at %d it arrives at %d, after %d", k, bs, arrive, back)
		} else if g < len(r) && arrive == back && bs+p.travel(k, at, next) < back {
			delayed = true
		}
	}
	return delayed
}

func TestRichMoveLoopDoesNotAllocate(t *testing.T) {
	for _, kind := range richKinds {
		p := kind.make(t, 3, 80, 6)
		s := walkedState(t, p, 100)
		checkNoAllocs(t, s, 10)
	}
}

func TestCheckCatchesBrokenLinks(t *testing.T) {
	p := richProblem(t, 2, 40, 5)
	sol, err := Solve(context.Background(), p, Options{Iterations: 200, Seed: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	var pair Link
	for _, l := range p.Links {
		if l.Pair && !contains(sol.Unassigned, l.From) {
			pair = l
			break
		}
	}
	if pair.To == 0 {
		t.Fatal("no served pair to break")
	}
	tests := []struct {
		name   string
		break_ func(*Solution)
	}{
		{"half a pair unassigned", func(s *Solution) {
			for k, r := range s.Routes {
				s.Routes[k] = remove(r, pair.To)
			}
			s.Unassigned = append(s.Unassigned, pair.To)
		}},
		{"both halves on one vehicle", func(s *Solution) {
			for k, r := range s.Routes {
				if contains(r, pair.From) {
					s.Routes[k] = append(r, pair.To)
				} else {
					s.Routes[k] = remove(r, pair.To)
				}
			}
		}},
		{"lateness misreported", func(s *Solution) { s.Lateness++; s.Cost++ }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := &Solution{}
			copySolution(bad, sol)
			tt.break_(bad)
			if err := p.Check(bad); err == nil {
				t.Fatal("Check accepted a broken solution")
			}
		})
	}
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func remove(s []int, v int) []int {
	out := []int{}
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// TestLateFloorsBoundTrialInserts checks that the cheap lateness bounds
// that screen insertions never exceed the propagated lateness change, for
// single visits at every position and for pairs at their candidate
// positions, and that they are often above zero; with breaks, for the
// insertions that keep every visit on its side of its route's break
// (the others may lower the lateness), and the time screen for all.
func TestLateFloorsBoundTrialInserts(t *testing.T) {
	for _, kind := range richKinds {
		t.Run(kind.name, func(t *testing.T) { testLateFloors(t, kind.make) })
	}
}

func testLateFloors(t *testing.T, mk func(testing.TB, int64, int, int) *Problem) {
	singles, pairs, positive := 0, 0, 0
	for seed := int64(1); seed <= 4; seed++ {
		p := mk(t, seed, 40, 5)
		s := walkedState(t, p, 100)
		w := newScratch(p)
		for _, l := range p.Links {
			v, u := int32(l.From), int32(l.To)
			if !l.Pair || s.routeOf[v] < 0 || s.routeOf[u] < 0 {
				continue
			}
			s.begin()
			s.detach(v)
			s.detach(u)
			s.settle()
			ca, cb := s.pairCands(w, nil, v), s.pairCands(w, nil, u)
			for i := range ca {
				for j := range cb {
					if ca[i].k == cb[j].k {
						continue
					}
					late, ok := s.trialInsert(math.MaxInt64, slot{k: ca[i].k, v: v, at: ca[i].pos - 1}, slot{k: cb[j].k, v: u, at: cb[j].pos - 1})
					if !ok {
						continue
					}
					a, b := slot{k: ca[i].k, v: v, at: ca[i].pos - 1}, slot{k: cb[j].k, v: u, at: cb[j].pos - 1}
					if movesBreak(s, a) || movesBreak(s, b) {
						continue
					}
					floor := s.pairLateFloor(&l, v, u, &ca[i], &cb[j])
					if floor > late {
						t.Fatalf("seed %d pair %d,%d: floor %d above lateness change %d", seed, v, u, floor, late)
					}
					pairs++
					if floor > 0 {
						positive++
					}
				}
			}
			s.rollback()
		}
		for v := int32(0); v < int32(p.NumVisits()); v++ {
			if s.routeOf[v] >= 0 || p.pairOf[v] >= 0 {
				continue
			}
			for k := int32(0); k < int32(len(s.routes)); k++ {
				r := &s.routes[k]
				for at := 0; at <= r.size(); at++ {
					late, ok := s.trialInsert(math.MaxInt64, slot{k: k, v: v, at: at})
					tav := p.travel(int(k), r.lc[at], p.loc[v])
					st, fits := p.earliestStart(v, s.readyAt(k, at, r.es[at]+r.du[at])+tav)
					if ok && !fits {
						t.Fatalf("seed %d visit %d at %d of route %d: screened out but fits", seed, v, at, k)
					}
					if !ok || movesBreak(s, slot{k: k, v: v, at: at}) {
						continue
					}
					if floor := s.lateFloorCost(v, k, at, st); floor > late {
						t.Fatalf("seed %d visit %d at %d of route %d: floor %d above lateness change %d", seed, v, at, k, floor, late)
					} else if floor > 0 {
						positive++
					}
					singles++
				}
			}
		}
	}
	if singles < 50 || pairs < 20 || positive < 20 {
		t.Fatalf("only %d single and %d pair insertions checked, %d with a positive floor", singles, pairs, positive)
	}
}

// movesBreak reports whether the insertion moves its route's break across
// visits.
func movesBreak(s *state, in slot) bool {
	r := &s.routes[in.k]
	return r.gap >= 0 && !gapKept(int(r.gap), s.trialGap(in), in.at)
}
