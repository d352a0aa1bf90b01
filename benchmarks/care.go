package benchmarks

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// CareOptions tune RunCare.
type CareOptions struct {
	// Config is the generated day (or horizon) to plan.
	Config fixtures.Config
	// Seeds lists the solver seeds to run on it, for the run-to-run
	// spread; empty means {1}.
	Seeds []int64
	// Solver options for each run; its Seed is replaced by each of Seeds.
	Solver solver.Options
	// Source gives the travel times; nil means geo.Haversine{}.
	Source geo.Source
	// Log, if set, receives one line per run.
	Log io.Writer
}

// CareResult is the outcome of planning one generated day.
type CareResult struct {
	Seed            int64
	Workers, Visits int
	// Build is the time to check the request and build its travel
	// matrices; First the time from then to the first roster (regret
	// construction and local search); FirstCost its cost.
	Build, First time.Duration
	FirstCost    int64
	// Cost, TravelSeconds and Unassigned describe the final roster;
	// Seconds is the whole run, Build included.
	Cost          int64
	TravelSeconds int
	Unassigned    int
	Seconds       float64
	Iterations    int64
	// Violations counts the rules the independent validator finds broken
	// in the final roster; it should be 0.
	Violations int
}

// RunCare generates a care day, plans it once per solver seed, checks each
// roster with the independent validator and reports time to the first
// roster, final cost, travel and coverage.
func RunCare(ctx context.Context, opt CareOptions) ([]CareResult, error) {
	seeds := opt.Seeds
	if len(seeds) == 0 {
		seeds = []int64{1}
	}
	src := opt.Source
	if src == nil {
		src = geo.Haversine{}
	}
	req, err := fixtures.Generate(opt.Config)
	if err != nil {
		return nil, err
	}
	var out []CareResult
	for _, seed := range seeds {
		begin := time.Now()
		p, err := solver.Build(ctx, req, src)
		if err != nil {
			return out, fmt.Errorf("seed %d: %w", seed, err)
		}
		res := CareResult{Seed: seed, Workers: len(req.Workers), Visits: len(req.Visits), Build: time.Since(begin)}
		so := opt.Solver
		so.Seed = seed
		so.Progress = func(pr solver.Progress) {
			if res.First == 0 {
				res.First, res.FirstCost = pr.Elapsed, pr.Cost
			}
		}
		sol, err := solver.Solve(ctx, p, so)
		if err != nil {
			return out, fmt.Errorf("seed %d: %w", seed, err)
		}
		res.Seconds = time.Since(begin).Seconds()
		roster, err := solver.Roster(p, sol)
		if err != nil {
			return out, fmt.Errorf("seed %d: %w", seed, err)
		}
		violations, err := validate.Roster(ctx, req, roster, src)
		if err != nil {
			return out, fmt.Errorf("seed %d: %w", seed, err)
		}
		res.Cost, res.Iterations = sol.Cost, sol.Iterations
		res.TravelSeconds, res.Unassigned = roster.Totals.TravelSeconds, roster.Totals.Unassigned
		res.Violations = len(violations)
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, "seed %-3d %d workers %d visits: build %.2fs, first roster %.2fs (cost %d), final cost %d, travel %d min, unassigned %d, %d iterations, %.1fs, %d violations\n",
				seed, res.Workers, res.Visits, res.Build.Seconds(), res.First.Seconds(), res.FirstCost, res.Cost,
				res.TravelSeconds/60, res.Unassigned, res.Iterations, res.Seconds, res.Violations)
		}
		out = append(out, res)
	}
	return out, nil
}
