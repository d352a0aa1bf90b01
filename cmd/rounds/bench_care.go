package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/roundsdev/rounds/benchmarks"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/solver"
)

func benchCare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench care", "bench care [flags]", stderr)
	size := fs.String("size", "borough", "generated team size: "+strings.Join(fixtures.SizeNames, ", "))
	days := fs.Int("days", 1, "days in the horizon")
	fixtureSeed := fs.Int64("fixture-seed", 1, "seed of the generated day")
	seedList := fs.String("seeds", "1,2,3,4,5", "comma-separated solver seeds, one solve each")
	limit := fs.Duration("time", 0, "time limit per solve (default 10s unless -iterations is set)")
	iterations := fs.Int("iterations", 0, "iteration limit per solve and thread (reproducible)")
	threads := fs.Int("threads", 0, "parallel searches (0: one per core)")
	travel := travelFlags(fs)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	cfg, err := fixtures.SizeByName(*size)
	if err != nil {
		return usageError{err.Error()}
	}
	cfg.Days, cfg.Seed = *days, *fixtureSeed
	var seeds []int64
	for _, s := range strings.Split(*seedList, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return usagef("-seeds %q: %q is not a number", *seedList, s)
		}
		seeds = append(seeds, n)
	}
	src, err := travel.source()
	if err != nil {
		return err
	}
	opt := benchmarks.CareOptions{
		Config: cfg, Seeds: seeds, Source: src, Log: stderr,
		Solver: solver.Options{TimeLimit: *limit, Iterations: *iterations, Threads: *threads},
	}
	if *limit == 0 && *iterations == 0 {
		opt.Solver.TimeLimit = solver.DefaultTimeLimit
	}
	results, err := benchmarks.RunCare(ctx, opt)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "seed\tworkers\tvisits\tbuild s\tfirst roster s\tfirst cost\tcost\ttravel min\tunassigned\tseconds\tviolations\t")
	var costs []float64
	for _, r := range results {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.2f\t%.2f\t%d\t%d\t%d\t%d\t%.1f\t%d\t\n", r.Seed, r.Workers, r.Visits, r.Build.Seconds(),
			r.First.Seconds(), r.FirstCost, r.Cost, r.TravelSeconds/60, r.Unassigned, r.Seconds, r.Violations)
		costs = append(costs, float64(r.Cost))
	}
	tw.Flush()
	if len(costs) > 1 {
		mean, worst := spread(costs)
		fmt.Fprintf(stdout, "cost over %d solver seeds: mean %.0f, worst %.0f (%.2f%% above the mean)\n", len(costs), mean, worst, 100*(worst-mean)/mean)
	}
	return nil
}

// spread returns the mean and the largest of xs.
func spread(xs []float64) (mean, worst float64) {
	worst = math.Inf(-1)
	for _, x := range xs {
		mean += x
		worst = max(worst, x)
	}
	return mean / float64(len(xs)), worst
}
