package solver

import (
	"context"
	"math"
	"math/rand"
	"reflect"
	"testing"
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
	for seed := int64(1); seed <= 6; seed++ {
		p := richProblem(t, seed, 50, 6)
		s := walkedState(t, p, 200)
		if s.broken {
			t.Fatalf("seed %d: state has no schedule", seed)
		}
		sol := solutionOf(s)
		want, err := p.Schedule(sol.Routes)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !reflect.DeepEqual(s.start, want) {
			t.Fatalf("seed %d: starts %v, from scratch %v", seed, s.start, want)
		}
		if err := p.Check(sol); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

// TestTrialInsertMatchesSchedule compares the propagated insertion of one
// visit, and of both halves of a pair, with a from-scratch schedule of
// the routes with the visits inserted, and checks that a trial bounded
// just above its lateness change gives the same answer and one bounded
// at it gives up.
func TestTrialInsertMatchesSchedule(t *testing.T) {
	checked, linked := 0, 0
	for seed := int64(1); seed <= 4; seed++ {
		p := richProblem(t, seed, 40, 5)
		s := walkedState(t, p, 100)
		sol := solutionOf(s)
		base := p.latenessCost(s.start)
		try := func(ins ...schedItem) {
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
		}
		for v := int32(0); v < int32(p.NumVisits()); v++ {
			if s.routeOf[v] >= 0 {
				continue
			}
			u := p.pairOf[v]
			for k := range s.routes {
				for at := 0; at <= s.routes[k].size(); at++ {
					if u < 0 {
						try(schedItem{k: int32(k), v: v, at: at})
						continue
					}
					if s.routeOf[u] >= 0 || u < v {
						continue
					}
					for k2 := range s.routes {
						if k2 != k {
							try(schedItem{k: int32(k), v: v, at: at}, schedItem{k: int32(k2), v: u, at: s.routes[k2].size() / 2})
						}
					}
				}
			}
		}
	}
	if checked < 200 || linked < 20 {
		t.Fatalf("only %d insertions checked, %d of linked visits", checked, linked)
	}
}

func TestSolveRichIsFeasible(t *testing.T) {
	for seed := int64(1); seed <= 6; seed++ {
		p := richProblem(t, seed, 60, 6)
		sol, err := Solve(context.Background(), p, Options{Iterations: 300, Seed: seed, Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Check(sol); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		paired := 0
		for _, l := range p.Links {
			if l.Pair && !contains(sol.Unassigned, l.From) {
				paired++
			}
		}
		if paired == 0 || sol.Lateness == 0 {
			t.Fatalf("seed %d: %d pairs served, lateness %d: the rules do not bind", seed, paired, sol.Lateness)
		}
	}
}

func TestRichMoveLoopDoesNotAllocate(t *testing.T) {
	p := richProblem(t, 3, 80, 6)
	s := walkedState(t, p, 100)
	checkNoAllocs(t, s, 10)
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
// positions, and that they are often above zero.
func TestLateFloorsBoundTrialInserts(t *testing.T) {
	singles, pairs, positive := 0, 0, 0
	for seed := int64(1); seed <= 4; seed++ {
		p := richProblem(t, seed, 40, 5)
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
					late, ok := s.trialInsert(math.MaxInt64, schedItem{k: ca[i].k, v: v, at: ca[i].pos - 1}, schedItem{k: cb[j].k, v: u, at: cb[j].pos - 1})
					if !ok {
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
					late, ok := s.trialInsert(math.MaxInt64, schedItem{k: k, v: v, at: at})
					tav := p.travel(int(k), r.lc[at], p.loc[v])
					st, fits := p.earliestStart(v, s.readyAt(k, at, r.es[at]+r.du[at])+tav)
					if ok && !fits {
						t.Fatalf("seed %d visit %d at %d of route %d: screened out but fits", seed, v, at, k)
					}
					if !ok {
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
