package solver_test

import (
	"context"
	"github.com/roundsdev/rounds/benchmarks"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// liveDay plans a generated borough day with every care rule at 60% load
// (room for referrals), bounded by iterations.
func liveDay(t *testing.T) (*rounds.Request, *rounds.Roster) {
	t.Helper()
	d, err := benchmarks.NewLiveDay(context.Background(), benchmarks.LiveDayOptions{Size: "borough", Seed: 1, Load: 0.6, Iterations: 3000})
	if err != nil {
		t.Fatal(err)
	}
	return d.Request, d.Roster
}

// TestLiveDayAsPlanned: with no events, the rounds at 11:00 are frozen as
// planned, and the free rest re-timed from where each worker is gives a
// merged roster the validator accepts.
func TestLiveDayAsPlanned(t *testing.T) {
	req, r := liveDay(t)
	ctx := context.Background()
	date := r.Routes[0].Date
	s, err := rounds.LiveDay(req, r, date, nil, rounds.At(11, 0))
	if err != nil {
		t.Fatal(err)
	}
	frozen, free := 0, 0
	for _, lr := range s.Rounds {
		frozen += len(lr.Frozen)
		free += len(lr.Free)
	}
	if frozen == 0 || free == 0 {
		t.Fatalf("at 11:00: %d frozen, %d free stops", frozen, free)
	}
	merged, err := solver.LiveRoster(ctx, req, r, s, geo.Haversine{}, solver.FreeRounds(req, s))
	if err != nil {
		t.Fatal(err)
	}
	if merged.Totals.Cost != r.Totals.Cost {
		t.Errorf("the day re-timed as planned costs %d, the plan %d", merged.Totals.Cost, r.Totals.Cost)
	}
	if merged.Totals.Assigned != r.Totals.Assigned {
		t.Errorf("merged roster assigns %d visits, the plan %d", merged.Totals.Assigned, r.Totals.Assigned)
	}
	vs, err := validate.Roster(ctx, req, merged, geo.Haversine{})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if i < 10 {
			t.Errorf("violation: %v", v)
		}
	}
	t.Logf("frozen %d, free %d, cost plan %d merged %d, violations %d", frozen, free, r.Totals.Cost, merged.Totals.Cost, len(vs))
}
