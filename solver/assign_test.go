package solver

import (
	"context"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/roundsdev/rounds/geo"
)

// randomCareProblem is randomProblem with assignment costs: most visits
// prefer one or two vehicles, vehicles and visits belong to one of two
// networks, and crossing costs something.
func randomCareProblem(tb testing.TB, seed int64, visits, vehicles int) *Problem {
	tb.Helper()
	base := randomProblem(tb, seed, visits, vehicles)
	rng := rand.New(rand.NewSource(seed))
	vehs := slices.Clone(base.Vehicles)
	for k := range vehs {
		vehs[k].Network = k%2 + 1
	}
	vis := slices.Clone(base.Visits)
	for v := range vis {
		if rng.Intn(4) > 0 {
			vis[v].Preferred = []int{rng.Intn(vehicles), rng.Intn(vehicles)}
			vis[v].PreferenceMiss = int64(100 + rng.Intn(1000))
		}
		vis[v].Network = rng.Intn(3)
		vis[v].NetworkMiss = int64(rng.Intn(400))
	}
	p, err := NewProblem(base.Travel, vehs, vis)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// fromScratch returns the assignment cost of s's routes, visit by visit.
func fromScratch(s *state) int64 {
	var sum int64
	for k := range s.routes {
		for _, v := range s.routes[k].visits {
			sum += s.p.preferenceCost(int(v), k) + s.p.networkCost(int(v), k)
		}
	}
	return sum
}

func TestAssignmentCostsStayExactThroughTheSearch(t *testing.T) {
	for _, seed := range []int64{1, 2, 3, 4} {
		t.Run("", func(t *testing.T) {
			p := randomCareProblem(t, seed, 70, 6)
			if !p.assigns {
				t.Fatal("problem has no assignment costs")
			}
			s := newState(p)
			s.regret()
			rng := rand.New(rand.NewSource(seed))
			w := newScratch(p)
			order := make([]int32, 0, p.NumVisits())
			for i := 0; i < 300; i++ {
				s.ruinRecreate(rng, w)
				if rng.Intn(2) == 0 {
					s.rollback()
				}
				if i%50 == 0 {
					s.localSearch(rng, order, 0, time.Time{})
				}
				sol := solutionOf(s)
				if want := fromScratch(s); sol.Assignment != want {
					t.Fatalf("step %d: assignment %d, from scratch %d", i, sol.Assignment, want)
				}
				if err := p.Check(sol); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			if s.assignment() == 0 {
				t.Error("no assignment cost left at all: the test exercises nothing")
			}
		})
	}
}

func TestCareProblemMoveLoopDoesNotAllocate(t *testing.T) {
	p := randomCareProblem(t, 6, 80, 6)
	s := newState(p)
	s.regret()
	checkNoAllocs(t, s, 20)
}

// twoVans returns a problem with two identical vehicles at location 0 and
// one visit at location 1, with the given care costs.
func twoVans(tb testing.TB, nets [2]int, vis Visit) *Problem {
	tb.Helper()
	m := geo.NewMatrix(2)
	m.Set(0, 1, 100)
	m.Set(1, 0, 100)
	vehs := []Vehicle{{Latest: 10000, Network: nets[0]}, {Latest: 10000, Network: nets[1]}}
	vis.Location, vis.Duration, vis.Windows, vis.Penalty = 1, 60, []Window{{0, 5000}}, 1_000_000
	p, err := NewProblem([]geo.Matrix{m}, vehs, []Visit{vis})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestAssignmentCostsChooseTheVehicle(t *testing.T) {
	tests := []struct {
		name       string
		nets       [2]int
		vis        Visit
		vehicle    int
		assignment int64
	}{
		{"preferred second van", [2]int{}, Visit{Preferred: []int{1}, PreferenceMiss: 500}, 1, 0},
		{"own network", [2]int{2, 1}, Visit{Network: 1, NetworkMiss: 300}, 1, 0},
		{"miss the preference rather than cross", [2]int{2, 1}, Visit{Preferred: []int{0}, PreferenceMiss: 100, Network: 1, NetworkMiss: 300}, 1, 100},
		{"cross rather than miss the preference", [2]int{2, 1}, Visit{Preferred: []int{0}, PreferenceMiss: 400, Network: 1, NetworkMiss: 300}, 0, 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := twoVans(t, tt.nets, tt.vis)
			sol, err := Solve(context.Background(), p, Options{Iterations: 50, Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(sol.Routes[tt.vehicle]) != 1 || sol.Assignment != tt.assignment || sol.Cost != 200+tt.assignment {
				t.Errorf("routes %v, assignment %d, cost %d; want the visit on %d, assignment %d, cost %d",
					sol.Routes, sol.Assignment, sol.Cost, tt.vehicle, tt.assignment, 200+tt.assignment)
			}
		})
	}
}

func TestCheckRecomputesAssignment(t *testing.T) {
	p := twoVans(t, [2]int{}, Visit{Preferred: []int{1}, PreferenceMiss: 500})
	sol := &Solution{Routes: [][]int{{0}, nil}, Travel: 200, Cost: 200}
	if err := p.Check(sol); err == nil {
		t.Fatal("Check accepted a solution that leaves out its preference miss")
	}
	sol.Assignment, sol.Cost = 500, 700
	if err := p.Check(sol); err != nil {
		t.Fatal(err)
	}
}

func TestNewProblemRejectsBadCareInputs(t *testing.T) {
	tests := []struct {
		name string
		vis  Visit
	}{
		{"unknown preferred vehicle", Visit{Preferred: []int{2}, PreferenceMiss: 1}},
		{"negative preference miss", Visit{Preferred: []int{0}, PreferenceMiss: -1}},
		{"negative network miss", Visit{Network: 1, NetworkMiss: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := geo.NewMatrix(2)
			vis := tt.vis
			vis.Location, vis.Windows = 1, []Window{{0, 10}}
			if _, err := NewProblem([]geo.Matrix{m}, []Vehicle{{Latest: 100}, {Latest: 100}}, []Visit{vis}); err == nil {
				t.Error("NewProblem accepted it")
			}
		})
	}
}
