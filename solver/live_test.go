package solver_test

import (
	"context"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// liveDay plans a generated borough day with every care rule.
func liveDay(t *testing.T) (*rounds.Request, *rounds.Roster) {
	t.Helper()
	cfg, err := fixtures.SizeByName("borough")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Seed, cfg.Load, cfg.DoubleHanded, cfg.LinkedMedication, cfg.Preferences = 1, 0.6, 0.1, true, true
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	req.Options.Break = &rounds.BreakRule{}
	req.Options.Iterations, req.Options.Seed, req.Options.Threads = 3000, 1, 1
	r, err := (&solver.Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return req, r
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
