package benchmarks

import (
	"context"
	"testing"

	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/solver"
)

func TestRunCare(t *testing.T) {
	res, err := RunCare(context.Background(), CareOptions{
		Config: fixtures.Small,
		Seeds:  []int64{1, 2},
		Solver: solver.Options{Iterations: 500, Threads: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 {
		t.Fatalf("%d results, want 2", len(res))
	}
	for _, r := range res {
		if r.Violations != 0 {
			t.Errorf("seed %d: %d rules broken", r.Seed, r.Violations)
		}
		if r.First <= 0 || r.FirstCost < r.Cost {
			t.Errorf("seed %d: first roster at %v costing %d, final %d: the search made it worse or never reported", r.Seed, r.First, r.FirstCost, r.Cost)
		}
		if r.Visits != fixtures.Small.Visits || r.Unassigned >= r.Visits {
			t.Errorf("seed %d: %d visits, %d unassigned", r.Seed, r.Visits, r.Unassigned)
		}
	}
}
