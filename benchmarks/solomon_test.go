package benchmarks

import (
	"context"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/solver"
)

// solomonDir returns the shared Solomon folder; it skips the test when the
// folder is absent, unless CI is set.
func solomonDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "benchdata", "solomon")
	if _, err := os.Stat(filepath.Join(dir, "r101.txt")); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("Solomon data missing: %v", err)
		}
		tb.Skipf("Solomon data missing: %v", err)
	}
	return dir
}

func TestSolomonQuality(t *testing.T) {
	dir := solomonDir(t)
	iterations := 20000
	if testing.Short() {
		iterations = 5000
	}
	res, err := RunSolomon(context.Background(), dir, t.TempDir(), SolomonOptions{
		Solver:    solver.Options{Iterations: iterations, Seed: 1, Threads: 1},
		Instances: []string{"c101", "r101"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		t.Run(r.Instance, func(t *testing.T) {
			if r.BestKnown == 0 || r.Unassigned > 0 || r.Gap > 2 {
				t.Fatalf("cost %.1f, best known %.1f, gap %.2f%%, unassigned %d; want gap under 2%%", r.Cost, r.BestKnown, r.Gap, r.Unassigned)
			}
		})
	}
}

func TestSolomonSolutionsPassTheIndependentChecker(t *testing.T) {
	dir := solomonDir(t)
	checker := filepath.Join(dir, "..", "..", "tools", "vrptw_check.py")
	out := t.TempDir()
	names := []string{"r102", "rc105", "c201"}
	res, err := RunSolomon(context.Background(), dir, out, SolomonOptions{
		Solver:    solver.Options{Iterations: 2000, Seed: 7, Threads: 1},
		Instances: names,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(names) {
		t.Fatalf("%d results for %d instances", len(res), len(names))
	}
	for _, r := range res {
		t.Run(r.Instance, func(t *testing.T) {
			var got struct {
				Feasible   bool     `json:"feasible"`
				Vehicles   int      `json:"vehicles"`
				Dimacs     float64  `json:"dimacs"`
				Violations []string `json:"violations"`
			}
			runChecker(t, checker, &got, "--dimacs", filepath.Join(dir, r.Instance+".txt"), filepath.Join(out, r.Instance+".sol"))
			if !got.Feasible || got.Vehicles != r.Vehicles || math.Abs(got.Dimacs-r.Cost) > 0.05 {
				t.Fatalf("checker says %+v; we reported %d vehicles, cost %.1f", got, r.Vehicles, r.Cost)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(out, "results.csv")); err != nil {
		t.Fatal(err)
	}
}

// TestRandomInstancesAreSolvedFeasibly solves seeded random Solomon-like
// instances and checks each solution with an evaluator written here from
// the instance itself, not from the solver's matrices or caches.
func TestRandomInstancesAreSolvedFeasibly(t *testing.T) {
	for seed := int64(1); seed <= 25; seed++ {
		inst := randomSolomon(seed, 40)
		p, err := SolomonProblem(inst)
		if err != nil {
			t.Fatal(err)
		}
		sol, err := solver.Solve(context.Background(), p, solver.Options{Iterations: 400, Seed: seed, Threads: 1 + int(seed%2)})
		if err != nil {
			t.Fatal(err)
		}
		cost := evaluateSolomon(t, inst, sol)
		if cost != sol.Travel {
			t.Fatalf("seed %d: solver says travel %d, evaluator %d", seed, sol.Travel, cost)
		}
	}
}

// randomSolomon returns an instance with clustered and random customers,
// tight and loose windows and a capacity that binds.
func randomSolomon(seed int64, n int) *fixtures.Solomon {
	rng := rand.New(rand.NewSource(seed))
	s := &fixtures.Solomon{Name: "random", Vehicles: 25, Capacity: 60 + rng.Intn(100),
		Depot: fixtures.SolomonNode{X: 50, Y: 50, Due: 300 + rng.Intn(700)}}
	for i := 1; i <= n; i++ {
		x, y := rng.Intn(101), rng.Intn(101)
		d := int(math.Hypot(float64(x-50), float64(y-50)))
		ready := d + rng.Intn(max(1, s.Depot.Due-2*d-20))
		due := ready + rng.Intn(120)
		s.Customers = append(s.Customers, fixtures.SolomonNode{ID: i, X: x, Y: y, Demand: 1 + rng.Intn(30),
			Ready: ready, Due: due, Service: rng.Intn(20)})
	}
	return s
}

// evaluateSolomon checks sol against inst in the DIMACS convention and
// returns its distance in tenths. Unassigned customers are an error unless
// no single-customer route can serve them.
func evaluateSolomon(tb testing.TB, inst *fixtures.Solomon, sol *solver.Solution) int64 {
	tb.Helper()
	nodes := append([]fixtures.SolomonNode{inst.Depot}, inst.Customers...)
	dist := func(a, b int) int64 {
		return int64(math.Floor(10 * math.Sqrt(float64((nodes[a].X-nodes[b].X)*(nodes[a].X-nodes[b].X)+(nodes[a].Y-nodes[b].Y)*(nodes[a].Y-nodes[b].Y)))))
	}
	served := make([]int, len(nodes))
	var total int64
	used := 0
	for _, r := range sol.Routes {
		if len(r) == 0 {
			continue
		}
		used++
		var t, load int64
		prev := 0
		for _, v := range r {
			c := v + 1
			served[c]++
			t = max(t+dist(prev, c), int64(10*nodes[c].Ready))
			if t > int64(10*nodes[c].Due) {
				tb.Fatalf("customer %d starts at %d after %d", c, t, 10*nodes[c].Due)
			}
			t += int64(10 * nodes[c].Service)
			load += int64(nodes[c].Demand)
			total += dist(prev, c)
			prev = c
		}
		total += dist(prev, 0)
		if t+dist(prev, 0) > int64(10*inst.Depot.Due) {
			tb.Fatalf("route back at %d after %d", t+dist(prev, 0), 10*inst.Depot.Due)
		}
		if load > int64(inst.Capacity) {
			tb.Fatalf("route load %d over %d", load, inst.Capacity)
		}
	}
	if used > inst.Vehicles {
		tb.Fatalf("%d routes over the fleet of %d", used, inst.Vehicles)
	}
	for _, v := range sol.Unassigned {
		c := v + 1
		served[c]++
		alone := max(dist(0, c), int64(10*nodes[c].Ready)) <= int64(10*nodes[c].Due) &&
			max(dist(0, c), int64(10*nodes[c].Ready))+int64(10*nodes[c].Service)+dist(c, 0) <= int64(10*inst.Depot.Due) &&
			nodes[c].Demand <= inst.Capacity
		if alone {
			tb.Fatalf("customer %d left unassigned though a route of its own serves it", c)
		}
	}
	for c := 1; c < len(nodes); c++ {
		if served[c] != 1 {
			tb.Fatalf("customer %d appears %d times", c, served[c])
		}
	}
	return total
}
