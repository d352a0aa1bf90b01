package benchmarks

import (
	"context"
	"fmt"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// TestGeneratedRostersPassTheValidator plans generated days of several
// sizes, seeds and horizons and checks every roster with the independent
// validator: no rule broken, every visit served once or unassigned with a
// reason.
func TestGeneratedRostersPassTheValidator(t *testing.T) {
	type instance struct {
		cfg        fixtures.Config
		iterations int
	}
	var cases []instance
	for seed := int64(1); seed <= 6; seed++ {
		cfg := fixtures.Small
		cfg.Seed, cfg.Days = seed, 1+int(seed%3)
		cases = append(cases, instance{cfg, 3000})
	}
	for seed := int64(1); seed <= 2; seed++ {
		cfg := fixtures.Borough
		cfg.Seed = seed
		cfg.Boroughs = []string{[]string{"Westminster", "Hillingdon"}[seed-1]}
		cases = append(cases, instance{cfg, 1500})
	}
	if testing.Short() {
		cases = cases[:3]
	}
	src := geo.Haversine{}
	for _, c := range cases {
		name := fmt.Sprintf("%dw-%dv-%dd-seed%d", c.cfg.Workers, c.cfg.Visits, max(c.cfg.Days, 1), c.cfg.Seed)
		t.Run(name, func(t *testing.T) {
			req, err := fixtures.Generate(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			req.Options = rounds.Options{Iterations: c.iterations, Seed: c.cfg.Seed, Threads: 2}
			ro, err := (&solver.Planner{Source: src}).Plan(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			violations, err := validate.Roster(context.Background(), req, ro, src)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range violations {
				t.Error(v)
			}
			if ro.Totals.Assigned+ro.Totals.Unassigned != len(req.Visits) || ro.Totals.Assigned == 0 {
				t.Errorf("%d assigned + %d unassigned of %d visits", ro.Totals.Assigned, ro.Totals.Unassigned, len(req.Visits))
			}
		})
	}
}
