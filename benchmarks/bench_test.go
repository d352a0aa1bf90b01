package benchmarks

import (
	"context"
	"testing"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// BenchmarkSolomon solves a few Solomon instances, one per family, for one
// second on one thread and reports the gap to the distance-only best known.
func BenchmarkSolomon(b *testing.B) {
	dir := solomonDir(b)
	for _, name := range []string{"c101", "c201", "r101", "r201", "rc101", "rc201"} {
		b.Run(name, func(b *testing.B) {
			var gap, unassigned float64
			for i := 0; i < b.N; i++ {
				res, err := RunSolomon(context.Background(), dir, b.TempDir(), SolomonOptions{
					Solver:    solver.Options{TimeLimit: time.Second, Seed: int64(i + 1), Threads: 1},
					Instances: []string{name},
				})
				if err != nil {
					b.Fatal(err)
				}
				gap += res[0].Gap
				unassigned += float64(res[0].Unassigned)
			}
			b.ReportMetric(gap/float64(b.N), "gap%")
			b.ReportMetric(unassigned/float64(b.N), "unassigned")
		})
	}
}

// BenchmarkCareScale builds generated care days of growing size (fixture
// and travel matrix outside the timer), then measures the first roster
// (regret construction and local search) and the time per ruin-and-
// recreate iteration on one thread.
func BenchmarkCareScale(b *testing.B) {
	sizes := []struct {
		name string
		cfg  fixtures.Config
	}{
		{"borough-900", fixtures.Borough},
		{"area-6000", fixtures.Area},
		{"double-area-12000", fixtures.Config{Boroughs: fixtures.Area.Boroughs, Workers: 1000, Visits: 12000}},
	}
	for _, size := range sizes {
		b.Run(size.name, func(b *testing.B) {
			req, err := fixtures.Generate(size.cfg)
			if err != nil {
				b.Fatalf("fixture: %v", err)
			}
			p, err := solver.Build(context.Background(), req, geo.Haversine{})
			if err != nil {
				b.Fatal(err)
			}
			const iterations = 2000
			b.ResetTimer()
			var first, perIter, unassigned float64
			for i := 0; i < b.N; i++ {
				var firstAt time.Duration
				begin := time.Now()
				sol, err := solver.Solve(context.Background(), p, solver.Options{Iterations: iterations, Seed: int64(i), Threads: 1,
					Progress: func(pr solver.Progress) {
						if firstAt == 0 {
							firstAt = pr.Elapsed
						}
					}})
				if err != nil {
					b.Fatal(err)
				}
				total := time.Since(begin)
				first += firstAt.Seconds()
				perIter += float64((total - firstAt).Microseconds()) / iterations
				unassigned += float64(len(sol.Unassigned))
			}
			b.ReportMetric(first/float64(b.N), "s-first-roster")
			b.ReportMetric(perIter/float64(b.N), "µs/iteration")
			b.ReportMetric(unassigned/float64(b.N), "unassigned")
		})
	}
}

// BenchmarkBoroughWithCareRules plans generated borough requests (80
// workers) with the care rules switched on: a tenth of reablement clients
// need two workers, medication prompts are linked 4-6 hours apart, clients
// have preferred workers and long shifts get a lunch break. It plans a day
// (900 visits) for 10 s and a week (about 4,300 visits) for 30 s, on one
// thread, checks each roster with the independent validator and reports
// coverage, travel, continuity (the mean number of different workers a
// client with two or more visits sees, and the share of visits made by a
// preferred worker) and time.
func BenchmarkBoroughWithCareRules(b *testing.B) {
	for _, h := range []struct {
		name    string
		days    int
		seconds float64
	}{{"day", 1, 10}, {"week", 7, 30}} {
		b.Run(h.name, func(b *testing.B) {
			cfg := fixtures.Borough
			cfg.Days = h.days
			cfg.DoubleHanded = 0.1
			cfg.LinkedMedication = true
			cfg.Preferences = true
			req, err := fixtures.Generate(cfg)
			if err != nil {
				b.Fatal(err)
			}
			req.Options = rounds.Options{TimeLimitSeconds: h.seconds, Threads: 1, Break: &rounds.BreakRule{}}
			b.ResetTimer()
			var coverage, travelH, distinct, preferred, seconds float64
			for i := 0; i < b.N; i++ {
				req.Options.Seed = int64(i + 1)
				begin := time.Now()
				ro, err := (&solver.Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
				if err != nil {
					b.Fatal(err)
				}
				seconds += time.Since(begin).Seconds()
				viol, err := validate.Roster(context.Background(), req, ro, geo.Haversine{})
				if err != nil || len(viol) > 0 {
					b.Fatalf("validator: %v %v", err, viol)
				}
				coverage += 100 * float64(ro.Totals.Assigned) / float64(ro.Totals.Visits)
				travelH += float64(ro.Totals.TravelSeconds) / 3600
				distinct += ro.Totals.MeanDistinctWorkers
				preferred += 100 * ro.Totals.PreferredShare
			}
			n := float64(b.N)
			b.ReportMetric(coverage/n, "coverage%")
			b.ReportMetric(travelH/n, "travel-h")
			b.ReportMetric(distinct/n, "workers/client")
			b.ReportMetric(preferred/n, "preferred%")
			b.ReportMetric(seconds/n, "s/plan")
		})
	}
}
